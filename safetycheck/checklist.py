"""Checklist content: the data model, the loader and the validator.

Content lives in TOML files under ``checklists/`` so that an advisor service can
edit it without a programmer.  The validator is the loader: the app, the tests
and ``check-content`` all go through :func:`load_checklists`, so a file the
validator passes is exactly a file the app will show.  A broken file is refused
with ``file:line: message`` problems and the other files still load.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
INTAKE_FILE = "_intake.toml"
# How a check's path was confirmed (see docs/checklist-format.md, "How a check was verified").
VERIFIED_HOW = ("official", "third-party", "assumed")
MAX_MINUTES = 30
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
# Applies to every case whatever the intake answers (e.g. "Before you start").
EVERYONE = "everyone"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, printed as ``file:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Variant:
    """Steps for one make or version, where the path differs (e.g. Samsung vs Pixel)."""

    label: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Verification:
    """How a check's steps were confirmed, so nobody reads a guess as a tested path.

    ``official``: the vendor's own page says so (``url``). ``third-party``: another page
    says so (``url``). ``assumed``: nothing confirms it for ``release``; the steps are
    assumed unchanged from an earlier release, which ``note`` names.
    """

    how: str
    checked: dt.date
    url: str = ""
    release: str = ""
    note: str = ""


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    why: str
    variants: tuple[Variant, ...]
    look_for: tuple[str, ...]
    if_found: str
    evidence: str
    caution: str = ""
    changes_something: bool = False
    topic_id: str = ""
    # Part of "the most important checks first", and how long the check takes.
    essential: bool = False
    minutes: int | None = None
    verified: Verification | None = None
    # The check sends the person to sign in somewhere; the topic's sign_in_warning
    # is shown before the steps.
    signs_in: bool = False
    # Intake answers this check is for, inside a topic that covers several devices (an
    # iPhone-only check in "Calls and texts"). Empty: everyone the topic is shown to.
    applies_to: tuple[str, ...] = ()

    def applies(self, chosen: Iterable[str]) -> bool:
        if not self.applies_to:
            return True
        return EVERYONE in self.applies_to or bool(set(self.applies_to) & set(chosen))

    @property
    def steps(self) -> tuple[str, ...]:
        """The first (default) set of steps."""
        return self.variants[0].steps


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    intro: str
    applies_to: tuple[str, ...]
    format: int
    reviewed: dt.date
    sources: tuple[Source, ...]
    checks: tuple[Check, ...]
    order: int = 100
    path: Path | None = None
    # The releases the steps are written for (the newest ones on the review date). Not a
    # claim that they were tested: each check's ``verified`` says how it was confirmed.
    releases: tuple[str, ...] = ()
    # What signing in to this service triggers, and how to check without it.
    sign_in_warning: str = ""

    def applies(self, chosen: Iterable[str]) -> bool:
        return EVERYONE in self.applies_to or bool(set(self.applies_to) & set(chosen))


@dataclass(frozen=True)
class IntakeOption:
    """One answer to "Which of these do you have or use?"."""

    id: str
    label: str
    group: str
    #: The words shown to an advisor, about their client ("A car your client drives");
    #: "" when ``label`` reads right for both.
    advisor_label: str = ""
    advisor_group: str = ""

    def label_for(self, advisor: bool) -> str:
        return (self.advisor_label or self.label) if advisor else self.label

    def group_for(self, advisor: bool) -> str:
        return (self.advisor_group or self.group) if advisor else self.group


@dataclass
class Library:
    """Everything loaded from a content folder, with what was refused and why."""

    topics: list[Topic] = field(default_factory=list)
    intake: list[IntakeOption] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Things to fix that do not stop a file loading (a field that becomes required soon).
    warnings: list[Problem] = field(default_factory=list)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def check(self, check_id: str) -> Check | None:
        for topic in self.topics:
            for check in topic.checks:
                if check.id == check_id:
                    return check
        return None

    def topics_for(self, chosen: Iterable[str]) -> list[Topic]:
        chosen = list(chosen)
        return [t for t in self.topics if t.applies(chosen)]


# ---------------------------------------------------------------------------
# Field rules.  Each entry: name -> (kind, required).  Kinds are checked by
# _check_kind below; keeping them as data keeps the rules readable for the
# people who write docs/checklist-format.md.

TOPIC_FIELDS: dict[str, tuple[str, bool]] = {
    "format": ("int", True),
    "id": ("id", True),
    "title": ("text", True),
    "intro": ("text", True),
    "applies_to": ("tags", True),
    "reviewed": ("date", True),
    "releases": ("texts", False),
    "sign_in_warning": ("text", False),
    "order": ("int", False),
    "sources": ("sources", True),
    "checks": ("checks", True),
}
CHECK_FIELDS: dict[str, tuple[str, bool]] = {
    "id": ("id", True),
    "title": ("text", True),
    "why": ("text", True),
    "steps": ("texts", False),
    "variants": ("variants", False),
    "look_for": ("texts", True),
    "caution": ("text", False),
    "changes_something": ("bool", False),
    "if_found": ("text", True),
    "evidence": ("text", True),
    "essential": ("bool", False),
    "minutes": ("minutes", True),
    "verified": ("verified", True),
    "signs_in": ("bool", False),
    "applies_to": ("tags", False),
}
# Check fields that every check will need once all files have them: until then a missing
# one is a warning, not a refusal, so files can gain them one at a time. Empty since every
# file has 'minutes' and 'verified' (both required now); kept for the next new field.
REQUIRED_SOON: tuple[str, ...] = ()
# Topic fields that were replaced: named in the problem, so an editor knows what to write.
REPLACED_TOPIC_FIELDS: dict[str, str] = {
    "verified_against": (
        "'verified_against' is no longer used: say in each check's 'verified' how its "
        "steps were confirmed, and name the releases the topic is written for in 'releases'"
    ),
}
VERIFIED_FIELDS: dict[str, tuple[str, bool]] = {
    "how": ("how", True),
    "checked": ("date", True),
    "url": ("url", False),
    "release": ("text", False),
    "note": ("text", False),
}
SOURCE_FIELDS: dict[str, tuple[str, bool]] = {"title": ("text", True), "url": ("url", True)}
VARIANT_FIELDS: dict[str, tuple[str, bool]] = {"label": ("text", True), "steps": ("texts", True)}
INTAKE_FIELDS: dict[str, tuple[str, bool]] = {
    "id": ("id", True),
    "label": ("text", True),
    "group": ("text", True),
    "advisor_label": ("text", False),
    "advisor_group": ("text", False),
}


class _Lines:
    """Finds the line a problem belongs to.

    ``tomllib`` returns plain dicts with no positions, so we index the raw text:
    the line of each ``[[checks]]`` (and nested) table header, then the first
    ``key =`` inside that block.  Good enough to send an editor to the right place.
    """

    # No two parts of the pattern can match the same characters, so a line costs time in
    # proportion to its length (the old pattern took 24 s on one crafted line).
    _header = re.compile(r"^\s*\[\[?([A-Za-z0-9_.\"' \t-]*)\]\]?\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str]] = []  # (1-based line, dotted name)
        for number, line in enumerate(self.lines, start=1):
            match = self._header.match(line)
            name = match.group(1).replace(" ", "").replace("\t", "") if match else ""
            if name:
                self.headers.append((number, name))

    def table(self, name: str, index: int) -> tuple[int, int]:
        """Line span (start, end) of the ``index``-th ``[[name]]`` table."""
        seen = -1
        for pos, (number, header) in enumerate(self.headers):
            if header == name:
                seen += 1
                if seen == index:
                    end = len(self.lines) + 1
                    for later_number, later in self.headers[pos + 1 :]:
                        # A nested table (checks.variants) belongs to its parent block.
                        if not later.startswith(name + "."):
                            end = later_number
                            break
                    return number, end
        return 1, len(self.lines) + 1

    def top_level_span(self) -> tuple[int, int]:
        end = self.headers[0][0] if self.headers else len(self.lines) + 1
        return 1, end

    def key(self, key: str, span: tuple[int, int]) -> int:
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        start, end = span
        for number in range(start, min(end, len(self.lines) + 1)):
            if pattern.match(self.lines[number - 1]):
                return number
        return start


class _FileValidator:
    """Validates one parsed file, collecting problems with line numbers."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _Lines(text)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(self.path, line, message))

    def verification(self, value: dict[str, Any], span: tuple[int, int], where: str) -> bool:
        """The rules ``fields`` cannot express: which keys each kind of ``how`` needs."""
        line = self.lines.key("verified", span)
        ok = True
        for key in value:
            if key not in VERIFIED_FIELDS:
                known = ", ".join(VERIFIED_FIELDS)
                self.problem(line, f"unknown key '{key}' in 'verified' of {where} (known: {known})")
                ok = False
        for key, (kind, required) in VERIFIED_FIELDS.items():
            if key not in value:
                if required:
                    self.problem(line, f"'verified' in {where} needs '{key}'")
                    ok = False
                continue
            message = _check_kind(kind, value[key])
            if message:
                self.problem(line, f"'{key}' in 'verified' of {where} {message}")
                ok = False
        how = value.get("how")
        if how in ("official", "third-party") and "url" not in value:
            self.problem(line, f"'verified' in {where} says how = \"{how}\", so it needs the 'url'")
            ok = False
        if how == "assumed" and "note" not in value:
            self.problem(
                line,
                f"'verified' in {where} says how = \"assumed\", so it needs a 'note' saying "
                "which earlier release the steps were confirmed on (or that they never were)",
            )
            ok = False
        return ok

    def fields(
        self,
        data: dict[str, Any],
        rules: dict[str, tuple[str, bool]],
        span: tuple[int, int],
        where: str,
    ) -> bool:
        ok = True
        for key in data:
            if key not in rules:
                known = ", ".join(sorted(rules))
                self.problem(
                    self.lines.key(key, span),
                    f"unknown field '{key}' in {where} (known fields: {known})",
                )
                ok = False
        for key, (kind, required) in rules.items():
            if key not in data:
                if required:
                    self.problem(span[0], f"missing field '{key}' in {where}")
                    ok = False
                continue
            message = _check_kind(kind, data[key])
            if message:
                self.problem(self.lines.key(key, span), f"'{key}' in {where} {message}")
                ok = False
        return ok


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_kind(kind: str, value: object) -> str | None:
    """Return what is wrong with ``value`` for ``kind``, or None."""
    if kind == "text":
        return None if _is_text(value) else "must be some text in quotes"
    if kind == "texts":
        if isinstance(value, list) and value and all(_is_text(v) for v in value):
            return None
        return 'must be a list of text, like ["first", "second"]'
    if kind == "tags":
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, str) and ID_PATTERN.match(v) for v in value)
        ):
            return None
        return 'must be a list of short ids, like ["android"]'
    if kind == "id":
        if isinstance(value, str) and ID_PATTERN.match(value):
            return None
        return (
            "must be lower-case letters, digits and dashes (2 to 63 characters), "
            "like 'android-apps'"
        )
    if kind == "int":
        return (
            None
            if isinstance(value, int) and not isinstance(value, bool)
            else "must be a whole number"
        )
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "minutes":
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_MINUTES:
            return None
        return f"must be a whole number of minutes from 1 to {MAX_MINUTES}"
    if kind == "how":
        if value in VERIFIED_HOW:
            return None
        return "must be one of " + ", ".join(f'"{h}"' for h in VERIFIED_HOW)
    if kind == "verified":
        if isinstance(value, dict):
            return None
        return (
            'must be a table, like { how = "official", url = "https://...", '
            'release = "iOS 26.1", checked = 2026-12-01 }'
        )
    if kind == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return None
        return "must be a date written like 2026-11-28 (no quotes)"
    if kind == "url":
        if isinstance(value, str) and re.match(r"^https://\S+$", value):
            return None
        return "must be a web address starting with https://"
    if kind in ("sources", "checks", "variants"):
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return None
        return f"must be one or more [[{kind}]] tables"
    raise ValueError(f"unknown field kind {kind}")


_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
# Checklists nest three deep; tomllib recurses per level and fails near a few hundred.
DEEP_NESTING = 50


def _parse(path: Path) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, "", [Problem(path, 1, f"cannot read the file ({exc.strerror or exc})")]
    try:
        # utf-8-sig: Windows Notepad starts a UTF-8 file with a byte order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, "", [Problem(path, line, "the file is not saved as UTF-8 text")]
    try:
        return tomllib.loads(text), text, []
    except RecursionError:
        message = f"lists or tables are nested too deeply (checklists need at most {DEEP_NESTING})"
        return None, text, [Problem(path, _deep_line(text), message)]
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line = int(match.group(1)) if match else 1
        message = _TOML_POSITION.sub("", str(exc)).strip()
        return None, text, [Problem(path, line, f"not valid TOML: {message}")]


def _deep_line(text: str) -> int:
    """The first line where brackets and braces nest deeper than any checklist needs."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            if char in "[{":
                depth += 1
                if depth > DEEP_NESTING:
                    return number
            elif char in "]}":
                depth = max(0, depth - 1)
    return 1


def _unexpected(path: Path, exc: Exception) -> Problem:
    """A failure nobody foresaw (a bug of ours with an odd value): it costs one file only."""
    return Problem(path, 1, f"the file could not be read ({type(exc).__name__}: {exc})")


def _build_topic(
    path: Path, data: dict[str, Any], text: str
) -> tuple[Topic | None, list[Problem], list[Problem]]:
    """The topic (or None), the problems that refuse it, and warnings that do not."""
    v = _FileValidator(path, text)
    top_span = v.lines.top_level_span()
    replaced = {k: data.pop(k) for k in list(data) if k in REPLACED_TOPIC_FIELDS}
    for key in replaced:
        v.problem(v.lines.key(key, top_span), REPLACED_TOPIC_FIELDS[key])
    if not v.fields(data, TOPIC_FIELDS, top_span, "the topic"):
        # Keep going into checks only if the list is usable, to report more at once.
        if not isinstance(data.get("checks"), list):
            return None, v.problems, v.warnings
    if data.get("format") not in (None, FORMAT_VERSION) and isinstance(data.get("format"), int):
        v.problem(
            v.lines.key("format", top_span),
            f"format {data['format']} is not supported "
            f"(this version reads format {FORMAT_VERSION})",
        )

    sources: list[Source] = []
    for index, item in enumerate(data.get("sources") or []):
        if not isinstance(item, dict):
            continue
        span = v.lines.table("sources", index)
        if v.fields(item, SOURCE_FIELDS, span, f"source {index + 1}"):
            sources.append(Source(item["title"].strip(), item["url"].strip()))

    topic_id = data.get("id") if isinstance(data.get("id"), str) else ""
    checks: list[Check] = []
    seen_ids: dict[str, int] = {}
    variant_counter = 0
    for index, item in enumerate(data.get("checks") or []):
        if not isinstance(item, dict):
            continue
        span = v.lines.table("checks", index)
        where = f"check {index + 1}"
        if isinstance(item.get("id"), str):
            where = f"check '{item['id']}'"
        ok = v.fields(item, CHECK_FIELDS, span, where)
        for key in REQUIRED_SOON:
            if key not in item:
                v.warn(span[0], f"{where} has no '{key}' yet (every check will need one)")
        verified: Verification | None = None
        raw_verified = item.get("verified")
        if isinstance(raw_verified, dict):
            if v.verification(raw_verified, span, where):
                verified = Verification(
                    how=raw_verified["how"],
                    checked=raw_verified["checked"],
                    url=raw_verified.get("url", "").strip(),
                    release=raw_verified.get("release", "").strip(),
                    note=raw_verified.get("note", "").strip(),
                )
            else:
                ok = False
        if item.get("signs_in") is True and not _is_text(data.get("sign_in_warning")):
            v.problem(
                span[0],
                f"{where} says signs_in = true, so the topic needs a 'sign_in_warning' "
                "saying what signing in to this service triggers and how to check without it",
            )
            ok = False
        variants: list[Variant] = []
        raw_variants = item.get("variants")
        has_steps = "steps" in item
        if has_steps and raw_variants:
            v.problem(
                span[0], f"{where} has both 'steps' and [[checks.variants]]: use one or the other"
            )
            ok = False
        elif not has_steps and not raw_variants:
            v.problem(span[0], f"{where} needs 'steps' (or two or more [[checks.variants]])")
            ok = False
        if isinstance(raw_variants, list):
            if len(raw_variants) == 1:
                v.problem(span[0], f"{where} has only one variant: use plain 'steps' instead")
                ok = False
            labels: set[str] = set()
            for variant in raw_variants:
                vspan = v.lines.table("checks.variants", variant_counter)
                variant_counter += 1
                if not isinstance(variant, dict):
                    continue
                if v.fields(variant, VARIANT_FIELDS, vspan, f"a variant of {where}"):
                    label = variant["label"].strip()
                    if label in labels:
                        v.problem(vspan[0], f"{where} has two variants called '{label}'")
                        ok = False
                    labels.add(label)
                    variants.append(Variant(label, tuple(s.strip() for s in variant["steps"])))
        if has_steps and isinstance(item.get("steps"), list):
            variants = [Variant("", tuple(str(s).strip() for s in item["steps"]))]
        if item.get("changes_something") is True and not _is_text(item.get("caution")):
            v.problem(
                span[0],
                f"{where} changes something on the device or account, so it needs a 'caution'",
            )
            ok = False
        check_id = item.get("id")
        if isinstance(check_id, str):
            if check_id in seen_ids:
                v.problem(
                    v.lines.key("id", span),
                    f"duplicate check id '{check_id}' (also on line {seen_ids[check_id]})",
                )
                ok = False
            else:
                seen_ids[check_id] = v.lines.key("id", span)
        if ok and variants:
            checks.append(
                Check(
                    id=item["id"],
                    title=item["title"].strip(),
                    why=item["why"].strip(),
                    variants=tuple(variants),
                    look_for=tuple(s.strip() for s in item["look_for"]),
                    if_found=item["if_found"].strip(),
                    evidence=item["evidence"].strip(),
                    caution=(item.get("caution") or "").strip(),
                    changes_something=bool(item.get("changes_something", False)),
                    topic_id=str(topic_id or ""),
                    essential=bool(item.get("essential", False)),
                    minutes=item.get("minutes"),
                    verified=verified,
                    signs_in=bool(item.get("signs_in", False)),
                    applies_to=tuple(item.get("applies_to") or ()),
                )
            )
    if _is_text(data.get("sign_in_warning")) and not any(c.signs_in for c in checks):
        v.warn(
            v.lines.key("sign_in_warning", top_span),
            "the topic has a 'sign_in_warning' but no check says signs_in = true",
        )
    if v.problems:
        return None, v.problems, v.warnings
    topic = Topic(
        id=data["id"],
        title=data["title"].strip(),
        intro=data["intro"].strip(),
        applies_to=tuple(data["applies_to"]),
        format=data["format"],
        reviewed=data["reviewed"],
        sources=tuple(sources),
        checks=tuple(checks),
        order=data.get("order", 100),
        path=path,
        releases=tuple(s.strip() for s in data.get("releases", ())),
        sign_in_warning=(data.get("sign_in_warning") or "").strip(),
    )
    return topic, [], v.warnings


def _load_intake(path: Path) -> tuple[list[IntakeOption], list[Problem]]:
    data, text, problems = _parse(path)
    if data is None:
        return [], problems
    v = _FileValidator(path, text)
    v.fields(data, {"options": ("variants", True)}, v.lines.top_level_span(), "the intake file")
    options: list[IntakeOption] = []
    for index, item in enumerate(data.get("options") or []):
        if not isinstance(item, dict):
            continue
        span = v.lines.table("options", index)
        if v.fields(item, INTAKE_FIELDS, span, f"option {index + 1}"):
            if any(o.id == item["id"] for o in options) or item["id"] == EVERYONE:
                v.problem(v.lines.key("id", span), f"duplicate intake option id '{item['id']}'")
                continue
            group = item["group"].strip()
            advisor_group = (item.get("advisor_group") or "").strip()
            same = next((o for o in options if o.group == group and o.advisor_group), None)
            if advisor_group and same is not None and same.advisor_group != advisor_group:
                v.problem(
                    v.lines.key("advisor_group", span),
                    f"'advisor_group' in option {index + 1} differs from '{same.advisor_group}' "
                    f"given for the same group '{group}'",
                )
                continue
            options.append(
                IntakeOption(
                    item["id"],
                    item["label"].strip(),
                    group,
                    (item.get("advisor_label") or "").strip(),
                    advisor_group,
                )
            )
    return (options if not v.problems else []), v.problems


def _files(paths: Sequence[Path]) -> tuple[list[Path], Path | None, list[Problem]]:
    topic_files: list[Path] = []
    intake: Path | None = None
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.glob("*.toml")):
                if child.name == INTAKE_FILE:
                    intake = child
                else:
                    topic_files.append(child)
        elif path.name == INTAKE_FILE:
            intake = path
        elif path.exists():
            topic_files.append(path)
        else:
            problems.append(Problem(path, 1, "no such file or folder"))
    return topic_files, intake, problems


def load_checklists(paths: Sequence[Path | str] | Path | str) -> Library:
    """Load every topic under ``paths`` (folders or files), refusing broken files.

    Problems that span files (the same topic or check id in two files) refuse
    the later file, so the earlier, already-known content keeps working.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    topic_files, intake_file, problems = _files([Path(p) for p in paths])
    library = Library(problems=problems)
    if intake_file is not None:
        try:
            library.intake, intake_problems = _load_intake(intake_file)
        except Exception as exc:
            library.intake, intake_problems = [], [_unexpected(intake_file, exc)]
        library.problems.extend(intake_problems)
    known_tags = {o.id for o in library.intake} | {EVERYONE}

    topic_lines: dict[str, Problem] = {}
    check_owner: dict[str, Path] = {}
    for path in topic_files:
        data, text, file_problems = _parse(path)
        if data is None:
            library.problems.extend(file_problems)
            continue
        try:
            topic, file_problems, file_warnings = _build_topic(path, data, text)
        except Exception as exc:
            topic, file_problems, file_warnings = None, [_unexpected(path, exc)], []
        library.warnings.extend(file_warnings)
        if topic is None:
            library.problems.extend(file_problems)
            continue
        lines = _Lines(text)
        cross: list[Problem] = []
        if intake_file is not None:
            for tag in topic.applies_to:
                if tag not in known_tags:
                    cross.append(
                        Problem(
                            path,
                            lines.key("applies_to", lines.top_level_span()),
                            f"'applies_to' names '{tag}', which is not an option in {INTAKE_FILE}",
                        )
                    )
            for number, check in enumerate(topic.checks):
                for tag in check.applies_to:
                    if tag not in known_tags:
                        cross.append(
                            Problem(
                                path,
                                lines.key("applies_to", lines.table("checks", number)),
                                f"check '{check.id}': 'applies_to' names '{tag}', which is "
                                f"not an option in {INTAKE_FILE}",
                            )
                        )
        if topic.id in topic_lines:
            other = topic_lines[topic.id]
            cross.append(
                Problem(
                    path,
                    lines.key("id", lines.top_level_span()),
                    f"duplicate topic id '{topic.id}' (also in {other.path.name})",
                )
            )
        for index, check in enumerate(topic.checks):
            if check.id in check_owner:
                span = lines.table("checks", index)
                cross.append(
                    Problem(
                        path,
                        lines.key("id", span),
                        f"duplicate check id '{check.id}' (also in {check_owner[check.id].name})",
                    )
                )
        if cross:
            library.problems.extend(cross)
            continue
        topic_lines[topic.id] = Problem(path, 1, "")
        for check in topic.checks:
            check_owner[check.id] = path
        library.topics.append(topic)
    library.topics.sort(key=lambda t: (t.order, t.title))
    return library
