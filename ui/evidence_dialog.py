"""Add one entry to the evidence log: when, what was seen, where, and any number of files.

Files are chosen with "Add files…" or dragged onto the dialog.  Each is copied into
the case (``CaseWork.add_evidence``, all or none), so the evidence survives even if
the original is later deleted; how it was captured and by whom are kept with it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDateTime
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetycheck.casework import StoreError
from safetycheck.evidence.capture import NewFile
from safetycheck.evidence.log import BY_LABELS, HOW_LABELS
from safetycheck.user_text import problem
from ui import dialogs
from ui.accessible import describe
from ui.draft import DraftDialog
from ui.quick_exit import is_exiting
from ui.session import Session
from ui.style import muted, paragraph

#: The choices offered for "how", in the order people meet them (scan results are the
#: scans' own; a person does not choose that).
HOW_CHOICES = ["photo-of-screen", "screenshot", "saved-file", ""]


def how_box(current: str = "") -> QComboBox:
    box = QComboBox()
    for how in HOW_CHOICES:
        box.addItem(HOW_LABELS[how], how)
    box.setCurrentIndex(max(0, box.findData(current)))
    return describe(
        box,
        "How the files were captured",
        "A photo of the screen taken with another phone is best: a screenshot stays on "
        "the device, where the other person may see it.",
    )


def by_box(current: str) -> QComboBox:
    box = QComboBox()
    for by in ("advisor", "person", ""):
        box.addItem(BY_LABELS[by], by)
    box.setCurrentIndex(max(0, box.findData(current)))
    return describe(box, "Captured by", "Who took the photos or saved the files.")


class FileList(QListWidget):
    """The files chosen so far; files dropped on it (or on the dialog) join them."""

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.paths: list[str] = []

    def add(self, paths: list[str]) -> None:
        for path in paths:
            if path and path not in self.paths:
                self.paths.append(path)
                self.addItem(Path(path).name)

    def remove_current(self) -> None:
        row = self.currentRow()
        if 0 <= row < len(self.paths):
            del self.paths[row]
            self.takeItem(row)


def dropped_files(event: QDropEvent | QDragEnterEvent) -> list[str]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]


class EvidenceDialog(DraftDialog):
    def __init__(
        self, check_title: str = "", parent: QWidget | None = None, by: str = "advisor"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add to evidence log")
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        intro = "Write down what you saw, as exactly as you can."
        if check_title:
            intro += f" This entry belongs to “{check_title}”."
        layout.addWidget(paragraph(intro))
        form = QFormLayout()
        self.when = describe(
            QDateTimeEdit(QDateTime.currentDateTime()),
            "When you saw it",
            "The date and time you saw it. Now, unless you change it.",
        )
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd MMM yyyy HH:mm")
        self.what = describe(
            QPlainTextEdit(),
            "What you saw",
            "For example: an app called System Service with no icon. Press Tab to move on.",
        )
        self.what.setTabChangesFocus(True)
        self.where = describe(
            QLineEdit(),
            "Where you saw it",
            "Which device or account, and where in it. For example: phone, Settings > Apps.",
        )
        form.addRow("&When:", self.when)
        form.addRow("W&hat you saw:", self.what)
        form.addRow("Whe&re:", self.where)
        layout.addLayout(form)
        self.what_problem = paragraph()  # shown only when the text is too long to keep
        self.what_problem.setVisible(False)
        layout.addWidget(self.what_problem)

        self.files = describe(
            FileList(),
            "Files",
            "The photos, screenshots or documents for this entry. Drag files here, or use "
            "Add files.",
        )
        self.files.setMaximumHeight(self.fontMetrics().height() * 6)
        layout.addWidget(muted(paragraph("Files (optional): add several, or drag them here.")))
        layout.addWidget(self.files)
        file_row = QHBoxLayout()
        self.file_button = describe(
            QPushButton("Add &files…"),
            "Add files",
            "Choose photos, screenshots or documents. A copy of each is kept in the case; "
            "the originals are not changed.",
        )
        self.remove_button = describe(
            QPushButton("Re&move file"), "Remove file", "Take the selected file off this list."
        )
        file_row.addWidget(self.file_button)
        file_row.addWidget(self.remove_button)
        file_row.addStretch(1)
        layout.addLayout(file_row)
        capture = QFormLayout()
        self.how = how_box()
        self.by = by_box(by)
        capture.addRow("How ca&ptured:", self.how)
        capture.addRow("Captured &by:", self.by)
        layout.addLayout(capture)

        self.buttons = QDialogButtonBox()
        self.ok = describe(
            self.buttons.addButton("Add to log", QDialogButtonBox.ButtonRole.AcceptRole),
            "Add to log",
            "Save this entry in the evidence log.",
        )
        describe(
            self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole),
            "Cancel",
            "Close without adding anything.",
        )
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.file_button.clicked.connect(self._choose_files)
        self.remove_button.clicked.connect(self.files.remove_current)
        self.what.textChanged.connect(self._update)
        self._update()
        self.what.setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

    # Kept for callers that set one file.
    @property
    def file(self) -> str | None:
        return self.files.paths[0] if self.files.paths else None

    def set_file(self, path: str) -> None:
        self.files.add([path])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_files(event)
        if paths:
            self.files.add(paths)
            event.acceptProposedAction()

    def _update(self) -> None:
        text = self.what.toPlainText()
        message = problem(text)
        self.what_problem.setText(message or "")
        self.what_problem.setVisible(message is not None)
        self.ok.setEnabled(bool(text.strip()) and message is None)

    def _choose_files(self) -> None:
        self.files.add(dialogs.ask_open_files(self, "Choose photos, screenshots or documents"))

    def _accept(self) -> None:
        if self.ok.isEnabled():
            self.accept()

    def new_files(self) -> list[NewFile]:
        how, by = self.how.currentData() or "", self.by.currentData() or ""
        return [NewFile(Path(p), how, by) for p in self.files.paths]

    @classmethod
    def run(cls, session: Session, check_id: str | None, parent: QWidget | None) -> bool:
        """Show the dialog and save the entry; returns whether one was added."""
        if is_exiting() or session.case is None:
            return False
        check = session.library.check(check_id) if check_id else None
        dialog = cls(check.title if check else "", parent, session.work.default_by())
        saved: list[bool] = []

        def save() -> None:
            if saved or not dialog.ok.isEnabled():
                return
            saved.append(True)
            at = dialog.when.dateTime().toPython()
            assert isinstance(at, dt.datetime)
            at = at.astimezone() if at.tzinfo is None else at
            session.work.add_evidence(
                dialog.what.toPlainText().strip(),
                dialog.where.text().strip(),
                check_id,
                at=at.replace(microsecond=0),
                files=dialog.new_files(),
                by=dialog.by.currentData() or "",
            )

        # Quick Exit keeps what was typed: the entry is added as it stands.
        dialog.draft_to_keep.connect(save)
        if not dialog.exec():
            return bool(saved)
        try:
            save()
        except StoreError as exc:
            dialogs.tell(
                parent,
                "The files could not be added",
                f"{exc} Nothing was added to the log. You can try again without that file.",
            )
            return False
        return True
