"""Versions of the case file and the ordered steps that upgrade old ones.

A step takes the body dict of version N and returns version N+1.  Steps never
delete what a person wrote: a field that moves is copied to its new place.
The store keeps a copy of the old file before it saves an upgraded case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 5

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


def _v3_to_v4(body: Body) -> Body:
    """Version 4 keeps the evidence log as chained records (``safetycheck.evidence.log``).

    Each old entry becomes an entry record (an old correction, a revision of the entry it
    corrected), chained now and marked ``upgraded`` with this moment: the check covers
    them from the time they were chained, and the record says so.
    """
    from safetycheck.evidence import log
    from safetycheck.timestamps import local_now, zone_name

    if "evidence" not in body and "evidence_log" in body:
        return body  # already in the new form
    stamp = local_now()
    records: list[log.LogRecord] = []
    root: dict[str, str] = {}
    latest: dict[str, list[log.Attachment]] = {}
    for old in body.pop("evidence", None) or []:
        corrects = old.get("corrects")
        kind = log.REVISION if corrects in root else log.ENTRY
        entry_id = root[corrects] if kind == log.REVISION else old["id"]
        root[old["id"]] = entry_id  # a correction of a correction belongs to the same entry
        attachment = old.get("attachment")
        files = [log.Attachment.from_dict(attachment)] if attachment else []
        if kind == log.REVISION and not files:
            files = latest[entry_id]  # a correction of the text keeps the entry's file
        latest[entry_id] = files
        content = log.entry_content(
            at=log.required_time(old["at"]),
            what=old.get("what", ""),
            where=old.get("where", ""),
            check_id=old.get("check_id"),
            source=old.get("source", "person"),
            how=log.SCAN_RESULT if old.get("source", "person") != "person" else "",
            by="",
            attachments=files,
        )
        content["upgraded"] = stamp.isoformat()
        log.append(records, body["id"], kind, old["id"], entry_id, content, stamp, zone_name(stamp))
    body["evidence_log"] = [r.to_dict() for r in records]
    body["evidence_head"] = {
        "records": len(records),
        "hash": records[-1].hash if records else None,
    }
    return body


def _v4_to_v5(body: Body) -> Body:
    """Version 5 gives an answer a line for the safety plan (``plan_line``) and keeps which
    SafetyCheck worked on the case (``app_uses``), for the record made for the police.

    An older SafetyCheck would drop both when it saved, so it is told the file is newer.
    """
    body.setdefault("app_uses", [])
    return body


# UPGRADES[n] turns version n into version n + 1.
UPGRADES: dict[int, Upgrade] = {
    0: _v0_to_v1,
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
}


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
