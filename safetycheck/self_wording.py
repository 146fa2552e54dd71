"""Checklist text for someone checking on their own.

The checklists are written for an advisor working with a client ("Plan with your advisor
before you change anything"). Someone at home alone may have no advisor, so in self mode
the same advice names a support service instead. One list of word pairs
(``[plan.self] checklist_words`` in ``assets/report-text.toml``) serves both the check page
and the printed plan, so the screen and the paper never say different things.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from safetycheck.checklist import Check, Topic, Variant
from safetycheck.report.texts import words_for
from safetycheck.scans import ScanReport


@functools.cache
def word_pairs() -> tuple[tuple[str, str], ...]:
    """The pairs [as written, as shown to someone alone], applied in their order."""
    pairs = words_for(self_mode=True)["plan"].get("checklist_words", [])
    return tuple((str(written), str(shown)) for written, shown in pairs)


def alone(text: str) -> str:
    for written, shown in word_pairs():
        text = text.replace(written, shown)
    return text


def check_alone(check: Check) -> Check:
    """The check with every text a person reads reworded for someone on their own."""
    return dataclasses.replace(
        check,
        title=alone(check.title),
        why=alone(check.why),
        variants=tuple(
            Variant(v.label, tuple(alone(step) for step in v.steps)) for v in check.variants
        ),
        look_for=tuple(alone(s) for s in check.look_for),
        if_found=alone(check.if_found),
        evidence=alone(check.evidence),
        caution=alone(check.caution),
    )


def topic_alone(topic: Topic) -> Topic:
    """The topic's own words (intro, sign-in warning) for someone on their own."""
    return dataclasses.replace(
        topic, intro=alone(topic.intro), sign_in_warning=alone(topic.sign_in_warning)
    )


def scan_alone(report: ScanReport) -> ScanReport:
    """A scan's report in the words someone alone was shown, for the evidence log.

    The scanners' texts (``assets/*/scan.toml``) are written for an advisor's client ("plan
    with an advisor first"). In self mode the page showed them reworded, so the log keeps
    what was shown: the words are chosen before the entry is saved, never changed after.
    """
    return dataclasses.replace(
        report,
        summary=alone(report.summary),
        leads=tuple(dataclasses.replace(lead, what=alone(lead.what)) for lead in report.leads),
        problems=tuple(alone(problem) for problem in report.problems),
    )


def words_alone(value: Any) -> Any:
    """Every string in a JSON-like value reworded (a scan's ``--json`` output)."""
    if isinstance(value, str):
        return alone(value)
    if isinstance(value, list):
        return [words_alone(item) for item in value]
    if isinstance(value, dict):
        return {key: words_alone(item) for key, item in value.items()}
    return value
