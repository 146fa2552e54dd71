"""Shared fixtures.  Every test gets its own data folder; nothing touches the real profile."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# An evidence bundle's record comes from a helper process, or is made in-process when the
# helper fails.  The tests require the helper, so that a broken one fails them instead of
# being hidden by the fallback (tests of the fallback say so themselves).
os.environ.setdefault("SAFETYCHECK_RECORD_HELPER", "require")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("SAFETYCHECK_DATA_DIR", str(path))
    monkeypatch.delenv("SAFETYCHECK_PASSPHRASE", raising=False)
    return path


@pytest.fixture(scope="session")
def library():
    from safetycheck.checklist import load_checklists
    from safetycheck.paths import checklists_dir

    lib = load_checklists(checklists_dir())
    assert not lib.problems, "\n".join(map(str, lib.problems))
    return lib


@pytest.fixture
def work(data_dir: Path, library):
    """The case service as an advisor's app has it, unlocked, with no passphrase.

    The evidence tests share it; a test module that needs other settings defines its own.
    """
    from safetycheck.casework import CaseWork
    from safetycheck.settings import MODE_ADVISOR

    work = CaseWork(data_dir, library)
    work.settings.mode = MODE_ADVISOR
    work.unlock(None)
    return work


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for what a test exports."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def run_cli(*args: str, env: dict | None = None, input: str | None = None):
    """Run ``python main.py ARGS`` in a real child process, as a person would."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=120,
    )


class NetworkAttempt(AssertionError):
    """Raised inside the code under test when it tries to reach the network."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Fail the test on any attempt to open a network connection or look up a name.

    Every attempt raises at once AND is recorded, and the test fails at teardown
    if any were made, so code that swallows the exception is still caught.
    Local socket pairs (AF_UNIX), which Qt and asyncio use inside one process, are allowed.
    Yields the list of attempts, so a test can check the guard itself.
    """
    import socket

    attempts: list[str] = []

    def refuse(what: str):
        def blocked(*args, **kwargs):
            attempts.append(f"{what}{args[:2]!r}")
            raise NetworkAttempt(f"network use during a no-network test: {what}{args[:2]!r}")

        return blocked

    real_socket = socket.socket

    class GuardedSocket(real_socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
                refuse("socket.socket")(family, type)
            super().__init__(family, type, proto, fileno)

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    for name in ("connect", "connect_ex", "sendto"):
        original = getattr(real_socket, name)

        def method(self, *args, _name=name, _original=original):
            if self.family == getattr(socket, "AF_UNIX", None):
                return _original(self, *args)
            return refuse(f"socket.{_name}")(*args)

        monkeypatch.setattr(real_socket, name, method)
    yield attempts
    assert not attempts, f"the code under test tried to use the network: {attempts}"
