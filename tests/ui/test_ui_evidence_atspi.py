""" "Add to evidence log" read through AT-SPI, the bus Orca reads on Linux (issue 16).

The widget test (``test_ui_evidence_keyboard``) asks Qt; this one asks the accessibility
bus what a screen reader gets: each file's line says the file, how it was captured and by
whom, and each drop-down is labelled.  Skips where AT-SPI cannot run, as
``test_ui_atspi`` does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from test_ui_atspi import ROOT, SYSTEM_PYTHON, run_in_own_group, why_atspi_cannot_run

ATSPI = ROOT / "tests" / "atspi"


def test_a_screen_reader_hears_each_file_with_how_and_by_whom(tmp_path: Path) -> None:
    reason = why_atspi_cannot_run()
    if reason:
        pytest.skip(reason)
    out = tmp_path / "dialog.json"
    command = [
        "dbus-run-session",
        "--",
        SYSTEM_PYTHON,
        str(ATSPI / "read_window.py"),
        sys.executable,
        str(ATSPI / "evidence_dialog.py"),
        str(ROOT),
        str(tmp_path),
        "evidence",
        str(out),
    ]
    returncode, said = run_in_own_group(command, timeout=300)
    assert returncode == 0, said
    read = json.loads(out.read_text(encoding="utf-8"))
    assert read["title"] == "Add to evidence log"
    nodes = read["nodes"]
    assert [n["name"] for n in nodes if n["role"] == "list item"] == [
        "photo.png: Photo of the screen, taken with another phone or camera, by the person",
        "shot.png: Screenshot, by the advisor",
        "call-log.txt: Saved or exported file, by whom: not said",
    ]
    [files] = [n for n in nodes if n["role"] == "list"]
    assert files["name"] == "Files" and "focusable" in files["states"]
    boxes = [(n["labelled_by"], n["name"]) for n in nodes if n["role"] == "combo box"]
    assert sorted(boxes) == [(["Captured by:"], "The advisor"), (["How captured:"], "Screenshot")]
    heard = [n["name"] for n in nodes if n["role"] == "label"]
    assert "How “shot.png” was captured, and by whom:" in heard
