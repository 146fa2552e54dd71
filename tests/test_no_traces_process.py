"""The real app, in a fresh process: no file outside the data folder, no network attempt.

HOME, the XDG folders and TMPDIR point at empty folders, so anything the app (or
Qt, on its behalf) writes about itself shows up there.  The process runs with
socket creation and name lookups replaced by a tripwire that records and refuses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli

TRIPWIRE = """
import socket, sys, runpy
tries = []
def refuse(name):
    def blocked(*args, **kwargs):
        tries.append(name)
        sys.stderr.write("NETWORK-ATTEMPT " + name + "\\n")
        raise OSError("network blocked by the test")
    return blocked
real = socket.socket
class Guarded(real):
    def __init__(self, family=-1, *args, **kwargs):
        if family in (-1, socket.AF_INET, socket.AF_INET6):
            refuse("socket")()
        super().__init__(family, *args, **kwargs)
socket.socket = Guarded
for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
    setattr(socket, name, refuse(name))
sys.argv = [sys.argv[1], *sys.argv[2:]]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    if tries:
        sys.stderr.write("NETWORK-ATTEMPTS " + repr(tries) + "\\n")
"""


def isolated_env(tmp_path: Path, data_dir: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "SAFETYCHECK_DATA_DIR": str(data_dir),
        "HOME": str(home),
        "USERPROFILE": str(home),
        "TMPDIR": str(tmp_path / "tmp"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    for folder in ("home", "tmp", "run"):
        (tmp_path / folder).mkdir(mode=0o700)
    return env


def files_under(*folders: Path) -> list[str]:
    return sorted(str(p) for folder in folders for p in folder.rglob("*"))


def run_guarded(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", TRIPWIRE, str(ROOT / "main.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_the_app_and_an_export_leave_no_trace_and_use_no_network(
    tmp_path: Path, data_dir: Path
) -> None:
    env = isolated_env(tmp_path, data_dir)
    made = run_cli("demo-case", "--reference", "Ref-Starling-Kettle", env=env)
    assert made.returncode == 0, made.stderr
    (data_dir / "settings.json").write_text(
        json.dumps({"first_start_done": True, "mode": "self"}), encoding="utf-8"
    )
    outside = [tmp_path / "home", tmp_path / "tmp", tmp_path / "run"]
    assert files_under(*outside) == []

    shown = run_guarded({**env, "SAFETYCHECK_STARTUP_PROBE": "1"})
    assert shown.returncode == 0, shown.stderr
    assert "ready" in shown.stdout
    target = tmp_path / "out" / "record.pdf"
    target.parent.mkdir()
    exported = run_guarded(
        env, "export", "Ref-Starling-Kettle", "--kind", "record", "-o", str(target)
    )
    assert exported.returncode == 0, exported.stderr

    for result in (shown, exported):
        assert "NETWORK-ATTEMPT" not in result.stderr, result.stderr
    assert target.is_file()
    assert files_under(*outside) == []


def test_the_tripwire_catches_a_connection(tmp_path: Path) -> None:
    script = tmp_path / "calls_home.py"
    script.write_text(
        "import socket\ntry:\n    socket.create_connection(('example.org', 443))\n"
        "except OSError:\n    pass\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-c", TRIPWIRE, str(script)], capture_output=True, text=True, timeout=60
    )
    assert "NETWORK-ATTEMPT create_connection" in result.stderr
