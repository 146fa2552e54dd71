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
