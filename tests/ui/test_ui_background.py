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


class Widgetish:
    """Stands for a widget the work and its callbacks hold; says on which thread it went."""

    def __init__(self, name: str, gone: list[tuple[str, str]]) -> None:
        self.name, self.gone = name, gone

    def take(self, _value: object) -> None:
        pass

    def __del__(self) -> None:
        self.gone.append((self.name, threading.current_thread().name))


def work_over(widget: Widgetish, fail: bool):
    def work(_job: background.Job[int]) -> int:
        if fail:
            raise ValueError(widget.name)
        return len(widget.name)

    return work


def callbacks_over(caller: Widgetish, outcomes: list[object]):
    def done(value: object) -> None:
        caller.take(value)
        outcomes.append(value)

    return done, done


def run_and_drop(qtbot, monkeypatch, fail: bool) -> list[tuple[str, str]]:
    """Run a job, let the GUI handle its outcome and drop everything it holds, and only
    then let the worker thread end (the order that left a dialog to die on the worker)."""
    gone: list[tuple[str, str]] = []
    handled = threading.Event()
    real_emit = background._emit

    def emit_then_wait(emit, *args) -> None:
        real_emit(emit, *args)
        handled.wait(5)

    monkeypatch.setattr(background, "_emit", emit_then_wait)
    outcomes: list[object] = []
    widget, caller = Widgetish("work", gone), Widgetish("callback", gone)
    done, failed = callbacks_over(caller, outcomes)
    job = background.run(work_over(widget, fail), done, failed, name="last-reference")
    del widget, caller, done, failed
    qtbot.waitUntil(lambda: bool(outcomes), timeout=5000)
    outcomes.clear()  # an error's traceback would hold the work's frames
    del job
    handled.set()
    for thread in threading.enumerate():
        if thread.name == "safetycheck-last-reference":
            thread.join(5)
    return gone


def test_the_worker_thread_never_holds_the_last_reference_to_what_the_work_used(
    qtbot, monkeypatch
) -> None:
    """A widget destroyed on the worker thread deadlocked the app (Qt's lock against
    Python's, seen in a full test run at the unlock window) or crashed it."""
    gone = run_and_drop(qtbot, monkeypatch, fail=False)
    assert sorted(gone) == [("callback", "MainThread"), ("work", "MainThread")]


def test_the_worker_thread_keeps_no_frames_of_a_failed_work(qtbot, monkeypatch) -> None:
    gone = run_and_drop(qtbot, monkeypatch, fail=True)
    assert sorted(gone) == [("callback", "MainThread"), ("work", "MainThread")]


def test_a_failed_work_keeps_its_traceback_as_text(qtbot) -> None:
    errors: list[BaseException] = []
    background.run(lambda _job: 1 / 0, lambda _v: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert errors[0].__traceback__ is None
    assert "1 / 0" in "".join(getattr(errors[0], "__notes__", []))
