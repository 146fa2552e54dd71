"""The phone's lockdown service (port 62078): values, a TLS session, and starting services.

Read-only by construction, like the Android scan's adb wrapper: :meth:`Lockdown.request`
refuses every request that is not on :data:`READ_ONLY_REQUESTS`, and :meth:`start_service`
refuses every service not on :data:`READ_ONLY_SERVICES`.  Lockdown can also set values,
remove pairings, enter recovery mode and more; none of that can be sent from here.  The one
request that changes the phone, ``Pair`` (the "Trust This Computer?" question), is sent only
by :mod:`safetycheck.iphone.pairing`, and only when the person asked for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from safetycheck.iphone.errors import (
    ForgottenError,
    IPhoneError,
    LockedError,
    NotReadOnlyError,
    NotReadyError,
    TrustDeniedError,
    UnpluggedError,
)
from safetycheck.iphone.text import message
from safetycheck.iphone.usbmux import MuxDevice, Usbmux
from safetycheck.iphone.wire import DEFAULT_TIMEOUT_SECONDS, Cancel, PlistSocket

LOCKDOWN_PORT = 62078
LOCKDOWN_TYPE = "com.apple.mobile.lockdown"

READ_ONLY_REQUESTS = frozenset(
    {"QueryType", "GetValue", "StartSession", "StopSession", "StartService"}
)
INSTALLATION_PROXY = "com.apple.mobile.installation_proxy"
MC_INSTALL = "com.apple.mobile.MCInstall"
MISAGENT = "com.apple.misagent"
READ_ONLY_SERVICES = frozenset({INSTALLATION_PROXY, MC_INSTALL, MISAGENT})


class PendingError(IPhoneError):
    """The phone is still showing "Trust This Computer?" (pairing only)."""

    def __init__(self) -> None:
        super().__init__(message("waiting"))


class LockdownRefusal(IPhoneError):
    """Lockdown answered with an error we have no plainer sentence for."""

    def __init__(self, code: str) -> None:
        super().__init__(message("refused").format(code=code))
        self.code = code


def raise_for_error(answer: Mapping[str, Any]) -> None:
    error = answer.get("Error")
    if error is None:
        return
    code = str(error)
    if code == "PasswordProtected":
        raise LockedError()
    if code in ("InvalidHostID", "InvalidPairRecord", "SessionInactive"):
        raise ForgottenError()
    if code == "UserDeniedPairing":
        raise TrustDeniedError()
    if code == "PairingDialogResponsePending":
        raise PendingError()
    raise LockdownRefusal(code)


class Lockdown:
    """One connection to a phone's lockdown service."""

    def __init__(
        self,
        mux: Usbmux,
        device: MuxDevice,
        work_dir: Path,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.mux = mux
        self.device = device
        self.work_dir = work_dir
        self.timeout = timeout
        self.cancel: Cancel = mux.cancel
        self.channel = PlistSocket(mux.connect(device, LOCKDOWN_PORT), self.cancel, timeout)
        self.session_id: str | None = None
        self._record: Mapping[str, Any] | None = None

    def close(self) -> None:
        if self.session_id is not None:
            try:
                self._send("StopSession", {"SessionID": self.session_id})
            except IPhoneError:
                pass
            self.session_id = None
        self.channel.close()

    def __enter__(self) -> Lockdown:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- requests ------------------------------------------------------------------------

    def _send(self, name: str, fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
        # No "Label": lockdown does not need one, and it would write our name into the
        # phone's logs.
        self.channel.send({"Request": name, **(fields or {})})
        answer = self.channel.recv()
        raise_for_error(answer)
        return answer

    def request(self, name: str, fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if name not in READ_ONLY_REQUESTS:
            raise NotReadOnlyError(message("not_read_only").format(what=name))
        return self._send(name, fields)

    def ask_to_trust(self, pair_request: Mapping[str, Any]) -> dict[str, Any]:
        """Send ``Pair``: the phone shows "Trust This Computer?".  The one write we make.

        Only :func:`safetycheck.iphone.pairing.pair` calls this, after the person asked.
        """
        return self._send("Pair", pair_request)

    def query_type(self) -> None:
        answer = self.request("QueryType")
        if answer.get("Type") != LOCKDOWN_TYPE:
            raise NotReadyError()

    def get_value(self, domain: str | None = None, key: str | None = None) -> Any:
        """One value (or a whole domain); ``None`` when the phone has none to give."""
        fields: dict[str, Any] = {}
        if domain:
            fields["Domain"] = domain
        if key:
            fields["Key"] = key
        try:
            answer = self.request("GetValue", fields)
        except LockdownRefusal as exc:
            if exc.code in ("MissingValue", "GetProhibited", "InvalidDomain"):
                return None
            raise
        return answer.get("Value")

    def start_session(self, record: Mapping[str, Any], system_buid: str) -> None:
        """Open a TLS session with the pair record; raises ForgottenError if it is refused."""
        answer = self.request(
            "StartSession",
            {"HostID": record["HostID"], "SystemBUID": record.get("SystemBUID", system_buid)},
        )
        self.session_id = str(answer.get("SessionID", ""))
        self._record = record
        if answer.get("EnableSessionSSL"):
            try:
                self.channel.start_tls(
                    record["HostCertificate"], record["HostPrivateKey"], self.work_dir
                )
            except UnpluggedError as exc:
                # A phone that has forgotten this computer drops the handshake.
                self.cancel.check()
                raise ForgottenError() from exc

    def start_service(self, name: str, timeout: float | None = None) -> PlistSocket:
        """Start a read-only service and connect to it (with TLS when the phone asks)."""
        if name not in READ_ONLY_SERVICES:
            raise NotReadOnlyError(message("not_read_only").format(what=name))
        if self._record is None:
            raise ForgottenError()
        answer = self.request("StartService", {"Service": name})
        port = answer.get("Port")
        if not isinstance(port, int):
            raise LockdownRefusal("NoPort")
        channel = PlistSocket(
            self.mux.connect(self.device, port), self.cancel, timeout or self.timeout
        )
        if answer.get("EnableServiceSSL"):
            try:
                channel.start_tls(
                    self._record["HostCertificate"], self._record["HostPrivateKey"], self.work_dir
                )
            except BaseException:
                channel.close()
                raise
        return channel
