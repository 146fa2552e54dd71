"""The case record: everything checked and found, for the advisor's file or the police.

Imported only when a document is exported (it pulls in reportlab).
"""

from __future__ import annotations

from safetycheck.android.indicators import CREDIT as INDICATOR_CREDIT
from safetycheck.android.scan import SOURCE as SCAN_SOURCE
from safetycheck.case import Case, Status
from safetycheck.checklist import Library, Topic
from safetycheck.report import common, evidence
from safetycheck.report.helpcontacts import help_section
from safetycheck.report.layout import gap, keep, para, table
from safetycheck.scope import count
from safetycheck.settings import Settings

# Scans that match Echap's lists (the iPhone scan's source is spelt out: importing its module
# would load its USB client into every export).
INDICATOR_SOURCES = frozenset({SCAN_SOURCE, "iphone-scan"})


def story(
    case: Case,
    library: Library,
    settings: Settings,
    words: dict,
    width: float,
    store: object | None,
) -> list:
    w = words["record"]
    removed = words["common"]["removed"]
    out: list = [para(w["title"], "title"), para(w["intro"], "muted")]
    out += _details(case, library, settings, words, width)
    out += _concerns(case, library, w, removed, width)
    out += _all_checks(case, library, w, words["common"], removed, width)
    out += _evidence(case, library, w, width, store)
    out += _actions(case, w, words["common"], width)
    out += help_section(settings, words, width)
    out += _versions(case, library, w)
    return out


def _details(case: Case, library: Library, settings: Settings, words: dict, width: float) -> list:
    w, missing = words["record"], words["common"]["not_given"]
    ids = [r.check_id for _, rows in common.rows_by_topic(case, library) for r in rows]
    progress = count(case, ids)
    cant = sum(1 for i in ids if case.status(i) is Status.CANT_CHECK_SAFELY)
    rows = [
        (w["service"], settings.service_name or missing),
        (w["advisor"], settings.advisor_name or missing),
        (w["service_contact"], settings.service_contact or missing),
        (w["reference"], case.reference),
        (w["opened"], common.short_date(case.created)),
        (w["updated"], common.exact_time(case.updated)),
        (w["sessions"], ", ".join(common.short_date(d) for d in sorted(set(case.sessions)))),
    ]
    summary = w["summary"].format(
        answered=progress.answered,
        total=progress.total,
        concerns=progress.concerns,
        not_sure=progress.not_sure,
        cant=cant,
    )
    cells = [[para(k, "cellbold"), para(v or missing, "cell")] for k, v in rows]
    return [
        para(w["details_heading"], "h1"),
        table(cells, [0.28 * width, 0.72 * width], header=False),
        gap(2),
        para(summary, "body"),
    ]


def _concerns(case: Case, library: Library, w: dict, removed: str, width: float) -> list:
    rows = common.rows_with(case, library, Status.CONCERN)
    out: list = [para(w["concerns_heading"], "h1")]
    if not rows:
        return [*out, para(w["no_concerns"])]
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
        note = common.clean_note(row.answer.note, removed)
        if note:
            cells.append([para(w["note"], "cellbold"), para(note, "cell")])
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


def _all_checks(
    case: Case, library: Library, w: dict, common_words: dict, removed: str, width: float
) -> list:
    out: list = [para(w["checks_heading"], "h1")]
    widths = [0.31 * width, 0.15 * width, 0.34 * width, 0.2 * width]
    for topic, rows in common.rows_by_topic(case, library):
        title = topic.title if topic else "Other answers"
        header = [
            para(w["check"], "head"),
            para(common_words["status_heading"], "head"),
            para(w["note"], "head"),
            para(w["updated_col"], "head"),
        ]
        cells = [header]
        shaded = []
        for index, row in enumerate(rows, start=1):
            status = row.answer.status
            if status is Status.CONCERN:
                shaded.append(index)
            cells.append(
                [
                    para(row.title, "cell"),
                    para(status.label, "cellbold" if status is Status.CONCERN else "cell"),
                    _cell(common.clean_note(row.answer.note, removed)),
                    _cell(common.exact_time(row.answer.changed_at), "small"),
                ]
            )
        # The topic's title is part of the table, so it repeats on every page the table
        # runs onto, and can never be left alone at the foot of a page.
        out.append(gap(4))
        out.append(table(cells, widths, shade_rows=shaded, caption=title))
    return out


def _cell(text: str, style: str = "cell") -> object:
    """A table cell: an empty string costs nothing, a paragraph wraps and prints any script."""
    return para(text, style) if text else ""


def _evidence(case: Case, library: Library, w: dict, width: float, store: object | None) -> list:
    out = evidence.section(case, library, w, width, store)
    if any(entry.source in INDICATOR_SOURCES for entry in case.evidence):
        out.append(para(INDICATOR_CREDIT, "small"))  # CC BY 4.0: credit wherever it is used
    return out


def _actions(case: Case, w: dict, common_words: dict, width: float) -> list:
    out: list = [para(w["actions_heading"], "h1")]
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


def _versions(case: Case, library: Library, w: dict) -> list:
    versions: dict[str, str] = dict(case.checklist_versions)
    for topic in common.case_topics(case, library):
        versions.setdefault(topic.id, topic.reviewed.isoformat())
    listed = "; ".join(f"{tid} (reviewed {when})" for tid, when in sorted(versions.items()))
    out = [para(w["versions_heading"], "h1"), para(w["versions"].format(versions=listed))]
    lines = [
        _verification(topic, versions.get(topic.id, ""), w)
        for topic in common.case_topics(case, library)
    ]
    if lines:
        out += [gap(2), para(w["versions_intro"], "muted")]
        out += [para(line, "small") for line in lines]
    return out


def _verification(topic: Topic, used: str, w: dict) -> str:
    """One honest line per topic: how many of its paths a page confirmed, and how many not."""
    if used and used != topic.reviewed.isoformat():
        return w["versions_older"].format(topic=topic.title, used=used)
    counts = {"official": 0, "third-party": 0, "assumed": 0}
    unrecorded = 0
    for check in topic.checks:
        if check.verified is None:
            unrecorded += 1
        else:
            counts[check.verified.how] += 1
    line = w["versions_topic"].format(
        topic=topic.title,
        releases=", ".join(topic.releases) or w["versions_no_release"],
        total=len(topic.checks),
        official=counts["official"],
        third_party=counts["third-party"],
        assumed=counts["assumed"],
    )
    if unrecorded:
        total = len(topic.checks)
        line += " " + w["versions_unrecorded"].format(unrecorded=unrecorded, total=total)
    return line
