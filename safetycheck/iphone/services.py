"""The three services a scan asks, each limited to the requests that only read.

- ``com.apple.mobile.installation_proxy``: ``Browse`` lists every app (``ApplicationType``
  ``Any`` with ``ShowLaunchProhibitedApps``, so hidden and launch-prohibited apps too), in
  chunks, until ``Status`` is ``Complete``.  The same service installs and removes apps;
  only ``Browse`` can be sent from here.
- ``com.apple.mobile.MCInstall``: ``GetProfileList`` (configuration profiles) and
  ``GetCloudConfiguration`` (supervision and automated enrolment).  The same service can
  install or remove profiles and even erase the phone; only those two can be sent.
- ``com.apple.misagent``: ``CopyAll`` of ``Provisioning`` profiles (signed files that let
  apps from outside the App Store run).  ``Install`` and ``Remove`` cannot be sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safetycheck.iphone.errors import NotReadOnlyError, UnpluggedError
from safetycheck.iphone.lockdown import INSTALLATION_PROXY, MC_INSTALL, MISAGENT
from safetycheck.iphone.text import message
from safetycheck.iphone.wire import PlistSocket

# (service, the field that names the operation, the operations that only read)
READ_ONLY_OPERATIONS: dict[str, tuple[str, frozenset[str]]] = {
    INSTALLATION_PROXY: ("Command", frozenset({"Browse"})),
    MC_INSTALL: ("RequestType", frozenset({"GetProfileList", "GetCloudConfiguration"})),
    MISAGENT: ("MessageType", frozenset({"CopyAll"})),
}

# What we ask installation_proxy to return for each app (the rest of Info.plist is left out:
# it would make the answer several times bigger and holds nothing the scan uses).
APP_ATTRIBUTES = [
    "CFBundleIdentifier",
    "CFBundleDisplayName",
    "CFBundleName",
    "CFBundleShortVersionString",
    "ApplicationType",
    "SignerIdentity",
    "ProfileValidated",
    "SBAppTags",
    "Entitlements",
    "IsAppClip",
]
MAX_BROWSE_MESSAGES = 10_000  # a phone with 5,000 apps sends a few hundred chunks
# The first chunk comes only after the phone has listed its apps: allow it twice the time.
BROWSE_TIMEOUT_FACTOR = 2.0


def send_read_only(channel: PlistSocket, service: str, request: Mapping[str, Any]) -> None:
    field, allowed = READ_ONLY_OPERATIONS[service]
    operation = request.get(field)
    if operation not in allowed:
        raise NotReadOnlyError(message("not_read_only").format(what=f"{operation} ({service})"))
    channel.send(request)


def browse_apps(channel: PlistSocket, timeout: float) -> list[dict[str, Any]]:
    """Every answer message of one ``Browse``, in order (parsing is done elsewhere)."""
    send_read_only(
        channel,
        INSTALLATION_PROXY,
        {
            "Command": "Browse",
            "ClientOptions": {
                "ApplicationType": "Any",
                "ShowLaunchProhibitedApps": True,
                "ReturnAttributes": APP_ATTRIBUTES,
            },
        },
    )
    answers: list[dict[str, Any]] = []
    for _ in range(MAX_BROWSE_MESSAGES):
        answer = channel.recv(timeout=timeout * BROWSE_TIMEOUT_FACTOR)
        answers.append(answer)
        if answer.get("Status") == "Complete" or "Error" in answer:
            return answers
    raise UnpluggedError()


def profile_list(channel: PlistSocket) -> dict[str, Any]:
    send_read_only(channel, MC_INSTALL, {"RequestType": "GetProfileList"})
    return channel.recv()


def cloud_configuration(channel: PlistSocket) -> dict[str, Any]:
    send_read_only(channel, MC_INSTALL, {"RequestType": "GetCloudConfiguration"})
    return channel.recv()


def provisioning_profiles(channel: PlistSocket) -> dict[str, Any]:
    send_read_only(channel, MISAGENT, {"MessageType": "CopyAll", "ProfileType": "Provisioning"})
    return channel.recv()
