"""Quick Exit's keys in the real app, the moment its first window is on screen.

The key filter starts one turn of the event loop after the first window is shown (it
slowed the window's start-up events, docs/performance.md).  These tests start main.py
as a person does, on a private X server, and press Ctrl+Q as soon as X reports the
window mapped: the first start with deferred keys (the safety notice, before anything is
chosen) and a returning person's main window.  Ctrl+Q means nothing else in either
window, so the app ending proves the filter already listened.

They wait on state (the window mapped, the process ended), never on time; the timeouts
only guard against a hang.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def why_cannot_run() -> str | None:
    if not sys.platform.startswith("linux"):
        return "needs an X server (Linux)"
    for program in ("Xvfb", "xdotool"):
        if shutil.which(program) is None:
            return f"{program} is not installed (scripts/setup.sh installs it)"
    return None


@pytest.fixture
def display() -> Iterator[str]:
    """A private X server; ``-displayfd`` picks a free number (no race with other runs)."""
    reason = why_cannot_run()
    if reason:
        pytest.skip(reason)
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()  # written once the server accepts clients
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def xdotool(display: str, *args: str) -> str:
    result = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def start_and_press_ctrl_q(display: str, data: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    for name in ("SAFETYCHECK_DATA_DIR", "SAFETYCHECK_STARTUP_PROBE", "SAFETYCHECK_QUIT_AFTER"):
        env.pop(name, None)
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # --sync: wait until a window named SafetyCheck is mapped, then press at once.
        window = xdotool(display, "search", "--sync", "--onlyvisible", "--name", "SafetyCheck")
        window = window.split()[0]
        xdotool(display, "windowfocus", "--sync", window)
        xdotool(display, "key", "ctrl+q")
        app.wait(timeout=60)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(app.pid, signal.SIGKILL)
        app.wait(timeout=30)
        raise
    return app


def test_the_first_start_with_deferred_keys(display: str, tmp_path: Path) -> None:
    """Ctrl+Q on the safety notice, the first window at first start, ends the app there:
    nothing was chosen, so nothing is saved and the notice shows again next time."""
    data = tmp_path / "data"
    app = start_and_press_ctrl_q(display, data)
    assert app.returncode == 0
    settings = data / "settings.json"
    assert not settings.exists() or not json.loads(settings.read_text("utf-8")).get(
        "first_start_done"
    )
    assert not list(data.glob("cases/*.case"))


def test_a_returning_person_with_deferred_keys(display: str, tmp_path: Path) -> None:
    """Ctrl+Q on the main window of someone on their own ends the app."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(
        json.dumps({"first_start_done": True, "mode": "self"}), encoding="utf-8"
    )
    app = start_and_press_ctrl_q(display, data)
    assert app.returncode == 0
