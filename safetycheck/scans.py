"""What every scanner hands to the case service: a scan's result, in the case's terms.

An Android phone, an iPhone and "this computer" are read in very different ways,
but what a case keeps of a scan is the same: which device, when, a one-line
summary, the leads found (each tied to the check where a person confirms it), and
what the scan could not read.  A scanner turns its own result into a
:class:`ScanReport`; :meth:`safetycheck.casework.CaseWork.record_scan` records the
leads the person chose to keep as evidence entries and the scan itself as a
:class:`safetycheck.case.ScanRecord`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Lead:
    """One finding, as the evidence log words it.  A lead, never a verdict."""

    what: str
    check_id: str | None = None


@dataclass(frozen=True)
class ScanReport:
    #: Names the scanner, e.g. "android-scan"; every evidence entry it makes carries it.
    source: str
    #: The device in words, e.g. "Pixel 7 (Android 14)".
    device: str
    scanned_at: dt.datetime
    #: One line for the evidence log: what was scanned and the headline.
    summary: str
    #: The check the summary entry belongs to (where a person reviews the scan).
    summary_check_id: str | None
    leads: tuple[Lead, ...] = ()
    #: What the scan could not read; recorded, so an empty result is not taken as clean.
    problems: tuple[str, ...] = ()
    #: Facts only this scanner knows (number of apps, lists used), JSON-safe.
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.device}, scanned by SafetyCheck"
