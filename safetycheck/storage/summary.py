"""One row of the case list: what a case file's header says, or why it cannot be read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safetycheck.case import Coverage, Progress


@dataclass
class CaseSummary:
    id: str
    reference: str
    created: dt.datetime | None
    updated: dt.datetime | None
    #: The counts as they were saved, and the content they were counted against.
    coverage: Coverage
    problem: str | None = None  # set when the file cannot be read
    backup_available: bool = False

    @property
    def progress(self) -> Progress:
        return self.coverage.progress
