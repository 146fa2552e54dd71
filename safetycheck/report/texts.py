"""The documents' fixed wording and the helplines, both read from data files.

Nothing here imports reportlab, so the app can show the same wording (for
example the warning before saving) without loading it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from safetycheck.paths import assets_dir

REPORT_TEXT_FILE = "report-text.toml"
HELPLINES_FILE = "helplines.toml"


@functools.cache
def report_text() -> dict[str, dict]:
    """Headings, intro sentences and labels, by document (``common``, ``record``, ``plan``)."""
    with open(assets_dir() / REPORT_TEXT_FILE, "rb") as handle:
        return tomllib.load(handle)


def counted(words: dict, key: str, count: int, **values: object) -> str:
    """The wording for ``count`` things: ``key_one`` when there is one, else ``key``."""
    template = words.get(f"{key}_one") if count == 1 else None
    return (template or words[key]).format(count=count, **values)


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
def _helplines_data() -> dict:
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
