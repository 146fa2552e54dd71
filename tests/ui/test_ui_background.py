"""The app's one background runner: work off the GUI thread, outcomes back on it."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QTimer

from ui import background, quick_exit


def test_the_result_and_progress_come_back_on_the_gui_thread(qtbot) -> None:
    gui = threading.get_ident()
    seen: list[tuple[str, object, int]] = []
    ticks: list[str] = []

    def work(job: background.Job[str]) -> str:
        job.say("halfway")
        time.sleep(0.3)
        return f"done on {threading.get_ident() != gui}"

    QTimer.singleShot(30, lambda: ticks.append("event loop ran"))
    background.run(
        work,
        lambda value: seen.append(("done", value, threading.get_ident())),
        lambda exc: seen.append(("error", exc, threading.get_ident())),
        on_progress=lambda text: seen.append(("progress", text, threading.get_ident())),
    )
    qtbot.waitUntil(lambda: any(kind == "done" for kind, _v, _t in seen), timeout=5000)
    assert seen == [("progress", "halfway", gui), ("done", "done on True", gui)]
    assert ticks == ["event loop ran"]  # the window stayed alive while the work ran


def test_an_error_is_handed_back_not_lost(qtbot) -> None:
    errors: list[BaseException] = []
    background.run(lambda _job: 1 / 0, lambda _v: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_quick_exit_stops_the_work_and_drops_its_outcome(qtbot) -> None:
    quick_exit.reset_for_tests()
    release = threading.Event()
    outcomes: list[object] = []
    saw_stop: list[bool] = []

    def work(job: background.Job[str]) -> str:
        release.wait(5)
        saw_stop.append(job.stopped)
        return "too late"

    job = background.run(work, outcomes.append, outcomes.append)
    try:
        quick_exit._exiting = True  # what QuickExit.trigger sets
        background.stop_all()
        assert job.stopped
        release.set()
        qtbot.waitUntil(lambda: job.finished, timeout=5000)
        assert saw_stop == [True] and outcomes == []
    finally:
        quick_exit.reset_for_tests()
