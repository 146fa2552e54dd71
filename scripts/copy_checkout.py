"""Copy the files of this checkout that a clone would hold into an empty folder.

Used by ``.ci/run`` to run the tests the way a newcomer does: tracked files (as they are in
the working tree) and new files git does not ignore; never ``.venv``, caches or build output.
Run as ``python3 scripts/copy_checkout.py DEST``; DEST must not exist yet.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# What is never part of a clone, for a copy that is not a git checkout itself (the fresh copy
# CI makes has no .git; its tests copy it again).  Keep in step with .gitignore.
NOT_IN_A_CLONE = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
NOT_IN_A_CLONE_AT_TOP = {"build", "dist", "out"}


def checkout_files(root: Path) -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return _walk(root)
    names = sorted({name for name in listed.decode("utf-8").split("\0") if name})
    # A tracked file deleted in the working tree is not part of what would be committed.
    return [Path(name) for name in names if (root / name).is_file()]


def _walk(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if (
            NOT_IN_A_CLONE.intersection(relative.parts)
            or relative.parts[0] in NOT_IN_A_CLONE_AT_TOP
        ):
            continue
        if relative.parts[0].endswith(".egg-info") or path.suffix == ".pyc":
            continue
        if path.is_file():
            found.append(relative)
    return found


def copy_checkout(root: Path, dest: Path) -> int:
    dest.mkdir(parents=True)
    files = checkout_files(root)
    for name in files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target, follow_symlinks=False)
    return len(files)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 scripts/copy_checkout.py DEST", file=sys.stderr)
        return 2
    dest = Path(argv[0])
    if dest.exists():
        print(f"copy_checkout: {dest} already exists", file=sys.stderr)
        return 2
    count = copy_checkout(ROOT, dest)
    print(f"copy_checkout: {count} files copied to {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
