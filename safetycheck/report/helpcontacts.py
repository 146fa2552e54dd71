""" "Where to get help": the advisor service's contact, then the country's helplines.

Printed on both documents.  The numbers come from ``assets/helplines.toml``.
"""

from __future__ import annotations

from safetycheck.report.layout import gap, keep, para, table
from safetycheck.report.texts import Story, Words, helplines
from safetycheck.settings import Settings


def help_section(settings: Settings, words: Words, width: float, *, self_mode: bool) -> Story:
    """``self_mode``: the person is on their own, so no advisor service is named."""
    w = words["plan"]
    heading = para(w["help_heading"], "h1")
    blocks: Story = []
    if not self_mode and (settings.service_contact.strip() or settings.service_name.strip()):
        name = settings.service_name.strip() or w["service_line"]
        rows = [[para(name, "cellbold"), para(settings.service_contact.strip(), "big")]]
        blocks.append(table(rows, [0.45 * width, 0.55 * width], header=False))
        blocks.append(gap(2))
    lines = helplines(settings.country or "GB")
    if lines is None:
        blocks.append(para(w["no_helplines"]))
        return [keep(heading, *blocks)]
    if lines.intro:
        blocks.append(para(lines.intro, "muted"))
    rows = []
    for service in lines.services:
        detail = " ".join(x for x in (service.when, service.note) if x)
        rows.append(
            [
                [para(service.name, "cellbold"), para(detail, "cell")],
                para(service.number, "big"),
            ]
        )
    blocks.append(table(rows, [0.7 * width, 0.3 * width], header=False))
    return [keep(heading, *blocks)]
