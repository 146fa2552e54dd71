"""The README's iPhone scan picture, made from the real app and a recorded phone.

    python scripts/screenshot_iphone.py        # docs/screenshots/iphone-scan.png

The phone is the test suite's recorded managed iPhone (``tests/data/iphone/managed``,
reconstructed from the documented formats, see its README), served by the fake USB helper
(``tests/iphone_fakes.py``).  Runs offscreen in a temporary data folder.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    from iphone_fakes import FakeUsbmuxd
    from PySide6.QtWidgets import QScrollArea

    from ui import app as ui_app

    out = ROOT / "docs" / "screenshots" / "iphone-scan.png"
    qt = ui_app.application()
    qt.setStyle("Fusion")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        (data / "settings.json").write_text(
            json.dumps({"first_start_done": True, "mode": "advisor"}), encoding="utf-8"
        )
        fake = FakeUsbmuxd(data, "managed")
        os.environ["USBMUXD_SOCKET_ADDRESS"] = fake.address
        try:
            window = ui_app.start(data, qt)
            window.resize(1100, 900)
            window.show()
            case = window.session.work.create("IDVA-2026-052")
            window.open_case(case.id)
            window.session.work.set_intake(["iphone", "apple-account"])
            window.show_page("iphone")
            page = window.page_widget("iphone")
            page.find_phones()
            _wait(qt, lambda: page.device_list.count() == 1 and not page.busy)
            page.scan(allow_pair=False)
            _wait(qt, lambda: page.results.isVisible() and not page.busy)
            area = page.findChild(QScrollArea)
            area.verticalScrollBar().setValue(page.results.y() - 12)
            _wait(qt, lambda: True)
            window.grab().save(str(out))
            print(out.relative_to(ROOT))
            window.close()
        finally:
            fake.close()
    return 0


def _wait(qt, ready, seconds: float = 30.0) -> None:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        qt.processEvents()
        if ready():
            for _ in range(5):
                qt.processEvents()
            return
        time.sleep(0.02)
    raise SystemExit("the scan did not finish")


if __name__ == "__main__":
    sys.exit(main())
