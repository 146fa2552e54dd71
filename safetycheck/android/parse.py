"""Turn the text that ``adb`` and the phone's shell commands print into plain records.

Pure functions over strings, so each is tested against recorded real outputs.  The
formats come from AOSP's sources (PackageManagerShellCommand, AppOpsService,
DevicePolicyManagerService, adb's ``devices -l``) and from published dumps; each
function says which.  Parsers never raise on odd lines: phones from different makers
print slightly different things, and an odd line is skipped, not fatal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Device:
    serial: str
    state: str  # "device", "unauthorized", "offline", "no permissions", ...
    details: dict[str, str] = field(default_factory=dict)  # usb, product, model, device...

    @property
    def model(self) -> str:
        return self.details.get("model", "").replace("_", " ")

    @property
    def ready(self) -> bool:
        return self.state == "device"


@dataclass
class PackageRecord:
    name: str
    path: str = ""
    installer: str | None = None  # None: the phone reports no installer ("null")
    uid: int | None = None


@dataclass
class DevicePolicy:
    admins: list[str] = field(default_factory=list)  # components, "pkg/.Receiver"
    device_owner: str | None = None  # package
    profile_owners: list[str] = field(default_factory=list)  # packages

    @property
    def admin_packages(self) -> list[str]:
        return _unique(component_package(c) for c in self.admins)


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


def component_package(component: str) -> str:
    """``com.x/.Service`` or ``ComponentInfo{com.x/com.x.Service}`` -> ``com.x``."""
    text = component.strip()
    if text.startswith("ComponentInfo{"):
        text = text[len("ComponentInfo{") :].rstrip("}")
    return text.split("/", 1)[0].strip()


# -- adb devices -l ---------------------------------------------------------------------
# "SERIAL<spaces or tab>STATE key:value key:value"; the state may contain a space
# ("no permissions (...)"), and the daemon prints "* daemon ..." lines on first start.

_DEVICE_LINE = re.compile(r"^(\S+)\s+(.*)$")
_KNOWN_STATES = (
    "device",
    "unauthorized",
    "offline",
    "recovery",
    "sideload",
    "bootloader",
    "authorizing",
    "connecting",
    "host",
    "rescue",
    "no permissions",
    "unknown",
)


def parse_devices(text: str) -> list[Device]:
    devices = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("*") or line.startswith("List of devices"):
            continue
        found = _DEVICE_LINE.match(line)
        if not found:
            continue
        serial, rest = found.groups()
        state = next((s for s in _KNOWN_STATES if rest.startswith(s)), rest.split()[0])
        remainder = rest[len(state) :]
        if state == "no permissions" and remainder.lstrip().startswith("("):
            remainder = remainder[remainder.find(")") + 1 :]
        details = {}
        for word in remainder.split():
            key, sep, value = word.partition(":")
            if sep:
                details[key] = value
        devices.append(Device(serial, state, details))
    return devices


# -- pm list packages -f -i -U -----------------------------------------------------------
# PackageManagerShellCommand.runListPackages prints, per package:
#   "package:" [sourceDir "="] name ["  installer=" NAME] [" uid:" UID]

_INSTALLER = re.compile(r"\s+installer=(\S*)")
# What a phone says is kept no longer than a real value can be (a package name fits in a
# 255-byte file name; a property value is at most 92 bytes, a few ro.* ones longer), so a
# crafted phone cannot fill the evidence log past what a case may keep.
MAX_NAME = 255
MAX_PATH = 4096
MAX_PROPERTY = 512
_UID = re.compile(r"\s+uid:(\d+)")


def parse_package_list(text: str) -> list[PackageRecord]:
    packages = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.startswith("package:"):
            continue
        body = line[len("package:") :]
        installer = None
        uid = None
        found = _INSTALLER.search(body)
        if found:
            installer = found.group(1) or None
            body = body[: found.start()] + body[found.end() :]
        found = _UID.search(body)
        if found:
            uid = int(found.group(1))
            body = body[: found.start()] + body[found.end() :]
        body = body.strip()
        path = ""
        if "=" in body:
            # The path may itself hold "=" (base64 folder names), package names never do.
            path, body = body.rsplit("=", 1)
        if installer == "null":
            installer = None
        if body:
            installer = installer[:MAX_NAME] if installer else installer
            packages.append(PackageRecord(body[:MAX_NAME], path[:MAX_PATH], installer, uid))
    return packages


# -- settings get ... ---------------------------------------------------------------------


def parse_setting(text: str) -> str | None:
    """``settings get`` prints the value, or ``null`` when the setting is unset."""
    value = text.strip()
    return None if value in ("", "null") else value


def parse_component_list(value: str | None) -> list[str]:
    """``enabled_accessibility_services`` etc.: components joined with ``:``."""
    if not value:
        return []
    return _unique(part.strip() for part in value.split(":") if "/" in part)


# -- appops query-op OP MODE --------------------------------------------------------------
# AppOpsService's shell prints one package name per line, or "No operations.".

_PACKAGE_NAME = re.compile(r"^[A-Za-z][\w]*(\.[\w]+)+$")


def parse_appops_query(text: str) -> list[str]:
    return _unique(line.strip() for line in text.splitlines() if _PACKAGE_NAME.match(line.strip()))


# -- dumpsys device_policy ---------------------------------------------------------------
# DevicePolicyManagerService.dump: "Device Owner:" / "Profile Owner (User N):" blocks with
# "admin=ComponentInfo{pkg/cls}" and "package=pkg"; then, per user,
# "Enabled Device Admins (User N, provisioningState: S):" followed by one
# "pkg/.Receiver:" line per admin (older releases: "ComponentInfo{...}:").

_ADMIN_LINE = re.compile(r"^\s+((?:ComponentInfo\{)?[\w.]+/[\w.$]+\}?):\s*$")
_OWNER_ADMIN = re.compile(r"admin=ComponentInfo\{([^}]+)\}")


def parse_device_policy(text: str) -> DevicePolicy:
    policy = DevicePolicy()
    owner_block: str | None = None  # "device" or "profile" while inside such a block
    in_admins = False
    admins_indent = 0
    for raw in text.splitlines():
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip())
        if stripped.startswith("Device Owner") and stripped.endswith(":"):
            owner_block, in_admins = "device", False
            continue
        if stripped.startswith("Profile Owner") and stripped.endswith(":"):
            owner_block, in_admins = "profile", False
            continue
        if stripped.startswith("Enabled Device Admins"):
            in_admins, owner_block, admins_indent = True, None, indent
            continue
        if owner_block is not None:
            found = _OWNER_ADMIN.search(stripped)
            if found:
                package = component_package(found.group(1))
                if owner_block == "device" and policy.device_owner is None:
                    policy.device_owner = package
                elif owner_block == "profile" and package not in policy.profile_owners:
                    policy.profile_owners.append(package)
                owner_block = None
            elif stripped and not stripped.startswith(("name=", "package=", "User ID", "is")):
                owner_block = None
            continue
        if in_admins:
            if stripped and indent <= admins_indent:
                in_admins = False
                continue
            found = _ADMIN_LINE.match(raw)
            if found and indent == admins_indent + 2:
                component = found.group(1)
                if component.startswith("ComponentInfo{"):
                    component = component[len("ComponentInfo{") :].rstrip("}")
                if component not in policy.admins:
                    policy.admins.append(component)
    return policy


# -- getprop ------------------------------------------------------------------------------
# "[ro.product.model]: [Pixel 8]" per line.

_PROP = re.compile(r"^\[([^\]]+)\]:\s*\[(.*)\]\s*$")


def parse_getprop(text: str) -> dict[str, str]:
    props = {}
    for line in text.splitlines():
        found = _PROP.match(line.strip())
        if found:
            props[found.group(1)[:MAX_NAME]] = found.group(2)[:MAX_PROPERTY]
    return props
