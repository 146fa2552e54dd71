"""Add one entry to the evidence log: when, what was seen, where, and any number of files.

Files are chosen with "Add files…" or dragged onto the dialog.  Each is copied into
the case (``CaseWork.add_evidence``, all or none), so the evidence survives even if
the original is later deleted; how it was captured and by whom are kept with it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDateTime, QItemSelectionModel, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
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
        "How the selected files were captured",
        "A photo of the screen taken with another phone is best: a screenshot stays on "
        "the device, where the other person may see it. With no file selected, this is "
        "for the files you add next.",
    )


def by_box(current: str) -> QComboBox:
    box = QComboBox()
    for by in ("advisor", "person", ""):
        box.addItem(BY_LABELS[by], by)
    box.setCurrentIndex(max(0, box.findData(current)))
    return describe(
        box,
        "Who captured the selected files",
        "Who took the photos or saved the files. With no file selected, this is for the "
        "files you add next.",
    )


def capture_words(how: str, by: str) -> str:
    """How and by whom, as a file's line in the list shows it (and a screen reader reads)."""
    how_text = HOW_LABELS.get(how, how) if how else "how: not said"
    by_text = f"by {BY_LABELS.get(by, by).lower()}" if by else "by whom: not said"
    return f"{how_text}, {by_text}"


class FileList(QListWidget):
    """The files chosen so far, each with how it was captured and by whom; files dropped
    on it (or on the dialog) join them.  Several can be selected (Shift, Ctrl, Ctrl+A)."""

    PATH_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # A long "how" wraps rather than hiding behind a sideways scroll.
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.paths: list[str] = []
        #: path -> (how, by), as chosen for that file.
        self.capture: dict[str, tuple[str, str]] = {}

    def add(self, paths: list[str], how: str = "", by: str = "") -> list[str]:
        """Add the files not already listed, each captured ``how`` and ``by``; returns them."""
        added = []
        for path in paths:
            if path and path not in self.paths:
                self.paths.append(path)
                self.capture[path] = (how, by)
                item = QListWidgetItem()
                item.setData(self.PATH_ROLE, path)
                self.addItem(item)
                self._label(item)
                added.append(path)
        return added

    def selected_paths(self) -> list[str]:
        """The selected files, in the list's order."""
        chosen = {str(item.data(self.PATH_ROLE)) for item in self.selectedItems()}
        return [p for p in self.paths if p in chosen]

    def select_paths(self, paths: list[str]) -> None:
        """Select ``paths``, the keyboard's place on the last of them (so Home, Up or a
        click then picks out one file)."""
        self.clearSelection()
        for row in range(self.count()):
            item = self.item(row)
            if item.data(self.PATH_ROLE) == paths[-1]:
                self.setCurrentItem(item, QItemSelectionModel.SelectionFlag.NoUpdate)
        for row in range(self.count()):
            item = self.item(row)
            if item.data(self.PATH_ROLE) in paths:
                item.setSelected(True)

    def set_capture(self, paths: list[str], how: str | None = None, by: str | None = None) -> None:
        for row in range(self.count()):
            item = self.item(row)
            path = str(item.data(self.PATH_ROLE))
            if path in paths:
                old_how, old_by = self.capture[path]
                self.capture[path] = (old_how if how is None else how, old_by if by is None else by)
                self._label(item)

    def _label(self, item: QListWidgetItem) -> None:
        path = str(item.data(self.PATH_ROLE))
        how, by = self.capture[path]
        item.setText(f"{Path(path).name}: {capture_words(how, by)}")

    def remove_selected(self) -> None:
        for path in self.selected_paths():
            row = self.paths.index(path)
            del self.paths[row]
            del self.capture[path]
            self.takeItem(row)

    def new_files(self) -> list[NewFile]:
        return [NewFile(Path(p), *self.capture[p]) for p in self.paths]


class FilesWithCapture(QWidget):
    """The file list with its buttons and, for the files selected in it, how they were
    captured and by whom: set per file, or for several at once by selecting them.

    With no file selected, the two choices are what the next files added will take.
    """

    def __init__(
        self,
        by: str,
        add_text: str = "Add &files…",
        list_name: str = "Files",
        label: str = "F&iles:",
    ) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The list's own Alt+letter: from it, the arrow keys pick the file the two boxes
        # below describe.
        # A plain label (not paragraph(): selectable text does not underline its letter).
        self.label = muted(QLabel(label))
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.files = describe(
            FileList(),
            list_name,
            "The photos, screenshots or documents for this entry, each with how it was "
            "captured and by whom. Drag files here, or use Add files. Select a file to change "
            "how it was captured; Shift or Ctrl selects several.",
        )
        self.files.setMaximumHeight(self.fontMetrics().height() * 7)
        self.label.setBuddy(self.files)
        layout.addWidget(self.files)
        row = QHBoxLayout()
        self.add_button = describe(
            QPushButton(add_text),
            "Add files",
            "Choose photos, screenshots or documents. A copy of each is kept in the case; "
            "the originals are not changed.",
        )
        self.remove_button = describe(
            QPushButton("Re&move file"), "Remove file", "Take the selected files off this list."
        )
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.hint = muted(paragraph(""))
        layout.addWidget(self.hint)
        capture = QFormLayout()
        self.how = how_box()
        self.by = by_box(by)
        capture.addRow("How ca&ptured:", self.how)
        capture.addRow("Captured &by:", self.by)
        layout.addLayout(capture)
        self.add_button.clicked.connect(self._choose)
        self.remove_button.clicked.connect(self._remove)
        self.files.itemSelectionChanged.connect(self._show_selected)
        self.how.currentIndexChanged.connect(self._how_chosen)
        self.by.currentIndexChanged.connect(self._by_chosen)
        self._show_selected()

    def add(self, paths: list[str]) -> None:
        """New files take the choices shown now, and are selected, so what the two boxes
        show is always what the selected files will be saved with."""
        added = self.files.add(paths, self.how.currentData() or "", self.by.currentData() or "")
        if added:
            self.files.select_paths(added)

    def _choose(self) -> None:
        self.add(dialogs.ask_open_files(self, "Choose photos, screenshots or documents"))

    def _remove(self) -> None:
        self.files.remove_selected()
        self._show_selected()

    def _show_selected(self) -> None:
        chosen = self.files.selected_paths()
        if chosen:
            how, by = self.files.capture[chosen[0]]
            for box, value in ((self.how, how), (self.by, by)):
                box.blockSignals(True)
                box.setCurrentIndex(max(0, box.findData(value)))
                box.blockSignals(False)
        if not self.files.paths:
            hint = "No files yet. The choices below are for the files you add."
        elif len(chosen) == 1:
            hint = f"How “{Path(chosen[0]).name}” was captured, and by whom:"
        elif chosen:
            hint = f"How the {len(chosen)} selected files were captured, and by whom:"
        else:
            hint = "Select a file to change how it was captured. Files you add next take these:"
        self.hint.setText(hint)
        self.remove_button.setEnabled(bool(chosen))

    def _how_chosen(self) -> None:
        self.files.set_capture(self.files.selected_paths(), how=self.how.currentData() or "")

    def _by_chosen(self) -> None:
        self.files.set_capture(self.files.selected_paths(), by=self.by.currentData() or "")


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

        self.capture = FilesWithCapture(
            by, label="F&iles (optional): add several, or drag them here."
        )
        self.files = self.capture.files
        self.file_button = self.capture.add_button
        self.remove_button = self.capture.remove_button
        self.how, self.by = self.capture.how, self.capture.by
        layout.addWidget(self.capture)

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
        self.what.textChanged.connect(self._update)
        self._update()
        self.what.setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

    # Kept for callers that set one file.
    @property
    def file(self) -> str | None:
        return self.files.paths[0] if self.files.paths else None

    def set_file(self, path: str) -> None:
        self.capture.add([path])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_files(event)
        if paths:
            self.capture.add(paths)
            event.acceptProposedAction()

    def _update(self) -> None:
        text = self.what.toPlainText()
        message = problem(text)
        self.what_problem.setText(message or "")
        self.what_problem.setVisible(message is not None)
        self.ok.setEnabled(bool(text.strip()) and message is None)

    def _accept(self) -> None:
        if self.ok.isEnabled():
            self.accept()

    def new_files(self) -> list[NewFile]:
        """Each file with how it was captured and by whom, as chosen for that file."""
        return self.files.new_files()

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
