"""Read what the scan needs from a connected phone, using only read-only commands.

The commands (each through :meth:`Adb.shell`, which refuses anything that writes):

    getprop                                            maker, model, Android version
    pm list packages -f -i -U                          apps, their file and who installed them
      (fallback: pm list packages -f -i, for releases without -U)
    dumpsys device_policy                              device admin apps, device/profile owner
    settings get secure enabled_accessibility_services
    settings get secure enabled_notification_listeners
    settings get global development_settings_enabled
    settings get global adb_enabled
    appops query-op REQUEST_INSTALL_PACKAGES allow     apps allowed to install unknown apps

and ``adb pull`` of the APK of each app that did not come from an app store, to read its
signing certificate (see :mod:`safetycheck.android.apkcert`).  A command that fails is
noted in ``problems`` and the scan goes on: a partial reading is still worth showing.  A
phone that stops answering (a command runs out of time) or a scan that reaches its deadline
stops the reading there; what was read is kept, and ``stopped`` says it is not complete.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetycheck.android import parse
from safetycheck.android.adb import (
    Adb,
    AndroidError,
    NotReadOnlyError,
    ScanCancelled,
    ScanStopped,
)
from safetycheck.android.apkcert import ApkError, certificate_sha1s

MAX_CERTIFICATE_PULLS = 25
TEMP_PREFIX = "apk-"


def clear_work_dir(work_dir: Path) -> None:
    """Remove app copies left behind by a scan that was cut off (a crash, a power cut)."""
    for leftover in work_dir.glob(f"{TEMP_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)


Progress = Callable[[str], None]


@dataclass
class DeviceInfo:
    serial: str
    manufacturer: str = ""
    model: str = ""
    android_version: str = ""
    security_patch: str = ""

    def describe(self) -> str:
        name = " ".join(p for p in (self.manufacturer.title(), self.model) if p) or "Android phone"
        version = f", Android {self.android_version}" if self.android_version else ""
        return f"{name}{version} (serial {self.serial})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "android_version": self.android_version,
            "security_patch": self.security_patch,
        }


@dataclass
class Snapshot:
    """Everything read from one phone at one time."""

    device: DeviceInfo
    collected_at: dt.datetime
    packages: list[parse.PackageRecord] = field(default_factory=list)
    policy: parse.DevicePolicy = field(default_factory=parse.DevicePolicy)
    accessibility: list[str] = field(default_factory=list)
    notification_listeners: list[str] = field(default_factory=list)
    developer_options: bool | None = None
    usb_debugging: bool | None = None
    install_unknown: list[str] = field(default_factory=list)
    certificates: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    stopped: bool = False  # the reading ended early: the phone stopped answering, or time ran out


def choose_device(devices: list[parse.Device], serial: str | None) -> parse.Device:
    """The phone to scan, or a plain explanation of why there is none to pick."""
    if serial:
        for device in devices:
            if device.serial == serial:
                break
        else:
            raise AndroidError(f"No phone with serial {serial} is connected.")
    elif not devices:
        raise AndroidError(
            "No phone found. Connect the phone with a USB cable, turn on USB debugging, "
            "unlock the phone and tap Allow."
        )
    elif len(devices) > 1:
        listed = ", ".join(f"{d.serial} ({d.model or d.state})" for d in devices)
        raise AndroidError(
            f"More than one phone is connected: {listed}. Unplug the others, or choose one "
            "(--serial)."
        )
    else:
        device = devices[0]
    if device.state == "unauthorized":
        raise AndroidError(
            "The phone has not allowed this computer yet. Unlock the phone and tap Allow on "
            "the 'Allow USB debugging?' message, then try again."
        )
    if not device.ready:
        raise AndroidError(
            f"The phone is connected but not ready ({device.state}). Unplug it, plug it in "
            "again and unlock it."
        )
    return device


def _setting_on(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip() not in ("0", "")


def collect(
    adb: Adb,
    device: parse.Device,
    progress: Progress | None = None,
    read_certificates: bool = True,
    store_installers: frozenset[str] = frozenset(),
    system_prefixes: tuple[str, ...] = (),
    work_dir: Path | None = None,
) -> Snapshot:
    snap = Snapshot(
        DeviceInfo(device.serial, model=device.model),
        dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
    try:
        _read_phone(
            adb,
            snap,
            progress or (lambda _message: None),
            read_certificates,
            store_installers,
            system_prefixes,
            work_dir,
        )
    except ScanStopped as exc:
        snap.stopped = True
        snap.problems.append(f"The scan stopped before it finished. {exc}")
    return snap


def _read_phone(
    adb: Adb,
    snap: Snapshot,
    say: Progress,
    read_certificates: bool,
    store_installers: frozenset[str],
    system_prefixes: tuple[str, ...],
    work_dir: Path | None,
) -> None:
    serial = snap.device.serial

    def read(command: list[str], what: str) -> str | None:
        try:
            return adb.shell(serial, command)
        except (NotReadOnlyError, ScanStopped, ScanCancelled):
            raise  # a bug, a phone that stopped answering, or Cancel: stop reading
        except AndroidError as exc:
            if "no longer connected" in str(exc):
                raise
            problem = f"Could not read {what}: {exc}"
            if problem not in snap.problems:  # the app list is asked for twice (-U, then not)
                snap.problems.append(problem)
            return None

    say("Reading the phone's details")
    props = parse.parse_getprop(read(["getprop"], "the phone's details") or "")
    snap.device.manufacturer = props.get("ro.product.manufacturer", "")
    snap.device.model = props.get("ro.product.model", "") or snap.device.model
    snap.device.android_version = props.get("ro.build.version.release", "")
    snap.device.security_patch = props.get("ro.build.version.security_patch", "")

    say("Listing the installed apps")
    listing = read(["pm", "list", "packages", "-f", "-i", "-U"], "the list of apps")
    if listing is None or not listing.lstrip().startswith("package:"):
        listing = read(["pm", "list", "packages", "-f", "-i"], "the list of apps") or ""
    snap.packages = parse.parse_package_list(listing)
    if not snap.packages:
        snap.problems.append("The phone did not list any apps.")

    say("Checking device admin apps and device owners")
    snap.policy = parse.parse_device_policy(
        read(["dumpsys", "device_policy"], "device admin apps") or ""
    )

    say("Checking accessibility and notification access")
    value = read(["settings", "get", "secure", "enabled_accessibility_services"], "accessibility")
    snap.accessibility = parse.parse_component_list(parse.parse_setting(value or ""))
    value = read(
        ["settings", "get", "secure", "enabled_notification_listeners"], "notification access"
    )
    snap.notification_listeners = parse.parse_component_list(parse.parse_setting(value or ""))

    say("Checking developer options")
    value = read(["settings", "get", "global", "development_settings_enabled"], "developer options")
    snap.developer_options = None if value is None else _setting_on(parse.parse_setting(value))
    value = read(["settings", "get", "global", "adb_enabled"], "USB debugging")
    snap.usb_debugging = None if value is None else _setting_on(parse.parse_setting(value))

    say("Checking which apps may install other apps")
    value = read(["appops", "query-op", "REQUEST_INSTALL_PACKAGES", "allow"], "install permissions")
    snap.install_unknown = parse.parse_appops_query(value or "")

    if read_certificates:
        candidates = [
            p
            for p in snap.packages
            if p.path.endswith(".apk")
            and not p.path.startswith(system_prefixes)
            and (p.installer or "") not in store_installers
        ][:MAX_CERTIFICATE_PULLS]
        unread = []
        for number, package in enumerate(candidates, start=1):
            say(f"Reading app signatures ({number} of {len(candidates)})")
            if not _read_certificate(adb, serial, package, snap, work_dir):
                unread.append(package.name)
        if unread:
            snap.problems.append(
                f"The signature of {len(unread)} app{'s' if len(unread) > 1 else ''} could not "
                f"be read ({', '.join(unread)}), so {'they were' if len(unread) > 1 else 'it was'}"
                " checked by name only."
            )


def _read_certificate(
    adb: Adb, serial: str, package: parse.PackageRecord, snap: Snapshot, work_dir: Path | None
) -> bool:
    # A private temporary folder (inside the data folder when given, so nothing lands in the
    # system's temp folder), removed straight after: no copy of the app stays behind.
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX, dir=work_dir) as folder:
        local = Path(folder) / "app.apk"
        try:
            adb.pull(serial, package.path, local)
            snap.certificates[package.name] = certificate_sha1s(local)
        except (ScanStopped, ScanCancelled):
            raise
        except (AndroidError, ApkError, OSError):
            return False
        except Exception:  # a crafted app file must never end the whole scan
            return False
    return True
