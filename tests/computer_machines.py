"""Fixture machines for the computer scan: a Windows PC, a Mac and a Linux laptop, each in a
"planted" form (remote-access tools, monitoring products and risky settings put there on
purpose) and a "clean" form (ordinary programs only).

They are written by us, in the formats each reader parses (a registry dump, ``tasklist`` CSV,
``schtasks /xml`` output, PowerShell's JSON, property lists, a TCC database, ``/proc``), from
the formats' documentation; they are not recordings of real computers.  Binary files (a TCC
database, Windows shortcuts, a Linux lastlog) are built here, so nothing binary is committed.

``python tests/computer_machines.py OUT`` writes all six into OUT, e.g. to try
``python main.py scan-computer --machine OUT/windows-planted``.
"""

from __future__ import annotations

import json
import plistlib
import sqlite3
import struct
import sys
from pathlib import Path
from typing import Any

from safetycheck.computer.system import (
    MAC_ADMINS,
    MAC_ENROLLMENT,
    MAC_NETSTAT,
    MAC_PROFILES,
    MAC_PS,
    MAC_USERS,
    WIN_ADMINS,
    WIN_TASKLIST,
    WIN_TASKS,
    WIN_USERS,
)

MACHINES = (
    "windows-planted",
    "windows-clean",
    "macos-planted",
    "macos-clean",
    "linux-planted",
    "linux-clean",
)

# What each planted machine has, as (finding kind, words the finding's title contains).
# The tests check that every one of these is found.
PLANTED: dict[str, list[tuple[str, str]]] = {
    "windows": [
        ("remote-tool", "AnyDesk"),
        ("remote-tool", "TeamViewer"),
        ("remote-tool", "RustDesk"),
        ("remote-tool", "Quick Assist"),
        ("monitoring-product", "Spyrix"),
        ("monitoring-product", "KidLogger"),
        ("extension-all-sites", "Page Helper"),
        ("extension-all-sites", "Tab Saver"),
        ("account", "administrator account on this computer: alex"),
        ("remote-setting", "Remote Desktop is on"),
        ("autostart", "\\SysHelper"),
        ("autostart", "WinUpdateSvc"),
    ],
    "macos": [
        ("remote-tool", "TeamViewer"),
        ("remote-tool", "AnyDesk"),
        ("monitoring-product", "KidLogger"),
        ("permission", "allowed to record the screen"),
        ("permission", "allowed to see what you type"),
        ("permission", "allowed to control this Mac"),
        ("remote-setting", "Screen Sharing"),
        ("remote-setting", "Remote Login"),
        ("profile", "com.example.mdm"),
        ("profile", "enrolled in device management"),
        ("extension-all-sites", "Page Helper"),
        ("account", "administrator account on this computer: alex"),
        ("autostart", "com.apple.systemhelper"),
    ],
    "linux": [
        ("remote-tool", "AnyDesk"),
        ("remote-tool", "TeamViewer"),
        ("remote-tool", "RustDesk"),
        ("remote-tool", "x11vnc"),
        ("monitoring-product", "KidLogger"),
        ("remote-setting", "SSH server"),
        ("remote-setting", "VNC"),
        ("autostart", "sync-helper.service"),
        ("autostart", "/home/sam/.cache/.agent/agent"),
        ("extension-all-sites", "Page Helper"),
        ("account", "administrator account on this computer: alex"),
    ],
}


# A LOLRMM export written by us in the shape LOLRMM publishes (``rmm_tools.json``: a list of
# tools with Name, Category, Details.PEMetadata, Details.InstallationPaths, Artifacts.Disk,
# Artifacts.Registry, Artifacts.EventLog).  The tools and values are made up.
LOLRMM_EXAMPLE: list[dict[str, Any]] = [
    {
        "Name": "Example Remote",
        "Category": "RMM",
        "Description": "Example Remote is a remote administration tool. It has a server.",
        "Details": {
            "Website": "https://example-remote.example",
            "PEMetadata": [{"Filename": "exrem.exe", "OriginalFileName": "ExampleRemote.exe"}],
            "InstallationPaths": [
                "C:\\Program Files\\Example Remote\\*",
                "/Applications/ExRem.app",
            ],
        },
        "Artifacts": {
            "Disk": [
                {
                    "File": "%ProgramData%\\ExRem\\incoming.log",
                    "OS": "Windows",
                    "Description": "Incoming connection log with the remote address.",
                },
                {"File": "%APPDATA%\\ExRem\\*.cfg", "OS": "Windows", "Description": "N/A"},
            ],
            "Registry": [{"Path": "HKLM\\SOFTWARE\\ExRem", "Description": "N/A"}],
            "EventLog": [{"EventID": 7045, "ServiceName": "ExRem Service"}],
            "Network": [],
        },
    },
    {
        "Name": "Setup Only",
        "Details": {"PEMetadata": {"Filename": "setup.exe"}, "InstallationPaths": []},
        "Artifacts": {},
    },
]


# -- helpers --------------------------------------------------------------------------------


def _write(root: Path, path: str, data: bytes | str) -> Path:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        target.write_text(data, encoding="utf-8")
    else:
        target.write_bytes(data)
    return target


def _machine(folder: Path, meta: dict[str, Any], commands: dict[tuple[str, ...], str]) -> None:
    lines = [f"{key} = {json.dumps(value)}" for key, value in meta.items() if key != "env"]
    lines.append("")
    lines.append("[env]")
    for key, value in meta.get("env", {}).items():
        lines.append(f"{json.dumps(key)} = {json.dumps(value)}")
    for number, (argv, output) in enumerate(commands.items()):
        name = f"commands/{number:02d}.txt"
        _write(folder, name, output)
        lines.append("")
        lines.append("[[commands]]")
        lines.append(f"argv = {json.dumps(list(argv))}")
        lines.append(f'output = "{name}"')
    _write(folder, "machine.toml", "\n".join(lines) + "\n")


def chrome_extension(
    root: Path, profile_dir: str, ext_id: str, name: str, permissions: list[str], state: int = 1
) -> None:
    base = f"{profile_dir}/Extensions/{ext_id}/1.2.0_0"
    manifest = {"manifest_version": 3, "name": name, "version": "1.2.0", "permissions": permissions}
    _write(root, f"{base}/manifest.json", json.dumps(manifest))
    prefs_path = root / profile_dir.lstrip("/") / "Preferences"
    prefs = json.loads(prefs_path.read_text()) if prefs_path.exists() else {}
    prefs.setdefault("extensions", {}).setdefault("settings", {})[ext_id] = {
        "state": state,
        "location": 1,
    }
    _write(root, f"{profile_dir}/Preferences", json.dumps(prefs))


def firefox_profile(root: Path, profile_dir: str, addons: list[dict[str, Any]]) -> None:
    _write(
        root, f"{profile_dir}/extensions.json", json.dumps({"schemaVersion": 36, "addons": addons})
    )


def firefox_addon(addon_id: str, name: str, origins: list[str]) -> dict[str, Any]:
    return {
        "id": addon_id,
        "type": "extension",
        "version": "3.1",
        "active": True,
        "location": "app-profile",
        "defaultLocale": {"name": name},
        "userPermissions": {"permissions": ["storage", "tabs"], "origins": origins},
    }


def lnk(target: str) -> bytes:
    """A minimal Windows shortcut whose LinkInfo holds ``target`` ([MS-SHLLINK] 2.3)."""
    clsid = bytes.fromhex("0114020000000000c000000000000046")
    header = struct.pack("<I16sIIQQQIIII", 0x4C, clsid, 0x2, 0x20, 0, 0, 0, 0, 1, 0, 0)
    header += b"\x00" * (0x4C - len(header))
    volume = struct.pack("<IIII", 17, 3, 0x1234ABCD, 16) + b"\x00"
    base = target.encode("cp1252") + b"\x00"
    header_size = 0x1C
    volume_offset = header_size
    base_offset = volume_offset + len(volume)
    suffix_offset = base_offset + len(base)
    size = suffix_offset + 1
    info = struct.pack(
        "<IIIIIII", size, header_size, 0x1, volume_offset, base_offset, 0, suffix_offset
    )
    return header + info + volume + base + b"\x00"


def tcc_db(rows: list[tuple[str, str, int, int]]) -> bytes:
    """A TCC.db in the macOS 11+ shape: ``access(service, client, client_type, auth_value,
    auth_reason, ..., last_modified)``."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, "
        "client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT "
        "NULL, auth_version INTEGER NOT NULL, csreq BLOB, policy_id INTEGER, "
        "indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT NOT NULL "
        "DEFAULT 'UNUSED', indirect_object_code_identity BLOB, flags INTEGER, "
        "last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), "
        "PRIMARY KEY (service, client, client_type, indirect_object_identifier))"
    )
    for service, client, auth_value, modified in rows:
        client_type = 1 if client.startswith("/") else 0
        db.execute(
            "INSERT INTO access (service, client, client_type, auth_value, auth_reason, "
            "auth_version, last_modified) VALUES (?, ?, ?, ?, 2, 1, ?)",
            (service, client, client_type, auth_value, modified),
        )
    db.commit()
    data = db.serialize()
    db.close()
    return bytes(data)


def plist(data: dict[str, Any], binary: bool = False) -> bytes:
    return plistlib.dumps(data, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML)


# -- Windows --------------------------------------------------------------------------------

_WIN_ENV = {
    "USERPROFILE": "C:\\Users\\sam",
    "APPDATA": "C:\\Users\\sam\\AppData\\Roaming",
    "LOCALAPPDATA": "C:\\Users\\sam\\AppData\\Local",
    "ProgramData": "C:\\ProgramData",
    "ProgramFiles": "C:\\Program Files",
    "ProgramFiles(x86)": "C:\\Program Files (x86)",
    "SystemRoot": "C:\\Windows",
    "SystemDrive": "C:",
    "USERNAME": "sam",
}
_UNINSTALL = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
_UNINSTALL32 = "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
_SERVICES = "HKLM\\SYSTEM\\CurrentControlSet\\Services"
_RUN_HKLM = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"
_RUN_HKCU = "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"
_TASK_XML = """  <!-- {name} -->
  <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
    <RegistrationInfo>
      <Author>{author}</Author>
      <URI>{name}</URI>
    </RegistrationInfo>
    <Triggers>
      <LogonTrigger>
        <Enabled>true</Enabled>
      </LogonTrigger>
    </Triggers>
    <Settings>
      <Enabled>true</Enabled>
      <Hidden>{hidden}</Hidden>
    </Settings>
    <Actions Context="Author">
      <Exec>
        <Command>{command}</Command>
        <Arguments>{arguments}</Arguments>
      </Exec>
    </Actions>
  </Task>
"""


def _tasks_xml(tasks: list[dict[str, str]]) -> str:
    body = "".join(
        _TASK_XML.format(
            name=t["name"],
            author=t.get("author", ""),
            hidden=t.get("hidden", "false"),
            command=t["command"],
            arguments=t.get("arguments", ""),
        )
        for t in tasks
    )
    return f'<?xml version="1.0" encoding="UTF-16"?>\n<Tasks>\n{body}</Tasks>\n'


def _tasklist(names: list[str]) -> str:
    return "".join(
        f'"{name}","{100 + n * 4}","Console","1","12,345 K"\n' for n, name in enumerate(names)
    )


def _sid(rid: int) -> dict[str, Any]:
    return {"BinaryLength": 28, "Value": f"S-1-5-21-1111111111-2222222222-3333333333-{rid}"}


def _windows(folder: Path, planted: bool) -> None:
    files = folder / "files"
    keys: dict[str, dict[str, Any]] = {
        "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion": {
            "ProductName": "Windows 10 Pro",
            "EditionID": "Professional",
            "DisplayVersion": "24H2",
            "CurrentBuildNumber": "26100",
        },
        "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server": {
            "fDenyTSConnections": 0 if planted else 1
        },
        "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Remote Assistance": {"fAllowToGetHelp": 0},
        f"{_UNINSTALL}\\{{23170F69-40C1-2702-2201-000001000000}}": {
            "DisplayName": "7-Zip 22.01 (x64 edition)",
            "Publisher": "Igor Pavlov",
            "InstallLocation": "C:\\Program Files\\7-Zip\\",
        },
        f"{_UNINSTALL32}\\Google Chrome": {
            "DisplayName": "Google Chrome",
            "Publisher": "Google LLC",
            "InstallLocation": "C:\\Program Files\\Google\\Chrome\\Application",
        },
        f"{_UNINSTALL}\\ZoomUMX": {"DisplayName": "Zoom Workplace", "Publisher": "Zoom"},
        f"{_SERVICES}\\Dhcp": {
            "Type": 0x20,
            "Start": 2,
            "ImagePath": "%SystemRoot%\\system32\\svchost.exe -k LocalServiceNetworkRestricted -p",
            "DisplayName": "@%SystemRoot%\\system32\\dhcpcore.dll,-100",
        },
        f"{_SERVICES}\\disk": {"Type": 1, "Start": 0, "ImagePath": "System32\\drivers\\disk.sys"},
        f"{_SERVICES}\\GoogleUpdaterService": {
            "Type": 0x10,
            "Start": 2,
            "ImagePath": '"C:\\Program Files (x86)\\Google\\GoogleUpdater\\updater.exe" --system',
            "DisplayName": "Google Updater Service",
        },
        _RUN_HKCU: {
            "OneDrive": '"C:\\Users\\sam\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" '
            "/background"
        },
        "HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run": {
            "OneDrive": {"hex": "020000000000000000000000"}
        },
        _RUN_HKLM: {"SecurityHealth": "%windir%\\system32\\SecurityHealthSystray.exe"},
    }
    tasks = [
        {
            "name": "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag",
            "author": "Microsoft Corporation",
            "command": "%windir%\\system32\\defrag.exe",
            "arguments": "-c -h -o -$",
        }
    ]
    processes = ["System Idle Process", "System", "svchost.exe", "explorer.exe", "chrome.exe"]
    users: list[dict[str, Any]] = [
        {
            "Name": "Administrator",
            "FullName": "",
            "Enabled": False,
            "LastLogon": None,
            "SID": _sid(500),
        },
        {"Name": "Guest", "FullName": "", "Enabled": False, "LastLogon": None, "SID": _sid(501)},
        {
            "Name": "sam",
            "FullName": "Sam Example",
            "Enabled": True,
            "LastLogon": "/Date(1764662400000)/",
            "SID": _sid(1001),
        },
    ]
    admins = [{"Name": "LAPTOP-7\\sam", "SID": _sid(1001), "PrincipalSource": 1}]
    chrome = "C/Users/sam/AppData/Local/Google/Chrome/User Data/Default"
    chrome_extension(
        files,
        chrome,
        "aapbdbdomjkkjkaonfhkkikfgjllcleb",
        "Google Translate",
        ["activeTab", "contextMenus", "storage"],
    )
    _write(files, "C/Program Files/7-Zip/7z.exe", b"MZ")
    if planted:
        keys.update(
            {
                f"{_UNINSTALL32}\\AnyDesk": {
                    "DisplayName": "AnyDesk",
                    "Publisher": "AnyDesk Software GmbH",
                    "InstallLocation": '"C:\\Program Files (x86)\\AnyDesk"',
                    "DisplayIcon": '"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe"',
                },
                f"{_SERVICES}\\AnyDesk": {
                    "Type": 0x10,
                    "Start": 2,
                    "ImagePath": '"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe" --service',
                    "DisplayName": "AnyDesk Service",
                },
                f"{_SERVICES}\\TeamViewer": {
                    "Type": 0x10,
                    "Start": 2,
                    "ImagePath": '"C:\\Program Files\\TeamViewer\\TeamViewer_Service.exe"',
                    "DisplayName": "TeamViewer",
                },
                "HKLM\\SOFTWARE\\TeamViewer": {"Version": "15.60.3"},
                f"{_UNINSTALL}\\{{7DC3D1A2-52A9-4E2B-9A3B-8E1C2A0F5D11}}": {
                    "DisplayName": "Spyrix Personal Monitor",
                    "Publisher": "Spyrix Inc.",
                    "SystemComponent": 1,
                },
                _RUN_HKCU: {
                    "OneDrive": keys[_RUN_HKCU]["OneDrive"],
                    "KidLogger": '"C:\\Program Files (x86)\\KidLogger\\KidLogger.exe" -hide',
                },
                _RUN_HKLM: {
                    "SecurityHealth": "%windir%\\system32\\SecurityHealthSystray.exe",
                    "WinUpdateSvc": "C:\\Users\\Public\\Libraries\\winupd.exe /silent",
                },
            }
        )
        tasks.append(
            {
                "name": "\\SysHelper",
                "author": "LAPTOP-7\\alex",
                "hidden": "true",
                "command": "C:\\Users\\Public\\syshelper.exe",
                "arguments": "--quiet",
            }
        )
        processes += ["AnyDesk.exe", "TeamViewer_Service.exe", "QuickAssist.exe"]
        users.append(
            {
                "Name": "alex",
                "FullName": "",
                "Enabled": True,
                "LastLogon": "/Date(1763000000000)/",
                "SID": _sid(1002),
            }
        )
        admins.append({"Name": "LAPTOP-7\\alex", "SID": _sid(1002), "PrincipalSource": 1})
        _write(files, "C/Program Files (x86)/AnyDesk/AnyDesk.exe", b"MZ")
        _write(
            files,
            "C/ProgramData/AnyDesk/connection_trace.txt",
            "Incoming    2026-11-20, 22:14    Passwd    481516234    481516234\r\n"
            "Incoming    2026-11-27, 23:02    Token     481516234    481516234\r\n",
        )
        _write(files, "C/Program Files/TeamViewer/TeamViewer_Service.exe", b"MZ")
        _write(
            files,
            "C/Program Files/TeamViewer/Connections_incoming.txt",
            "1234567890\tAlex\t25-11-2026 21:40:12\t25-11-2026 22:05:47\tsam\tRemoteControl\t"
            "{5b1f0d2e-0000-4000-8000-000000000001}\r\n",
        )
        _write(files, "C/Program Files/RustDesk/rustdesk.exe", b"MZ")
        _write(
            files,
            "C/Users/sam/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup/"
            "RustDesk.lnk",
            lnk("C:\\Program Files\\RustDesk\\rustdesk.exe"),
        )
        _write(files, "C/Program Files (x86)/KidLogger/KidLogger.exe", b"MZ")
        chrome_extension(
            files,
            chrome,
            "kpgbmlgdjhlnmaopfccbbokepphcnijh",
            "Page Helper",
            ["<all_urls>", "webRequest"],
        )
        firefox_profile(
            files,
            "C/Users/sam/AppData/Roaming/Mozilla/Firefox/Profiles/x1y2z3.default-release",
            [firefox_addon("tabsaver@example.org", "Tab Saver", ["<all_urls>"])],
        )
    _write(folder, "registry.json", json.dumps({"keys": keys}, indent=1))
    _machine(
        folder,
        {
            "platform": "windows",
            "label": f"Windows 11 laptop ({'planted' if planted else 'clean'})",
            "computer_name": "LAPTOP-7",
            "os_version": "Windows 11 Pro",
            "user": "sam",
            "home": "C:\\Users\\sam",
            "is_admin": False,
            "env": _WIN_ENV,
        },
        {
            WIN_TASKLIST: _tasklist(processes),
            WIN_TASKS: _tasks_xml(tasks),
            WIN_USERS: json.dumps(users),
            WIN_ADMINS: json.dumps(admins if len(admins) > 1 else admins[0]),
        },
    )


# -- macOS ------------------------------------------------------------------------------------


def _mac_app(files: Path, path: str, bundle: str, name: str) -> None:
    _write(
        files,
        f"{path}/Contents/Info.plist",
        plist(
            {
                "CFBundleIdentifier": bundle,
                "CFBundleName": name,
                "CFBundleShortVersionString": "1.0",
            }
        ),
    )


def _macos(folder: Path, planted: bool) -> None:
    files = folder / "files"
    home = "/Users/sam"
    _mac_app(files, "/Applications/Safari.app", "com.apple.Safari", "Safari")
    _mac_app(files, "/Applications/Google Chrome.app", "com.google.Chrome", "Google Chrome")
    _mac_app(files, "/Applications/zoom.us.app", "us.zoom.xos", "zoom.us")
    _write(
        files,
        "/Library/LaunchAgents/com.google.keystone.agent.plist",
        plist(
            {
                "Label": "com.google.keystone.agent",
                "ProgramArguments": [
                    "/Library/Google/GoogleSoftwareUpdate/GoogleSoftwareUpdate.bundle/Contents/"
                    "Resources/GoogleSoftwareUpdateAgent.app/Contents/MacOS/GoogleSoftwareUpdateAgent",
                    "-runMode",
                    "ifneeded",
                ],
                "RunAtLoad": True,
            },
            binary=True,
        ),
    )
    chrome = f"{home}/Library/Application Support/Google/Chrome/Default"
    chrome_extension(
        files,
        chrome,
        "aapbdbdomjkkjkaonfhkkikfgjllcleb",
        "Google Translate",
        ["activeTab", "storage"],
    )
    ps = [
        "/sbin/launchd",
        "/usr/libexec/logd",
        "/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder",
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    ]
    netstat = (
        "Active Internet connections (including servers)\n"
        "Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)\n"
        "tcp4       0      0  192.168.1.20.49812     17.57.146.20.5223      ESTABLISHED\n"
    )
    users = "_spotlight 89\ndaemon 1\nnobody -2\nroot 0\nsam 501\n"
    admins = "GroupMembership: root sam\n"
    profiles = "There are no configuration profiles installed\n"
    enrollment = "Enrolled via DEP: No\nMDM enrollment: No\n"
    tcc: list[tuple[str, str, int, int]] = [
        ("kTCCServiceSystemPolicyAllFiles", "com.apple.Terminal", 2, 1760000000),
        ("kTCCServiceScreenCapture", "us.zoom.xos", 0, 1760000000),
    ]
    denied = [
        "/private/var/db/com.apple.backgroundtaskmanagement",
        f"{home}/Library/Application Support/com.apple.TCC",
    ]
    if planted:
        _mac_app(files, "/Applications/TeamViewer.app", "com.teamviewer.TeamViewer", "TeamViewer")
        _mac_app(files, "/Applications/AnyDesk.app", "com.philandro.anydesk", "AnyDesk")
        _write(
            files,
            "/Library/LaunchDaemons/com.teamviewer.teamviewerd.plist",
            plist(
                {
                    "Label": "com.teamviewer.teamviewerd",
                    "Program": "/Applications/TeamViewer.app/Contents/MacOS/TeamViewer_Service",
                    "RunAtLoad": True,
                    "KeepAlive": True,
                }
            ),
        )
        _write(
            files,
            "/Library/LaunchAgents/net.kidlogger.agent.plist",
            plist(
                {
                    "Label": "net.kidlogger.agent",
                    "ProgramArguments": [
                        "/Library/Application Support/KidLogger/kidlogger",
                        "--background",
                    ],
                    "RunAtLoad": True,
                }
            ),
        )
        _write(files, "/Library/Application Support/KidLogger/kidlogger", b"\xcf\xfa\xed\xfe")
        _write(
            files,
            f"{home}/Library/LaunchAgents/com.apple.systemhelper.plist",
            plist(
                {
                    "Label": "com.apple.systemhelper",
                    "ProgramArguments": [f"{home}/.local/share/systemhelper"],
                    "RunAtLoad": True,
                    "KeepAlive": True,
                }
            ),
        )
        _write(
            files,
            f"{home}/.anydesk/connection_trace.txt",
            "Incoming    2026-11-21, 08:45    Passwd    735551002    735551002\n",
        )
        chrome_extension(
            files, chrome, "kpgbmlgdjhlnmaopfccbbokepphcnijh", "Page Helper", ["<all_urls>"]
        )
        ps += [
            "/Applications/TeamViewer.app/Contents/MacOS/TeamViewer_Service",
            "/Applications/AnyDesk.app/Contents/MacOS/AnyDesk",
        ]
        netstat += (
            "tcp4       0      0  *.5900                 *.*                    LISTEN\n"
            "tcp6       0      0  *.5900                 *.*                    LISTEN\n"
            "tcp4       0      0  *.22                   *.*                    LISTEN\n"
        )
        users += "alex 502\n"
        admins = "GroupMembership: root sam alex\n"
        profiles = (
            "_computerlevel[1] attribute: profileIdentifier: com.example.mdm.enrollment\n"
            "There are 1 computer level profiles installed\n"
        )
        enrollment = "Enrolled via DEP: No\nMDM enrollment: Yes (User Approved)\n"
        tcc += [
            ("kTCCServiceScreenCapture", "com.teamviewer.TeamViewer", 2, 1763700000),
            ("kTCCServiceAccessibility", "com.teamviewer.TeamViewer", 2, 1763700000),
            (
                "kTCCServiceListenEvent",
                "/Library/Application Support/KidLogger/kidlogger",
                2,
                1763800000,
            ),
        ]
    _write(files, "/Library/Application Support/com.apple.TCC/TCC.db", tcc_db(tcc))
    _machine(
        folder,
        {
            "platform": "macos",
            "label": f"MacBook Air ({'planted' if planted else 'clean'})",
            "computer_name": "Sams-MacBook-Air",
            "os_version": "macOS 15.5",
            "user": "sam",
            "home": home,
            "is_admin": False,
            "denied": denied,
            "env": {"HOME": home, "USER": "sam"},
        },
        {
            MAC_PS: "\n".join(ps) + "\n",
            MAC_NETSTAT: netstat,
            MAC_PROFILES: profiles,
            MAC_ENROLLMENT: enrollment,
            MAC_USERS: users,
            MAC_ADMINS: admins,
        },
    )


# -- Linux ------------------------------------------------------------------------------------


def _dpkg(packages: list[str]) -> str:
    return "\n".join(
        f"Package: {p}\nStatus: install ok installed\nVersion: 1.0\nMaintainer: Example "
        f"<dev@example.org>\nDescription: {p}\n"
        for p in packages
    )


def _proc(files: Path, processes: list[tuple[str, str]]) -> None:
    for n, (comm, argv0) in enumerate(processes, start=1):
        _write(files, f"/proc/{n}/comm", comm + "\n")
        _write(files, f"/proc/{n}/cmdline", argv0.encode() + b"\0--flag\0")


def _tcp(ports: list[tuple[str, int]]) -> str:
    head = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
    rows = "".join(
        f"   {n}: {address}:{port:04X} 00000000:0000 0A 00000000:00000000 00:00000000 "
        "00000000     0\n"
        for n, (address, port) in enumerate(ports)
    )
    return head + rows


def _lastlog(entries: dict[int, int]) -> bytes:
    record = struct.Struct("=i32s256s")
    size = (max(entries) + 1) * record.size
    data = bytearray(size)
    for uid, stamp in entries.items():
        record.pack_into(data, uid * record.size, stamp, b"tty2", b"")
    return bytes(data)


def _linux(folder: Path, planted: bool) -> None:
    files = folder / "files"
    home = "/home/sam"
    packages = ["bash", "coreutils", "firefox-esr", "gnome-shell", "libreoffice-writer"]
    processes = [
        ("systemd", "/sbin/init"),
        ("gnome-shell", "/usr/bin/gnome-shell"),
        ("firefox-esr", "/usr/lib/firefox-esr/firefox-esr"),
    ]
    ports = [("0100007F", 631)]
    passwd = (
        "root:x:0:0:root:/root:/bin/bash\n"
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "sam:x:1000:1000:Sam Example,,,:/home/sam:/bin/bash\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    )
    group = "root:x:0:\nsudo:x:27:sam\nsam:x:1000:\n"
    logins = {1000: 1764662400}
    _write(
        files,
        "/etc/xdg/autostart/org.gnome.Evolution-alarm-notify.desktop",
        "[Desktop Entry]\nType=Application\nName=Evolution Alarm Notify\n"
        "Exec=/usr/libexec/evolution-data-server/evolution-alarm-notify\n",
    )
    _write(
        files,
        "/usr/share/applications/firefox-esr.desktop",
        "[Desktop Entry]\nType=Application\nName=Firefox ESR\nExec=/usr/lib/firefox-esr/"
        "firefox-esr %u\n",
    )
    _write(files, "/etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\n")
    _write(
        files,
        "/etc/crontab",
        "SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n",
    )
    chrome = f"{home}/.config/google-chrome/Default"
    chrome_extension(
        files, chrome, "aapbdbdomjkkjkaonfhkkikfgjllcleb", "Google Translate", ["activeTab"]
    )
    firefox_profile(
        files,
        f"{home}/.mozilla/firefox/abcd.default-esr",
        [
            firefox_addon("uBlock0@raymondhill.net", "uBlock Origin", ["<all_urls>"])
            | {"active": False}
        ],
    )
    crontab = ""
    if planted:
        packages += ["anydesk", "teamviewer", "x11vnc", "openssh-server"]
        processes += [
            ("anydesk", "/usr/bin/anydesk"),
            ("teamviewerd", "/opt/teamviewer/tv_bin/teamviewerd"),
            ("sshd", "/usr/sbin/sshd"),
            ("x11vnc", "/usr/bin/x11vnc"),
        ]
        ports += [("00000000", 22), ("00000000", 5900)]
        passwd += "alex:x:1001:1001:,,,:/home/alex:/bin/bash\n"
        group = "root:x:0:\nsudo:x:27:sam,alex\nsam:x:1000:\nalex:x:1001:\n"
        logins[1001] = 1763000000
        _write(files, "/opt/teamviewer/tv_bin/teamviewerd", b"\x7fELF")
        _write(
            files,
            f"{home}/.anydesk/connection_trace.txt",
            "Incoming    2026-11-22, 21:10    Passwd    902113456    902113456\n",
        )
        _write(files, f"{home}/.local/share/flatpak/app/com.rustdesk.RustDesk/current/active", "x")
        _write(
            files,
            f"{home}/.config/autostart/kidlogger.desktop",
            "[Desktop Entry]\nType=Application\nName=KidLogger\nExec=/opt/kidlogger/"
            "kidlogger --hidden\nX-GNOME-Autostart-enabled=true\n",
        )
        _write(
            files,
            f"{home}/.config/systemd/user/sync-helper.service",
            "[Unit]\nDescription=Sync helper\n\n[Service]\nExecStart=/home/sam/.local/bin/"
            "sync-helper\n\n[Install]\nWantedBy=default.target\n",
        )
        _write(files, f"{home}/.config/systemd/user/default.target.wants/sync-helper.service", "")
        crontab = "# m h dom mon dow command\n@reboot /home/sam/.cache/.agent/agent --quiet\n"
        chrome_extension(
            files,
            chrome,
            "kpgbmlgdjhlnmaopfccbbokepphcnijh",
            "Page Helper",
            ["https://*/*", "cookies"],
        )
    _write(files, "/var/lib/dpkg/status", _dpkg(packages))
    _proc(files, processes)
    _write(files, "/proc/net/tcp", _tcp(ports))
    _write(files, "/etc/passwd", passwd)
    _write(files, "/etc/group", group)
    _write(files, "/var/log/lastlog", _lastlog(logins))
    commands: dict[tuple[str, ...], str] = {}
    if crontab:
        from safetycheck.computer.system import LINUX_CRONTAB

        commands[LINUX_CRONTAB] = crontab
    _machine(
        folder,
        {
            "platform": "linux",
            "label": f"Debian laptop ({'planted' if planted else 'clean'})",
            "computer_name": "sam-laptop",
            "os_version": "Debian GNU/Linux 12 (bookworm)",
            "user": "sam",
            "home": home,
            "is_admin": False,
            "denied": ["/var/spool/cron/crontabs"],
            "env": {"HOME": home, "USER": "sam"},
        },
        commands,
    )


BUILDERS = {"windows": _windows, "macos": _macos, "linux": _linux}


def build(root: Path, name: str) -> Path:
    """Write the machine ``name`` (e.g. "windows-planted") into ``root/name``."""
    platform, _, variant = name.partition("-")
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    BUILDERS[platform](folder, variant == "planted")
    return folder


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "machines")
    for machine in MACHINES:
        print(build(out, machine))
