"""One way to run slow work for the whole app: unlock, scans, exports, evidence bundles.

The work (core code only, never Qt) runs on a daemon thread, so the window stays alive
and Quick Exit always acts at once; its result, its error and its progress messages come
back on the GUI thread through queued signals.  Quick Exit stops every job: a job's work
can ask ``job.stopped`` before a step it must not take any more (writing a file), and
nothing that finishes afterwards reaches the interface.

Daemon threads, not QThreads: a thread still waiting for a phone or a key derivation
must not keep the process alive after Quick Exit, and every step of our work is atomic,
so cutting it off loses nothing that was saved.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

T = TypeVar("T")


class Stopped(Exception):
    """Raised by work that saw ``job.stopped`` (the person cancelled, or Quick Exit)."""


class Job(Generic[T]):
    """One piece of work: where its outcome goes, and a flag to stop it."""

    def __init__(
        self,
        on_done: Callable[[T], object],
        on_error: Callable[[BaseException], object],
        on_progress: Callable[[str], object] | None,
        busy_cursor: bool = False,
        owner: QObject | None = None,
    ) -> None:
        self.on_done = on_done
        self.busy_cursor = busy_cursor
        #: The widget waiting for the outcome: once it is gone, nobody is.
        self.owner = owner
        #: Set by Quick Exit: the outcome is dropped whenever it comes.
        self.abandoned = False
        self.on_error = on_error
        self.on_progress = on_progress
        #: Set to stop the work; the work passes it on (e.g. to a phone scan) or checks it.
        self.stop = threading.Event()
        self.finished = False
        self._on_stop: list[Callable[[], object]] = []

    @property
    def stopped(self) -> bool:
        return self.stop.is_set()

    def when_stopped(self, action: Callable[[], object]) -> None:
        """Run ``action`` too when the job is stopped (Cancel or Quick Exit): for work that
        waits on something a flag cannot wake, such as a socket to a phone."""
        self._on_stop.append(action)
        if self.stopped:
            action()

    def request_stop(self) -> None:
        """Stop the work (Cancel, or Quick Exit through :func:`stop_all`)."""
        self.stop.set()
        for action in list(self._on_stop):
            action()

    def let_go(self) -> None:
        """Forget the callbacks and the owner once the outcome is handled (GUI thread), so
        that the worker thread, which still holds the job while it ends, holds no widget."""
        self.on_done = _ignore
        self.on_error = _ignore
        self.on_progress = None
        self.owner = None
        self._on_stop = []

    def say(self, message: str) -> None:
        """Report progress from the worker thread; shown on the GUI thread."""
        runner = _runner
        if runner is not None and not self.stopped:
            _emit(runner.progressed.emit, self, message)


class Background(QObject):
    """The app's one runner.  Use :func:`run`; the instance lives as long as the app."""

    progressed = Signal(object, str)
    #: job, value, error (one of them None), the emptied-here box that held the work
    finished = Signal(object, object, object, object)

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.jobs: list[Job[object]] = []
        self.progressed.connect(self._progressed)
        self.finished.connect(self._finished)

    def start(self, job: Job[T], work: Callable[[Job[T]], T], name: str) -> None:
        self.jobs.append(job)  # type: ignore[arg-type]  # jobs of every result type
        if job.busy_cursor:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

        # The thread must never hold the last reference to a Qt object: the object would be
        # destroyed on it, and Qt and PySide then deadlock (each waits for a lock the other
        # holds) or crash.  So the work (often a closure over a widget) travels in a box
        # that goes back with the outcome and is emptied on the GUI thread, an error keeps
        # its traceback as text, not frames, and the GUI thread clears the job's callbacks
        # once it has used them (see _finished).
        box: list[Callable[[Job[T]], T]] = [work]
        del work
        threading.Thread(
            target=_work_thread,
            args=(self.finished.emit, job, box),
            name=f"safetycheck-{name}",
            daemon=True,
        ).start()

    def _progressed(self, job: Job[object], message: str) -> None:
        if not job.stopped and job.on_progress is not None:
            job.on_progress(message)

    def _finished(
        self, job: Job[object], value: object, error: BaseException | None, box: list[object]
    ) -> None:
        from ui.quick_exit import is_exiting

        box.clear()  # the work, let go of here on the GUI thread

        job.finished = True
        if job in self.jobs:
            self.jobs.remove(job)
        if job.busy_cursor:
            QApplication.restoreOverrideCursor()
        try:
            if job.abandoned or is_exiting():
                return  # the windows are gone: nobody is waiting for the answer
            if job.owner is not None and not isValid(job.owner):
                return  # the window that asked was closed meanwhile
            if error is not None:
                job.on_error(error)
            else:
                job.on_done(value)
        finally:
            job.let_go()

    def stop_all(self) -> None:
        for job in list(self.jobs):
            job.abandoned = True
            job.request_stop()


_runner: Background | None = None


def runner() -> Background:
    global _runner
    if _runner is None:
        _runner = Background(QApplication.instance())
    return _runner


def run(
    work: Callable[[Job[T]], T],
    on_done: Callable[[T], object],
    on_error: Callable[[BaseException], object],
    *,
    on_progress: Callable[[str], object] | None = None,
    busy_cursor: bool = False,
    owner: QObject | None = None,
    name: str = "work",
) -> Job[T]:
    """Start ``work(job)`` on a thread; ``on_done(value)`` or ``on_error(exc)`` runs back here.

    ``busy_cursor`` shows the wait cursor until it ends (a key derivation, a re-encryption);
    with ``owner`` (the widget waiting), the outcome is dropped if it was closed meanwhile.
    """
    job: Job[T] = Job(on_done, on_error, on_progress, busy_cursor, owner)
    runner().start(job, work, name)
    return job


def stop_all() -> None:
    """Quick Exit: stop every job (their outcomes are dropped)."""
    if _runner is not None:
        _runner.stop_all()


def _ignore(_value: object) -> None:
    """A finished job's callbacks: its outcome has been handled."""


def _work_thread(
    emit: Callable[..., object], job: Job[T], box: list[Callable[[Job[T]], T]]
) -> None:
    """Run the work, then send the outcome, and the work with it, to the GUI thread."""
    try:
        value = box[0](job)
    except BaseException as exc:  # handed to on_error on the GUI thread
        _drop_frames(exc)
        _emit(emit, job, None, exc, box)
    else:
        _emit(emit, job, value, None, box)


def _drop_frames(exc: BaseException) -> None:
    """Keep an error's traceback as text, not as frames (they hold the work's widgets)."""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if error.__traceback__ is not None:
            text = "".join(traceback.format_tb(error.__traceback__))
            error.add_note(f"Worker thread traceback:\n{text}")
            error.__traceback__ = None
        error = error.__cause__ or error.__context__


def _emit(emit: Callable[..., object], *args: object) -> None:
    try:
        emit(*args)
    except RuntimeError:
        pass  # the app is gone (Quick Exit): nobody is waiting for the answer
