"""The one door through which a reader sees a computer: files, the Windows registry, commands.

A reader never calls ``open``, ``winreg`` or ``subprocess`` itself.  It asks a :class:`System`,
which is either this computer (:func:`this_computer`) or a recorded machine
(:func:`recorded_system`: a folder with the files, a registry dump and command outputs).  So the
Windows and macOS readers run, and are tested, on this Linux machine, and the real computer is
read through exactly the same calls.

Everything here only reads.  Commands are an exact allowlist of read-only programs: a reader
cannot run anything else, even by mistake.
"""

from __future__ import annotations

import datetime as dt
import json
import ntpath
import os
import platform as platform_module
import posixpath
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Protocol

WINDOWS = "windows"
MACOS = "macos"
LINUX = "linux"
PLATFORMS = (WINDOWS, MACOS, LINUX)

MAX_READ_BYTES = 8 * 1024 * 1024  # no file a reader needs is larger; a bigger one is skipped
COMMAND_TIMEOUT_SECONDS = 20.0

RegValue = str | int | bytes | list[str]

# Every program a reader may run, with its exact arguments.  All of them only print.
POWERSHELL = ("powershell.exe", "-NoProfile", "-NonInteractive", "-Command")
_PS_UTF8 = "[Console]::OutputEncoding=[Text.Encoding]::UTF8; "
WIN_TASKLIST = ("tasklist.exe", "/fo", "csv", "/nh")
WIN_TASKS = ("schtasks.exe", "/query", "/xml", "ONE")
WIN_USERS = (
    *POWERSHELL,
    _PS_UTF8 + "Get-LocalUser | Select-Object Name,FullName,Enabled,LastLogon,SID "
    "| ConvertTo-Json -Compress",
)
WIN_ADMINS = (
    *POWERSHELL,
    _PS_UTF8 + "Get-LocalGroupMember -SID S-1-5-32-544 | Select-Object Name,SID,PrincipalSource "
    "| ConvertTo-Json -Compress",
)
MAC_PS = ("/bin/ps", "-axo", "comm=")
MAC_NETSTAT = ("/usr/sbin/netstat", "-an", "-p", "tcp")
MAC_PROFILES = ("/usr/bin/profiles", "list")
MAC_ENROLLMENT = ("/usr/bin/profiles", "status", "-type", "enrollment")
MAC_USERS = ("/usr/bin/dscl", ".", "-list", "/Users", "UniqueID")
MAC_ADMINS = ("/usr/bin/dscl", ".", "-read", "/Groups/admin", "GroupMembership")
LINUX_CRONTAB = ("crontab", "-l")
ALLOWED_COMMANDS = frozenset(
    {
        WIN_TASKLIST,
        WIN_TASKS,
        WIN_USERS,
        WIN_ADMINS,
        MAC_PS,
        MAC_NETSTAT,
        MAC_PROFILES,
        MAC_ENROLLMENT,
        MAC_USERS,
        MAC_ADMINS,
        LINUX_CRONTAB,
    }
)


class NotAllowedError(Exception):
    """A reader asked to run a command that is not on the read-only allowlist (a bug)."""


@dataclass(frozen=True)
class FileInfo:
    size: int
    modified: dt.datetime


class FileSystem:
    """Files of the computer being read, addressed by that computer's own paths.

    ``root`` None: the paths are this computer's.  Otherwise a recorded machine's files live
    under ``root``: ``C:\\Users\\sam`` is ``root/C/Users/sam``, ``/Library/X`` is
    ``root/Library/X``.  Windows paths are matched without regard to case, as Windows does.
    """

    def __init__(
        self, root: Path | None = None, *, windows: bool = False, denied: Sequence[str] = ()
    ) -> None:
        self.root = root
        self.windows = windows
        self._resolved: dict[str, Path] = {}
        # A recorded machine's places that only an administrator may read: reading them
        # raises PermissionError, as it does on the real computer (tests run as any user).
        self._denied = tuple(self._key(d) for d in denied)

    def _key(self, path: str) -> str:
        text = path.replace("\\", "/").rstrip("/") if self.windows else path.rstrip("/")
        return text.casefold() if self.windows else text

    def local(self, path: str) -> Path:
        """The real file behind ``path`` (to read it or copy it as evidence)."""
        if self._denied:
            key = self._key(path)
            if any(key == d or key.startswith(d + "/") for d in self._denied):
                raise PermissionError(path)
        if self.root is None:
            return Path(path)
        cached = self._resolved.get(path)
        if cached is not None:
            return cached
        if self.windows:
            drive, rest = ntpath.splitdrive(path)
            parts = [drive.rstrip(":")] + [p for p in rest.replace("/", "\\").split("\\") if p]
        else:
            parts = [p for p in path.split("/") if p]
        if any(p in ("..", ".") for p in parts):
            raise FileNotFoundError(path)
        current = self.root
        for part in parts:
            candidate = current / part
            if self.windows and not candidate.exists() and current.is_dir():
                wanted = part.casefold()
                for child in current.iterdir():
                    if child.name.casefold() == wanted:
                        candidate = child
                        break
            current = candidate
        self._resolved[path] = current
        return current

    def list_dir(self, path: str) -> list[str]:
        """Names in a folder, sorted.  Raises FileNotFoundError or PermissionError."""
        return sorted(entry.name for entry in os.scandir(self.local(path)))

    def read_bytes(self, path: str, limit: int = MAX_READ_BYTES) -> bytes:
        with self.local(path).open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise OSError(f"{path} is too large to read")
        return data

    def read_range(self, path: str, offset: int, size: int) -> bytes:
        """``size`` bytes from ``offset`` (records in a large sparse file such as lastlog)."""
        with self.local(path).open("rb") as handle:
            handle.seek(offset)
            return handle.read(size)

    def read_text(self, path: str, limit: int = MAX_READ_BYTES) -> str:
        return self.read_bytes(path, limit).decode("utf-8", errors="replace")

    def is_dir(self, path: str) -> bool:
        try:
            return self.local(path).is_dir()
        except OSError:
            return False

    def is_file(self, path: str) -> bool:
        try:
            return self.local(path).is_file()
        except OSError:
            return False

    def is_symlink(self, path: str) -> bool:
        try:
            return self.local(path).is_symlink()
        except OSError:
            return False

    def exists(self, path: str) -> bool:
        try:
            return self.local(path).exists()
        except OSError:
            return False

    def stat(self, path: str) -> FileInfo:
        result = self.local(path).stat()
        return FileInfo(result.st_size, dt.datetime.fromtimestamp(result.st_mtime, dt.UTC))


class Registry(Protocol):
    """The Windows registry, read-only.  Keys are written ``HKLM\\SOFTWARE\\...``."""

    def subkeys(self, key: str) -> list[str]:
        """Names of the key's subkeys.  Raises FileNotFoundError or PermissionError."""
        ...

    def values(self, key: str) -> dict[str, RegValue]:
        """The key's values by name.  Raises FileNotFoundError or PermissionError."""
        ...


class RecordedRegistry:
    """A registry read back from a JSON dump: ``{"keys": {"HKLM\\\\X": {"Name": value}}}``.

    Values: a string (REG_SZ), a number (REG_DWORD), a list of strings (REG_MULTI_SZ) or
    ``{"hex": "0203..."}`` (REG_BINARY).  A key listed with ``"_denied": true`` raises
    PermissionError, as keys only an administrator may read do.
    """

    def __init__(self, data: dict[str, object]) -> None:
        keys = data.get("keys", {})
        if not isinstance(keys, dict):
            raise ValueError("registry dump: 'keys' should be a mapping")
        self._values: dict[str, dict[str, RegValue]] = {}
        self._names: dict[str, str] = {}
        self._children: dict[str, dict[str, str]] = {}
        self._denied: set[str] = set()
        for key, raw in keys.items():
            norm = self._norm(key)
            values: dict[str, RegValue] = {}
            for name, value in (raw or {}).items():
                if name == "_denied":
                    if value:
                        self._denied.add(norm)
                    continue
                values[str(name)] = _reg_value(value)
            self._values[norm] = values
            parts = key.split("\\")
            for depth in range(1, len(parts)):
                parent = self._norm("\\".join(parts[:depth]))
                child = parts[depth]
                self._children.setdefault(parent, {})[child.casefold()] = child
                self._values.setdefault(parent, {})

    @staticmethod
    def _norm(key: str) -> str:
        return key.strip("\\").casefold()

    def _check(self, key: str) -> str:
        norm = self._norm(key)
        for denied in self._denied:
            if norm == denied or norm.startswith(denied + "\\"):
                raise PermissionError(key)
        if norm not in self._values:
            raise FileNotFoundError(key)
        return norm

    def subkeys(self, key: str) -> list[str]:
        return sorted(self._children.get(self._check(key), {}).values(), key=str.casefold)

    def values(self, key: str) -> dict[str, RegValue]:
        return dict(self._values[self._check(key)])


def _reg_value(value: object) -> RegValue:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str | int):
        return value
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, dict) and isinstance(value.get("hex"), str):
        return bytes.fromhex(str(value["hex"]))
    raise ValueError(f"registry dump: cannot read the value {value!r}")


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import winreg

    _HIVES = {
        "HKLM": winreg.HKEY_LOCAL_MACHINE,
        "HKCU": winreg.HKEY_CURRENT_USER,
        "HKU": winreg.HKEY_USERS,
    }

    class WindowsRegistry:
        """This computer's registry through ``winreg``, opened read-only, 64-bit view."""

        def _open(self, key: str) -> winreg.HKEYType:
            hive, _, rest = key.partition("\\")
            return winreg.OpenKey(
                _HIVES[hive.upper()], rest, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY
            )

        def subkeys(self, key: str) -> list[str]:
            with self._open(key) as handle:
                count = winreg.QueryInfoKey(handle)[0]
                return [winreg.EnumKey(handle, i) for i in range(count)]

        def values(self, key: str) -> dict[str, RegValue]:
            result: dict[str, RegValue] = {}
            with self._open(key) as handle:
                count = winreg.QueryInfoKey(handle)[1]
                for i in range(count):
                    name, value, _kind = winreg.EnumValue(handle, i)
                    if isinstance(value, str | int | bytes):
                        result[name] = value
                    elif isinstance(value, list):
                        result[name] = [str(v) for v in value]
            return result


class Commands(Protocol):
    def run(self, argv: Sequence[str]) -> str | None:
        """The command's output, or None when it is missing, refused or failed."""
        ...


def _check_allowed(argv: Sequence[str]) -> tuple[str, ...]:
    key = tuple(argv)
    if key not in ALLOWED_COMMANDS:
        raise NotAllowedError(f"not a read-only command SafetyCheck may run: {key!r}")
    return key


class RealCommands:
    """Runs allowlisted commands on this computer: no shell, a time limit, no window."""

    def __init__(self, timeout: float = COMMAND_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self.ran: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str]) -> str | None:
        key = _check_allowed(argv)
        self.ran.append(key)
        env = dict(os.environ, LC_ALL="C", LANG="C")
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            done = subprocess.run(
                list(key),
                capture_output=True,
                timeout=self.timeout,
                env=env,
                stdin=subprocess.DEVNULL,
                creationflags=flags,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode != 0 and not done.stdout:
            return None
        return _decode(done.stdout)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        codec = "oem" if sys.platform == "win32" else "latin-1"
        return data.decode(codec, errors="replace")


class RecordedCommands:
    """Command outputs recorded from a real machine, looked up by the exact command."""

    def __init__(self, outputs: dict[tuple[str, ...], str | None]) -> None:
        self.outputs = outputs
        self.ran: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str]) -> str | None:
        key = _check_allowed(argv)
        self.ran.append(key)
        return self.outputs.get(key)


@dataclass
class System:
    """Everything a reader may know about the computer, and the only way it reads it."""

    platform: str
    fs: FileSystem
    commands: Commands
    registry: Registry | None = None
    env: dict[str, str] = field(default_factory=dict)
    user: str = ""
    home: str = ""
    is_admin: bool = False
    computer_name: str = ""
    os_version: str = ""
    source: str = "this computer"  # or "recording: <name>" for a recorded machine
    _folded_env: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def paths(self) -> ModuleType:
        """``ntpath`` for Windows, ``posixpath`` otherwise: joins in the computer's own style."""
        return ntpath if self.platform == WINDOWS else posixpath

    def join(self, *parts: str) -> str:
        joined: str = self.paths.join(*parts)
        return joined

    def expand(self, path: str) -> str | None:
        """``%APPDATA%\\x`` or ``~/x`` for this computer; None when a variable is unknown."""
        if path.startswith("~"):
            if not self.home:
                return None
            return self.home + path[1:]
        out = []
        rest = path
        while "%" in rest:
            before, _, after = rest.partition("%")
            name, sep, rest = after.partition("%")
            if not sep:
                return None
            value = self._env(name)
            if value is None:
                return None
            out.append(before + value)
        out.append(rest)
        return "".join(out)

    def _env(self, name: str) -> str | None:
        if self._folded_env is None:
            self._folded_env = {key.casefold(): value for key, value in self.env.items()}
        return self._folded_env.get(name.casefold())


def current_platform() -> str:
    if sys.platform == "win32":
        return WINDOWS
    if sys.platform == "darwin":
        return MACOS
    return LINUX


_ENV_NAMES = (
    "USERPROFILE",
    "APPDATA",
    "LOCALAPPDATA",
    "PROGRAMDATA",
    "PROGRAMFILES",
    "PROGRAMFILES(X86)",
    "SYSTEMROOT",
    "SYSTEMDRIVE",
    "USERNAME",
    "HOME",
    "USER",
    "XDG_CONFIG_HOME",
)


def this_computer() -> System:
    """The computer SafetyCheck is running on, read for real."""
    name = current_platform()
    env = {key: os.environ[key] for key in _ENV_NAMES if key in os.environ}
    home = str(Path.home())
    registry: Registry | None = None
    if name == WINDOWS and sys.platform == "win32":  # pragma: no cover - Windows only
        registry = WindowsRegistry()
    try:
        user = os.getlogin()
    except OSError:
        user = env.get("USERNAME") or env.get("USER") or Path(home).name
    return System(
        platform=name,
        fs=FileSystem(None, windows=name == WINDOWS),
        commands=RealCommands(),
        registry=registry,
        env=env,
        user=user,
        home=home,
        is_admin=_is_admin(),
        computer_name=platform_module.node(),
        os_version=_os_version(name),
    )


def _is_admin() -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        try:
            return bool(ctypes.windll.shell32.IsUserAnAdmin())
        except (AttributeError, OSError):
            return False
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _os_version(name: str) -> str:
    if name == LINUX:
        try:
            for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
                if line.startswith("PRETTY_NAME="):
                    return line.partition("=")[2].strip().strip('"')
        except OSError:
            pass
        return f"Linux {platform_module.release()}"
    if name == MACOS:
        return f"macOS {platform_module.mac_ver()[0]}".strip()
    return f"Windows {platform_module.version()}"


MACHINE_FILE = "machine.toml"


def recorded_system(folder: Path) -> System:
    """A machine recorded into ``folder`` (``tests/computer_machines.py`` writes six of them).

    ``machine.toml`` names the platform, user, environment and the command outputs (each a
    file in the folder, or absent for a command that failed); ``registry.json`` holds the
    registry of a Windows machine; ``files/`` holds its files under their own paths.
    """
    folder = Path(folder)
    try:
        meta = tomllib.loads((folder / MACHINE_FILE).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{folder / MACHINE_FILE} cannot be read: {exc}") from exc
    name = str(meta.get("platform", ""))
    if name not in PLATFORMS:
        raise ValueError(f"{folder / MACHINE_FILE}: platform should be one of {PLATFORMS}")
    outputs: dict[tuple[str, ...], str | None] = {}
    for entry in meta.get("commands", []):
        argv = tuple(str(a) for a in entry["argv"])
        output_file = entry.get("output")
        outputs[argv] = (
            (folder / str(output_file)).read_text(encoding="utf-8") if output_file else None
        )
    registry: Registry | None = None
    registry_file = folder / "registry.json"
    if registry_file.is_file():
        registry = RecordedRegistry(json.loads(registry_file.read_text(encoding="utf-8")))
    env = {str(k): str(v) for k, v in dict(meta.get("env", {})).items()}
    return System(
        platform=name,
        fs=FileSystem(
            folder / "files",
            windows=name == WINDOWS,
            denied=[str(d) for d in meta.get("denied", [])],
        ),
        commands=RecordedCommands(outputs),
        registry=registry,
        env=env,
        user=str(meta.get("user", "")),
        home=str(meta.get("home", "")),
        is_admin=bool(meta.get("is_admin", False)),
        computer_name=str(meta.get("computer_name", "")),
        os_version=str(meta.get("os_version", "")),
        source=f"recording: {meta.get('label') or folder.name}",
    )
