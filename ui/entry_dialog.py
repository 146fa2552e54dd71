"""Open one evidence entry: every version, its files, and what can be done with it.

Nothing here edits what was recorded.  "Correct" adds a new version (the original
stays), "Add files" is a correction that adds files, "Withdraw" keeps the entry marked
with a reason, and "Delete for good" (for a file that must not exist) destroys the
entry's text and files, leaving a dated line in the log.  Each goes through the case
service, which saves at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetycheck.case import EvidenceEntry
from safetycheck.casework import StoreError
from safetycheck.evidence.capture import describe_taken
from safetycheck.evidence.log import Attachment
from safetycheck.timestamps import local_and_utc, parse_time
from safetycheck.user_text import problem
from ui import dialogs
from ui.accessible import describe
from ui.attachment_viewer import AttachmentViewer
from ui.evidence_dialog import FilesWithCapture, capture_words, dropped_files
from ui.quick_exit import is_exiting
from ui.session import Session
from ui.style import heading, muted, paragraph

STORED_ROLE = Qt.ItemDataRole.UserRole


def file_facts(attachment: Attachment) -> str:
    """What the file said about itself, and how it was captured, in plain words."""
    lines = [
        f"{attachment.original_name}, {attachment.size:,} bytes",
        f"SHA-256 {attachment.sha256}",
    ]
    modified = parse_time(attachment.modified)
    if modified is not None:
        lines.append(f"File last changed (its own time): {local_and_utc(modified)}")
    if attachment.exif == "found":
        taken = describe_taken(attachment.taken, attachment.taken_offset)
        lines.append(f"Taken (from the photo): {taken}" if taken else "The photo gives no time.")
        if attachment.device:
            lines.append(f"Camera (from the photo): {attachment.device}")
    elif attachment.exif == "none":
        lines.append("The photo has no details of when or with what it was taken.")
    if attachment.how or attachment.by:
        lines.append(f"Captured: {capture_words(attachment.how, attachment.by)}")
    return "\n".join(lines)


def entry_text(entry: EvidenceEntry) -> str:
    """The whole entry as people read it: every version, oldest first."""
    if entry.is_deleted and entry.deletion is not None:
        when = local_and_utc(entry.deletion.recorded, entry.deletion.zone)
        return (
            f"This entry was deleted for good on {when}. What it said and its files were destroyed."
        )
    parts = []
    if entry.is_withdrawn and entry.withdrawal is not None:
        when = local_and_utc(entry.withdrawal.at, entry.withdrawal.record.zone)
        parts.append(f"Withdrawn on {when}. Reason: {entry.withdrawal.reason}")
    for index, version in enumerate(entry.versions):
        label = "Original" if index == 0 else f"Correction {index}"
        written = local_and_utc(version.recorded_at, version.record.zone)
        lines = [f"{label}, written down {written}:", version.what]
        if version.where:
            lines.append(f"Where: {version.where}")
        lines.append(f"When seen: {local_and_utc(version.at)}")
        if version.note:
            lines.append(f"Why corrected: {version.note}")
        if version.upgraded:
            lines.append(
                "(Written down before the log was chained; chained when this version opened it.)"
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


class CorrectionDialog(QDialog):
    """Write the corrected entry: the original stays in the log and the record."""

    def __init__(self, entry: EvidenceEntry, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Correct entry {entry.number}")
        layout = QVBoxLayout(self)
        layout.addWidget(
            paragraph(
                "Write the entry as it should be. The original is kept, and the record shows both."
            )
        )
        form = QFormLayout()
        self.what = describe(QPlainTextEdit(entry.what), "What you saw", "The corrected text.")
        self.what.setTabChangesFocus(True)
        self.where = describe(QLineEdit(entry.where), "Where you saw it")
        self.why = describe(QLineEdit(), "Why it is corrected", "For example: the time was wrong.")
        form.addRow("W&hat you saw:", self.what)
        form.addRow("Whe&re:", self.where)
        form.addRow("&Why corrected:", self.why)
        layout.addLayout(form)
        self.problem = paragraph()
        self.problem.setVisible(False)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox()
        self.ok = describe(
            buttons.addButton("Save the correction", QDialogButtonBox.ButtonRole.AcceptRole),
            "Save the correction",
        )
        describe(buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole), "Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.what.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        message = problem(self.what.toPlainText())
        self.problem.setText(message or "")
        self.problem.setVisible(message is not None)
        self.ok.setEnabled(bool(self.what.toPlainText().strip()) and message is None)


class AddFilesDialog(QDialog):
    """Add files to an entry (a correction that adds them); drag them here too.  How each
    was captured and by whom is chosen per file, as when the entry was made."""

    def __init__(self, entry: EvidenceEntry, parent: QWidget | None, by: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Add files to entry {entry.number}")
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.addWidget(paragraph("Choose files or drag them here. The entry before is kept."))
        self.capture = FilesWithCapture(by, "Choose &files…", "Files to add", "F&iles to add:")
        self.files = self.capture.files
        self.how, self.by = self.capture.how, self.capture.by
        layout.addWidget(self.capture)
        buttons = QDialogButtonBox()
        describe(buttons.addButton("Add them", QDialogButtonBox.ButtonRole.AcceptRole), "Add them")
        describe(buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole), "Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_files(event)
        if paths:
            self.capture.add(paths)
            event.acceptProposedAction()


class EntryDialog(QDialog):
    def __init__(self, session: Session, entry_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.entry_id = entry_id
        layout = QVBoxLayout(self)
        self.title = heading("", 2)
        layout.addWidget(self.title)
        self.body = describe(
            QPlainTextEdit(), "The entry", "Every version of the entry, oldest first. Read only."
        )
        self.body.setReadOnly(True)
        layout.addWidget(self.body, 2)
        files_label = muted(QLabel("F&iles:"))  # not paragraph(): it underlines the i
        layout.addWidget(files_label)
        self.file_list = describe(
            QListWidget(),
            "Files",
            "Each file with how it was captured and by whom. Press Enter on a file to see it "
            "inside SafetyCheck.",
        )
        files_label.setBuddy(self.file_list)
        layout.addWidget(self.file_list, 1)
        self.facts = describe(QPlainTextEdit(), "About the selected file")
        self.facts.setReadOnly(True)
        self.facts.setMaximumHeight(self.fontMetrics().height() * 8)
        layout.addWidget(self.facts)
        row = QHBoxLayout()
        self.view_button = describe(
            QPushButton("&View file"), "View file", "Show the selected file inside SafetyCheck."
        )
        self.add_files_button = describe(
            QPushButton("Add &files…"), "Add files", "Add files to this entry."
        )
        self.correct_button = describe(
            QPushButton("&Correct…"), "Correct", "Write a corrected version; the original stays."
        )
        self.withdraw_button = describe(
            QPushButton("&Withdraw…"), "Withdraw", "Mark this entry withdrawn, with a reason."
        )
        self.delete_button = describe(
            QPushButton("&Delete for good…"),
            "Delete for good",
            "For a file that must not exist: destroys this entry's text and files.",
        )
        for button in (
            self.view_button,
            self.add_files_button,
            self.correct_button,
            self.withdraw_button,
            self.delete_button,
        ):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.view_button.clicked.connect(self.view_file)
        self.add_files_button.clicked.connect(self.add_files)
        self.correct_button.clicked.connect(self.correct)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.delete_button.clicked.connect(self.delete_for_good)
        self.file_list.itemActivated.connect(lambda *_: self.view_file())
        self.file_list.currentRowChanged.connect(self._show_facts)
        self.resize(self.fontMetrics().averageCharWidth() * 96, self.fontMetrics().height() * 34)
        self.refresh()

    @property
    def entry(self) -> EvidenceEntry:
        case = self.session.case
        assert case is not None
        return case.evidence_entry(self.entry_id)

    def refresh(self) -> None:
        entry = self.entry
        marks = (
            " (deleted for good)"
            if entry.is_deleted
            else (
                " (withdrawn)"
                if entry.is_withdrawn
                else (" (corrected)" if entry.is_corrected else "")
            )
        )
        self.setWindowTitle(f"Evidence entry {entry.number}")
        self.title.setText(f"Entry {entry.number}{marks}")
        self.body.setPlainText(entry_text(entry))
        self.file_list.clear()
        for attachment in entry.all_attachments():
            current = attachment in entry.attachments
            # How and by whom in the line itself, so a screen reader says it with the name.
            item = QListWidgetItem(
                f"{attachment.original_name}: {capture_words(attachment.how, attachment.by)}"
                + ("" if current else " (in an earlier version)")
            )
            item.setData(STORED_ROLE, attachment.stored_as)
            self.file_list.addItem(item)
        if self.file_list.count():
            self.file_list.setCurrentRow(0)
        self._show_facts()
        changeable = not entry.is_deleted and not entry.is_withdrawn
        for button in (self.add_files_button, self.correct_button, self.withdraw_button):
            button.setEnabled(changeable)
        self.delete_button.setEnabled(not entry.is_deleted)
        self.view_button.setEnabled(self.file_list.count() > 0)

    def _selected(self) -> Attachment | None:
        item = self.file_list.currentItem()
        if item is None:
            return None
        stored = item.data(STORED_ROLE)
        return next((a for a in self.entry.all_attachments() if a.stored_as == stored), None)

    def _show_facts(self) -> None:
        attachment = self._selected()
        self.facts.setPlainText(file_facts(attachment) if attachment else "")

    def view_file(self) -> None:
        attachment = self._selected()
        case = self.session.case
        if attachment is None or case is None or is_exiting():
            return
        AttachmentViewer(self.session, case, attachment, self).exec()

    def correct(self) -> None:
        if is_exiting():
            return
        dialog = CorrectionDialog(self.entry, self)
        if dialog.exec() and dialog.ok.isEnabled():
            self.session.work.correct_evidence(
                self.entry_id,
                dialog.what.toPlainText().strip(),
                dialog.where.text().strip(),
                note=dialog.why.text().strip(),
            )
            self.refresh()

    def add_files(self) -> None:
        if is_exiting():
            return
        dialog = AddFilesDialog(self.entry, self, self.session.work.default_by())
        if not dialog.exec() or not dialog.files.paths:
            return
        try:
            self.session.work.correct_evidence(
                self.entry_id, add_files=dialog.files.new_files(), note="Files added"
            )
        except StoreError as exc:
            dialogs.tell(self, "The files could not be added", f"{exc} Nothing was changed.")
            return
        self.refresh()

    def withdraw(self) -> None:
        reason = dialogs.ask_text(
            self,
            "Withdraw this entry",
            "Why is it withdrawn? The entry stays in the log and the record, marked "
            "withdrawn, with this reason.",
        )
        if reason is None or not reason.strip():
            return
        self.session.work.withdraw_evidence(self.entry_id, reason.strip())
        self.refresh()

    def delete_for_good(self) -> None:
        entry = self.entry
        choice = dialogs.ask(
            self,
            "Delete for good",
            f"Delete entry {entry.number} for good? Its text and its "
            f"{len(entry.all_attachments())} file(s) will be destroyed and cannot be brought "
            "back. The log keeps one line saying an entry was deleted, and when.\n\n"
            "Use this only for something that must not exist, such as an intimate image "
            "added by mistake. To take back an entry that is simply wrong, use Withdraw.",
            ["Delete for good", "Cancel"],
            default=1,
        )
        if choice != 0:
            return
        try:
            exported = self.session.work.delete_evidence_for_good(self.entry_id)
        except StoreError as exc:
            dialogs.tell(self, "Not everything could be deleted", str(exc))
            self.refresh()
            return
        if exported:
            listed = "\n".join(exported)
            dialogs.tell(
                self,
                "Deleted",
                "The entry was deleted for good. Documents and bundles saved from this case "
                f"before may still show it. Delete them too if they are still there:\n{listed}",
            )
        self.refresh()
