"""Find Google's ``adb`` tool and run it, read-only, with timeouts.

Every command sent to the phone goes through :meth:`Adb.shell`, which refuses anything
that is not on a short list of commands that only read (``pm list``, ``dumpsys``,
``settings get``, ``appops query-op``, ``getprop``).  That list is the guarantee that a
scan never changes the phone: a bug elsewhere cannot uninstall an app or flip a setting.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safetycheck.android.parse import Device, parse_devices
from safetycheck.paths import assets_dir

DEFAULT_TIMEOUT_SECONDS = 30.0
DEVICES_TIMEOUT_SECONDS = 15.0
PULL_TIMEOUT_SECONDS = 120.0
# The whole scan, however many commands and app copies it needs.  A normal scan takes
# 5-30 s; a phone that answers but crawls is given up on here (issue 12: 271 s before).
SCAN_DEADLINE_SECONDS = 120.0
# How often a waiting command looks whether the person pressed Cancel.
CANCEL_POLL_SECONDS = 0.1

# Shell commands a scan may send, as word prefixes.  Each only reads.
READ_ONLY_SHELL_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("pm", "list", "packages"),
    ("dumpsys", "device_policy"),
    ("dumpsys", "package"),
    ("settings", "get"),
    ("appops", "query-op"),
    ("getprop",),
)


class AndroidError(Exception):
    """A problem with adb or the phone, as one sentence the person can act on."""


class AdbMissingError(AndroidError):
    def __init__(self, message: str, guidance: str) -> None:
        super().__init__(message)
        self.guidance = guidance


class NotReadOnlyError(AndroidError):
    pass


class ScanStopped(AndroidError):
    """The phone stopped answering, or the scan reached its deadline: nothing more is read."""


class ScanCancelled(AndroidError):
    """The person pressed Cancel."""

    def __init__(self) -> None:
        super().__init__("The scan was cancelled. Nothing from it was saved.")


@functools.cache
def scan_text() -> dict[str, Any]:
    """The scan's words and lists (``assets/android/scan.toml``), read once per run."""
    with open(assets_dir() / "android" / "scan.toml", "rb") as handle:
        return tomllib.load(handle)


def platform_key() -> str:
    if os.name == "nt":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def install_guidance(platform: str | None = None, *, cli: bool = False) -> str:
    """What to install, for this (or the given) system. ``cli``: the words for the command
    line, which names ``--adb`` where the app names its Settings window."""
    text = scan_text()["adb_missing"]
    if cli:
        text = {**text, **text.get("cli", {})}
    return f"{text['intro']}\n\n{text[platform or platform_key()]}"


def _sdk_candidates() -> list[Path]:
    """Where Android Studio and the platform-tools installers usually put adb."""
    exe = "adb.exe" if os.name == "nt" else "adb"
    roots = [os.environ.get("ANDROID_HOME"), os.environ.get("ANDROID_SDK_ROOT")]
    home = Path.home()
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA")
        roots.append(str(Path(local) / "Android" / "Sdk") if local else None)
    elif sys.platform == "darwin":
        roots.append(str(home / "Library" / "Android" / "sdk"))
    else:
        roots.append(str(home / "Android" / "Sdk"))
    found = [Path(r) / "platform-tools" / exe for r in roots if r]
    if os.name == "nt":
        found.append(Path("C:/platform-tools/adb.exe"))
    return found


def find_adb(configured: str | None = None) -> Path:
    """The adb to use: the one set in settings, else on PATH, else a usual SDK folder."""
    if configured:
        path = Path(configured).expanduser()
        if path.is_dir():
            path = path / ("adb.exe" if os.name == "nt" else "adb")
        if path.is_file():
            return path.absolute()  # "./adb" means this folder, never a program on PATH
        raise AdbMissingError(
            f"The place set in Settings for the adb program ({configured}) does not hold it.",
            install_guidance(),
        )
    on_path = shutil.which("adb")
    if on_path:
        return Path(on_path)
    for candidate in _sdk_candidates():
        if candidate.is_file():
            return candidate
    raise AdbMissingError(
        "SafetyCheck cannot read phones yet: a free program it needs, called adb, "
        "is not on this computer.",
        install_guidance(),
    )


def _is_bare_name(path: Path | str) -> bool:
    """A program name to look up on PATH ("adb"), not a file's path (a Path is always a file)."""
    return isinstance(path, str) and "/" not in path and os.sep not in path


def is_read_only(command: Sequence[str]) -> bool:
    words = tuple(command)
    return any(words[: len(prefix)] == prefix for prefix in READ_ONLY_SHELL_COMMANDS)


class Adb:
    """A thin, careful wrapper around the adb program.

    Each command has its own time limit.  A scan also gives the whole run a deadline and
    a Cancel (:meth:`bounded`): a command that is waiting for the phone is stopped (its adb
    process killed) as soon as either comes.
    """

    def __init__(
        self,
        path: Path | str,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        *,
        deadline_seconds: float | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        # A file's path is made absolute now: pathlib turns "./adb" into "adb", which a
        # child process would look up on PATH instead of in this folder.
        self.path = str(path) if _is_bare_name(path) else os.path.abspath(path)
        self.timeout = timeout
        self.cancel = cancel
        self.deadline_seconds = deadline_seconds
        self._deadline = None if deadline_seconds is None else time.monotonic() + deadline_seconds

    def bounded(self, deadline_seconds: float, cancel: threading.Event | None = None) -> Adb:
        """The same adb, with a deadline for everything from now on, and a Cancel."""
        return Adb(self.path, self.timeout, deadline_seconds=deadline_seconds, cancel=cancel)

    def run(self, args: Sequence[str], timeout: float | None = None) -> str:
        """Run ``adb ARGS``; return its output or raise :class:`AndroidError`."""
        limit = timeout or self.timeout
        if self.cancel is not None and self.cancel.is_set():
            raise ScanCancelled()
        past_deadline = False
        if self._deadline is not None:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise ScanStopped(self._deadline_message())
            past_deadline = left < limit
            limit = min(limit, left)
        # No console window flashing up on Windows; 0 (the default) elsewhere.
        creationflags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0
        try:
            process = subprocess.Popen(
                [self.path, *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                creationflags=creationflags,
            )
        except OSError as exc:
            raise AdbMissingError(
                "The adb program could not be started.", install_guidance()
            ) from exc
        try:
            stdout, stderr = self._wait(process, limit)
        except subprocess.TimeoutExpired as exc:
            if past_deadline:
                raise ScanStopped(self._deadline_message()) from exc
            raise ScanStopped(
                "The phone took too long to answer. Unplug it, plug it in again, unlock it, "
                "and try again."
            ) from exc
        out = stdout.decode("utf-8", "replace")
        err = stderr.decode("utf-8", "replace")
        if process.returncode != 0:
            raise AndroidError(_plain_adb_error(err or out))
        return out

    def _wait(self, process: subprocess.Popen[bytes], limit: float) -> tuple[bytes, bytes]:
        """The process's output; it is killed at ``limit`` seconds or on Cancel."""
        end = time.monotonic() + limit
        while True:
            step = max(0.0, min(CANCEL_POLL_SECONDS, end - time.monotonic()))
            try:
                return process.communicate(timeout=step)
            except subprocess.TimeoutExpired:
                cancelled = self.cancel is not None and self.cancel.is_set()
                if cancelled or time.monotonic() >= end:
                    process.kill()
                    process.communicate()
                    if cancelled:
                        raise ScanCancelled() from None
                    raise

    def _deadline_message(self) -> str:
        seconds = round(self.deadline_seconds or 0)
        return (
            f"It reached its time limit of {seconds} second{'s' if seconds != 1 else ''}: the "
            "phone answered too slowly. Unplug it, plug it in again, unlock it, and try again."
        )

    def devices(self) -> list[Device]:
        return parse_devices(self.run(["devices", "-l"], timeout=DEVICES_TIMEOUT_SECONDS))

    def shell(self, serial: str, command: Sequence[str], timeout: float | None = None) -> str:
        if not is_read_only(command):
            raise NotReadOnlyError(
                f"SafetyCheck refused to send '{' '.join(command)}' to the phone: a scan only "
                "reads."
            )
        # adb joins shell words with spaces; quoting keeps each word one word on the phone.
        return self.run(["-s", serial, "shell", shlex.join(command)], timeout=timeout)

    def pull(self, serial: str, remote: str, local: Path) -> None:
        """Copy a file from the phone (reading it there; nothing on the phone changes)."""
        # "--" ends the options: a path from the phone can never be read as one.
        self.run(["-s", serial, "pull", "--", remote, str(local)], timeout=PULL_TIMEOUT_SECONDS)


def _plain_adb_error(message: str) -> str:
    text = message.strip().lower()
    if "unauthorized" in text:
        return (
            "The phone has not allowed this computer yet. Unlock the phone and tap Allow on the "
            "'Allow USB debugging?' message."
        )
    if "not found" in text and "device" in text:
        return "That phone is no longer connected. Plug it in again and try again."
    if "offline" in text:
        return "The phone is connected but not answering. Unplug it and plug it in again."
    if "no permissions" in text:
        return (
            "This computer is not allowed to talk to the phone over USB. On Linux, set up "
            "the udev rules for Android phones (see developer.android.com/studio/run/device)."
        )
    first = message.strip().splitlines()[0] if message.strip() else "no details"
    return f"adb reported a problem: {first[:200]}"
