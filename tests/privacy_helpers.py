"""Helpers for the privacy tests: read every byte and every name under a folder."""

from __future__ import annotations

from pathlib import Path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leaks(folder: Path, secrets: list[str]) -> list[str]:
    """Every place under ``folder`` where one of ``secrets`` can be read, in bytes or names."""
    found = []
    for path in folder.rglob("*"):
        rel = str(path.relative_to(folder))
        for secret in secrets:
            needles = {secret.encode("utf-8"), secret.encode("utf-16-le"), secret.lower().encode()}
            if any(n.decode("utf-8", "ignore").lower() in rel.lower() for n in needles):
                found.append(f"name {rel}")
            if path.is_file():
                data = path.read_bytes()
                found += [f"{rel}: {secret}" for n in needles if n in data]
    return found
