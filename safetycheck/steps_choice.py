"""Which make or version's steps a check shows, remembered per case and kind of device.

Many checks give different steps for different makes or versions ("Google Pixel and
most Android phones" or "Samsung Galaxy").  A person chooses once: every check that
offers the same choices shows the same one, after a restart too.  The choices a check
offers are its key, so the 14 Android checks that offer Pixel or Samsung share one
memory, while "iOS 26 and 27 / iOS 18 or earlier" is a separate one.

Each answer keeps the label of the steps shown when it was given (``Answer.steps``), so
the printed record can say which steps were followed even if the choice changed later.
"""

from __future__ import annotations

from safetycheck.case import Case
from safetycheck.checklist import Check

SEPARATOR = " | "


def choice_key(check: Check) -> str:
    """The key under which a choice for this check is remembered ("" for one set of steps)."""
    if len(check.variants) < 2:
        return ""
    return SEPARATOR.join(sorted(v.label for v in check.variants))


def chosen_index(case: Case, check: Check) -> int:
    """The variant to show: the remembered choice, else the first (the content's default)."""
    key = choice_key(check)
    label = case.steps_chosen.get(key) if key else None
    for index, variant in enumerate(check.variants):
        if variant.label == label:
            return index
    return 0


def chosen_label(case: Case, check: Check) -> str:
    """The label of the steps shown for ``check`` ("" when it has only one set)."""
    if len(check.variants) < 2:
        return ""
    return check.variants[chosen_index(case, check)].label


def steps_followed(case: Case, check: Check) -> str:
    """For the record: the steps the person followed for an answered check, or "".

    The label stored with the answer; "" for a check with one set of steps, one not
    answered yet, or an answer given before SafetyCheck kept this.
    """
    answer = case.answers.get(check.id)
    if answer is None or not answer.status.is_answered or len(check.variants) < 2:
        return ""
    return answer.steps
