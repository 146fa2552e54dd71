"""Portable mode: keep what the operating system and Qt would write inside the portable folder.

A ``portable`` file next to the program already moves the cases (``paths.portable_data_dir``).
But Qt, fontconfig, Python and adb also write on their own: font caches, Qt's file-dialog
history (``QtProject.conf``), temporary files, adb's keys.  On a shared computer each of those
is a trace that someone ran the program.  Most of them honour environment variables, so before
anything else loads we point those variables into ``SafetyCheck-data/system/``.  What is left
(Windows Prefetch, macOS and Windows "recently run" records) is listed in docs/packaging.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from safetycheck.paths import ensure_private_dir, portable_data_dir

SYSTEM_FOLDER = "system"

# Variable -> sub-folder.  Read by Qt (QStandardPaths on Linux, QDir::tempPath everywhere),
# fontconfig and Mesa (cache), Python's tempfile, and adb (keys and its log file).
_XDG = {
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_STATE_HOME": "state",
}
_TEMP = ["TMPDIR", "TEMP", "TMP"]
# adb keeps its key pair in ~/.android: ANDROID_USER_HOME names that folder (current tools),
# ANDROID_SDK_HOME its parent (older adb releases).
_ANDROID = "ANDROID_USER_HOME"
_ANDROID_OLD = "ANDROID_SDK_HOME"


def portable_environment(root: Path, platform: str = sys.platform) -> dict[str, str]:
    """The variables to set for a portable copy whose own folder is ``root``."""
    env: dict[str, str] = {}
    if platform not in {"win32", "darwin"}:
        # Only Linux (and other XDG desktops) read these; Windows and macOS use fixed folders,
        # which the app does not write to (no QSettings, no registry).
        env.update({name: str(root / sub) for name, sub in _XDG.items()})
    env.update(dict.fromkeys(_TEMP, str(root / "tmp")))
    env[_ANDROID] = str(root / "android" / ".android")
    env[_ANDROID_OLD] = str(root / "android")
    return env


def prepare_portable_environment(
    environ: os._Environ[str] | dict[str, Any] = os.environ,
) -> Path | None:
    """In a portable copy, redirect caches and temporary files; return the folder used.

    Must run before Qt, fontconfig or ``tempfile`` are first used: they read the variables
    once.  Does nothing (and returns None) when no ``portable`` marker is present.
    """
    data = portable_data_dir()
    if data is None:
        return None
    root = data / SYSTEM_FOLDER
    env = portable_environment(root)
    for value in set(env.values()):
        ensure_private_dir(Path(value))
    environ.update(env)
    import tempfile  # here, not at the top: a normal start should not pay for it

    tempfile.tempdir = None  # forget a temp folder chosen before this ran
    return root
