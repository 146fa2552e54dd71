"""What can go wrong while reading an iPhone, each as one sentence the person can act on.

The sentences live in ``assets/iphone/scan.toml`` (``[messages]``); each class names the
situation so that the interface and the command line can offer the right next step (choose a
phone, ask for trust, install the USB helper) without reading the words.
"""

from __future__ import annotations

from safetycheck.iphone.text import link_guidance, message


class IPhoneError(Exception):
    """A problem reading an iPhone; ``str()`` is one plain sentence."""

    key = ""

    def __init__(self, text: str | None = None) -> None:
        super().__init__(text if text is not None else message(self.key))


class LinkMissingError(IPhoneError):
    """This computer has no USB helper for iPhones (usbmuxd, Apple Mobile Device Service)."""

    def __init__(self, text: str, platform: str | None = None) -> None:
        super().__init__(text)
        self.platform = platform
        self.guidance = link_guidance(platform)


class LinkBrokenError(IPhoneError):
    key = "link_broken"


class NoPhoneError(IPhoneError):
    key = "no_phone"


class SeveralPhonesError(IPhoneError):
    key = "several"


class NotTrustedError(IPhoneError):
    key = "not_trusted"


class ForgottenError(NotTrustedError):
    """We have a record, but the phone no longer accepts it (reset, or trust removed)."""

    key = "forgotten"


class KeyLockedError(IPhoneError):
    """Our pair record is sealed, and this folder was opened without its keys."""

    key = "key_locked"


class KeyOtherPassphraseError(KeyLockedError):
    """Our pair record was sealed under keys this folder does not hold (copied in)."""

    key = "key_other_passphrase"


class TrustDeniedError(IPhoneError):
    key = "denied"


class TrustTimeoutError(IPhoneError):
    key = "trust_timeout"


class LockedError(IPhoneError):
    key = "locked"


class UnpluggedError(IPhoneError):
    key = "unplugged"


class NoAnswerError(IPhoneError):
    key = "no_answer"


class CancelledError(IPhoneError):
    key = "cancelled"


class TooLongError(NoAnswerError):
    """The whole reading passed its deadline (each wait was short, but there were many)."""

    key = "too_long"


class NotReadyError(IPhoneError):
    key = "not_ready"


class NotReadOnlyError(IPhoneError):
    """A request that could change the phone was about to be sent; it was not."""
