"""The real app, started as a person starts it: a fresh process running main.py.

It shows its window, opens the cases, and quits (the start-up probe), without
loading the PDF code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = """
import sys
from ui.launch import main
rc = main(sys.argv[1:])
loaded = sorted({m.split('.')[0] for m in sys.modules} & {'reportlab'})
print('loaded', ','.join(loaded) or '-')
sys.exit(rc)
"""


def run_app(data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFETYCHECK_STARTUP_PROBE": "1"}
    env.pop("SAFETYCHECK_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_real_app_starts_shows_and_opens_the_case(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(
        json.dumps({"first_start_done": True, "mode": "self"}), encoding="utf-8"
    )
    result = run_app(data)
    assert result.returncode == 0, result.stderr[-2000:]
    words = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert words[:2] == ["shown", "ready"]
    # The PDF code (reportlab) loads only when someone exports.
    assert "loaded -" in result.stdout
    # The private case was created on first use, with a neutral reference.
    cases = list((data / "cases").glob("*.case"))
    assert len(cases) == 1
    assert b'"reference":"My check"' in cases[0].read_bytes()  # not "Case 7F3K" (issue 14)


#: Run in a fresh process: what had been loaded when the first window was shown.
FIRST_WINDOW = """
import json, sys
import PySide6.QtCore
from PySide6.QtCore import QTimer

first_start = sys.argv.pop(1) == "first"
if first_start:
    from ui.first_start import FirstStartDialog as Window
else:
    from ui.main_window import MainWindow as Window
original = Window.setVisible

# Reported from setVisible, once it has shown the window: a Python showEvent here would
# itself load the event classes this checks for.
def setVisible(self, visible):
    original(self, visible)
    if not visible or getattr(Window, "reported", False):
        return
    Window.reported = True
    print("loaded", json.dumps({
        "modules": sorted(sys.modules),
        "qt_enums": "Qt" in vars(PySide6.QtCore),
        "qevent": "QEvent" in vars(PySide6.QtCore),
    }), flush=True)
    if first_start:
        QTimer.singleShot(0, self.reject)

Window.setVisible = setVisible
from ui.launch import main
sys.exit(main(sys.argv[1:]))
"""

#: Not needed to draw the first window, and slow to load (tens of milliseconds in all):
#: the case model and the scope rule, the storage code and the cryptography it uses, the
#: checklists and their parsers, the PDF code.  Each loads once the window is on screen.
NOT_BEFORE_THE_FIRST_WINDOW = (
    "safetycheck.case",
    "safetycheck.scope",
    "safetycheck.evidence",
    "safetycheck.store",
    "safetycheck.storage.casefile",
    "safetycheck.vault",
    "safetycheck.crypto",
    "safetycheck.checklist",
    "cryptography",
    "argon2",
    "tomllib",
    "yaml",
    "reportlab",
    "secrets",
    "uuid",
    "datetime",
    "safetycheck.storage.caselock",
)


def loaded_at_first_window(data_dir: Path, which: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFETYCHECK_STARTUP_PROBE": "1"}
    env.pop("SAFETYCHECK_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "-c", FIRST_WINDOW, which, "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("loaded "))
    return json.loads(line.removeprefix("loaded "))


@pytest.mark.parametrize("mode", ["advisor", "self", None])
def test_the_first_window_shows_before_the_slow_parts_load(tmp_path: Path, mode) -> None:
    """Start-up is what a frightened person waits for: the first window (the safety notice
    at first start, else the main window's frame with Quick Exit) is drawn with PySide6's
    three basic modules and our small modules only (docs/performance.md, start-up)."""
    data = tmp_path / "data"
    data.mkdir()
    if mode is not None:
        (data / "settings.json").write_text(
            json.dumps({"first_start_done": True, "mode": mode}), encoding="utf-8"
        )
    loaded = loaded_at_first_window(data, "main" if mode else "first")
    modules = set(loaded["modules"])
    early = sorted(
        m
        for m in modules
        if any(m == x or m.startswith(x + ".") for x in NOT_BEFORE_THE_FIRST_WINDOW)
    )
    assert early == []
    qt = {m.split(".")[1] for m in modules if m.startswith("PySide6.Qt")}
    assert qt == {"QtCore", "QtGui", "QtWidgets"}
    assert not loaded["qt_enums"], "Qt's enum namespace was built before the first window"
    # Loading QEvent (or any event class, as a Python showEvent does) builds its Type enum.
    assert not loaded["qevent"], "QEvent was loaded before the first window was shown"
    if mode is None:
        assert not {"ui.main_window", "ui.session"} & modules  # not before the notice
    else:
        assert "ui.first_start" not in modules


def test_the_numbers_set_before_qt_enums_load_mean_what_they_say(qapp) -> None:
    from PySide6.QtCore import Qt

    from ui import style

    assert Qt.TextFormat.PlainText.value == style.PLAIN_TEXT
    assert Qt.TextFormat.RichText.value == style.RICH_TEXT
    assert Qt.TextInteractionFlag.TextSelectableByMouse.value == style.SELECTABLE_BY_MOUSE
    assert Qt.FocusPolicy.NoFocus.value == style.NO_FOCUS
    assert Qt.FocusPolicy.StrongFocus.value == style.STRONG_FOCUS
    label = style.paragraph("<b>not bold</b>")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse


def run_with_quit_after(data_dir: Path, seconds: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFETYCHECK_QUIT_AFTER": seconds}
    env.pop("SAFETYCHECK_DATA_DIR", None)
    env.pop("SAFETYCHECK_STARTUP_PROBE", None)
    return subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("first_start_done", [True, False])
def test_quit_after_closes_the_app_the_ordinary_way(tmp_path: Path, first_start_done) -> None:
    """What the installers' smoke test does: start the app, let it run, ask it to quit.

    A thread that queued "close all windows" and then "quit" once raced the app and printed
    a traceback about a deleted QApplication (a CI run failed on it).  With the main window
    open and at the first-start questions alike, it must leave cleanly and print nothing
    but its one line.
    """
    data = tmp_path / "data"
    data.mkdir()
    if first_start_done:
        (data / "settings.json").write_text(
            json.dumps({"first_start_done": True, "mode": "self"}), encoding="utf-8"
        )
    result = run_with_quit_after(data, "0.5")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "quitting after 0.5 s" in result.stderr
    if first_start_done:  # the main window really opened the case before it quit
        assert len(list((data / "cases").glob("*.case"))) == 1


def test_quit_after_ignores_what_is_not_a_delay() -> None:
    from ui.autoquit import quit_after_seconds

    assert quit_after_seconds({}) is None
    assert quit_after_seconds({"SAFETYCHECK_QUIT_AFTER": "soon"}) is None
    assert quit_after_seconds({"SAFETYCHECK_QUIT_AFTER": "-1"}) is None
    assert quit_after_seconds({"SAFETYCHECK_QUIT_AFTER": "2.5"}) == 2.5
