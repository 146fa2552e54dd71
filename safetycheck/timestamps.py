"""Times as a case keeps them: timezone-aware, stored as ISO 8601 strings.

Kept apart from the model so that every part of the case (answers, the evidence log)
reads and writes times the same way without importing each other.
"""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_now() -> dt.datetime:
    """Now, in this computer's time zone (with its offset), to the second."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def parse_time(value: str | None) -> dt.datetime | None:
    """A stored time, timezone-aware (old files wrote some times without a zone: UTC)."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def required_time(value: str) -> dt.datetime:
    """A time that must be there (a change, an entry): a missing one is a damaged file."""
    parsed = parse_time(value)
    if parsed is None:
        raise ValueError("a required time is missing")
    return parsed


def zone_name(value: dt.datetime) -> str:
    """The zone's short name where the system gives one (GMT, BST), else its offset."""
    name = value.tzname() or ""
    if not name or name.startswith(("UTC+", "UTC-")) or len(name) > 6:
        return offset(value)
    return name


def offset(value: dt.datetime) -> str:
    delta = value.utcoffset() or dt.timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_and_utc(value: dt.datetime, zone: str = "") -> str:
    """The time as it was where it was recorded, and UTC: "12 Mar 2026 14:05 BST (13:05 UTC)".

    ``value`` carries the offset it was recorded with; ``zone`` is the name the system
    gave that zone then (an older entry, stored in UTC only, shows as UTC).
    """
    zone = zone or zone_name(value)
    local = f"{value.day} {value:%b %Y %H:%M} {zone}"
    utc = value.astimezone(dt.UTC)
    if value.utcoffset() == dt.timedelta(0):
        return local if zone == "UTC" else f"{local} (= UTC)"
    same_day = utc.date() == value.date()
    return f"{local} ({utc:%H:%M} UTC{'' if same_day else f' on {utc.day} {utc:%b %Y}'})"


def exact(value: dt.datetime, zone: str = "") -> str:
    """To the second, in the zone it was recorded in and in UTC, for police and courts:
    "2026-03-12 14:05:01 BST (UTC+01:00) = 13:05:01 UTC"."""
    zone = zone or zone_name(value)
    local = f"{value:%Y-%m-%d %H:%M:%S} {zone}"
    if not zone.startswith("UTC"):
        local += f" ({offset(value)})"
    utc = value.astimezone(dt.UTC)
    if value.utcoffset() == dt.timedelta(0):
        return local if zone == "UTC" else f"{local} = UTC"
    same_day = utc.date() == value.date()
    return f"{local} = {utc:%H:%M:%S} UTC" + ("" if same_day else f" on {utc:%Y-%m-%d}")
