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
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

from safetycheck.android.parse import Device, parse_devices
from safetycheck.paths import assets_dir

DEFAULT_TIMEOUT_SECONDS = 30.0
DEVICES_TIMEOUT_SECONDS = 15.0
PULL_TIMEOUT_SECONDS = 120.0

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


Runner = Callable[..., subprocess.CompletedProcess]


@functools.cache
def scan_text() -> dict:
    """The scan's words and lists (``assets/android/scan.toml``), read once per run."""
    with open(assets_dir() / "android" / "scan.toml", "rb") as handle:
        return tomllib.load(handle)


def platform_key() -> str:
    if os.name == "nt":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def install_guidance(platform: str | None = None) -> str:
    text = scan_text()["adb_missing"]
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
            return path
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


def is_read_only(command: Sequence[str]) -> bool:
    words = tuple(command)
    return any(words[: len(prefix)] == prefix for prefix in READ_ONLY_SHELL_COMMANDS)


class Adb:
    """A thin, careful wrapper around the adb program."""

    def __init__(
        self,
        path: Path | str,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        runner: Runner = subprocess.run,
    ) -> None:
        self.path = str(path)
        self.timeout = timeout
        self.runner = runner

    def run(self, args: Sequence[str], timeout: float | None = None) -> str:
        """Run ``adb ARGS``; return its output or raise :class:`AndroidError`."""
        kwargs: dict = {}
        if os.name == "nt":
            kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            result = self.runner(
                [self.path, *args],
                capture_output=True,
                timeout=timeout or self.timeout,
                stdin=subprocess.DEVNULL,
                check=False,
                **kwargs,
            )
        except subprocess.TimeoutExpired as exc:
            raise AndroidError(
                "The phone took too long to answer. Unplug it, plug it in again, unlock it, "
                "and try again."
            ) from exc
        except OSError as exc:
            raise AdbMissingError(
                "The adb program could not be started.", install_guidance()
            ) from exc
        out = result.stdout.decode("utf-8", "replace")
        err = result.stderr.decode("utf-8", "replace")
        if result.returncode != 0:
            raise AndroidError(_plain_adb_error(err or out))
        return out

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
        self.run(["-s", serial, "pull", remote, str(local)], timeout=PULL_TIMEOUT_SECONDS)


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
