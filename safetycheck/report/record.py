"""The case record: what was found and agreed, the evidence, and what was checked.

For the advisor's file, or (``for_police``) a copy for the police.

Imported only when a document is exported (it pulls in reportlab).
"""

from __future__ import annotations

import dataclasses

from safetycheck import __version__
from safetycheck.android.indicators import CREDIT as INDICATOR_CREDIT
from safetycheck.android.scan import SOURCE as SCAN_SOURCE
from safetycheck.case import Answer, Case, Status
from safetycheck.checklist import Check, Library, Topic
from safetycheck.report import common, evidence
from safetycheck.report.collected import collected_page as _collected
from safetycheck.report.helpcontacts import help_section
from safetycheck.report.layout import bullets, gap, keep, new_page, para, table
from safetycheck.report.texts import Story, Words, counted, say
from safetycheck.scope import Scope, ScopeRule, holds_something
from safetycheck.self_wording import check_alone, topic_alone
from safetycheck.settings import Settings
from safetycheck.steps_choice import steps_followed

# Scans that match Echap's lists (the iPhone scan's source is spelt out: importing its module
# would load its USB client into every export).
INDICATOR_SOURCES = frozenset({SCAN_SOURCE, "iphone-scan"})
COMPUTER_SOURCE = "computer-scan"  # safetycheck.computer.scan.SOURCE, spelt out likewise


def story(
    case: Case,
    library: Library,
    settings: Settings,
    words: Words,
    width: float,
    store: object | None,
    *,
    self_mode: bool,
    for_police: bool,
) -> Story:
    """The record, in the order a reader needs it: what was found, what was agreed, the
    evidence, then what was checked (checks not done yet counted in one line per topic).

    ``for_police`` leaves out the private notes, the lines written for the plan, the
    action plan and the helplines, and adds a page on how the evidence was collected.
    """
    w = words["record"]
    removed = words["common"]["removed"]
    scope = ScopeRule(library).scope(case)
    out: Story = [para(w["title"], "title"), para(w["intro"], "muted")]
    out += _details(case, scope, settings, words, width, self_mode)
    out += _situation(case, library, w)
    out += _concerns(case, library, w, removed, width, for_police, self_mode)
    out += _actions(case, w, words["common"], width, for_police)
    out += _evidence(case, library, w, width, store)
    numbers = {
        row.check_id: number
        for number, row in enumerate(common.rows_with(case, library, Status.CONCERN), start=1)
    }
    out += _checked(case, scope, w, words["common"], removed, width, for_police, self_mode, numbers)
    out += _unchecked(case, scope, w)
    if for_police:
        out += [new_page(), *_collected(case, settings, w, width, self_mode)]
    else:
        out += help_section(settings, words, width, self_mode=self_mode)
    out += _versions(case, library, w)
    return out


def _details(
    case: Case, scope: Scope, settings: Settings, words: Words, width: float, self_mode: bool
) -> Story:
    w, missing = words["record"], words["common"]["not_given"]
    progress = scope.progress(case)
    ids = scope.check_ids()
    cant = sum(1 for i in ids if case.status(i) is Status.CANT_CHECK_SAFELY)
    if self_mode:
        rows = [(w["checked_by"], w["checked_by_self"])]
    else:
        rows = [
            (w["service"], settings.service_name.strip() or missing),
            (w["advisor"], settings.advisor_name.strip() or missing),
            (w["service_contact"], settings.service_contact.strip() or missing),
        ]
    done = words["common"]["progress"].format(answered=progress.answered, total=progress.total)
    summary = say(
        w,
        "summary",
        concerns=progress.concerns,
        not_sure=progress.not_sure,
        cant=cant,
        unchecked=progress.total - progress.answered,
    )
    rows += [
        (w["reference"], case.reference),
        (w["opened"], common.short_date(case.created)),
        (w["updated"], common.exact_time(case.updated)),
        (w["sessions"], ", ".join(common.short_date(d) for d in sorted(set(case.sessions)))),
        (w["checks_done"], f"{done} {summary}"),
        (w["steps_followed"], _steps_followed(case, scope, w)),
        (w["this_copy"], w["this_copy_full"]),
    ]
    cells = [[para(k, "cellbold"), para(v or missing, "cell")] for k, v in rows]
    return [
        para(w["details_heading"], "h1"),
        table(cells, [0.28 * width, 0.72 * width], header=False),
    ]


def _steps_followed(case: Case, scope: Scope, w: Words) -> str:
    """Which make or version's steps the answers followed, with how many checks each."""
    used: dict[str, int] = {}
    for part in scope.topics:
        for check in part.checks:
            label = steps_followed(case, check)
            if label:
                used[label] = used.get(label, 0) + 1
    if not used:
        return str(w["steps_followed_none"])
    return "; ".join(counted(w, "steps_followed_item", n, label=k) for k, n in used.items())


def _situation(case: Case, library: Library, w: Words) -> Story:
    """The intake's "About your situation" answers: they matter to police and courts."""
    wording: dict[str, str] = w.get("situation", {})
    chosen = set(case.intake)
    lines = [wording[o.id] for o in library.intake if o.id in chosen and o.id in wording]
    if not lines:
        return []
    return [
        keep(para(w["situation_heading"], "h1"), para(w["situation_intro"], "lead")),
        *bullets(lines),
    ]


def _concerns(
    case: Case,
    library: Library,
    w: Words,
    removed: str,
    width: float,
    for_police: bool,
    self_mode: bool,
) -> Story:
    rows = common.rows_with(case, library, Status.CONCERN)
    if self_mode:  # the words the check page showed someone alone (safetycheck.self_wording)
        rows = [_alone(row) for row in rows]
    out: Story = [para(w["concerns_heading"], "h1")]
    if not rows:
        progress = common.progress(case, library)
        finished = progress.answered == progress.total
        return [*out, para(w["no_concerns"] if finished else w["no_concerns_incomplete"])]
    out.append(para(w["concerns_intro"], "lead"))
    for number, row in enumerate(rows, start=1):
        heading = f"{number}. {row.title}"
        if row.topic_title:
            heading += f" ({row.topic_title})"
        cells = [
            [
                para(w["found_on"], "cellbold"),
                para(common.exact_time(row.answer.changed_at), "cell"),
            ]
        ]
        label = steps_followed(case, row.check) if row.check else ""
        if label:
            cells.append([para(w["steps_followed"], "cellbold"), para(label, "cell")])
        note = "" if for_police else common.clean_note(row.answer.note, removed)
        if note:
            cells.append([para(w["note"], "cellbold"), para(note, "cell")])
        plan_line = "" if for_police else common.clean_note(row.answer.plan_line, removed)
        if plan_line:
            cells.append([para(w["plan_line"], "cellbold"), para(plan_line, "cell")])
        if row.check:
            cells.append([para(w["what_it_means"], "cellbold"), para(row.check.if_found, "cell")])
        # Signing in can alert the other person: whoever acts on this concern reads that first.
        if row.check and row.check.signs_in and row.topic and row.topic.sign_in_warning:
            cells.append([para(w["sign_in"], "cellbold"), para(row.topic.sign_in_warning, "cell")])
        linked = [
            e
            for e in evidence.shown_entries(case)
            if e.check_id == row.check_id and not e.is_deleted
        ]
        if linked:
            text = "\n".join(
                f"{common.exact_time(e.at)}: {e.what}"
                + (f" ({w['withdrawn_mark']})" if e.is_withdrawn else "")
                for e in linked
            )
            cells.append([para(w["evidence_for"], "cellbold"), para(text, "cell")])
        block = table(cells, [0.22 * width, 0.78 * width], header=False)
        out.append(keep(para(heading, "h2"), block))
    return out


def _checked(
    case: Case,
    scope: Scope,
    w: Words,
    common_words: Words,
    removed: str,
    width: float,
    for_police: bool,
    self_mode: bool,
    concern_numbers: dict[str, int],
) -> Story:
    """A table per topic of the checks that hold something; never a page of empty rows.

    A concern's note is already printed whole in the concerns section (two 5,000-character
    notes made ten pages when printed twice): here it is its beginning and where it is."""
    alone = check_alone if self_mode else (lambda check: check)
    heading = [para(w["checks_heading"], "h1"), para(w["checks_intro"], "lead")]
    out: Story = []
    if for_police:  # no notes: the check, its answer and when
        widths = [0.55 * width, 0.2 * width, 0.25 * width]
        keys = [w["check"], common_words["status_heading"], w["updated_col"]]
    else:
        widths = [0.31 * width, 0.15 * width, 0.34 * width, 0.2 * width]
        keys = [w["check"], common_words["status_heading"], w["note"], w["updated_col"]]
    parts: list[tuple[str, list[tuple[str, str, Answer]]]] = []
    for part in scope.topics:
        title = part.topic.title + ("" if part.chosen else f" {w['not_ticked']}")
        named = [(c.id, _check_name(case, alone(c), w), case.answer(c.id)) for c in part.checks]
        parts.append((title, named))
    if scope.retired:
        retired = [(cid, cid, case.answer(cid)) for cid in scope.retired]
        parts.append((w["other_answers"], retired))
    for title, answers in parts:
        shown = [
            (check_id, name, answer)
            for check_id, name, answer in answers
            if answer.status.is_answered or (not for_police and holds_something(answer))
        ]
        if not shown:
            continue
        cells: list[list[object]] = [[para(k, "head") for k in keys]]
        shaded = []
        for index, (check_id, name, answer) in enumerate(shown, start=1):
            status = answer.status
            if status is Status.CONCERN:
                shaded.append(index)
            row: list[object] = [
                para(name, "cell"),
                para(status.label, "cellbold" if status is Status.CONCERN else "cell"),
            ]
            if not for_police:
                note = common.clean_note(answer.note, removed)
                number = concern_numbers.get(check_id) if status is Status.CONCERN else None
                row.append(_cell(_note_in_concerns(note, number, w) if note and number else note))
            row.append(_cell(common.exact_time(answer.changed_at), "small"))
            cells.append(row)
        # The topic's title is part of the table, so it repeats on every page the table
        # runs onto, and can never be left alone at the foot of a page.
        block = table(cells, widths, shade_rows=shaded, caption=title)
        if heading:  # the section's heading stays with its first table
            out.append(keep(*heading, gap(4), block))
            heading = []
        else:
            out += [gap(4), block]
    return out or heading


#: How much of a concern's note the table of checks gives before pointing to the whole.
NOTE_START_CHARS = 80


def _note_in_concerns(note: str, number: int, w: Words) -> str:
    first = note.splitlines()[0].strip() if note.strip() else ""
    if len(first) > NOTE_START_CHARS:
        first = first[:NOTE_START_CHARS].rsplit(" ", 1)[0] or first[:NOTE_START_CHARS]
    if first == note.strip():  # nothing left out: point to it only, never print it twice
        return say(w, "note_in_concerns", number=number)
    return say(w, "note_start_in_concerns", start=first, number=number)


def _alone(row: common.Row) -> common.Row:
    return dataclasses.replace(
        row,
        check=check_alone(row.check) if row.check else None,
        topic=topic_alone(row.topic) if row.topic else None,
    )


def _check_name(case: Case, check: Check, w: Words) -> str:
    """The check's title, and which make or version's steps were followed when it has several."""
    label = steps_followed(case, check)
    return f"{check.title}\n{w['steps_label']}: {label}" if label else check.title


def _unchecked(case: Case, scope: Scope, w: Words) -> Story:
    """One line per topic for the checks not done: counted, so nothing is hidden or padded."""
    lines = []
    for part in scope.topics:
        total = len(part.checks)
        count = sum(1 for c in part.checks if case.status(c.id) is Status.NOT_CHECKED)
        if count == 0:
            continue
        if count == total and total > 1:
            lines.append(say(w, "unchecked_all", topic=part.topic.title, total=total))
        else:
            lines.append(counted(w, "unchecked_topic", count, topic=part.topic.title, total=total))
    out: Story = [para(w["unchecked_heading"], "h2")]
    if not lines:
        return [*out, para(w["unchecked_none"])]
    return [keep(*out, para(w["unchecked_intro"], "lead")), *bullets(lines)]


def _cell(text: str, style: str = "cell") -> object:
    """A table cell: an empty string costs nothing, a paragraph wraps and prints any script."""
    return para(text, style) if text else ""


def _evidence(case: Case, library: Library, w: Words, width: float, store: object | None) -> Story:
    out = evidence.section(case, library, w, width, store)
    if any(entry.source in INDICATOR_SOURCES for entry in case.evidence):
        out.append(para(INDICATOR_CREDIT, "small"))  # CC BY 4.0: credit wherever it is used
    if any(entry.source == COMPUTER_SOURCE for entry in case.evidence):
        from safetycheck.computer.tools import LOLRMM_CREDIT, LOLRMM_LABEL, OUR_CREDIT

        out.append(para(OUR_CREDIT, "small"))  # the lists a computer scan used, credited
        lists = [
            str(name)
            for scan in case.scans
            if scan.source == COMPUTER_SOURCE
            for name in scan.details.get("lists", [])
        ]
        if any(name.startswith(LOLRMM_LABEL) for name in lists):
            out.append(para(LOLRMM_CREDIT, "small"))
    return out


def _actions(case: Case, w: Words, common_words: Words, width: float, for_police: bool) -> Story:
    out: Story = [para(w["actions_heading"], "h1")]
    if for_police:  # safety planning stays between the client and the advisor
        return [*out, para(w["actions_left_out"])]
    if not case.actions:
        return [*out, para(w["no_actions"])]
    widths = [0.5 * width, 0.18 * width, 0.2 * width, 0.12 * width]
    cells = [[para(w[k], "head") for k in ("action", "who", "by_when", "done")]]
    for action in case.actions:
        cells.append(
            [
                para(action.what, "cell"),
                para(action.who, "cell"),
                para(action.by_when, "cell"),
                para(common_words["yes"] if action.done else common_words["no"], "cell"),
            ]
        )
    out.append(table(cells, widths))
    return out


def _versions(case: Case, library: Library, w: Words) -> Story:
    versions: dict[str, str] = dict(case.checklist_versions)
    for topic in common.case_topics(case, library):
        versions.setdefault(topic.id, topic.reviewed.isoformat())
    listed = "; ".join(f"{tid} (reviewed {when})" for tid, when in sorted(versions.items()))
    out = [
        para(w["versions_heading"], "h1"),
        para(say(w, "versions", versions=listed)),
        para(say(w, "made_with", version=__version__)),
    ]
    lines = [
        _verification(topic, versions.get(topic.id, ""), w)
        for topic in common.case_topics(case, library)
    ]
    if lines:
        out += [gap(2), para(w["versions_intro"], "muted")]
        out += [para(line, "small") for line in lines]
    return out


def _verification(topic: Topic, used: str, w: Words) -> str:
    """One honest line per topic: how many of its paths a page confirmed, and how many not."""
    if used and used != topic.reviewed.isoformat():
        return say(w, "versions_older", topic=topic.title, used=used)
    counts = {"official": 0, "third-party": 0, "assumed": 0}
    unrecorded = 0
    for check in topic.checks:
        if check.verified is None:
            unrecorded += 1
        else:
            counts[check.verified.how] += 1
    line = say(
        w,
        "versions_topic",
        topic=topic.title,
        releases=", ".join(topic.releases) or w["versions_no_release"],
        total=len(topic.checks),
        official=counts["official"],
        third_party=counts["third-party"],
        assumed=counts["assumed"],
    )
    if unrecorded:
        total = len(topic.checks)
        line += " " + say(w, "versions_unrecorded", unrecorded=unrecorded, total=total)
    return line
