"""A case: one person's checks, evidence log and action plan.

The model is plain dataclasses with ``to_dict``/``from_dict`` so the storage
layer can version and migrate the dict form without touching these classes.
Times are timezone-aware UTC and stored as ISO 8601 strings.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from safetycheck.evidence import log as evidence_log
from safetycheck.evidence.log import Attachment, EvidenceEntry, LogRecord
from safetycheck.timestamps import iso, local_now, now, parse_time, required_time, zone_name
from safetycheck.user_text import checked, one_line, scrub

__all__ = ["Attachment", "EvidenceEntry", "now", "parse_time"]

#: A JSON object as stored on disk.
JSON = dict[str, Any]


# Times live in ``safetycheck.timestamps``; these names stay for the model's readers.
_iso = iso
_time = required_time


def _scrub_fields(item: object, *names: str) -> None:
    """Lone surrogates out of text read from a file or made by a caller (see user_text)."""
    for name in names:
        setattr(item, name, scrub(getattr(item, name)))


def new_id() -> str:
    return uuid.uuid4().hex


class Status(enum.StrEnum):
    """What the person found for one check.  The values are stored on disk: never rename."""

    NOT_CHECKED = "not_checked"
    LOOKS_OK = "looks_ok"
    CONCERN = "concern"
    NOT_SURE = "not_sure"
    CANT_CHECK_SAFELY = "cant_check_safely"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_answered(self) -> bool:
        return self is not Status.NOT_CHECKED


STATUS_LABELS: dict[Status, str] = {
    Status.NOT_CHECKED: "Not checked yet",
    Status.LOOKS_OK: "Looks OK",
    Status.CONCERN: "Concern found",
    Status.NOT_SURE: "Not sure",
    Status.CANT_CHECK_SAFELY: "Can't check safely now",
    Status.NOT_APPLICABLE: "Not applicable",
}


@dataclass
class Change:
    """One saved change to an answer, kept so the record shows when things were found."""

    at: dt.datetime
    status: Status
    note: str

    def __post_init__(self) -> None:
        _scrub_fields(self, "note")

    def to_dict(self) -> JSON:
        return {"at": _iso(self.at), "status": self.status.value, "note": self.note}

    @classmethod
    def from_dict(cls, data: JSON) -> Change:
        return cls(_time(data["at"]), Status(data["status"]), data.get("note", ""))


@dataclass
class Answer:
    status: Status = Status.NOT_CHECKED
    note: str = ""
    history: list[Change] = field(default_factory=list)
    #: For a check whose steps differ by make or version: the steps shown when it was
    #: answered (a variant's label), so the record says which steps were followed.
    steps: str = ""
    #: Words written for the client, the only text of this answer the safety plan prints.
    #: The note is the advisor's case note and never goes on the plan.
    plan_line: str = ""

    def __post_init__(self) -> None:
        _scrub_fields(self, "note", "steps", "plan_line")

    @property
    def changed_at(self) -> dt.datetime | None:
        return self.history[-1].at if self.history else None

    def to_dict(self) -> JSON:
        data: JSON = {
            "status": self.status.value,
            "note": self.note,
            "history": [c.to_dict() for c in self.history],
        }
        if self.steps:
            data["steps"] = self.steps
        if self.plan_line:  # most answers have none: keep the file as small as it was
            data["plan_line"] = self.plan_line
        return data

    @classmethod
    def from_dict(cls, data: JSON) -> Answer:
        return cls(
            Status(data.get("status", Status.NOT_CHECKED.value)),
            data.get("note", ""),
            [Change.from_dict(c) for c in data.get("history", [])],
            str(data.get("steps", "")),
            str(data.get("plan_line", "")),
        )


@dataclass
class ScanRecord:
    """One scan of a device, as it was recorded: what it looked at and what was kept.

    The leads themselves are evidence entries (``evidence_ids``); this keeps the facts
    about the scan that no single entry holds, such as how many leads the person left out
    and what the scan could not read.
    """

    id: str
    source: str  # the scanner, e.g. "android-scan"; its evidence entries carry the same
    at: dt.datetime
    device: str
    summary: str
    findings: int  # leads the scan found
    evidence_ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    details: JSON = field(default_factory=dict)  # facts only this scanner knows (JSON-safe)

    def __post_init__(self) -> None:
        _scrub_fields(self, "device", "summary")
        self.problems = [scrub(p) for p in self.problems]

    def to_dict(self) -> JSON:
        return {
            "id": self.id,
            "source": self.source,
            "at": _iso(self.at),
            "device": self.device,
            "summary": self.summary,
            "findings": self.findings,
            "evidence_ids": list(self.evidence_ids),
            "problems": list(self.problems),
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: JSON) -> ScanRecord:
        return cls(
            id=data["id"],
            source=data["source"],
            at=_time(data["at"]),
            device=data.get("device", ""),
            summary=data.get("summary", ""),
            findings=int(data.get("findings", 0)),
            evidence_ids=list(data.get("evidence_ids", [])),
            problems=list(data.get("problems", [])),
            details=dict(data.get("details", {})),
        )


@dataclass
class Action:
    id: str
    what: str
    who: str = ""
    by_when: str = ""  # free text on purpose: "before next session" is a real answer
    done: bool = False
    check_id: str | None = None

    def __post_init__(self) -> None:
        _scrub_fields(self, "what", "who", "by_when")

    def to_dict(self) -> JSON:
        return {
            "id": self.id,
            "what": self.what,
            "who": self.who,
            "by_when": self.by_when,
            "done": self.done,
            "check_id": self.check_id,
        }

    @classmethod
    def from_dict(cls, data: JSON) -> Action:
        return cls(
            id=data["id"],
            what=data.get("what", ""),
            who=data.get("who", ""),
            by_when=data.get("by_when", ""),
            done=bool(data.get("done", False)),
            check_id=data.get("check_id"),
        )


@dataclass
class AppUse:
    """Who worked on a case, with which SafetyCheck on which computer, and when.

    Kept for the record made for the police, which says how the evidence was
    collected.  One entry per different combination; ``first`` and ``last`` are the
    days it was in use.  Written by the case service on every save.
    """

    app_version: str
    system: str  # e.g. "Linux 6.1 (x86_64)"; never the computer's name
    mode: str  # settings.MODE_ADVISOR or MODE_SELF ("" before first start)
    advisor: str
    service: str
    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        _scrub_fields(self, "app_version", "system", "mode", "advisor", "service")

    def same_use(self, other: AppUse) -> bool:
        return (self.app_version, self.system, self.mode, self.advisor, self.service) == (
            other.app_version,
            other.system,
            other.mode,
            other.advisor,
            other.service,
        )

    def to_dict(self) -> JSON:
        return {
            "app_version": self.app_version,
            "system": self.system,
            "mode": self.mode,
            "advisor": self.advisor,
            "service": self.service,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: JSON) -> AppUse:
        return cls(
            data.get("app_version", ""),
            data.get("system", ""),
            data.get("mode", ""),
            data.get("advisor", ""),
            data.get("service", ""),
            dt.date.fromisoformat(data["first"]),
            dt.date.fromisoformat(data["last"]),
        )


@dataclass
class Progress:
    """How much of a case is done.  Made by ``safetycheck.scope`` only, so every view agrees."""

    total: int = 0
    answered: int = 0
    concerns: int = 0
    not_sure: int = 0

    def to_dict(self) -> JSON:
        return {
            "total": self.total,
            "answered": self.answered,
            "concerns": self.concerns,
            "not_sure": self.not_sure,
        }

    @classmethod
    def from_dict(cls, data: JSON) -> Progress:
        return cls(
            int(data.get("total", 0)),
            int(data.get("answered", 0)),
            int(data.get("concerns", 0)),
            int(data.get("not_sure", 0)),
        )


@dataclass(frozen=True)
class Coverage:
    """What the scope rule counted when a case was saved; the store writes it in the header.

    ``rule`` names the content the counts were made against, so a reader can tell
    whether they still hold after the checklists changed ("" when nobody counted).
    """

    progress: Progress
    rule: str


def suggest_reference() -> str:
    """A neutral reference such as ``Case 7F3K``: never a real name by default."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    return "Case " + "".join(secrets.choice(alphabet) for _ in range(4))


@dataclass
class Case:
    id: str
    reference: str
    created: dt.datetime
    updated: dt.datetime
    topics: list[str] = field(default_factory=list)
    intake: list[str] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    #: The evidence log: records only ever added (``safetycheck.evidence.log``).
    evidence_log: list[LogRecord] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    sessions: list[dt.date] = field(default_factory=list)
    checklist_versions: dict[str, str] = field(default_factory=dict)
    exported_files: list[str] = field(default_factory=list)
    scans: list[ScanRecord] = field(default_factory=list)
    #: The check the person was on, so the case reopens there ("" for none yet).
    at_check: str = ""
    #: The make or version chosen for each kind of device, keyed by the set of choices
    #: a check offers (``safetycheck.steps_choice.choice_key``): pick "Samsung Galaxy"
    #: once and every check with the same choices shows the Samsung steps.
    steps_chosen: dict[str, str] = field(default_factory=dict)
    #: Which checks the checks page walks: "all", or "essentials" (the most important
    #: first, the rest in a later session; ``safetycheck.essentials``).
    checks_shown: str = "all"
    app_uses: list[AppUse] = field(default_factory=list)
    #: The log's length and last hash as the file said (None for a new case): the check
    #: compares them, so records cut off the end of the log are noticed.
    stored_head: JSON | None = field(default=None, compare=False)
    #: For a document made for an evidence bundle: the entries it shows, and the check
    #: made over the whole log as the bundle was written.  Never stored.
    evidence_shown: frozenset[str] | None = field(default=None, compare=False, repr=False)
    evidence_check: object | None = field(default=None, compare=False, repr=False)
    _views: tuple[int, list[EvidenceEntry]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _log_changes: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.reference = scrub(self.reference)
        self.intake = [scrub(i) for i in self.intake]
        self.exported_files = [scrub(f) for f in self.exported_files]

    @classmethod
    def new(cls, reference: str | None = None) -> Case:
        stamp = now()
        reference = one_line(reference or "") or suggest_reference()
        return cls(
            id=new_id(), reference=reference, created=stamp, updated=stamp, sessions=[stamp.date()]
        )

    # -- changes -----------------------------------------------------------
    # Each returns nothing; the caller (the store) saves straight after.

    def touch(self, at: dt.datetime | None = None) -> None:
        self.updated = at or now()
        today = self.updated.date()
        if not self.sessions or self.sessions[-1] != today:
            self.sessions.append(today)

    def answer(self, check_id: str) -> Answer:
        return self.answers.get(check_id) or Answer()

    def set_answer(
        self,
        check_id: str,
        status: Status | None = None,
        note: str | None = None,
        at: dt.datetime | None = None,
    ) -> Answer:
        current = self.answers.get(check_id) or Answer()
        new_status = current.status if status is None else Status(status)
        new_note = current.note if note is None else checked(note)
        if new_status == current.status and new_note == current.note and current.history:
            return current
        stamp = at or now()
        current.status, current.note = new_status, new_note
        current.history.append(Change(stamp, new_status, new_note))
        self.answers[check_id] = current
        self.touch(stamp)
        return current

    # -- the evidence log: records are only ever added ------------------------------

    @property
    def evidence(self) -> list[EvidenceEntry]:
        """Every entry, in the order first recorded, with its versions and marks."""
        if self._views is None or self._views[0] != self._log_changes:
            self._views = (self._log_changes, evidence_log.entries(self.evidence_log))
        return self._views[1]

    def _log(self, kind: str, entry_id: str, content: JSON) -> None:
        stamp = local_now()
        evidence_log.append(
            self.evidence_log, self.id, kind, new_id(), entry_id, content, stamp, zone_name(stamp)
        )
        self._log_changes += 1
        self.touch()

    def set_plan_line(self, check_id: str, text: str) -> Answer:
        """The client-facing line for the plan; the answer's status and note stay as they are."""
        current = self.answers.get(check_id) or Answer()
        current.plan_line = checked(text)
        self.answers[check_id] = current
        self.touch()
        return current

    def note_use(self, use: AppUse) -> None:
        """Remember that ``use`` worked on this case (today: ``use.last``)."""
        for known in reversed(self.app_uses):
            if known.same_use(use):
                known.last = max(known.last, use.last)
                return
        self.app_uses.append(use)

    def add_evidence(
        self,
        what: str,
        where: str = "",
        check_id: str | None = None,
        attachment: Attachment | None = None,
        source: str = "person",
        at: dt.datetime | None = None,
        corrects: str | None = None,
        *,
        attachments: list[Attachment] | None = None,
        how: str | None = None,
        by: str = "",
    ) -> EvidenceEntry:
        """Record a new entry (``corrects``: a correction of that entry instead).

        ``at`` is when it was seen (now, unless the person said otherwise); the record
        also keeps when it was written down.  A scan's entries are "scan result".
        """
        if corrects is not None:
            return self.revise_evidence(corrects, what=what, where=where)
        files = list(attachments or []) + ([attachment] if attachment else [])
        content = evidence_log.entry_content(
            at=at or local_now(),
            what=checked(what),
            where=checked(where),
            check_id=check_id,
            source=source,
            how=(evidence_log.SCAN_RESULT if source != "person" else "") if how is None else how,
            by=by,
            attachments=files,
        )
        entry_id = new_id()
        self._log(evidence_log.ENTRY, entry_id, content)
        return self.evidence_entry(entry_id)

    def revise_evidence(
        self,
        entry_id: str,
        *,
        what: str | None = None,
        where: str | None = None,
        at: dt.datetime | None = None,
        attachments: list[Attachment] | None = None,
        note: str = "",
        by: str | None = None,
    ) -> EvidenceEntry:
        """Record a correction: a new version of the entry; every earlier one stays."""
        entry = self._changeable(entry_id)
        current = entry.current
        assert current is not None
        content = evidence_log.entry_content(
            at=current.at if at is None else at,
            what=current.what if what is None else checked(what),
            where=current.where if where is None else checked(where),
            check_id=current.check_id,
            source=current.source,
            how=current.how,
            by=current.by if by is None else by,
            attachments=list(current.attachments) if attachments is None else attachments,
            note=checked(note),
        )
        self._log(evidence_log.REVISION, entry_id, content)
        return self.evidence_entry(entry_id)

    def withdraw_evidence(self, entry_id: str, reason: str, by: str = "") -> EvidenceEntry:
        """Mark an entry withdrawn, with the reason; it stays in the log and the record."""
        self._changeable(entry_id)
        self._log(evidence_log.WITHDRAWAL, entry_id, {"reason": checked(reason), "by": by})
        return self.evidence_entry(entry_id)

    def delete_evidence_for_good(self, entry_id: str, by: str = "") -> list[Attachment]:
        """Erase an entry's content from the log, keeping a line that it was deleted and when.

        Returns its files, for the store to destroy.  The records keep their place and
        hashes (the chain stays whole); only what was written and attached is gone.
        """
        entry = self.evidence_entry(entry_id)
        if entry.is_deleted:
            return []
        files = entry.all_attachments()
        self._log(evidence_log.DELETION, entry_id, {"entry_number": entry.number, "by": by})
        deletion = self.evidence_log[-1]
        for index, record in enumerate(self.evidence_log):
            if record.entry == entry_id and record.kind != evidence_log.DELETION:
                self.evidence_log[index] = record.erased(deletion.recorded_at)
        self._log_changes += 1
        return files

    def _changeable(self, entry_id: str) -> EvidenceEntry:
        entry = self.evidence_entry(entry_id)
        if entry.is_deleted:
            raise ValueError("This entry was deleted for good; it cannot be changed.")
        if entry.is_withdrawn:
            raise ValueError("This entry was withdrawn; it cannot be changed.")
        return entry

    def add_action(
        self, what: str, who: str = "", by_when: str = "", check_id: str | None = None
    ) -> Action:
        what, who, by_when = checked(what), checked(who), checked(by_when)
        action = Action(new_id(), what, who, by_when, False, check_id)
        self.actions.append(action)
        self.touch()
        return action

    def update_action(self, action_id: str, **changes: object) -> Action:
        action = next(a for a in self.actions if a.id == action_id)
        for key in changes:
            if key not in ("what", "who", "by_when", "done"):
                raise AttributeError(key)
        # Check every text before changing any, so a refused change leaves the action whole.
        cleaned = {k: checked(v) if isinstance(v, str) else v for k, v in changes.items()}
        for key, value in cleaned.items():
            setattr(action, key, value)
        self.touch()
        return action

    def remove_action(self, action_id: str) -> None:
        self.actions = [a for a in self.actions if a.id != action_id]
        self.touch()

    # -- reading -----------------------------------------------------------

    def status(self, check_id: str) -> Status:
        answer = self.answers.get(check_id)
        return answer.status if answer else Status.NOT_CHECKED

    def concerns(self) -> list[str]:
        """Every check answered "Concern found", in or out of scope (counts: ``scope``)."""
        return [cid for cid, a in self.answers.items() if a.status is Status.CONCERN]

    def evidence_entry(self, entry_id: str) -> EvidenceEntry:
        return next(e for e in self.evidence if e.id == entry_id)

    def evidence_head(self) -> JSON:
        return {
            "records": len(self.evidence_log),
            "hash": self.evidence_log[-1].hash if self.evidence_log else None,
        }

    # -- storage form ------------------------------------------------------

    def to_dict(self, *, include_answers: bool = True) -> JSON:
        """The stored form.  ``include_answers=False`` leaves a placeholder for the encoder."""
        return {
            "id": self.id,
            "reference": self.reference,
            "created": _iso(self.created),
            "updated": _iso(self.updated),
            "topics": list(self.topics),
            "intake": list(self.intake),
            "answers": {k: a.to_dict() for k, a in self.answers.items()}
            if include_answers
            else None,
            "evidence_log": [r.to_dict() for r in self.evidence_log],
            "evidence_head": self.evidence_head(),
            "actions": [a.to_dict() for a in self.actions],
            "sessions": [d.isoformat() for d in self.sessions],
            "checklist_versions": dict(self.checklist_versions),
            "exported_files": list(self.exported_files),
            "scans": [s.to_dict() for s in self.scans],
            "at_check": self.at_check,
            "steps_chosen": dict(self.steps_chosen),
            "checks_shown": self.checks_shown,
            "app_uses": [u.to_dict() for u in self.app_uses],
        }

    @classmethod
    def from_dict(cls, data: JSON) -> Case:
        return cls(
            id=data["id"],
            reference=data["reference"],
            created=_time(data["created"]),
            updated=_time(data["updated"]),
            topics=list(data.get("topics", [])),
            intake=list(data.get("intake", [])),
            answers={k: Answer.from_dict(v) for k, v in data.get("answers", {}).items()},
            evidence_log=[LogRecord.from_dict(r) for r in data.get("evidence_log", [])],
            actions=[Action.from_dict(a) for a in data.get("actions", [])],
            sessions=[dt.date.fromisoformat(d) for d in data.get("sessions", [])],
            checklist_versions=dict(data.get("checklist_versions", {})),
            exported_files=list(data.get("exported_files", [])),
            scans=[ScanRecord.from_dict(s) for s in data.get("scans", [])],
            at_check=str(data.get("at_check", "")),
            steps_chosen={str(k): str(v) for k, v in data.get("steps_chosen", {}).items()},
            checks_shown=str(data.get("checks_shown", "all")),
            stored_head=data.get("evidence_head"),
            app_uses=[AppUse.from_dict(u) for u in data.get("app_uses", [])],
        )
