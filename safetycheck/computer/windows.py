"""Read a Windows computer through the registry, its folders and three read-only commands.

Installed programs come from the Uninstall keys (and the Program Files folders, for tools
installed without an entry); services from ``HKLM\\SYSTEM\\CurrentControlSet\\Services``;
what starts by itself from the Run keys, the Startup folders and ``schtasks /query /xml``;
running programs from ``tasklist``; accounts from PowerShell's ``Get-LocalUser`` and
``Get-LocalGroupMember`` (both work without administrator rights).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from safetycheck.computer import model
from safetycheck.computer.browsers import BrowserHome, read_extensions
from safetycheck.computer.model import Account, Item, Reading, RemoteSetting
from safetycheck.computer.system import (
    WIN_ADMINS,
    WIN_TASKLIST,
    WIN_TASKS,
    WIN_USERS,
    RegValue,
    System,
)

Progress = Callable[[str], None]

_UNINSTALL = [
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
    "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
    "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
]
_RUN_KEYS = [
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
    "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Run",
    "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
    "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
    "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
]
_APPROVED = "\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\"
_SERVICES = "HKLM\\SYSTEM\\CurrentControlSet\\Services"
_TERMINAL_SERVER = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server"
_REMOTE_ASSISTANCE = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Remote Assistance"
_CURRENT_VERSION = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
_START_TYPES = {0: "boot", 1: "system", 2: "auto", 3: "manual", 4: "disabled"}
_OWN_PROCESS = 0x10 | 0x20  # service types that run a program (the rest are drivers)
_BUILTIN_RIDS = {"500", "501", "503", "504"}  # Administrator, Guest, DefaultAccount, WDAG


class WindowsReader:
    platform = "windows"

    def read(self, system: System, progress: Progress | None = None) -> Reading:
        say = progress or (lambda _text: None)
        reading = Reading(
            platform=system.platform,
            computer_name=system.computer_name,
            os_version=_os_version(system) or system.os_version,
            user=system.user,
            is_admin=system.is_admin,
            source=system.source,
        )
        if system.registry is None:
            reading.problem("The registry could not be opened.")
        say("Reading installed programs")
        _installed(system, reading)
        say("Reading running programs")
        _processes(system, reading)
        say("Reading services")
        _services(system, reading)
        say("Reading what starts by itself")
        _run_keys(system, reading)
        _startup_folders(system, reading)
        _tasks(system, reading)
        say("Reading remote access settings")
        _remote(system, reading)
        say("Reading browser extensions")
        read_extensions(system, browser_homes(system), reading)
        say("Reading accounts")
        _accounts(system, reading)
        if not system.is_admin:
            reading.skip(
                "Other accounts' startup apps and browsers: only an administrator can read them."
            )
            reading.skip(
                "The sign-in history in the Windows security log: only an administrator can "
                "read it."
            )
        return reading


def browser_homes(system: System) -> list[BrowserHome]:
    local = system.expand("%LOCALAPPDATA%") or system.join(system.home, "AppData", "Local")
    roaming = system.expand("%APPDATA%") or system.join(system.home, "AppData", "Roaming")
    return [
        BrowserHome(
            "Google Chrome", system.join(local, "Google", "Chrome", "User Data"), "chromium"
        ),
        BrowserHome(
            "Microsoft Edge", system.join(local, "Microsoft", "Edge", "User Data"), "chromium"
        ),
        BrowserHome(
            "Brave", system.join(local, "BraveSoftware", "Brave-Browser", "User Data"), "chromium"
        ),
        BrowserHome("Chromium", system.join(local, "Chromium", "User Data"), "chromium"),
        BrowserHome("Firefox", system.join(roaming, "Mozilla", "Firefox", "Profiles"), "firefox"),
    ]


def _values(system: System, key: str) -> dict[str, RegValue] | None:
    if system.registry is None:
        return None
    try:
        return system.registry.values(key)
    except OSError:
        return None


def _subkeys(system: System, key: str, reading: Reading, what: str) -> list[str]:
    if system.registry is None:
        return []
    try:
        return system.registry.subkeys(key)
    except PermissionError:
        reading.skip(f"{what}: only an administrator can read {key}.")
    except OSError:
        pass
    return []


def _text(value: RegValue | None) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: RegValue | None) -> int | None:
    return value if isinstance(value, int) else None


def _os_version(system: System) -> str:
    values = _values(system, _CURRENT_VERSION) or {}
    name = _text(values.get("ProductName"))
    build = _number(values.get("CurrentBuildNumber")) or int(
        _text(values.get("CurrentBuildNumber")) or 0
    )
    if name.startswith("Windows 10") and build >= 22000:
        name = "Windows 11" + name[len("Windows 10") :]  # Windows 11 still says 10 here
    display = _text(values.get("DisplayVersion"))
    return " ".join(p for p in (name, display) if p)


def program_of(command: str) -> str:
    """The program a command line runs: ``"C:\\A B\\x.exe" /y`` -> ``C:\\A B\\x.exe``."""
    text = command.strip()
    if text.startswith('"'):
        return text[1:].split('"', 1)[0]
    found = re.match(r"(?i)^(.*?\.(?:exe|com|bat|cmd|scr|lnk))(?:\s|,|$)", text)
    if found:
        return found.group(1)
    return text.split(" ", 1)[0]


def _installed(system: System, reading: Reading) -> None:
    for base in _UNINSTALL:
        for sub in _subkeys(system, base, reading, "Installed programs"):
            key = f"{base}\\{sub}"
            values = _values(system, key) or {}
            name = _text(values.get("DisplayName"))
            if not name:
                continue
            location = _text(values.get("InstallLocation")).strip('"')
            icon = program_of(_text(values.get("DisplayIcon")))
            reading.installed.append(
                Item(
                    model.INSTALLED,
                    name,
                    path=location or icon,
                    identifier=sub,
                    publisher=_text(values.get("Publisher")),
                    where=key,
                    command=_text(values.get("UninstallString")),
                    installed_on=_text(values.get("InstallDate")),
                )
            )
    for variable in ("%ProgramFiles%", "%ProgramFiles(x86)%", "%ProgramData%", "%LOCALAPPDATA%"):
        folder = system.expand(variable)
        if not folder:
            continue
        if variable == "%LOCALAPPDATA%":
            folder = system.join(folder, "Programs")
        try:
            names = system.fs.list_dir(folder)
        except OSError:
            continue
        for name in names:
            path = system.join(folder, name)
            if system.fs.is_dir(path):
                reading.installed.append(
                    Item(model.INSTALLED, name, path=path, where=folder, how=model.FOLDER)
                )


def _processes(system: System, reading: Reading) -> None:
    output = system.commands.run(WIN_TASKLIST)
    if output is None:
        reading.problem("Running programs: the list (tasklist) could not be read.")
        return
    seen: set[str] = set()
    for line in output.splitlines():
        fields = re.findall(r'"((?:[^"]|"")*)"', line)
        if len(fields) >= 2 and fields[0] and fields[0] not in seen:
            seen.add(fields[0])
            reading.processes.append(Item(model.PROCESS, fields[0], where="tasklist"))


def _services(system: System, reading: Reading) -> None:
    system_root = (system.expand("%SystemRoot%") or "C:\\Windows").lower()
    for name in _subkeys(system, _SERVICES, reading, "Services"):
        key = f"{_SERVICES}\\{name}"
        values = _values(system, key) or {}
        kind = _number(values.get("Type")) or 0
        if not kind & _OWN_PROCESS:
            continue
        image = _text(values.get("ImagePath"))
        program = program_of(image)
        display = _text(values.get("DisplayName"))
        if not display or display.startswith("@"):
            display = name
        start = _START_TYPES.get(_number(values.get("Start")) or 3, "manual")
        low = program.lower().replace("%systemroot%", system_root)
        reading.services.append(
            Item(
                model.SERVICE,
                display,
                path=program,
                identifier=name,
                where=key,
                command=image,
                how=start,
                system=low.startswith((system_root, "\\systemroot", "system32")),
                enabled=start != "disabled",
            )
        )


def _approved(system: System, hive: str, group: str) -> dict[str, bool]:
    """Settings > Apps > Startup switches: value name -> on (first byte even) or off (odd)."""
    values = _values(system, f"{hive}{_APPROVED}{group}") or {}
    return {
        name.casefold(): not (value[0] & 1)
        for name, value in values.items()
        if isinstance(value, bytes) and value
    }


def _run_keys(system: System, reading: Reading) -> None:
    for key in _RUN_KEYS:
        hive = key.split("\\", 1)[0]
        group = "Run32" if "WOW6432Node" in key else "Run"
        switches = _approved(system, hive, group)
        values = _values(system, key) or {}
        for name, value in values.items():
            command = _text(value)
            if not command:
                continue
            reading.autostart.append(
                Item(
                    model.AUTOSTART,
                    name,
                    path=program_of(command),
                    where=key,
                    command=command,
                    how=model.RUN_KEY,
                    enabled=switches.get(name.casefold(), True),
                )
            )


def lnk_target(data: bytes) -> str:
    """The local path a Windows shortcut (.lnk) points to, from its LinkInfo ([MS-SHLLINK])."""
    if len(data) < 0x4C or data[:4] != b"\x4c\x00\x00\x00":
        return ""
    flags = struct.unpack_from("<I", data, 0x14)[0]
    offset = 0x4C
    if flags & 0x1:  # HasLinkTargetIDList
        if offset + 2 > len(data):
            return ""
        offset += 2 + struct.unpack_from("<H", data, offset)[0]
    if not flags & 0x2 or offset + 28 > len(data):  # HasLinkInfo
        return ""
    info_flags = struct.unpack_from("<I", data, offset + 8)[0]
    if not info_flags & 0x1:  # VolumeIDAndLocalBasePath
        return ""
    base_offset = struct.unpack_from("<I", data, offset + 16)[0]
    start = offset + base_offset
    end = data.find(b"\x00", start)
    if end < 0:
        return ""
    return _ansi(data[start:end])


def _ansi(data: bytes) -> str:
    """Shortcut paths are in the computer's ANSI code page ("mbcs", on Windows only)."""
    try:
        return data.decode("mbcs", "replace")
    except LookupError:
        return data.decode("cp1252", "replace")


def _startup_folders(system: System, reading: Reading) -> None:
    folders = [
        ("HKCU", "%APPDATA%\\Microsoft\\Windows\\Start Menu\\Programs\\Startup"),
        ("HKLM", "%ProgramData%\\Microsoft\\Windows\\Start Menu\\Programs\\StartUp"),
    ]
    for hive, raw in folders:
        folder = system.expand(raw)
        if not folder:
            continue
        try:
            names = system.fs.list_dir(folder)
        except OSError:
            continue
        switches = _approved(system, hive, "StartupFolder")
        for name in names:
            if name.lower() == "desktop.ini":
                continue
            path = system.join(folder, name)
            target = ""
            if name.lower().endswith(".lnk"):
                try:
                    target = lnk_target(system.fs.read_bytes(path, 1024 * 1024))
                except OSError:
                    target = ""
            reading.autostart.append(
                Item(
                    model.AUTOSTART,
                    name.rsplit(".", 1)[0] if "." in name else name,
                    path=target or path,
                    where=folder,
                    command=target,
                    how=model.STARTUP_FOLDER,
                    enabled=switches.get(name.casefold(), True),
                )
            )


def parse_tasks(output: str) -> list[tuple[str, ET.Element]]:
    """``schtasks /query /xml ONE`` -> (task path, Task element) pairs."""
    if "<!DOCTYPE" in output or "<!ENTITY" in output:
        return []  # never expected from schtasks; refuse rather than expand entities
    body = re.sub(r"<\?xml[^>]*\?>", "", output)
    parts = re.split(r"<!--\s*(\\[^>]*?)\s*-->", body)
    tasks: list[tuple[str, ET.Element]] = []
    for index in range(1, len(parts) - 1, 2):
        name = parts[index].strip()
        chunk = parts[index + 1]
        start, end = chunk.find("<Task"), chunk.rfind("</Task>")
        if start < 0 or end < 0:
            continue
        try:
            element = ET.fromstring(chunk[start : end + len("</Task>")])
        except ET.ParseError:
            continue
        for child in element.iter():
            child.tag = child.tag.rsplit("}", 1)[-1]  # drop the task namespace
        tasks.append((name, element))
    return tasks


def _find_text(element: ET.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _tasks(system: System, reading: Reading) -> None:
    output = system.commands.run(WIN_TASKS)
    if output is None:
        reading.problem("Scheduled tasks: the list (schtasks) could not be read.")
        return
    for name, task in parse_tasks(output):
        command = _find_text(task, "./Actions/Exec/Command")
        arguments = _find_text(task, "./Actions/Exec/Arguments")
        enabled = _find_text(task, "./Settings/Enabled").lower() != "false"
        author = _find_text(task, "./RegistrationInfo/Author")
        reading.autostart.append(
            Item(
                model.AUTOSTART,
                name,
                path=system.expand(command) or command,
                publisher=author,
                where="Task Scheduler",
                command=f"{command} {arguments}".strip(),
                how=model.SCHEDULED_TASK,
                system=name.lower().startswith("\\microsoft\\"),
                enabled=enabled,
            )
        )
    if not system.is_admin:
        reading.skip("Some scheduled tasks can only be seen by an administrator.")


def _remote(system: System, reading: Reading) -> None:
    terminal = _values(system, _TERMINAL_SERVER)
    if terminal is None:
        reading.problem("Remote Desktop: its setting could not be read.")
    else:
        edition = _text((_values(system, _CURRENT_VERSION) or {}).get("EditionID"))
        on = _number(terminal.get("fDenyTSConnections")) == 0
        if on and edition.lower().startswith("core"):
            reading.remote.append(
                RemoteSetting(
                    model.REMOTE_DESKTOP,
                    False,
                    "allowed in the registry, but this edition of Windows (Home) cannot accept "
                    "Remote Desktop connections",
                    _TERMINAL_SERVER,
                )
            )
        else:
            reading.remote.append(
                RemoteSetting(
                    model.REMOTE_DESKTOP,
                    on,
                    "Remote Desktop is on" if on else "Remote Desktop is off",
                    _TERMINAL_SERVER,
                )
            )
    assistance = _values(system, _REMOTE_ASSISTANCE)
    if assistance is not None:
        on = _number(assistance.get("fAllowToGetHelp")) == 1
        reading.remote.append(
            RemoteSetting(
                model.REMOTE_ASSISTANCE,
                on,
                "Remote Assistance invitations are allowed" if on else "Remote Assistance is off",
                _REMOTE_ASSISTANCE,
            )
        )


def _json_list(text: str | None) -> list[dict[str, Any]] | None:
    if text is None:
        return None
    text = text.strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = [data]
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else None


def _sid(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("Value") or "")
    return str(value or "")


def parse_ps_date(value: Any) -> dt.datetime | None:
    """PowerShell 5's ``"/Date(1732000000000)/"`` or PowerShell 7's ISO text."""
    if not value:
        return None
    text = str(value)
    found = re.search(r"/Date\((-?\d+)", text)
    if found:
        return dt.datetime.fromtimestamp(int(found.group(1)) / 1000, dt.UTC)
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _accounts(system: System, reading: Reading) -> None:
    users = _json_list(system.commands.run(WIN_USERS))
    if users is None:
        reading.problem("Accounts: the list of accounts (Get-LocalUser) could not be read.")
        return
    members = _json_list(system.commands.run(WIN_ADMINS))
    if members is None:
        reading.problem("Which accounts are administrators: the list could not be read.")
        admin_sids: set[str] = set()
    else:
        admin_sids = {_sid(m.get("SID")) for m in members}
    for user in users:
        name = str(user.get("Name") or "")
        sid = _sid(user.get("SID"))
        enabled = bool(user.get("Enabled"))
        if sid.rsplit("-", 1)[-1] in _BUILTIN_RIDS and not enabled:
            continue  # Windows' own accounts, off as they should be
        reading.accounts.append(
            Account(
                name=name,
                full_name=str(user.get("FullName") or ""),
                admin=sid in admin_sids,
                current=name.casefold() == system.user.casefold(),
                enabled=enabled,
                last_login=parse_ps_date(user.get("LastLogon")),
                last_login_known=True,
            )
        )
