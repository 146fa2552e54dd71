"""Screenshots of the main screens, taken from the real app with the demo case.

    python scripts/screenshots.py            # all screens into docs/screenshots/
    python scripts/screenshots.py --out DIR

Runs offscreen (no display needed) or, with ``--xvfb``, under Xvfb.  Each variant
(normal, dark, 200% zoom) runs in its own process, because Qt reads the scale
factor once at start.  Nothing here touches the real data folder: the cases
live in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VARIANTS = {
    "": {},
    "dark": {"SAFETYCHECK_SHOT_DARK": "1"},
    "zoom200": {"QT_SCALE_FACTOR": "2"},
}
#: Which screens each variant saves (the normal look saves them all).
VARIANT_SCREENS = {"dark": {"cases", "check", "summary"}, "zoom200": {"first-start", "check"}}
SIZE = (1100, 760)


def _dark_palette():
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#292a2d",
        QPalette.ColorRole.AlternateBase: "#303134",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#303134",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#8ab4f8",
        QPalette.ColorRole.HighlightedText: "#202124",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.ToolTipBase: "#303134",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.Mid: "#5f6368",
        QPalette.ColorRole.Light: "#5f6368",
        QPalette.ColorRole.Dark: "#17181a",
        QPalette.ColorRole.Midlight: "#3c4043",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#80868b"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#80868b"))
    return palette


def _settle(app, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def _save(widget, out: Path, name: str, suffix: str) -> None:
    from PySide6.QtWidgets import QApplication

    if suffix in VARIANT_SCREENS and name not in VARIANT_SCREENS[suffix]:
        return
    _settle(QApplication.instance())
    path = out / (f"{name}-{suffix}.png" if suffix else f"{name}.png")
    widget.grab().save(str(path))
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def take(out: Path, suffix: str) -> None:
    """Run in a child process: start the real app on a demo folder and grab each screen."""

    from safetycheck.casework import CaseWork
    from safetycheck.checklist import load_checklists
    from safetycheck.demo import build_demo_case
    from safetycheck.paths import checklists_dir
    from safetycheck.store import CaseStore
    from ui import app as ui_app
    from ui.evidence_dialog import EvidenceDialog
    from ui.export_dialog import ExportDialog
    from ui.first_start import FirstStartDialog
    from ui.settings_dialog import SettingsDialog

    qt = ui_app.application()
    qt.setStyle("Fusion")  # the same look on every machine that makes screenshots
    if os.environ.get("SAFETYCHECK_SHOT_DARK"):
        qt.setPalette(_dark_palette())

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        (data / "settings.json").write_text(
            json.dumps({"first_start_done": True, "mode": "advisor"}), encoding="utf-8"
        )
        library = load_checklists(checklists_dir())
        store = CaseStore(data)
        for reference in ("IDVA-2026-031", "IDVA-2026-044"):
            case = store.create(reference)
            case.intake = ["android", "google"]
            case.topics = [t.id for t in library.topics_for(case.intake)]
            store.save(case)
        demo = build_demo_case(CaseWork(data, library, store=store))

        first = FirstStartDialog(data, "SafetyCheck")
        first.resize(640, first.sizeHint().height())
        first.show()
        _save(first, out, "first-start", suffix)
        first.close()

        window = ui_app.start(data, qt)
        window.resize(*SIZE)
        window.show()
        _save(window, out, "cases", suffix)
        window.open_case(demo.id)
        window.show_page("intake")
        _save(window, out, "intake", suffix)
        # A check with a caution and a concern, as an advisor would see it mid-session.
        target = next(
            (
                c.id
                for _t, c in window.session.checks()
                if c.caution and window.session.case.status(c.id).value == "concern"
            ),
            window.session.checks()[0][1].id,
        )
        window.show_page("checks")
        window.checking.go_to_check(target)
        _save(window, out, "check", suffix)
        window.show_page("summary")
        _save(window, out, "summary", suffix)
        if not suffix:
            for name, dialog in (
                ("export", ExportDialog(window)),
                ("evidence", EvidenceDialog(window.checking.page.check.title, window)),
                ("settings", SettingsDialog(window.session, window)),
            ):
                dialog.show()
                _save(dialog, out, name, suffix)
                dialog.close()
            _computer_scan(window, data, out)
            _android_scan(window, data, out)
        window.close()


def _wait(page, seconds: float = 30) -> None:
    import time

    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while page.busy and time.monotonic() < deadline:
        _settle(QApplication.instance())
        time.sleep(0.02)


def _computer_scan(window, data: Path, out: Path) -> None:
    """The "This computer" page after checking a fixture Windows laptop (tools planted)."""
    import time

    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT / "tests"))
    from computer_machines import build

    from safetycheck.computer import system

    qt = QApplication.instance()

    machine = build(data / "machines", "windows-planted")
    system.this_computer = lambda: system.recorded_system(machine)
    window.show_page("computer")
    page = window.page_widget("computer")
    page.scan_button.click()
    deadline = time.monotonic() + 30
    while page.busy and time.monotonic() < deadline:
        _settle(qt)
        time.sleep(0.02)
    page.findings.setCurrentRow(2)
    _settle(qt, 10)
    page.scroll_area.ensureWidgetVisible(page.detail_box, 0, 0)
    _save(window, out, "computer-scan", "")


def _android_scan(window, data: Path, out: Path) -> None:
    """The "Android scan" page after scanning the test suite's recorded phone with SpyLive360
    (replayed by the tests' fake adb)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication, QScrollArea

    sys.path.insert(0, str(ROOT / "tests"))
    from android_fakes import FakeAdb

    fake = FakeAdb(data / "adb", "stalkerware")
    window.session.settings.adb_path = str(fake.path)
    window.session.work.save_settings()
    window.show_page("android")
    page = window.page_widget("android")
    page.on_show()
    page.find_button.click()
    _wait(page)
    page.scan_button.click()
    _wait(page)
    _settle(QApplication.instance(), 10)
    # From "2. Choose the phone" down: the phone, Scan and Cancel, and the leads.
    area = page.findChild(QScrollArea)
    top = page.find_button.mapTo(area.widget(), QPoint(0, 0)).y()
    area.verticalScrollBar().setValue(top - 34)
    _settle(QApplication.instance(), 10)
    _save(window, out, "android-scan", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--xvfb", action="store_true", help="use Xvfb instead of offscreen")
    parser.add_argument("--variant", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.variant is not None:
        take(args.out, args.variant)
        return 0
    for suffix, env in VARIANTS.items():
        command = [sys.executable, __file__, "--out", str(args.out), "--variant", suffix]
        full_env = {**os.environ, **env, "QT_QPA_PLATFORM": "offscreen"}
        if args.xvfb:
            full_env.pop("QT_QPA_PLATFORM")
            command = ["xvfb-run", "-a", "-s", "-screen 0 2400x1800x24", *command]
        result = subprocess.run(command, env=full_env, check=False)
        if result.returncode:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
