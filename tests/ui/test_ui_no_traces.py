"""File dialogs leave no trace: Qt's own dialog, no history, Qt's dialog memory put back.

The system dialogs (Windows, GTK) add every chosen file to the OS "recent
documents" list; Qt's own dialog does not, but remembers the last folder and a
history in the ``QtProject`` settings.  This drives the real save dialog.
"""

from __future__ import annotations

from pathlib import Path

from conftest import when_modal
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLineEdit

from ui import dialogs


def qt_dialog_memory() -> dict:
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.beginGroup("FileDialog")
    return {key: settings.value(key) for key in settings.allKeys()}


def test_the_save_dialog_is_qt_own_and_forgets_what_was_chosen(qtbot, tmp_path: Path) -> None:
    settings_file = Path(QSettings(QSettings.Scope.UserScope, "QtProject").fileName())
    existed = settings_file.exists()
    before = qt_dialog_memory()
    target = tmp_path / "Record-Puffin.pdf"
    seen = []

    def choose(dialog) -> None:
        assert isinstance(dialog, QFileDialog)  # a Qt widget: the native dialog is not one
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        name = next(w for w in dialog.findChildren(QLineEdit) if w.isVisible())
        name.setText(str(target))
        box = dialog.findChild(QDialogButtonBox)
        box.button(QDialogButtonBox.StandardButton.Save).click()
        seen.append(True)

    when_modal(choose)
    chosen = dialogs.ask_save_path(None, "Save the PDF", "record.pdf")
    assert seen == [True]
    assert chosen == str(target)
    # Qt writes its dialog memory when the dialog is destroyed, which may come later.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(50)
    after = qt_dialog_memory()
    assert after == before
    assert "Record-Puffin" not in repr(after)
    assert settings_file.exists() == existed  # no new settings file either
