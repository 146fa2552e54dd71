"""Add one entry to the evidence log: when, what was seen, where, and an optional file.

A chosen file is copied into the case (``store.add_attachment``), so the
evidence survives even if the original screenshot is later deleted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetycheck.casework import StoreError
from safetycheck.user_text import problem
from ui import dialogs
from ui.accessible import describe
from ui.draft import DraftDialog
from ui.quick_exit import is_exiting
from ui.session import Session
from ui.style import muted, paragraph


class EvidenceDialog(DraftDialog):
    def __init__(self, check_title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add to evidence log")
        self.file: str | None = None
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

        file_row = QHBoxLayout()
        self.file_button = describe(
            QPushButton("Add a &file…"),
            "Add a file",
            "Choose a screenshot or photo. A copy is kept in the case; "
            "the original is not changed.",
        )
        self.file_label = muted(QLabel("No file added (optional)."))
        file_row.addWidget(self.file_button)
        file_row.addWidget(self.file_label, 1)
        layout.addLayout(file_row)

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
        self.file_button.clicked.connect(self._choose_file)
        self.what.textChanged.connect(self._update)
        self._update()
        self.what.setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

    def _update(self) -> None:
        text = self.what.toPlainText()
        message = problem(text)
        self.what_problem.setText(message or "")
        self.what_problem.setVisible(message is not None)
        self.ok.setEnabled(bool(text.strip()) and message is None)

    def _choose_file(self) -> None:
        chosen = dialogs.ask_open_file(self, "Choose a screenshot or photo")
        if chosen:
            self.set_file(chosen)

    def set_file(self, path: str) -> None:
        self.file = path
        self.file_label.setText(f"File: {Path(path).name}")

    def _accept(self) -> None:
        if self.ok.isEnabled():
            self.accept()

    @classmethod
    def run(cls, session: Session, check_id: str | None, parent: QWidget | None) -> bool:
        """Show the dialog and save the entry; returns whether one was added."""
        if is_exiting() or session.case is None:
            return False
        check = session.library.check(check_id) if check_id else None
        dialog = cls(check.title if check else "", parent)
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
                Path(dialog.file) if dialog.file else None,
                at=at.replace(microsecond=0),
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
                "The file could not be added",
                f"{exc} Nothing was added to the log. You can try again without the file.",
            )
            return False
        return True
