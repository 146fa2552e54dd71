"""Starting the app with no command skips the command-line parser, with the same result."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from safetycheck import cli
from ui import launch


@pytest.mark.parametrize(
    "argv",
    [[], ["--data-dir", "/tmp/x"], ["--data-dir=/tmp/x"]],
)
def test_plain_start_matches_the_full_parser(argv: list[str]) -> None:
    fast = launch.plain_start(argv)
    full, extra = cli.build_parser().parse_known_args(argv)
    assert fast is not None and extra == []
    assert (fast.command, fast.data_dir) == (full.command, full.data_dir)


@pytest.mark.parametrize(
    "argv",
    [["list-cases"], ["--help"], ["--version"], ["--data-dir"], ["--data-dir", "x", "list-cases"]],
)
def test_anything_else_goes_through_the_command_line(argv: list[str]) -> None:
    assert launch.plain_start(argv) is None


def test_the_frame_shows_first_and_the_cases_follow(ui, qtbot) -> None:
    """The real app shows the window (with Quick Exit) before the storage code runs."""
    from ui import app

    ui.start(mode="advisor")  # writes the settings; this window is not the one tested
    window = app.start(ui.data_dir, progressive=True)
    qtbot.addWidget(window)
    assert window.isVisible() and window.quick_exit_button.isVisible()
    assert not window.session.work.is_unlocked  # nothing read yet
    qtbot.waitUntil(lambda: window.session.work.is_unlocked and window.current_key == "cases")
    qtbot.waitUntil(lambda: window.session.content_is_loaded)


def test_quick_exit_before_the_cases_have_opened(ui, qtbot) -> None:
    from ui import app

    ui.start(mode="self")
    window = app.start(ui.data_dir, progressive=True)
    qtbot.addWidget(window)
    qtbot.mouseClick(window.quick_exit_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible() and ui.quit_calls == [1]
    qtbot.wait(50)
    assert not window.session.work.is_unlocked  # the cases were never opened
