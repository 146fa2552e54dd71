"""Versions of the case file and the ordered steps that upgrade old ones.

A step takes the body dict of version N and returns version N+1.  Steps never
delete what a person wrote: a field that moves is copied to its new place.
The store keeps a copy of the old file before it saves an upgraded case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 3

Body = dict[str, Any]
Upgrade = Callable[[Body], Body]


def _v0_to_v1(body: Body) -> Body:
    """Version 0 was the unreleased prototype: answers were bare status strings."""
    answers = {}
    for check_id, value in body.get("answers", {}).items():
        if isinstance(value, str):
            value = {"status": value, "note": "", "history": []}
        answers[check_id] = value
    body["answers"] = answers
    body.setdefault("intake", [])
    body.setdefault("exported_files", [])
    return body


def _v1_to_v2(body: Body) -> Body:
    """Version 2 keeps a record of each scan (``scans``) and lets an entry correct another.

    An older SafetyCheck would drop both when it saved, so it is told the file is newer.
    """
    body.setdefault("scans", [])
    return body


def _v2_to_v3(body: Body) -> Body:
    """Version 3 remembers where the person was, the make or version chosen for each
    device (and, per answer, which steps were followed), and whether the checks page
    shows the most important checks first.  Old cases show every check, as before."""
    body.setdefault("at_check", "")
    body.setdefault("steps_chosen", {})
    body.setdefault("checks_shown", "all")
    return body


# UPGRADES[n] turns version n into version n + 1.
UPGRADES: dict[int, Upgrade] = {0: _v0_to_v1, 1: _v1_to_v2, 2: _v2_to_v3}


class NewerSchemaError(Exception):
    def __init__(self, found: int) -> None:
        super().__init__(
            f"This case was saved by a newer version of SafetyCheck (file version {found}). "
            "Please update SafetyCheck to open it. Nothing has been changed."
        )
        self.found = found


def upgrade(
    body: Body, target: int = SCHEMA_VERSION, upgrades: dict[int, Upgrade] | None = None
) -> tuple[Body, int]:
    """Bring ``body`` up to ``target``; return it and the version it started at."""
    upgrades = UPGRADES if upgrades is None else upgrades
    found = int(body.get("schema_version", 0))
    if found > target:
        raise NewerSchemaError(found)
    version = found
    while version < target:
        step = upgrades.get(version)
        if step is None:
            raise ValueError(f"no upgrade step from case file version {version}")
        body = step(body)
        version += 1
        body["schema_version"] = version
    return body, found
