"""Which SafetyCheck, on which kind of computer, is working on a case right now.

The record made for the police says how its evidence was collected, so the case
service notes this with every save (``Case.app_uses``).  It names the operating
system and its version, never the computer's own name (that is often a person's).
"""

from __future__ import annotations

import datetime as dt
import functools
import sys

from safetycheck import __version__
from safetycheck.case import AppUse
from safetycheck.settings import Settings


def describe_system(
    system: str, release: str, machine: str, mac_release: str = "", windows_version: str = ""
) -> str:
    """A plain name for an operating system, such as "Windows 11 (AMD64)"."""
    if system == "Darwin":
        name = f"macOS {mac_release}" if mac_release else "macOS"
    elif system == "Windows":
        name = f"Windows {release}".strip()
        if windows_version:
            name += f" (build {windows_version})"
    else:
        name = f"{system or 'Unknown system'} {release}".strip()
    return f"{name} ({machine})" if machine else name


@functools.cache
def this_system() -> str:
    import platform  # only when a case is first saved: it costs start-up time otherwise

    mac = platform.mac_ver()[0] if sys.platform == "darwin" else ""
    windows = platform.version() if sys.platform == "win32" else ""
    return describe_system(platform.system(), platform.release(), platform.machine(), mac, windows)


def current_use(settings: Settings, today: dt.date | None = None) -> AppUse:
    day = today or dt.date.today()
    return AppUse(
        app_version=__version__,
        system=this_system(),
        mode=settings.mode,
        advisor=settings.advisor_name.strip(),
        service=settings.service_name.strip(),
        first=day,
        last=day,
    )
