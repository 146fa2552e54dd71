"""Smoke-test the BUILT program's iPhone scan against the recorded managed iPhone.

    python packaging/smoke_iphone.py build/packaging/dist/safetycheck/safetycheck

Runs ``scan-iphone --json`` with the frozen program against the fake USB helper of the test
suite (``tests/iphone_fakes.py``: usbmuxd's protocol on a Unix socket, lockdown with a real
TLS session, the three services), so the bundle is proven to carry what a real scan uses:
``ssl`` and OpenSSL, ``plistlib`` and its XML parser, ``cryptography``, the scan's data files.
Linux and macOS only (the fake listens on a Unix socket); needs ``cryptography`` in the
Python that runs it (the build's venv has it).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from iphone_fakes import FakeUsbmuxd  # noqa: E402


def main(argv: list[str]) -> int:
    program = Path(argv[0]).resolve()
    with tempfile.TemporaryDirectory(prefix="safetycheck-iphone-smoke-") as base:
        fake = FakeUsbmuxd(Path(base), "managed")
        try:
            result = subprocess.run(
                [str(program), "--data-dir", str(Path(base) / "data"), "scan-iphone", "--json"],
                capture_output=True,
                text=True,
                timeout=120,
                env={"USBMUXD_SOCKET_ADDRESS": fake.address, "PATH": "/usr/bin:/bin"},
            )
        finally:
            fake.close()
        if result.returncode != 0 or "Traceback" in result.stderr:
            print(f"FAIL  scan-iphone: {result.returncode}\n{result.stderr}", file=sys.stderr)
            return 1
        data = json.loads(result.stdout)
        kinds = {f["kind"] for f in data["findings"]}
        if not {"supervised", "mdm_profile"} <= kinds or "CC BY 4.0" not in data["credit"]:
            print(f"FAIL  scan-iphone found {sorted(kinds)}", file=sys.stderr)
            return 1
        if fake.written():
            print(f"FAIL  scan-iphone sent {fake.written()}", file=sys.stderr)
            return 1
    print(f"PASS  scan-iphone with the built program ({len(data['findings'])} leads, read-only)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
