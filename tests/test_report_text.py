"""Pieces of the PDF export that need no PDF: bidi word order, password scrubbing, data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from safetycheck.report import bidi
from safetycheck.report.scrub import scrub_secrets
from safetycheck.report.texts import helplines, report_text, save_warning

ROOT = Path(__file__).resolve().parent.parent

URDU = "یہ ایک نوٹ ہے"  # "This is a note"
ARABIC = "هذه ملاحظة"  # "This is a note"


def test_latin_text_keeps_its_order() -> None:
    lines, rtl = bidi.visual_lines("Zażółć gęślą jaźń", 1000, len)
    assert lines == ["Zażółć gęślą jaźń"] and rtl is False


def test_urdu_words_run_right_to_left_with_latin_kept_left_to_right() -> None:
    lines, rtl = bidi.visual_lines(f"{URDU} test 2026 {ARABIC}", 1000, len)
    assert rtl is True
    # Visual order, left to right: the last logical words first; "test 2026" stays as is.
    assert lines == ["ملاحظة هذه test 2026 ہے نوٹ ایک یہ"]


def test_rtl_words_inside_an_english_sentence() -> None:
    lines, rtl = bidi.visual_lines(f"Client wrote {URDU} today.", 1000, len)
    assert rtl is False
    assert lines == ["Client wrote ہے نوٹ ایک یہ today."]


def test_lines_are_broken_before_they_are_reordered() -> None:
    # Each printed line holds the next words in reading order, so the first line
    # (top) starts with the first word at its right end.
    lines, _ = bidi.visual_lines(URDU, 7, len)
    assert lines == ["ایک یہ", "ہے نوٹ"]


def test_newlines_start_new_bidi_paragraphs() -> None:
    lines, rtl = bidi.visual_lines(f"Note:\n{URDU}", 1000, len)
    assert lines == ["Note:", "ہے نوٹ ایک یہ"] and rtl is False


def test_brackets_standing_alone_in_rtl_text_are_mirrored() -> None:
    lines, _ = bidi.visual_lines(f"{URDU} ( 12 )", 1000, len)
    # Read right to left, the bracket opens before "12": drawn left to right it is "(".
    assert lines == ["( 12 ) ہے نوٹ ایک یہ"]


def test_has_rtl() -> None:
    assert bidi.has_rtl(URDU) and not bidi.has_rtl("Προσοχή Проверим ŵyr")


@pytest.mark.parametrize(
    ("note", "secret"),
    [
        ("his passcode is 4821.", "4821"),
        ("password: Hunter2!", "Hunter2!"),
        ("Her PIN 0000 and pwd=abc", "0000"),
        ("Her PIN 0000 and pwd=abc", "abc"),
        ('the password is "blue sky" now', "blue sky"),
        ("hasło: kot123", "kot123"),
        ("пароль: секрет1", "секрет1"),
    ],
)
def test_written_down_passwords_are_removed(note: str, secret: str) -> None:
    cleaned = scrub_secrets(note)
    assert secret not in cleaned and "[removed]" in cleaned


@pytest.mark.parametrize(
    "note",
    ["Change your password on a safe device.", "Pin the map to the board.", "A password manager."],
)
def test_ordinary_sentences_about_passwords_stay(note: str) -> None:
    assert scrub_secrets(note) == note


def test_uk_helplines_are_data() -> None:
    uk = helplines("gb")
    assert uk is not None
    numbers = [s.number for s in uk.services]
    assert numbers[0] == "999"
    assert "press 55" in uk.services[0].note
    assert helplines("ZZ") is None


def test_uk_helplines_cover_all_four_nations_and_say_how_each_was_checked() -> None:
    import datetime as dt
    import tomllib

    from safetycheck.paths import assets_dir

    names = [s.name for s in helplines("gb").services]
    for nation in ("England", "Wales", "Scotland", "Northern Ireland"):
        assert any(name.startswith(f"{nation}:") for name in names), nation
    with open(assets_dir() / "helplines.toml", "rb") as handle:
        raw = tomllib.load(handle)["countries"]["GB"]["services"]
    for service in raw:
        assert service["checked_against"].startswith("https://"), service["name"]
        assert service["checked_how"] in ("own page", "public body", "other page")
        assert isinstance(service["checked"], dt.date)


def test_report_text_is_complete() -> None:
    words = report_text()
    assert {"common", "record", "plan", "warning"} <= set(words)
    assert "found" in save_warning().lower() or "finds" in save_warning().lower()


def test_reportlab_loads_only_when_exporting() -> None:
    code = (
        "import sys\n"
        "import safetycheck.report, safetycheck.cli, safetycheck.commands.export\n"
        "safetycheck.cli.build_parser()\n"
        "assert 'reportlab' not in sys.modules, 'reportlab imported at start-up'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_counted_wording_uses_the_singular_for_one() -> None:
    from safetycheck.report.texts import counted

    words = report_text()["plan"]
    assert "one thing" in counted(words, "found_count", 1, concerns=1)
    assert "3 things" in counted(words, "found_count", 3, concerns=3)


def test_paper_size_follows_the_country() -> None:
    from safetycheck.report import default_page_size
    from safetycheck.settings import Settings

    assert default_page_size(Settings(country="GB")) == "a4"
    assert default_page_size(Settings(country="us")) == "letter"
    assert default_page_size(None) == "a4"
