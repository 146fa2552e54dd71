"""The safety plan: short, plain, and safe to take home.

What it says about a finding comes from the checks themselves (``if_found``
and ``caution`` in the checklists): this module never writes advice of its own.
With ``leave_out_details`` it prints only what would not tell someone who
finds the paper what was found (see docs/decisions.md, "Reports").
Imported only when a document is exported (it pulls in reportlab).
"""

from __future__ import annotations

from safetycheck.case import Case, Status
from safetycheck.checklist import Library
from safetycheck.report import common
from safetycheck.report.helpcontacts import help_section
from safetycheck.report.layout import bullet_columns, bullets, keep, para, titled_bullets
from safetycheck.report.texts import counted
from safetycheck.settings import Settings


def story(
    case: Case,
    library: Library,
    settings: Settings,
    words: dict,
    width: float,
    *,
    leave_out_details: bool,
) -> list:
    w = words["plan"]
    removed = words["common"]["removed"]
    concerns = common.rows_with(case, library, Status.CONCERN)
    look_again = common.rows_with(case, library, Status.NOT_SURE, Status.CANT_CHECK_SAFELY)
    out: list = [para(w["title"], "title"), para(w["intro"])]
    if leave_out_details:
        out.append(para(w["details_left_out"], "muted"))

    # What we found
    found: list = [para(w["found_heading"], "h1")]
    if not concerns:
        found.append(para(w["found_none"]))
    elif leave_out_details:
        found.append(para(counted(w, "found_count", len(concerns), concerns=len(concerns))))
    else:
        found.append(para(w["found_intro"]))
        found += titled_bullets(
            [(row.title, common.clean_note(row.answer.note, removed)) for row in concerns]
        )
    out += found
    if look_again:
        out.append(para(w["look_again_heading"], "h2"))
        if leave_out_details:
            out.append(para(counted(w, "look_again_count", len(look_again))))
        else:
            out.append(para(w["look_again_intro"]))
            out.append(bullet_columns([row.title for row in look_again], width))

    # What you can do next, in order: the general steps, then each finding's own advice.
    steps: list[str | tuple[str, str]] = list(w["general_steps"])
    if not leave_out_details:
        steps += [(row.title, row.check.if_found) for row in concerns if row.check]
    out.append(keep(para(w["next_heading"], "h1"), para(w["next_intro"], "lead")))
    out += bullets(steps, numbered=True)

    # Cautions: the general one always; each finding's own caution in the full plan.
    cautions = [] if leave_out_details else _cautions(concerns)
    out.append(keep(para(w["cautions_heading"], "h1"), para(w["general_caution"])))
    out += bullets(cautions)

    # Actions agreed
    out.append(para(w["actions_heading"], "h1"))
    if leave_out_details:
        out.append(para(w["actions_left_out"]))
    elif not case.actions:
        out.append(para(w["no_actions"]))
    else:
        ordered = sorted(case.actions, key=lambda a: a.done)
        items = []
        for action in ordered:
            extra = ", ".join(x for x in (action.who, action.by_when) if x)
            text = action.what + (f" ({extra})" if extra else "")
            items.append(text + (f" {w['done']}" if action.done else ""))
        out += bullets(items)

    out += help_section(settings, words, width)
    return out


def _cautions(concerns: list[common.Row]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    result = []
    for row in concerns:
        caution = row.check.caution.strip() if row.check else ""
        if caution and caution not in seen:
            seen.add(caution)
            result.append((row.title, caution))
    return result
