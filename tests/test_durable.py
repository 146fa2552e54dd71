"""Atomic writes on each platform, with Windows and macOS simulated on this Linux machine."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest

from safetycheck import durable
from safetycheck.durable import LINUX, MACOS, WINDOWS, write_atomic


class Recorder:
    """Wraps the os calls write_atomic makes, to see what each platform does."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fsynced: list[str] = []
        self.chmods: list[str] = []
        self.fcntl_calls: list[int] = []
        real_fsync, real_chmod, real_open = os.fsync, os.chmod, os.open
        self.kinds: dict[int, str] = {}

        def fake_open(path, flags, *args, **kwargs):
            fd = real_open(path, flags, *args, **kwargs)
            self.kinds[fd] = "dir" if os.path.isdir(path) else "file"
            return fd

        def fake_fsync(fd):
            self.fsynced.append(self.kinds.get(fd, "file"))
            return real_fsync(fd)

        def fake_chmod(path, mode, *args, **kwargs):
            self.chmods.append(str(path))
            return real_chmod(path, mode, *args, **kwargs)

        monkeypatch.setattr(durable.os, "open", fake_open)
        monkeypatch.setattr(durable.os, "fsync", fake_fsync)
        monkeypatch.setattr(durable.os, "chmod", fake_chmod)


def test_linux_fsyncs_file_and_folder(tmp_path: Path, monkeypatch) -> None:
    rec = Recorder(monkeypatch)
    target = tmp_path / "a.case"
    write_atomic(target, b"one", platform=LINUX)
    assert target.read_bytes() == b"one"
    assert rec.fsynced == ["file", "dir"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert rec.chmods, "POSIX sets the mode explicitly (umask would filter it)"


def test_windows_skips_folder_fsync_and_modes(tmp_path: Path, monkeypatch) -> None:
    rec = Recorder(monkeypatch)
    target = tmp_path / "a.case"
    write_atomic(target, b"one", platform=WINDOWS)
    write_atomic(target, b"two", backup=tmp_path / "a.case.bak", platform=WINDOWS)
    assert target.read_bytes() == b"two"
    assert (tmp_path / "a.case.bak").read_bytes() == b"one"
    assert "dir" not in rec.fsynced, "Windows cannot open a folder to fsync it"
    assert rec.chmods == [], "Windows uses ACLs: no chmod"


def test_macos_uses_full_fsync(tmp_path: Path, monkeypatch) -> None:
    import fcntl

    calls = []
    monkeypatch.setattr(fcntl, "F_FULLFSYNC", 51, raising=False)
    monkeypatch.setattr(fcntl, "fcntl", lambda fd, op, *a: calls.append(op) or 0)
    rec = Recorder(monkeypatch)
    write_atomic(tmp_path / "m.case", b"mac", platform=MACOS)
    assert calls == [51]
    assert rec.fsynced == ["dir"], "the file was flushed with F_FULLFSYNC, not fsync"


def test_macos_falls_back_to_fsync_where_full_fsync_is_refused(tmp_path, monkeypatch) -> None:
    import fcntl

    def refuse(fd, op, *a):
        raise OSError(errno.ENOTSUP, "not supported")

    monkeypatch.setattr(fcntl, "F_FULLFSYNC", 51, raising=False)
    monkeypatch.setattr(fcntl, "fcntl", refuse)
    rec = Recorder(monkeypatch)
    write_atomic(tmp_path / "m.case", b"usb stick", platform=MACOS)
    assert rec.fsynced == ["file", "dir"]


def sharing_violation(path: str) -> OSError:
    exc = PermissionError(errno.EACCES, "The process cannot access the file", path)
    exc.winerror = 32  # ERROR_SHARING_VIOLATION, what a virus scanner's open handle causes
    return exc


def test_windows_retries_replace_while_a_scanner_holds_the_file(tmp_path, monkeypatch) -> None:
    target = tmp_path / "w.case"
    target.write_bytes(b"old")
    real_replace = os.replace
    attempts = []

    def busy_twice(src, dst):
        attempts.append(dst)
        if len(attempts) <= 2:
            raise sharing_violation(str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(durable.os, "replace", busy_twice)
    monkeypatch.setattr(durable.time, "sleep", lambda s: None)
    write_atomic(target, b"new", platform=WINDOWS)
    assert target.read_bytes() == b"new"
    assert len(attempts) == 3


def test_windows_gives_up_after_the_deadline_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "w.case"
    target.write_bytes(b"old")
    clock = iter(range(0, 1000))
    monkeypatch.setattr(durable.time, "monotonic", lambda: float(next(clock)))
    monkeypatch.setattr(durable.time, "sleep", lambda s: None)

    def always_busy(src, dst):
        raise sharing_violation(str(dst))

    monkeypatch.setattr(durable.os, "replace", always_busy)
    with pytest.raises(PermissionError):
        write_atomic(target, b"new", platform=WINDOWS)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target], "the temp file is cleaned up"


def test_linux_does_not_retry_a_real_permission_error(tmp_path, monkeypatch) -> None:
    attempts = []

    def denied(src, dst):
        attempts.append(1)
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(durable.os, "replace", denied)
    with pytest.raises(PermissionError):
        write_atomic(tmp_path / "x", b"x", platform=LINUX)
    assert attempts == [1]


def test_folder_fsync_tolerates_file_systems_that_refuse_it(tmp_path, monkeypatch) -> None:
    real_fsync = os.fsync

    def fat(fd):
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_fsync(fd)

    monkeypatch.setattr(durable.os, "fsync", fat)
    write_atomic(tmp_path / "usb.case", b"fine", platform=LINUX)
    assert (tmp_path / "usb.case").read_bytes() == b"fine"


def test_current_platform_follows_the_os(monkeypatch) -> None:
    monkeypatch.setattr(durable.os, "name", "nt")
    assert durable.current_platform() is WINDOWS
    monkeypatch.setattr(durable.os, "name", "posix")
    monkeypatch.setattr(durable.sys, "platform", "darwin")
    assert durable.current_platform() is MACOS
    monkeypatch.setattr(durable.sys, "platform", "linux")
    assert durable.current_platform() is LINUX


def test_store_on_simulated_windows_round_trips(tmp_path: Path, library, monkeypatch) -> None:
    from fake_msvcrt import FakeMsvcrt

    from safetycheck.case import Status
    from safetycheck.store import CaseStore

    monkeypatch.setitem(sys.modules, "msvcrt", FakeMsvcrt())  # the Windows case lock
    rec = Recorder(monkeypatch)
    store = CaseStore(tmp_path, platform=WINDOWS)
    case = store.create("Win")
    case.set_answer("start-safe-now", Status.CONCERN, "on Windows")
    store.save(case)
    assert store.load(case.id).answers["start-safe-now"].note == "on Windows"
    assert "dir" not in rec.fsynced


def test_private_dir_modes_only_on_posix(tmp_path: Path, monkeypatch) -> None:
    from safetycheck import paths

    calls = []
    monkeypatch.setattr(paths.os, "chmod", lambda *a: calls.append(a))
    monkeypatch.setattr(paths.os, "name", "nt")
    paths.ensure_private_dir(tmp_path / "win")
    assert calls == []
    monkeypatch.setattr(paths.os, "name", "posix")
    paths.ensure_private_dir(tmp_path / "posix")
    assert calls and calls[0][1] == 0o700
