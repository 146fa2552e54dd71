"""The safety plan: short, plain, and safe to take home.

It goes home with the client, where the other person may read it, so it never
prints a case note: for an answer it prints only the line written for the plan
(``Answer.plan_line``).  What it says about a finding otherwise comes from the
checks themselves (``if_found`` and ``caution`` in the checklists): this module
never writes advice of its own.  It always says how many checks were done, and
says "nothing worrying" only when every check in scope was answered and none was
left unsure (and then that a clean result proves nothing).  With
``leave_out_details`` it prints only what would not tell someone who finds the
paper what was found, but still what to do next and how to reach the advisor.
Self mode (no advisor) has its own wording throughout (``words_for``), and what it prints
from the checklists (written for an advisor and a client) names the support services
instead of "your advisor" (``checklist_words``, ``safetycheck.self_wording``).
Imported only when a document is exported (it pulls in reportlab).
"""

from __future__ import annotations

import dataclasses

from safetycheck.case import Case, Progress, Status
from safetycheck.checklist import Library
from safetycheck.report import common
from safetycheck.report.helpcontacts import help_section
from safetycheck.report.layout import (
    bullet_columns,
    bullets,
    gap,
    keep,
    para,
    table,
    titled_bullets,
    writing_line,
)
from safetycheck.report.texts import Story, Words, counted
from safetycheck.self_wording import check_alone
from safetycheck.settings import Settings

LOOK_AGAIN = (Status.NOT_SURE, Status.CANT_CHECK_SAFELY)


def story(
    case: Case,
    library: Library,
    settings: Settings,
    words: Words,
    width: float,
    *,
    leave_out_details: bool,
    self_mode: bool,
) -> Story:
    w = words["plan"]
    removed = words["common"]["removed"]
    rows = [_reworded(row, w) for _, part in common.rows_by_topic(case, library) for row in part]
    progress = common.progress(case, library)
    concerns = [r for r in rows if r.answer.status is Status.CONCERN]
    look_again = [r for r in rows if r.answer.status in LOOK_AGAIN]
    shown = {id(r) for r in concerns + look_again}
    more = [r for r in rows if id(r) not in shown and r.answer.plan_line.strip()]
    short = leave_out_details

    out: Story = [para(w["title"], "title"), para(w["intro"])]
    if short:
        out.append(para(w["details_left_out"], "muted"))
    out += _who_to_talk_to(settings, w, width, self_mode)

    # How much was done: always, so a few checks are never read as the whole picture.
    finished = progress.total > 0 and progress.answered == progress.total
    done = w["progress_all"] if finished else w["progress_done"]
    out.append(para(done.format(answered=progress.answered, total=progress.total), "big"))
    out.append(gap(2))

    # What we found
    out.append(para(w["found_heading"], "h1"))
    if concerns:
        if short:
            out.append(para(counted(w, "found_count", len(concerns), concerns=len(concerns))))
        else:
            out.append(para(w["found_intro"]))
            out += titled_bullets([_item(row, removed) for row in concerns])
    else:
        out.append(para(_nothing_found(progress, bool(look_again), w)))
    if look_again:
        out.append(para(w["look_again_heading"], "h2"))
        if short:
            out.append(para(counted(w, "look_again_count", len(look_again))))
        else:
            out.append(para(w["look_again_intro"]))
            with_lines = [r for r in look_again if r.answer.plan_line.strip()]
            plain = [r.title for r in look_again if not r.answer.plan_line.strip()]
            out += titled_bullets([_item(row, removed) for row in with_lines])
            if plain:
                out.append(bullet_columns(plain, width))
    if more and not short:
        out.append(para(w["more_heading"], "h2"))
        out += titled_bullets([_item(row, removed) for row in more])

    # What you can do next, in order: the general steps, then each finding's own advice.
    steps: list[str | tuple[str, str]] = list(w["general_steps"])
    if short:
        steps += list(w["short_steps"])
    else:
        steps += [(row.title, row.check.if_found) for row in concerns if row.check]
    out.append(keep(para(w["next_heading"], "h1"), para(w["next_intro"], "lead")))
    out += bullets(steps, numbered=True)

    # Cautions: the general one always; each finding's own caution in the full plan.
    cautions = [] if short else _cautions(concerns)
    out.append(keep(para(w["cautions_heading"], "h1"), para(w["general_caution"])))
    out += bullets(cautions)

    out += _actions(case, w, short, self_mode)
    out += help_section(settings, words, width, self_mode=self_mode)
    return out


def _reworded(row: common.Row, w: Words) -> common.Row:
    """In self mode the checklist's words name a support service, not "your advisor"
    (``safetycheck.self_wording``, the same words the check page shows)."""
    if not w.get("checklist_words") or row.check is None:
        return row
    return dataclasses.replace(row, check=check_alone(row.check))


def _item(row: common.Row, removed: str) -> tuple[str, str]:
    """A check's title and the line written for the plan; never the case note."""
    return (row.title, common.clean_note(row.answer.plan_line, removed))


def _nothing_found(progress: Progress, unsure: bool, w: Words) -> str:
    remaining = progress.total - progress.answered
    if remaining > 0:
        return counted(
            w, "found_none_incomplete", remaining, answered=progress.answered, remaining=remaining
        )
    if unsure or progress.total == 0:
        return str(w["found_none_unsure"])
    return str(w["found_none"]).format(total=progress.total)


def _who_to_talk_to(settings: Settings, w: Words, width: float, self_mode: bool) -> Story:
    """Near the top: the advisor and how to reach them, or, alone, the support services."""
    if self_mode:
        return [para(w["support_intro"])]
    advisor = settings.advisor_name.strip()
    service = settings.service_name.strip()
    contact = settings.service_contact.strip()
    who = ", ".join(x for x in (advisor, service) if x)
    if not contact:  # nothing to print: a line to write it on, so the paper still says
        out: Story = [para(w["advisor_heading"], "h2")]
        if who:
            out.append(para(who, "body"))
        out += [para(w["advisor_unknown"], "body"), writing_line(width), gap(2)]
        return out
    rows = [
        [para(w["advisor_heading"], "cellbold"), para(who or w["service_line"], "cell")],
        [para(w["advisor_reach"], "cellbold"), para(contact, "big")],
    ]
    return [table(rows, [0.3 * width, 0.7 * width], header=False), gap(2)]


def _actions(case: Case, w: Words, short: bool, self_mode: bool) -> Story:
    if self_mode and not case.actions:
        return []  # alone, nothing was agreed with anyone: no empty "agreed" section
    out: Story = [para(w["actions_heading"], "h1")]
    if not case.actions:
        return [*out, para(w["no_actions"])]
    if short:
        return [*out, para(counted(w, "actions_left_out", len(case.actions)))]
    items = []
    for action in sorted(case.actions, key=lambda a: a.done):
        extra = ", ".join(x for x in (action.who, action.by_when) if x)
        text = action.what + (f" ({extra})" if extra else "")
        items.append(text + (f" {w['done']}" if action.done else ""))
    return [*out, *bullets(items)]


def _cautions(concerns: list[common.Row]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    result = []
    for row in concerns:
        caution = row.check.caution.strip() if row.check else ""
        if caution and caution not in seen:
            seen.add(caution)
            result.append((row.title, caution))
    return result
