"""Every modal question the app asks, in one place.

Tests replace these functions (``monkeypatch.setattr(dialogs, "ask", ...)``), so
no test ever blocks on a real modal.  File dialogs are Qt's own widgets
(``DontUseNativeDialog``): the system dialogs add files to the OS "recent
documents" list, which a person checking up on the user could read.  Qt's own
dialog remembers its history in the ``QtProject`` settings; we put those back
as they were afterwards, so no trace is left there either.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ui.accessible import describe
from ui.quick_exit import is_exiting

if TYPE_CHECKING:  # imported where used: start-up does not pay for dialogs it never shows
    from PySide6.QtWidgets import QFileDialog, QWidget


def ask(
    parent: QWidget | None, title: str, text: str, choices: list[str], *, default: int = 0
) -> int | None:
    """Show ``text`` with one button per choice; return the index chosen, or None if closed."""
    if is_exiting():
        return None
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(text)
    box.setIcon(QMessageBox.Icon.NoIcon)
    buttons = []
    for index, choice in enumerate(choices):
        role = (
            QMessageBox.ButtonRole.RejectRole
            if index == len(choices) - 1 and len(choices) > 1
            else QMessageBox.ButtonRole.AcceptRole
        )
        button = box.addButton(choice, role)
        describe(button, choice)
        buttons.append(button)
    box.setDefaultButton(buttons[default])
    box.exec()
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None


def tell(parent: QWidget | None, title: str, text: str) -> None:
    ask(parent, title, text, ["OK"])


def ask_text(parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
    if is_exiting():
        return None
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(value)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText("OK")
    dialog.setCancelButtonText("Cancel")
    if dialog.exec():
        return dialog.textValue()
    return None


def first_existing_folder(*candidates: str) -> str:
    """The first candidate that is a real folder, else the home folder.

    Qt's file dialog, started in a folder that does not exist (no "Pictures" on a fresh
    profile), opens in the folder above it with that folder's name typed in as the file
    name, which looks like a file called "Pictures" was chosen.
    """
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return candidate
    return str(Path.home())


def _documents_dir() -> str:
    """Documents, never Downloads: a PDF in Downloads is the first thing someone sees."""
    from PySide6.QtCore import QStandardPaths

    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return first_existing_folder(found)


class _QtDialogSettingsGuard:
    """Put Qt's own file-dialog memory back as it was (history, last folder)."""

    def __enter__(self) -> _QtDialogSettingsGuard:
        from PySide6.QtCore import QSettings

        settings = QSettings(QSettings.Scope.UserScope, "QtProject")
        # Where there was no Qt settings file at all, none must be left behind either.
        self.file = Path(settings.fileName()) if settings.fileName() else None
        self.existed = self.file is None or self.file.exists()
        settings.beginGroup("FileDialog")
        self.before = {key: settings.value(key) for key in settings.allKeys()}
        return self

    def __exit__(self, *exc: object) -> None:
        from PySide6.QtCore import QSettings

        settings = QSettings(QSettings.Scope.UserScope, "QtProject")
        settings.beginGroup("FileDialog")
        settings.remove("")
        for key, value in self.before.items():
            settings.setValue(key, value)
        settings.endGroup()
        settings.sync()
        if not self.existed and not settings.allKeys() and self.file is not None:
            del settings
            self.file.unlink(missing_ok=True)


def _run_file_dialog(dialog: QFileDialog) -> str | None:
    files = _run_file_dialog_many(dialog)
    return files[0] if files else None


def _run_file_dialog_many(dialog: QFileDialog) -> list[str]:
    if is_exiting():
        return []
    from PySide6.QtWidgets import QFileDialog

    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setHistory([])
    with _QtDialogSettingsGuard():
        accepted = dialog.exec()
        files = dialog.selectedFiles()
        dialog.setHistory([])
        # Destroy it now, inside the guard: Qt writes its dialog memory (the last folder,
        # the history) from the destructor, which deleteLater() would run after the guard.
        import shiboken6

        shiboken6.delete(dialog)
        del dialog
    return list(files) if accepted else []


def ask_save_path(parent: QWidget | None, title: str, suggested_name: str) -> str | None:
    """Ask where to save a PDF.  Starts in Documents; never touches the recent-files list."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(parent, title, str(Path(_documents_dir()) / suggested_name))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter("PDF documents (*.pdf)")
    dialog.setDefaultSuffix("pdf")
    chosen = _run_file_dialog(dialog)
    return chosen


def ask_open_file(parent: QWidget | None, title: str) -> str | None:
    """Ask for a file to copy into the evidence log (a screenshot or photo)."""
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    dialog = QFileDialog(parent, title, first_existing_folder(pictures, _documents_dir()))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters(
        ["Pictures and documents (*.png *.jpg *.jpeg *.heic *.gif *.pdf *.txt)", "All files (*)"]
    )
    return _run_file_dialog(dialog)


def ask_open_files(parent: QWidget | None, title: str) -> list[str]:
    """Ask for one or more files to copy into an evidence entry."""
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    dialog = QFileDialog(parent, title, first_existing_folder(pictures, _documents_dir()))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setNameFilters(
        ["All files (*)", "Pictures and documents (*.png *.jpg *.jpeg *.heic *.gif *.pdf *.txt)"]
    )
    return _run_file_dialog_many(dialog)


def ask_save_bundle(parent: QWidget | None, title: str, suggested_name: str) -> str | None:
    """Ask where to save an evidence bundle (a zip).  Never touches the recent-files list."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(parent, title, str(Path(_documents_dir()) / suggested_name))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter("Zip files (*.zip)")
    dialog.setDefaultSuffix("zip")
    return _run_file_dialog(dialog)
