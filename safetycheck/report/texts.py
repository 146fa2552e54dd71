"""The documents' fixed wording and the helplines, both read from data files.

Nothing here imports reportlab, so the app can show the same wording (for
example the warning before saving) without loading it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from typing import Any

from safetycheck.paths import assets_dir

#: One document's wording (values are strings, lists of strings or tables).
Words = dict[str, Any]
#: What a document is made of: reportlab flowables (untyped).
Story = list[Any]

REPORT_TEXT_FILE = "report-text.toml"
HELPLINES_FILE = "helplines.toml"


@functools.cache
def report_text() -> dict[str, Words]:
    """Headings, intro sentences and labels, by document (``common``, ``record``, ``plan``)."""
    with open(assets_dir() / REPORT_TEXT_FILE, "rb") as handle:
        return tomllib.load(handle)


#: Tables inside a document's wording that replace some of its keys (see report-text.toml).
OVERLAYS = ("self", "police", "self_police")


@functools.cache
def _words_for(self_mode: bool, for_police: bool) -> dict[str, Words]:
    words = report_text()
    chosen = [name for name, on in (("self", self_mode), ("police", for_police)) if on]
    if self_mode and for_police:
        chosen.append("self_police")
    result: dict[str, Words] = {}
    for document, table in words.items():
        overlays = {k: v for k, v in table.items() if k in OVERLAYS and isinstance(v, dict)}
        merged = {k: v for k, v in table.items() if k not in overlays}
        for name in chosen:
            merged.update(overlays.get(name, {}))
        result[document] = merged
    return result


def words_for(*, self_mode: bool = False, for_police: bool = False) -> dict[str, Words]:
    """The wording for one way of printing: self mode and the police copy have their own.

    A person checking alone has no advisor and agreed nothing with anyone, so self mode
    replaces every sentence that says otherwise; the police copy names what it leaves out.
    The result is shared: do not change it.
    """
    return _words_for(self_mode, for_police)


def say(words: Words, key: str, **values: object) -> str:
    """One sentence of the wording with its {placeholders} filled in."""
    return str(words[key]).format(**values)


def counted(words: Words, key: str, count: int, **values: object) -> str:
    """The wording for ``count`` things: ``key_one`` when there is one, else ``key``."""
    template = words.get(f"{key}_one") if count == 1 else None
    return str(template or words[key]).format(count=count, **values)


def save_warning() -> str:
    """What to tell a person before or after they save a document."""
    return " ".join(report_text()["warning"]["saved"].split())


@dataclass(frozen=True)
class Helpline:
    name: str
    number: str
    when: str = ""
    note: str = ""


@dataclass(frozen=True)
class Helplines:
    country: str
    name: str
    intro: str
    services: tuple[Helpline, ...]


@functools.cache
def _helplines_data() -> Words:
    with open(assets_dir() / HELPLINES_FILE, "rb") as handle:
        return tomllib.load(handle)


def helplines(country: str) -> Helplines | None:
    """The support services for ``country`` (two-letter code), or None if we have none."""
    data = _helplines_data().get("countries", {}).get(country.upper())
    if not data:
        return None
    services = tuple(
        Helpline(s["name"], s["number"], s.get("when", ""), " ".join(s.get("note", "").split()))
        for s in data.get("services", [])
    )
    return Helplines(country.upper(), data.get("name", country), data.get("intro", ""), services)
