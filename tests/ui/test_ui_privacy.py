"""The passphrase in the interface: unlock at start, idle lock, first start, settings.

And the whole flow (unlock, answer, evidence, export a PDF) with the network blocked.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import write_settings
from privacy_helpers import leaks
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QLabel

from safetycheck.case import Status
from safetycheck.passphrase import open_store, set_passphrase
from safetycheck.store import CaseStore
from safetycheck.vault import is_protected
from ui.first_start import FirstStartDialog
from ui.idle_lock import Cover
from ui.passphrase_dialog import PassphraseDialog
from ui.settings_dialog import SettingsDialog
from ui.unlock import UnlockDialog

CONTENT = Path(__file__).resolve().parent / "content"
FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
PASSPHRASE = "blue kettle under the stairs"
REFERENCE = "Ref-Albatross-Teapot"


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    where = QPoint(8, button.height() // 2) if isinstance(button, QCheckBox) else QPoint()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=where)


def protected_folder(data_dir: Path, **settings: object) -> str:
    """A folder with a passphrase and one case; returns the case id."""
    write_settings(data_dir, **settings)
    store = set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)
    case = store.create(REFERENCE)
    case.set_answer("t-start-safe", Status.CONCERN, "Note-Gannet-Lighthouse")
    store.save(case)
    return case.id


def type_passphrase(qtbot, dialog: UnlockDialog, text: str) -> None:
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, text)
    click(qtbot, dialog.open_button)
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)  # checked in the background


def test_unlock_at_start_wrong_then_right(ui) -> None:
    qtbot = ui.qtbot
    protected_folder(ui.data_dir, mode="advisor")
    seen = []

    def unlock(dialog) -> None:
        assert isinstance(dialog, UnlockDialog)
        type_passphrase(qtbot, dialog, "not the passphrase")
        assert dialog.isVisible()
        assert dialog.problem.isVisible()
        assert "passphrase is not right" in dialog.problem.text()
        assert dialog.passphrase.text() == ""
        type_passphrase(qtbot, dialog, PASSPHRASE)
        seen.append(dialog.result())

    ui.when_modal(unlock)
    window = ui.start()
    assert seen == [UnlockDialog.DialogCode.Accepted]
    assert window is not None
    row = window.case_list.table.topLevelItem(0)
    assert row.text(0) == REFERENCE
    assert window.session.work.store.codec.name == "aes256gcm"


def test_closing_the_unlock_window_opens_nothing(ui) -> None:
    protected_folder(ui.data_dir, mode="advisor")
    ui.when_modal(lambda dialog: click(ui.qtbot, dialog.quit_button))
    assert ui.start() is None


def test_idle_lock_clears_the_window_and_asks_again(ui) -> None:
    qtbot = ui.qtbot
    protected_folder(ui.data_dir, mode="advisor", idle_lock_minutes=5)
    ui.when_modal(lambda dialog: type_passphrase(qtbot, dialog, PASSPHRASE))
    window = ui.start()
    window.open_case(window.session.work.list_cases()[0].id)
    assert REFERENCE in window.windowTitle()
    lock = window.idle_lock
    assert lock.timeout_seconds == 5 * 60
    seen = []

    def while_locked(dialog) -> None:
        assert isinstance(dialog, UnlockDialog)
        covers = window.findChildren(Cover)
        assert len(covers) == 1 and covers[0].isVisible()
        assert covers[0].geometry() == window.rect()  # the whole window is blank
        assert REFERENCE not in window.windowTitle()
        type_passphrase(qtbot, dialog, "not the passphrase")
        assert dialog.isVisible() and "not right" in dialog.problem.text()
        type_passphrase(qtbot, dialog, PASSPHRASE)
        seen.append("unlocked")

    ui.when_modal(while_locked, timeout_ms=5000)
    lock.set_timeout(0.3)
    qtbot.waitUntil(lambda: seen == ["unlocked"], timeout=5000)
    qtbot.waitUntil(lambda: not window.findChildren(Cover), timeout=2000)
    assert window.isVisible() and REFERENCE in window.windowTitle()
    assert not lock.locked


def test_idle_lock_stays_off_without_a_passphrase(ui) -> None:
    window = ui.start(mode="advisor", idle_lock_minutes=1)
    window.idle_lock.set_timeout(0.05)
    ui.qtbot.wait(300)
    assert not window.idle_lock.locked and not window.findChildren(Cover)


def test_first_start_offers_a_passphrase_with_the_warning(ui) -> None:
    qtbot = ui.qtbot
    seen = []

    def set_it(dialog) -> None:
        assert isinstance(dialog, PassphraseDialog)
        text = " ".join(label.text() for label in dialog.findChildren(QLabel))
        # Someone checking their own devices has no cases and no organisation.
        assert "nobody can open your saved answers again" in text
        assert "cases" not in text and "organisation" not in text
        assert "spying software already on this computer" in text
        qtbot.keyClicks(dialog.new, PASSPHRASE)
        qtbot.keyClicks(dialog.repeat, PASSPHRASE)
        click(qtbot, dialog.ok_button)
        assert "tick the box" in dialog.problem.text()  # the warning must be acknowledged
        click(qtbot, dialog.understood)
        click(qtbot, dialog.ok_button)
        seen.append("set")

    def choose_self(dialog) -> None:
        assert isinstance(dialog, FirstStartDialog)
        text = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "spying software already on this computer" in text
        click(qtbot, dialog.protect)
        ui.when_modal(set_it)
        click(qtbot, dialog.self_button)

    ui.when_modal(choose_self)
    window = ui.start()
    assert seen == ["set"]
    assert is_protected(ui.data_dir)
    assert window.session.work.store.codec.name == "aes256gcm"
    assert "protected with a passphrase" in window.statusBar().currentMessage()
    window.session.work.set_answer("t-start-safe", Status.CONCERN, "Note-Heron-Quilt")
    assert leaks(ui.data_dir, ["Note-Heron-Quilt"]) == []


def test_change_the_passphrase_in_settings(ui) -> None:
    qtbot = ui.qtbot
    case_id = protected_folder(ui.data_dir, mode="advisor")
    ui.when_modal(lambda dialog: type_passphrase(qtbot, dialog, PASSPHRASE))
    window = ui.start()
    new = "green door at the end"

    def change(dialog) -> None:
        assert isinstance(dialog, PassphraseDialog) and dialog.change
        text = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "nobody can open these cases again: not you, not your organisation" in text
        qtbot.keyClicks(dialog.current, PASSPHRASE)
        qtbot.keyClicks(dialog.new, new)
        qtbot.keyClicks(dialog.repeat, new)
        click(qtbot, dialog.understood)
        click(qtbot, dialog.ok_button)

    def in_settings(dialog) -> None:
        assert isinstance(dialog, SettingsDialog)
        section = next(s for s in dialog.sections if s.title_text == "Passphrase")
        assert section.idle_minutes.isEnabled()
        section.idle_minutes.setValue(7)
        ui.when_modal(change)
        click(qtbot, section.button)
        dialog.accept()

    ui.when_modal(in_settings)
    click(qtbot, window.settings_button)
    assert window.session.settings.idle_lock_minutes == 7
    assert window.idle_lock.timeout_seconds == 7 * 60
    assert open_store(ui.data_dir, new).store.load(case_id).reference == REFERENCE
    window.open_case(case_id)  # the session now saves with the new key
    window.session.work.set_answer("t-start-device", Status.NOT_SURE, "after the change")
    reloaded = open_store(ui.data_dir, new).store.load(case_id)
    assert reloaded.answer("t-start-device").note == "after the change"


def test_the_whole_flow_and_pdf_export_use_no_network(
    ui, no_network: list[str], tmp_path: Path
) -> None:
    qtbot = ui.qtbot
    case_id = protected_folder(ui.data_dir, mode="advisor")
    ui.when_modal(lambda dialog: type_passphrase(qtbot, dialog, PASSPHRASE))
    window = ui.start()
    assert window.open_case(case_id)
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    page = window.checking.page
    click(qtbot, page.status_buttons[Status.LOOKS_OK])
    window.show_page("summary")
    target = tmp_path / "record.pdf"
    ui.dialogs.queue("ask_save_path", str(target))

    def export(dialog) -> None:
        click(qtbot, dialog.record)
        click(qtbot, dialog.ok)

    ui.when_modal(export)
    window.export()
    qtbot.waitUntil(lambda: bool(ui.dialogs.told), timeout=20000)  # made in the background
    assert target.exists()
    assert ui.dialogs.told[-1][0] == "PDF saved"
    assert window.session.case.exported_files == [str(target)]
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert REFERENCE in text
    assert leaks(ui.data_dir, [REFERENCE, "Note-Gannet-Lighthouse"]) == []
    assert "PySide6.QtNetwork" not in sys.modules  # Qt's own networking never even loads


def test_quick_exit_works_from_the_lock_window(ui) -> None:
    qtbot = ui.qtbot
    protected_folder(ui.data_dir, mode="advisor", idle_lock_minutes=5)
    ui.when_modal(lambda dialog: type_passphrase(qtbot, dialog, PASSPHRASE))
    window = ui.start()
    seen = []

    def quick_exit(dialog) -> None:
        assert isinstance(dialog, UnlockDialog)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        seen.append([w for w in QApplication.topLevelWidgets() if w.isVisible()])

    ui.when_modal(quick_exit, timeout_ms=5000)
    window.idle_lock.set_timeout(0.2)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=5000)
    assert seen == [[]]  # every window hidden in the same turn as the key press
    assert ui.quit_calls == [1]


def test_deleting_a_case_removes_its_files_and_offers_its_pdfs(ui, tmp_path: Path) -> None:
    qtbot = ui.qtbot
    case_id = protected_folder(ui.data_dir, mode="advisor")
    store = open_store(ui.data_dir, PASSPHRASE).store
    case = store.load(case_id)
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG not really")
    case.add_evidence("photo", attachment=store.add_attachment(case, picture))
    pdf, gone = tmp_path / "record.pdf", tmp_path / "moved-away.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    case.exported_files += [str(pdf), str(gone)]
    store.save(case)
    assert [p for p in ui.data_dir.rglob("*") if case_id in str(p)]

    ui.when_modal(lambda dialog: type_passphrase(qtbot, dialog, PASSPHRASE))
    window = ui.start()
    window.case_list.table.setCurrentItem(window.case_list.table.topLevelItem(0))
    ui.dialogs.queue("ask", 0, 0)  # delete the case; then delete its saved documents too
    click(qtbot, window.case_list.delete_button)

    assert [p for p in ui.data_dir.rglob("*") if case_id in str(p)] == []
    offered = ui.dialogs.asked[-1][1]
    assert str(pdf) in offered and str(gone) not in offered  # only files still there
    assert not pdf.exists()


def test_quick_exit_during_a_passphrase_change(ui, monkeypatch) -> None:
    import time

    from PySide6.QtCore import QTimer

    import safetycheck.passphrase as passphrase_module

    qtbot = ui.qtbot
    protected_folder(ui.data_dir, mode="advisor")
    ui.when_modal(lambda dialog: type_passphrase(qtbot, dialog, PASSPHRASE))
    window = ui.start()
    real_change = passphrase_module.change_passphrase

    def slow_change(*args, **kwargs):
        time.sleep(0.6)  # as with hundreds of cases
        return real_change(*args, **kwargs)

    monkeypatch.setattr(passphrase_module, "change_passphrase", slow_change)
    seen = []

    def press_quick_exit(dialog) -> None:
        target = QApplication.focusWidget() or dialog
        qtbot.keyClick(target, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        seen.append([w for w in QApplication.topLevelWidgets() if w.isVisible()])

    def change(dialog) -> None:
        qtbot.keyClicks(dialog.current, PASSPHRASE)
        qtbot.keyClicks(dialog.new, "green door at the end")
        qtbot.keyClicks(dialog.repeat, "green door at the end")
        click(qtbot, dialog.understood)
        QTimer.singleShot(150, lambda: press_quick_exit(dialog))
        click(qtbot, dialog.ok_button)

    def in_settings(dialog) -> None:
        section = next(s for s in dialog.sections if s.title_text == "Passphrase")
        ui.when_modal(change)
        click(qtbot, section.button)

    ui.when_modal(in_settings)
    click(qtbot, window.settings_button)
    assert seen == [[]]  # hidden at once, while the change was still running
    assert ui.quit_calls == [1]
