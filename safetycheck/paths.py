"""Where SafetyCheck keeps its files.

One module owns every path so that tests, portable mode and the ``--data-dir``
option change one thing and everything follows.  Precedence, highest first:
an explicit ``--data-dir``, the ``SAFETYCHECK_DATA_DIR`` environment variable,
a ``portable`` marker file next to the program, the per-user platform folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from safetycheck import APP_NAME

ENV_DATA_DIR = "SAFETYCHECK_DATA_DIR"
PORTABLE_MARKER = "portable"
# Windows hides file extensions, so a marker made with Notepad is often "portable.txt".
PORTABLE_MARKERS = (PORTABLE_MARKER, "portable.txt")
PORTABLE_DATA_FOLDER = "SafetyCheck-data"

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def program_dir() -> Path:
    """The folder holding the program: the bundle folder when frozen, else the source root."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def resource_dir() -> Path:
    """Where shipped data (checklists, assets) lives; PyInstaller unpacks it to ``_MEIPASS``."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else program_dir()


def checklists_dir() -> Path:
    return resource_dir() / "checklists"


def assets_dir() -> Path:
    return resource_dir() / "assets"


def portable_base_dir() -> Path:
    """Where a portable copy keeps its marker and data: next to the program people see.

    On macOS that is the folder holding ``SafetyCheck.app``, not the executable inside the
    bundle: people cannot see (and must not change, or the signature breaks) the bundle's inside.
    """
    base = program_dir()
    if (
        base.name == "MacOS"
        and base.parent.name == "Contents"
        and base.parent.parent.suffix == ".app"
    ):
        return base.parent.parent.parent
    return base


def portable_data_dir() -> Path | None:
    """The data folder beside the program when a ``portable`` marker file sits there."""
    base = portable_base_dir()
    if any((base / name).is_file() for name in PORTABLE_MARKERS):
        return base / PORTABLE_DATA_FOLDER
    return None


def default_data_dir() -> Path:
    # Imported here so that a portable copy never even asks the platform for its folders.
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    portable = portable_data_dir()
    if portable is not None:
        return portable
    return default_data_dir()


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable only by this user.

    On POSIX the mode is set explicitly because ``mkdir``'s mode is filtered by
    the umask.  On Windows modes mean nothing: the per-user profile folder's
    ACLs already keep other users out, so we rely on the location instead.
    """
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if os.name == "posix":
        try:
            os.chmod(path, PRIVATE_DIR_MODE)
        except PermissionError:
            pass  # Not our folder (e.g. a shared --data-dir); leave its mode alone.
    return path
