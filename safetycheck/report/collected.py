"""The record for the police's page on how the evidence was collected.

Police and courts ask who collected evidence, when, on what, and how.  The
answers come from the case itself: who worked on it with which SafetyCheck on
which system (``Case.app_uses``, noted on every save), the sessions and the times
in the evidence log, the devices the scans read and the places noted by hand.
It says plainly what a check is (a person looking, not a forensic examination).
Imported only when a document is exported (it pulls in reportlab).
"""

from __future__ import annotations

from safetycheck import __version__
from safetycheck.case import AppUse, Case
from safetycheck.report import common
from safetycheck.report.layout import para, table
from safetycheck.report.texts import Story, Words, say
from safetycheck.settings import MODE_SELF, Settings


def collected_page(
    case: Case, settings: Settings, w: Words, width: float, self_mode: bool
) -> Story:
    rows = [
        (w["collected_who"], _who(case, settings, w, self_mode)),
        (w["collected_when"], _when(case, w)),
        (w["collected_app"], _apps(case.app_uses, w)),
        (w["collected_devices"], _devices(case, w)),
        (w["collected_how"], " ".join(w["collected_how_text"].split())),
        (w["collected_times"], w["collected_times_text"]),
        (w["collected_left_out"], w["collected_left_out_text"]),
    ]
    cells = [[para(k, "cellbold"), para(v, "cell")] for k, v in rows]
    return [
        para(w["collected_heading"], "h1"),
        para(w["collected_intro"], "lead"),
        table(cells, [0.25 * width, 0.75 * width], header=False),
    ]


def _who(case: Case, settings: Settings, w: Words, self_mode: bool) -> str:
    people: list[str] = []
    for use in case.app_uses:
        if use.mode == MODE_SELF:
            line = w["collected_who_self"]
        else:
            line = _advisor(use.advisor, use.service, w)
        if line and line not in people:
            people.append(line)
    if not people:  # a case from before SafetyCheck noted this: today's settings
        people.append(
            w["collected_who_self"]
            if self_mode
            else _advisor(settings.advisor_name.strip(), settings.service_name.strip(), w)
        )
    return "\n".join(p for p in people if p)


def _advisor(advisor: str, service: str, w: Words) -> str:
    if not advisor and not service:
        return say(w, "collected_who_advisor", advisor="An advisor", service="")
    return say(
        w,
        "collected_who_advisor",
        advisor=advisor or "An advisor",
        service=f" ({service})" if service else "",
    )


def _when(case: Case, w: Words) -> str:
    sessions = ", ".join(common.short_date(d) for d in sorted(set(case.sessions)))
    if not case.evidence:
        return say(w, "collected_when_no_evidence", sessions=sessions)
    times = sorted(e.at for e in case.evidence)
    return say(
        w,
        "collected_when_text",
        sessions=sessions,
        first=common.exact_time(times[0]),
        last=common.exact_time(times[-1]),
    )


def _apps(uses: list[AppUse], w: Words) -> str:
    if not uses:
        return say(w, "collected_app_unknown", version=__version__)
    lines = []
    for use in uses:
        first, last = common.short_date(use.first), common.short_date(use.last)
        days = first if first == last else f"{first} to {last}"
        lines.append(
            say(w, "collected_app_line", version=use.app_version, system=use.system, days=days)
        )
    return "\n".join(lines)


def _devices(case: Case, w: Words) -> str:
    sources: dict[str, str] = w.get("scan_sources", {})
    lines = [
        say(
            w,
            "collected_device_scan",
            device=scan.device or "A device",
            source=sources.get(scan.source, scan.source),
            at=common.exact_time(scan.at),
        )
        for scan in sorted(case.scans, key=lambda s: s.at)
    ]
    places: list[str] = []
    for entry in case.evidence:
        where = entry.where.strip()
        if entry.source == "person" and where and where not in places:
            places.append(where)
    lines += [say(w, "collected_device_where", where=place) for place in places]
    return "\n".join(lines) or w["collected_devices_none"]
