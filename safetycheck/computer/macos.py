"""Read a Mac: apps, processes, launch agents and daemons, login items, profiles, privacy
permissions (TCC), sharing settings, browser extensions and accounts.

Files are read with ``plistlib`` and ``sqlite3`` (the TCC database is copied into memory and
read there, so the real file is never opened by SQLite, never locked, never changed).  A few
read-only commands fill in what has no readable file: ``ps``, ``netstat``, ``profiles list``
and ``dscl``.  macOS keeps the privacy database and the background-items list from programs
without Full Disk Access or administrator rights; the reading says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import plistlib
import sqlite3
import urllib.parse
from collections.abc import Callable
from typing import Any

from safetycheck.computer import model
from safetycheck.computer.browsers import BrowserHome, read_extensions
from safetycheck.computer.model import Account, Item, Permission, Profile, Reading, RemoteSetting
from safetycheck.computer.system import (
    MAC_ADMINS,
    MAC_ENROLLMENT,
    MAC_NETSTAT,
    MAC_PROFILES,
    MAC_PS,
    MAC_USERS,
    System,
)

Progress = Callable[[str], None]

_TCC_SERVICES = {
    "kTCCServiceScreenCapture": model.SCREEN_RECORDING,
    "kTCCServiceAccessibility": model.ACCESSIBILITY,
    "kTCCServiceListenEvent": model.INPUT_MONITORING,
    "kTCCServiceSystemPolicyAllFiles": model.FULL_DISK_ACCESS,
}
_SYSTEM_TCC = "/Library/Application Support/com.apple.TCC/TCC.db"
_USER_TCC = "Library/Application Support/com.apple.TCC/TCC.db"
_BTM_FOLDER = "/private/var/db/com.apple.backgroundtaskmanagement"
_OLD_BTM = "Library/Application Support/com.apple.backgroundtaskmanagementagent/backgrounditems.btm"
_ARD_FLAG = "/Library/Application Support/Apple/Remote Desktop/RemoteManagement.launchd"
_PORTS = {22: model.REMOTE_LOGIN, 5900: model.SCREEN_SHARING, 3283: model.REMOTE_MANAGEMENT}


class MacReader:
    platform = "macos"

    def read(self, system: System, progress: Progress | None = None) -> Reading:
        say = progress or (lambda _text: None)
        reading = Reading(
            platform=system.platform,
            computer_name=system.computer_name,
            os_version=system.os_version,
            user=system.user,
            is_admin=system.is_admin,
            source=system.source,
        )
        say("Reading installed apps")
        _apps(system, reading)
        say("Reading running programs")
        _processes(system, reading)
        say("Reading what starts by itself")
        _launchd(system, reading)
        _login_items(system, reading)
        say("Reading device management profiles")
        _profiles(system, reading)
        say("Reading privacy permissions")
        _permissions(system, reading)
        say("Reading sharing settings")
        _sharing(system, reading)
        say("Reading browser extensions")
        read_extensions(system, browser_homes(system), reading)
        reading.skip(
            "Safari extensions: macOS does not let other programs list them. Check them in "
            "Safari > Settings > Extensions."
        )
        say("Reading accounts")
        _accounts(system, reading)
        if not system.is_admin:
            reading.skip(
                "Other accounts' login items and browsers: only an administrator can read them."
            )
        return reading


def browser_homes(system: System) -> list[BrowserHome]:
    support = f"{system.home}/Library/Application Support"
    return [
        BrowserHome("Google Chrome", f"{support}/Google/Chrome", "chromium"),
        BrowserHome("Microsoft Edge", f"{support}/Microsoft Edge", "chromium"),
        BrowserHome("Brave", f"{support}/BraveSoftware/Brave-Browser", "chromium"),
        BrowserHome("Chromium", f"{support}/Chromium", "chromium"),
        BrowserHome("Firefox", f"{support}/Firefox/Profiles", "firefox"),
    ]


def _plist(system: System, path: str) -> dict[str, Any] | None:
    try:
        data = plistlib.loads(system.fs.read_bytes(path, 4 * 1024 * 1024))
    except (OSError, plistlib.InvalidFileException, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _apps(system: System, reading: Reading) -> None:
    folders = ["/Applications", "/Applications/Utilities", f"{system.home}/Applications"]
    seen: set[str] = set()
    for folder in folders:
        try:
            names = system.fs.list_dir(folder)
        except OSError:
            continue
        for name in names:
            path = f"{folder}/{name}"
            if name.endswith(".app"):
                _app(system, reading, path, seen)
            elif folder == "/Applications" and system.fs.is_dir(path) and name != "Utilities":
                try:  # a vendor folder holding the app, e.g. /Applications/Vendor/App.app
                    inner = system.fs.list_dir(path)
                except OSError:
                    continue
                for sub in inner:
                    if sub.endswith(".app"):
                        _app(system, reading, f"{path}/{sub}", seen)


def _app(system: System, reading: Reading, path: str, seen: set[str]) -> None:
    if path in seen:
        return
    seen.add(path)
    info = _plist(system, f"{path}/Contents/Info.plist") or {}
    bundle = str(info.get("CFBundleIdentifier") or "")
    name = str(
        info.get("CFBundleDisplayName") or info.get("CFBundleName") or path.rsplit("/", 1)[-1][:-4]
    )
    reading.installed.append(
        Item(
            model.INSTALLED,
            name,
            path=path,
            identifier=bundle,
            where=path.rsplit("/", 1)[0],
            system=bundle.startswith("com.apple."),
        )
    )


def _processes(system: System, reading: Reading) -> None:
    output = system.commands.run(MAC_PS)
    if output is None:
        reading.problem("Running programs: the list (ps) could not be read.")
        return
    seen: set[str] = set()
    for line in output.splitlines():
        path = line.strip()
        if not path or path in seen:
            continue
        seen.add(path)
        reading.processes.append(
            Item(
                model.PROCESS,
                path.rsplit("/", 1)[-1],
                path=path,
                where="ps",
                system=path.startswith(("/System/", "/usr/libexec/", "/usr/sbin/", "/sbin/")),
            )
        )


def _launchd(system: System, reading: Reading) -> None:
    folders = [
        ("/Library/LaunchAgents", model.LAUNCH_AGENT),
        ("/Library/LaunchDaemons", model.LAUNCH_DAEMON),
        (f"{system.home}/Library/LaunchAgents", model.LAUNCH_AGENT),
    ]
    for folder, how in folders:
        try:
            names = system.fs.list_dir(folder)
        except PermissionError:
            reading.skip(f"{folder}: macOS did not let SafetyCheck read this folder.")
            continue
        except OSError:
            continue
        for name in names:
            if not name.endswith(".plist"):
                continue
            path = f"{folder}/{name}"
            job = _plist(system, path)
            if job is None:
                reading.problems.append(f"{path} could not be read as a property list.")
                continue
            arguments = job.get("ProgramArguments") or []
            program = str(job.get("Program") or (arguments[0] if arguments else ""))
            label = str(job.get("Label") or name[:-6])
            reading.autostart.append(
                Item(
                    model.AUTOSTART,
                    label,
                    path=program,
                    identifier=label,
                    where=path,
                    command=" ".join(str(a) for a in arguments) or program,
                    how=how,
                    # Apple's own jobs live in /System/Library, which is not read: a job here
                    # calling itself com.apple.* is itself worth a look.
                    system=False,
                    enabled=not job.get("Disabled", False),
                )
            )


def _archived_strings(data: dict[str, Any]) -> list[str]:
    """Strings in an NSKeyedArchiver plist (login item URLs and identifiers live there)."""
    objects = data.get("$objects")
    if not isinstance(objects, list):
        return []
    found: list[str] = []
    for obj in objects:
        if isinstance(obj, str):
            found.append(obj)
        elif isinstance(obj, dict):
            for key in ("NS.relative", "NS.string"):
                value = obj.get(key)
                if isinstance(value, str):
                    found.append(value)
    return found


def _login_items(system: System, reading: Reading) -> None:
    """Login and background items from the background task database, where readable.

    macOS 13 and later keep them in a file only an administrator can read; macOS 12 and
    earlier keep the person's own login items in their Library.  Only the app each item opens
    is taken (a ``file://`` address ending in ``.app``).
    """
    files: list[str] = []
    try:
        files = [
            f"{_BTM_FOLDER}/{n}"
            for n in system.fs.list_dir(_BTM_FOLDER)
            if n.startswith("BackgroundItems") and n.endswith(".btm")
        ]
    except PermissionError:
        reading.skip(
            "Login items and background items: macOS lets only an administrator read this list. "
            "Check it by hand in System Settings > General > Login Items & Extensions."
        )
    except OSError:
        pass
    old = f"{system.home}/{_OLD_BTM}"
    if system.fs.is_file(old):
        files.append(old)
    seen = {item.path for item in reading.autostart}
    for path in files:
        data = _plist(system, path)
        if data is None:
            reading.problems.append(f"{path} could not be read.")
            continue
        for text in _archived_strings(data):
            if not text.startswith("file://"):
                continue
            app = urllib.parse.unquote(urllib.parse.urlparse(text).path).rstrip("/")
            if not app.endswith(".app") or app in seen:
                continue
            seen.add(app)
            reading.autostart.append(
                Item(
                    model.AUTOSTART,
                    app.rsplit("/", 1)[-1][:-4],
                    path=app,
                    where=path,
                    how=model.LOGIN_ITEM,
                    system=app.startswith("/System/"),
                )
            )


def _profiles(system: System, reading: Reading) -> None:
    output = system.commands.run(MAC_PROFILES)
    if output is None:
        reading.problem("Device management profiles: the list (profiles) could not be read.")
    else:
        for line in output.splitlines():
            if "profileIdentifier:" in line:
                identifier = line.split("profileIdentifier:", 1)[1].strip()
                owner = line.split("[", 1)[0].strip()
                reading.profiles.append(
                    Profile(identifier, where=f"profiles list ({owner or 'this Mac'})")
                )
    enrollment = system.commands.run(MAC_ENROLLMENT) or ""
    answers = {
        key.strip().lower(): value.strip()
        for key, _, value in (line.partition(":") for line in enrollment.splitlines())
    }
    if answers.get("mdm enrollment", "").lower().startswith("yes"):
        how = (
            "set up when the Mac was first started (DEP)"
            if answers.get("enrolled via dep", "").lower().startswith("yes")
            else answers["mdm enrollment"]
        )
        reading.profiles.append(
            Profile(
                "MDM enrollment",
                name=f"this Mac is enrolled in device management ({how})",
                where="profiles status -type enrollment",
            )
        )
    managed = "/Library/Managed Preferences"
    try:
        names = [n for n in system.fs.list_dir(managed) if n.endswith(".plist")]
    except OSError:
        names = []
    known = {p.identifier for p in reading.profiles}
    for name in names:
        domain = name[:-6]
        if domain not in known:
            reading.profiles.append(
                Profile(domain, name=f"managed settings for {domain}", where=managed)
            )


def tcc_rows(raw: bytes) -> list[tuple[str, str, bool, int | None]]:
    """(service, client, allowed, last_modified) from a TCC.db, read from memory."""
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(raw)
        columns = {row[1] for row in db.execute("PRAGMA table_info(access)")}
        if "auth_value" in columns:  # macOS 11 and later: 2 = allowed
            allowed = "auth_value = 2"
        elif "allowed" in columns:
            allowed = "allowed = 1"
        else:
            return []
        modified = "last_modified" if "last_modified" in columns else "NULL"
        rows = db.execute(f"SELECT service, client, {allowed}, {modified} FROM access").fetchall()
    finally:
        db.close()
    return [(str(s), str(c), bool(a), int(m) if m is not None else None) for s, c, a, m in rows]


def _permissions(system: System, reading: Reading) -> None:
    places = (
        (_SYSTEM_TCC, "Privacy permissions for this Mac"),
        (f"{system.home}/{_USER_TCC}", "Privacy permissions for your account"),
    )
    for path, what in places:
        try:
            raw = system.fs.read_bytes(path, 64 * 1024 * 1024)
        except FileNotFoundError:
            continue
        except OSError:
            reading.skip(
                f"{what} (screen recording, accessibility, input monitoring, full disk "
                "access): macOS lets SafetyCheck read this list only with Full Disk Access. "
                "Check them by hand in System Settings > Privacy & Security."
            )
            continue
        try:
            rows = tcc_rows(raw)
        except sqlite3.Error:
            reading.problems.append(f"{path} could not be read as a permissions database.")
            continue
        for service, client, allowed, modified in rows:
            kind = _TCC_SERVICES.get(service)
            if kind is None:
                continue
            changed = dt.datetime.fromtimestamp(modified, dt.UTC) if modified else None
            reading.permissions.append(Permission(kind, client, allowed, path, changed))


def _sharing(system: System, reading: Reading) -> None:
    output = system.commands.run(MAC_NETSTAT)
    found: dict[str, RemoteSetting] = {}
    if output is None:
        reading.problem(
            "Sharing settings: the list of open connections (netstat) could not be read."
        )
    else:
        for line in output.splitlines():
            fields = line.split()
            if len(fields) < 6 or fields[-1] != "LISTEN" or not fields[0].startswith("tcp"):
                continue
            port_text = fields[3].rsplit(".", 1)[-1]
            if not port_text.isdigit():
                continue
            kind = _PORTS.get(int(port_text))
            if kind and kind not in found:
                found[kind] = RemoteSetting(kind, True, f"listening on port {port_text}", "netstat")
    try:
        flag = system.fs.read_text(_ARD_FLAG, 4096).strip().lower()
    except OSError:
        flag = ""
    if flag == "enabled":
        found[model.REMOTE_MANAGEMENT] = RemoteSetting(
            model.REMOTE_MANAGEMENT, True, "Remote Management is turned on", _ARD_FLAG
        )
    for kind in (model.SCREEN_SHARING, model.REMOTE_MANAGEMENT, model.REMOTE_LOGIN):
        reading.remote.append(found.get(kind) or RemoteSetting(kind, False, "not listening"))


def _accounts(system: System, reading: Reading) -> None:
    output = system.commands.run(MAC_USERS)
    if output is None:
        reading.problem("Accounts: the list of accounts (dscl) could not be read.")
        return
    admins_text = system.commands.run(MAC_ADMINS) or ""
    admins: set[str] = set()
    for line in admins_text.splitlines():
        if line.startswith("GroupMembership:"):
            admins.update(line.split(":", 1)[1].split())
    if not admins_text:
        reading.problem("Which accounts are administrators: the list could not be read.")
    for line in output.splitlines():
        parts = line.split()
        if len(parts) != 2 or not parts[1].lstrip("-").isdigit():
            continue
        name, uid = parts[0], int(parts[1])
        if name.startswith("_") or uid < 501:
            continue
        reading.accounts.append(
            Account(name=name, admin=name in admins, current=name == system.user)
        )
    reading.skip("When each account last signed in: macOS does not say without an administrator.")
