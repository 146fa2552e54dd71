"""Read a Linux computer: packages, processes, what starts by itself, listening remote services,
browser extensions and accounts.  Files only (``/proc``, ``/etc``, ``/var/lib/dpkg``), plus
``crontab -l`` for the person's own scheduled jobs.
"""

from __future__ import annotations

import datetime as dt
import shlex
import sqlite3
import struct
from collections.abc import Callable

from safetycheck.computer import model
from safetycheck.computer.browsers import BrowserHome, read_extensions
from safetycheck.computer.model import Account, Item, Reading, RemoteSetting
from safetycheck.computer.system import LINUX_CRONTAB, System

Progress = Callable[[str], None]

_LASTLOG_RECORD = struct.Struct("=i32s256s")  # glibc's struct lastlog (time is 32 bits)
_ADMIN_GROUPS = ("sudo", "wheel", "admin")
_NO_LOGIN = ("nologin", "false", "sync", "halt", "shutdown")
# Listening ports that mean someone can connect to this computer from elsewhere.
_PORTS = {22: model.SSH_SERVER, 3389: model.RDP_SERVER}
_VNC_PORTS = range(5900, 5911)
_SERVER_PROCESSES = {
    "sshd": model.SSH_SERVER,
    "xrdp": model.RDP_SERVER,
    "xrdp-sesman": model.RDP_SERVER,
    "x11vnc": model.VNC_SERVER,
    "xvnc": model.VNC_SERVER,
    "vncserver": model.VNC_SERVER,
    "x0vncserver": model.VNC_SERVER,
    "wayvnc": model.VNC_SERVER,
}


class LinuxReader:
    platform = "linux"

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
        say("Reading installed programs")
        _packages(system, reading)
        _applications(system, reading)
        say("Reading running programs")
        _processes(system, reading)
        say("Reading what starts by itself")
        _xdg_autostart(system, reading)
        _systemd(system, reading)
        _cron(system, reading)
        say("Reading remote access settings")
        _listening(system, reading)
        say("Reading browser extensions")
        read_extensions(system, browser_homes(system), reading)
        if not system.is_admin:
            reading.skip(
                "Other accounts' browsers and startup items: only an administrator can read them."
            )
        say("Reading accounts")
        _accounts(system, reading)
        return reading


def browser_homes(system: System) -> list[BrowserHome]:
    home = system.home
    config = system.env.get("XDG_CONFIG_HOME") or f"{home}/.config"
    return [
        BrowserHome("Google Chrome", f"{config}/google-chrome", "chromium"),
        BrowserHome("Chromium", f"{config}/chromium", "chromium"),
        BrowserHome("Chromium", f"{home}/snap/chromium/common/chromium", "chromium"),
        BrowserHome("Microsoft Edge", f"{config}/microsoft-edge", "chromium"),
        BrowserHome("Brave", f"{config}/BraveSoftware/Brave-Browser", "chromium"),
        BrowserHome("Firefox", f"{home}/.mozilla/firefox", "firefox"),
        BrowserHome("Firefox", f"{home}/snap/firefox/common/.mozilla/firefox", "firefox"),
        BrowserHome("Firefox", f"{home}/.var/app/org.mozilla.firefox/.mozilla/firefox", "firefox"),
    ]


def _packages(system: System, reading: Reading) -> None:
    status = "/var/lib/dpkg/status"
    try:
        text = system.fs.read_text(status)
    except FileNotFoundError:
        reading.skip(
            "The list of installed packages: this is not a Debian or Ubuntu system. Programs "
            "in /opt, Flatpak, Snap and the applications menu were still read."
        )
        text = ""
    except OSError:
        reading.problem("The list of installed packages could not be read.")
        text = ""
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if fields.get("Package") and fields.get("Status", "").endswith(" installed"):
            reading.installed.append(
                Item(
                    model.INSTALLED,
                    fields["Package"],
                    identifier=fields["Package"],
                    publisher=fields.get("Maintainer", ""),
                    where=status,
                )
            )
    for folder, where in (
        ("/opt", "/opt"),
        ("/var/lib/flatpak/app", "Flatpak"),
        (f"{system.home}/.local/share/flatpak/app", "Flatpak (this account)"),
        ("/snap", "Snap"),
    ):
        try:
            names = system.fs.list_dir(folder)
        except OSError:
            continue
        for name in names:
            if folder == "/snap" and (name in ("bin", "README") or name.startswith("core")):
                continue
            path = f"{folder}/{name}"
            if system.fs.is_dir(path):
                reading.installed.append(
                    Item(
                        model.INSTALLED,
                        name,
                        path=path,
                        identifier=name,
                        where=where,
                        how=model.FOLDER,
                    )
                )


def _desktop_entry(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    in_entry = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            in_entry = line == "[Desktop Entry]"
            continue
        if in_entry and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            fields.setdefault(key.strip(), value.strip())
    return fields


def _program_of(command: str) -> str:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    for word in words:
        if "=" in word and not word.startswith("/"):
            continue  # env VAR=value before the program
        if word in ("env", "sh", "bash", "-c", "nohup"):
            continue
        return word
    return ""


def _applications(system: System, reading: Reading) -> None:
    for folder in ("/usr/share/applications", f"{system.home}/.local/share/applications"):
        try:
            names = system.fs.list_dir(folder)
        except OSError:
            continue
        for name in names:
            if not name.endswith(".desktop"):
                continue
            path = f"{folder}/{name}"
            try:
                entry = _desktop_entry(system.fs.read_text(path, 256 * 1024))
            except OSError:
                continue
            if entry.get("Type", "Application") != "Application":
                continue
            command = entry.get("Exec", "")
            reading.installed.append(
                Item(
                    model.INSTALLED,
                    entry.get("Name") or name[:-8],
                    path=_program_of(command),
                    identifier=name[:-8],
                    where=path,
                    command=command,
                )
            )


def _processes(system: System, reading: Reading) -> None:
    try:
        pids = [p for p in system.fs.list_dir("/proc") if p.isdigit()]
    except OSError:
        reading.problem("Running programs: /proc could not be read.")
        return
    seen: set[tuple[str, str]] = set()
    for pid in pids:
        try:
            name = system.fs.read_text(f"/proc/{pid}/comm", 4096).strip()
        except OSError:
            continue  # ended while we read
        try:
            raw = system.fs.read_bytes(f"/proc/{pid}/cmdline", 64 * 1024)
        except OSError:
            raw = b""
        program = raw.split(b"\0", 1)[0].decode("utf-8", errors="replace")
        key = (name, program)
        if name and key not in seen:
            seen.add(key)
            reading.processes.append(Item(model.PROCESS, name, path=program, where="/proc"))
    if len(pids) > 1 and len(seen) <= 3 and not system.is_admin:
        reading.skip("Other accounts' running programs: this system hides them.")


def _xdg_autostart(system: System, reading: Reading) -> None:
    config = system.env.get("XDG_CONFIG_HOME") or f"{system.home}/.config"
    for folder, is_system in ((f"{config}/autostart", False), ("/etc/xdg/autostart", True)):
        try:
            names = system.fs.list_dir(folder)
        except OSError:
            continue
        for name in names:
            if not name.endswith(".desktop"):
                continue
            path = f"{folder}/{name}"
            try:
                entry = _desktop_entry(system.fs.read_text(path, 256 * 1024))
            except OSError:
                continue
            command = entry.get("Exec", "")
            hidden = entry.get("Hidden", "").lower() == "true"
            reading.autostart.append(
                Item(
                    model.AUTOSTART,
                    entry.get("Name") or name[:-8],
                    path=_program_of(command),
                    identifier=name[:-8],
                    where=path,
                    command=command,
                    how=model.XDG_AUTOSTART,
                    system=is_system,
                    enabled=not hidden,
                )
            )


def _unit_exec(system: System, path: str) -> str:
    try:
        text = system.fs.read_text(path, 256 * 1024)
    except OSError:
        return ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("ExecStart="):
            return line.partition("=")[2].lstrip("-@+!:")
    return ""


def _systemd(system: System, reading: Reading) -> None:
    config = system.env.get("XDG_CONFIG_HOME") or f"{system.home}/.config"
    places = [
        (
            "/etc/systemd/system",
            model.SYSTEMD_UNIT,
            ("/lib/systemd/system", "/usr/lib/systemd/system"),
        ),
        (f"{config}/systemd/user", model.SYSTEMD_USER_UNIT, ()),
        ("/etc/systemd/user", model.SYSTEMD_USER_UNIT, ("/usr/lib/systemd/user",)),
    ]
    for folder, how, packaged in places:
        try:
            entries = system.fs.list_dir(folder)
        except OSError:
            continue
        enabled: set[str] = set()
        for entry in entries:
            if entry.endswith(".wants"):
                try:
                    enabled.update(system.fs.list_dir(f"{folder}/{entry}"))
                except OSError:
                    continue
        local = {e for e in entries if e.endswith((".service", ".timer"))}
        for unit in sorted(enabled | local):
            if not unit.endswith((".service", ".timer")):
                continue
            own = unit in local and not system.fs.is_symlink(f"{folder}/{unit}")
            path = f"{folder}/{unit}" if own else ""
            if not path:
                for base in packaged:
                    if system.fs.is_file(f"{base}/{unit}"):
                        path = f"{base}/{unit}"
                        break
            command = _unit_exec(system, path) if path else ""
            is_user_folder = folder.startswith(config)
            reading.autostart.append(
                Item(
                    model.AUTOSTART,
                    unit,
                    path=_program_of(command),
                    identifier=unit.rsplit(".", 1)[0],
                    where=path or f"{folder} ({unit})",
                    command=command,
                    how=how,
                    system=not own and not is_user_folder,
                    enabled=unit in enabled or is_user_folder,
                )
            )


def _cron_lines(text: str, where: str, system_file: bool, with_user: bool) -> list[Item]:
    items: list[Item] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" in line.split(" ", 1)[0]:
            continue
        words = line.split()
        command_words = words[1:] if line.startswith("@") else words[5:]
        if with_user and command_words:
            command_words = command_words[1:]
        command = " ".join(command_words)
        if not command:
            continue
        items.append(
            Item(
                model.AUTOSTART,
                command if len(command) <= 80 else command[:77] + "...",
                path=_program_of(command),
                where=where,
                command=line,
                how=model.CRON,
                system=system_file,
            )
        )
    return items


def _cron(system: System, reading: Reading) -> None:
    own = system.commands.run(LINUX_CRONTAB)
    if own:
        reading.autostart.extend(_cron_lines(own, "crontab -l (this account)", False, False))
    for path, with_user in [("/etc/crontab", True)] + [
        (f"/etc/cron.d/{name}", True) for name in _safe_list(system, "/etc/cron.d")
    ]:
        try:
            text = system.fs.read_text(path, 256 * 1024)
        except OSError:
            continue
        reading.autostart.extend(_cron_lines(text, path, True, with_user))
    spool = "/var/spool/cron/crontabs"
    try:
        users = system.fs.list_dir(spool)
    except PermissionError:
        reading.skip("Other accounts' scheduled jobs (cron): only an administrator can read them.")
        return
    except OSError:
        return
    for user in users:
        if user == system.user or user.startswith("."):
            continue
        try:
            text = system.fs.read_text(f"{spool}/{user}", 256 * 1024)
        except OSError:
            continue
        reading.autostart.extend(_cron_lines(text, f"{spool}/{user}", False, False))


def _safe_list(system: System, folder: str) -> list[str]:
    try:
        return [n for n in system.fs.list_dir(folder) if not n.startswith(".")]
    except OSError:
        return []


def _listening_ports(system: System) -> dict[int, bool]:
    """Port -> True when reachable from other computers (not only this one)."""
    ports: dict[int, bool] = {}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = system.fs.read_text(name).splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 4 or fields[3] != "0A":  # 0A = LISTEN
                continue
            address, _, port_hex = fields[1].rpartition(":")
            port = int(port_hex, 16)
            loopback = address in (
                "0100007F",
                "00000000000000000000000001000000",
            )
            ports[port] = ports.get(port, False) or not loopback
    return ports


def _listening(system: System, reading: Reading) -> None:
    ports = _listening_ports(system)
    found: dict[str, RemoteSetting] = {}
    for port, open_outside in sorted(ports.items()):
        kind = _PORTS.get(port) or (model.VNC_SERVER if port in _VNC_PORTS else None)
        if kind is None:
            continue
        detail = f"listening on port {port}" + ("" if open_outside else " (this computer only)")
        if kind not in found or open_outside:
            found[kind] = RemoteSetting(kind, open_outside, detail, "/proc/net/tcp")
    for process in reading.processes:
        kind = _SERVER_PROCESSES.get(process.name.lower())
        if kind and kind not in found:
            found[kind] = RemoteSetting(kind, True, f"{process.name} is running", "/proc")
    reading.remote.extend(found.values())


def _accounts(system: System, reading: Reading) -> None:
    try:
        passwd = system.fs.read_text("/etc/passwd")
    except OSError:
        reading.problem("Accounts: /etc/passwd could not be read.")
        return
    uid_min, uid_max = 1000, 60000
    try:
        for line in system.fs.read_text("/etc/login.defs").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "UID_MIN" and parts[1].isdigit():
                uid_min = int(parts[1])
            if len(parts) == 2 and parts[0] == "UID_MAX" and parts[1].isdigit():
                uid_max = int(parts[1])
    except OSError:
        pass
    admins: set[str] = set()
    try:
        for line in system.fs.read_text("/etc/group").splitlines():
            parts = line.split(":")
            if len(parts) >= 4 and parts[0] in _ADMIN_GROUPS:
                admins.update(m for m in parts[3].split(",") if m)
    except OSError:
        reading.problem("Which accounts are administrators: /etc/group could not be read.")
    last = _last_logins(system, reading)
    for line in passwd.splitlines():
        parts = line.split(":")
        if len(parts) < 7 or not parts[2].isdigit():
            continue
        name, uid, shell = parts[0], int(parts[2]), parts[6]
        if uid != 0 and not (uid_min <= uid <= uid_max):
            continue
        if uid != 0 and shell.rsplit("/", 1)[-1] in _NO_LOGIN:
            continue
        known = last is not None
        when = last.get(name) if last is not None else None
        if last is not None and name in last and when is None:
            known = True  # never signed in
        reading.accounts.append(
            Account(
                name=name,
                full_name=parts[4].split(",")[0],
                admin=uid == 0 or name in admins,
                current=name == system.user,
                last_login=when,
                last_login_known=known,
            )
        )


def _last_logins(system: System, reading: Reading) -> dict[str, dt.datetime | None] | None:
    """Name -> last sign-in (None: never), from lastlog2's database or the old lastlog file."""
    try:
        raw = system.fs.read_bytes("/var/lib/lastlog/lastlog2.db", 16 * 1024 * 1024)
    except OSError:
        raw = b""
    if raw:
        try:
            db = sqlite3.connect(":memory:")
            db.deserialize(raw)
            rows = db.execute("SELECT Name, Time FROM Lastlog2").fetchall()
            db.close()
            return {
                str(n): dt.datetime.fromtimestamp(int(t), dt.UTC) if t else None for n, t in rows
            }
        except sqlite3.Error:
            pass
    lastlog = "/var/log/lastlog"
    try:
        passwd = system.fs.read_text("/etc/passwd")
        present = system.fs.is_file(lastlog)
    except OSError:
        present = False
    if not present:
        reading.skip("When each account last signed in: this system does not say.")
        return None
    result: dict[str, dt.datetime | None] = {}
    for line in passwd.splitlines():
        parts = line.split(":")
        if len(parts) < 3 or not parts[2].isdigit():
            continue
        try:
            record = system.fs.read_range(
                lastlog, int(parts[2]) * _LASTLOG_RECORD.size, _LASTLOG_RECORD.size
            )
        except OSError:
            reading.problem(
                "When each account last signed in: the sign-in record could not be read."
            )
            return None
        if len(record) < _LASTLOG_RECORD.size:
            result[parts[0]] = None
            continue
        stamp = _LASTLOG_RECORD.unpack(record)[0]
        result[parts[0]] = dt.datetime.fromtimestamp(stamp, dt.UTC) if stamp > 0 else None
    return result
