"""Cases, settings and the things that go wrong: all through the real widgets."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from safetycheck.case import Status
from safetycheck.settings import load_settings
from safetycheck.store import SaveError
from ui.export_dialog import ExportDialog
from ui.settings_dialog import SettingsDialog

CONTENT = Path(__file__).resolve().parent / "content"


def make_cases(ui, *references: str) -> list[str]:
    store = ui.store()
    ids = []
    for reference in references:
        case = store.create(reference)
        case.intake, case.topics = ["android"], ["t-start", "t-phone"]
        case.set_answer("t-start-safe", Status.CONCERN)
        store.save(case)
        ids.append(case.id)
    return ids


def rows(window) -> list[str]:
    table = window.case_list.table
    return [
        table.topLevelItem(i).text(0)
        for i in range(table.topLevelItemCount())
        if not table.topLevelItem(i).isHidden()
    ]


def test_search_rename_and_delete(ui) -> None:
    make_cases(ui, "IDVA-031", "IDVA-044", "Police-7")
    window = ui.start(mode="advisor")
    assert sorted(rows(window)) == ["IDVA-031", "IDVA-044", "Police-7"]
    ui.qtbot.keyClicks(window.case_list.search, "idva")
    assert sorted(rows(window)) == ["IDVA-031", "IDVA-044"]
    ui.qtbot.keyClicks(window.case_list.search, "-04")
    assert rows(window) == ["IDVA-044"]
    assert window.case_list.selected_id() is not None

    ui.dialogs.queue("ask_text", "IDVA-044 (moved)")
    window.case_list.rename_button.click()
    window.case_list.search.clear()
    assert "IDVA-044 (moved)" in rows(window)

    # Delete asks first; saying no keeps it.
    window.case_list.search.setText("Police")
    ui.dialogs.queue("ask", 1)
    window.case_list.delete_button.click()
    assert "Police-7" in rows(window)
    ui.dialogs.queue("ask", 0)
    window.case_list.delete_button.click()
    window.case_list.search.clear()
    assert sorted(rows(window)) == ["IDVA-031", "IDVA-044 (moved)"]
    assert len(ui.store().list_cases()) == 2
    assert ui.dialogs.asked[-1][0] == "Delete this case?"


def test_find_with_enter_and_back_to_the_list_closes_the_case(ui) -> None:
    make_cases(ui, "IDVA-031", "IDVA-044")
    window = ui.start(mode="advisor")
    ui.qtbot.keyClicks(window.case_list.search, "044")
    ui.qtbot.keyClick(window.case_list.search, Qt.Key.Key_Return)
    assert window.session.case.reference == "IDVA-044"
    assert "IDVA-044" in window.windowTitle()
    ui.qtbot.mouseClick(window.pages["cases"].button, Qt.MouseButton.LeftButton)
    assert window.session.case is None
    assert "IDVA" not in window.windowTitle()
    assert not window.pages["checks"].button.isEnabled()


def test_damaged_case_offers_the_earlier_copy(ui) -> None:
    (case_id,) = make_cases(ui, "IDVA-9")
    store = ui.store()
    case = store.load(case_id)
    case.set_answer("t-start-device", Status.LOOKS_OK)
    store.save(case)  # now there is a backup with one answer
    path = store.path_for(case_id)
    path.write_bytes(path.read_bytes()[:40])  # damaged

    window = ui.start(mode="advisor")
    ui.dialogs.queue("ask", 0)  # "Open the earlier copy"
    assert window.open_case(case_id)
    _title, text, choices = ui.dialogs.asked[-1]
    assert choices[0] == "Open the earlier copy" and "damaged" in text
    assert window.session.case.status("t-start-safe") is Status.CONCERN
    assert window.current_key == "checks"


def test_a_failed_save_keeps_the_change_and_offers_try_again(ui, monkeypatch) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    store = window.session.work.store
    real_save = store.save

    def full_disk(case, coverage=None) -> None:
        raise SaveError("The disk is full, so your latest change could not be saved.")

    monkeypatch.setattr(store, "save", full_disk)
    window.checking.page.status_buttons[Status.CONCERN].click()
    assert window.session.work.unsaved
    assert window.save_frame.isVisible()
    assert "disk is full" in window.save_message.text()
    assert window.session.case.status("t-start-safe") is Status.CONCERN  # kept in memory

    monkeypatch.setattr(store, "save", real_save)
    ui.qtbot.mouseClick(window.retry_button, Qt.MouseButton.LeftButton)
    assert not window.session.work.unsaved and not window.save_frame.isVisible()
    assert ui.store().load(window.session.case.id).status("t-start-safe") is Status.CONCERN


def test_a_broken_checklist_file_is_named_and_the_rest_works(ui, monkeypatch, tmp_path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "car.toml").write_text('format = 1\nid = "t-car"\ntitle = \n', encoding="utf-8")
    from ui import app

    monkeypatch.setattr(app, "checklists_dir", lambda: content)
    window = ui.start(mode="self")
    assert window.problems_frame.isVisible()
    text = window.problems_message.text()
    assert text.startswith("One checklist file could not be loaded: car.toml")
    window.session.work.set_intake(["android", "car"])
    assert [p.topic.id for p in window.session.scope().topics] == ["t-start", "t-phone"]


def test_settings_neutral_title_and_switching_mode(ui, qtbot) -> None:
    window = ui.start(mode="advisor")
    assert window.windowTitle() == "SafetyCheck"

    def change(dialog) -> None:
        assert isinstance(dialog, SettingsDialog)
        privacy = dialog.sections[1]
        privacy.neutral.setChecked(True)
        dialog.sections[0].self_mode.setChecked(True)
        dialog.accept()

    ui.when_modal(change)
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    settings = load_settings(ui.data_dir)
    assert settings.neutral_title and settings.mode == "self"
    assert window.windowTitle() == "Checklist"
    assert "SafetyCheck" not in window.place.text()
    # One person on their own: straight into their private case.
    assert window.session.case is not None
    assert not window.pages["cases"].button.isVisible()


def test_export_asks_what_and_where_and_records_the_file(ui, qtbot, tmp_path: Path) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.session.work.set_answer("t-phone-apps", Status.CONCERN, "System Service")
    window.session.work.add_action("Talk to an advisor")
    window.show_page("summary")
    target = tmp_path / "out" / "plan-today"
    target.parent.mkdir()
    ui.dialogs.queue("ask_save_path", str(target))

    def choose_plan(dialog) -> None:
        assert isinstance(dialog, ExportDialog)
        assert not dialog.leave_out.isEnabled()
        dialog.plan.setChecked(True)
        assert dialog.leave_out.isEnabled()
        dialog.leave_out.setChecked(True)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    ui.when_modal(choose_plan)
    qtbot.mouseClick(window.summary.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(ui.dialogs.told), timeout=20000)  # made in the background
    pdf = target.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert ui.dialogs.told[-1][0] == "PDF saved"
    saved = ui.store().load(window.session.case.id)
    assert saved.exported_files == [str(pdf.resolve())]
    # Leaving out details: the finding's note is not in the plan.
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "System Service" not in text


def test_steps_follow_the_chosen_make_by_keyboard(ui) -> None:
    window = ui.start(mode="self")
    window.session.work.set_intake(["android"])
    window.show_page("checks")
    window.checking.go_to_check("t-phone-location")
    page = window.checking.page
    assert not page.variant_row.isHidden()
    assert "Location sharing" in page.steps.text()
    assert "Location services" not in page.steps.text()
    page.variant.setFocus()
    ui.qtbot.keyClick(page.variant, Qt.Key.Key_Down)
    assert page.variant.currentText() == "Samsung Galaxy"
    assert "Location services" in page.steps.text()
    # A check with one set of steps shows no selector.
    window.checking.go_to_check("t-phone-apps")
    assert page.variant_row.isHidden()
