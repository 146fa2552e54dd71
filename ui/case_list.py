"""The advisor's list of cases: find one quickly, open it, or start a new one.

Only the small header of each case file is read (the store's design), so the
list stays quick with hundreds of cases.  Search filters by reference as you
type.  Deleting asks once, because it cannot be undone.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetycheck.case import suggest_reference
from safetycheck.casework import StoreError
from ui import dialogs
from ui.accessible import describe
from ui.session import Session
from ui.style import concern_color, heading, muted, paragraph

if TYPE_CHECKING:
    from safetycheck.casework import CaseSummary

ID_ROLE = Qt.ItemDataRole.UserRole


def when(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    local = value.astimezone()
    today = dt.datetime.now().astimezone().date()
    if local.date() == today:
        return f"Today {local:%H:%M}"
    if local.date() == today - dt.timedelta(days=1):
        return f"Yesterday {local:%H:%M}"
    return f"{local:%d %b %Y}"


NO_CASES = "No cases yet. Choose “New case” to start one."


class CaseListPage(QWidget):
    #: The person asked to open this case id.
    open_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summaries: list[CaseSummary] = []
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Cases"))
        layout.addWidget(
            muted(paragraph("Use a reference, not a name. Open a case to carry on where you were."))
        )

        top = QHBoxLayout()
        search_label = QLabel("&Find a case:")
        self.search = describe(
            QLineEdit(),
            "Find a case",
            "Type part of a case reference. The list shows only the cases that match.",
        )
        self.search.setPlaceholderText("Reference")
        self.search.setClearButtonEnabled(True)
        search_label.setBuddy(self.search)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        self.new_button = describe(
            QPushButton("&New case…"), "New case", "Start a new case with a reference you choose."
        )
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.table = describe(
            QTreeWidget(),
            "Cases",
            "All cases, newest first. Press Enter to open the selected case.",
        )
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAllColumnsShowFocus(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHeaderLabels(["Reference", "Last updated", "Progress", "Concerns"])
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        layout.addWidget(self.table, 1)

        self.empty = muted(paragraph(NO_CASES))
        layout.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.open_button = describe(
            QPushButton("&Open"), "Open", "Open the selected case and carry on where you were."
        )
        self.rename_button = describe(
            QPushButton("&Rename…"), "Rename", "Change the selected case's reference."
        )
        self.delete_button = describe(
            QPushButton("&Delete…"),
            "Delete",
            "Delete the selected case and its evidence files. You will be asked first.",
        )
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.rename_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout.addLayout(buttons)

        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._open_selected)  # type, then Enter
        self.new_button.clicked.connect(self.new_case)
        self.open_button.clicked.connect(self._open_selected)
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.itemActivated.connect(lambda *_: self._open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)

    # -- page protocol ---------------------------------------------------------------

    def flush(self) -> None:
        """Nothing typed on this page waits to be saved: every change saves at once."""

    def on_show(self) -> None:
        # Back at the list, no case is open: the last client's reference leaves the title
        # bar, and the next person sits down to a neutral screen.
        if self.session.case is not None:
            self.session.work.close_case()
        self.refresh()
        self.search.setFocus()

    def refresh(self) -> None:
        selected = self.selected_id()
        self.summaries = self.session.work.list_cases()
        self.table.clear()
        red = concern_color()
        for summary in self.summaries:
            progress = summary.progress
            if summary.problem:
                progress_text, concerns_text = summary.problem, ""
            else:
                progress_text = f"{progress.answered} of {progress.total} checked"
                concerns_text = str(progress.concerns) if progress.concerns else "None"
            item = QTreeWidgetItem(
                [summary.reference, when(summary.updated), progress_text, concerns_text]
            )
            item.setData(0, ID_ROLE, summary.id)
            if progress.concerns and not summary.problem:
                item.setForeground(3, red)
            self.table.addTopLevelItem(item)
            if summary.id == selected:
                self.table.setCurrentItem(item)
        first = self.table.topLevelItem(0)
        if self.table.currentItem() is None and first is not None:
            self.table.setCurrentItem(first)
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        first_visible = None
        for index in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(index)
            if item is None:
                continue
            hidden = bool(wanted) and wanted not in item.text(0).casefold()
            item.setHidden(hidden)
            if not hidden and first_visible is None:
                first_visible = item
        current = self.table.currentItem()
        if (current is None or current.isHidden()) and first_visible is not None:
            self.table.setCurrentItem(first_visible)
        # An empty list must say why: "No cases yet" while a search hides them all would
        # make an advisor think the cases were lost.
        if not self.table.topLevelItemCount():
            self.empty.setText(NO_CASES)
        elif first_visible is None:
            self.empty.setText(f"No case matches “{text.strip()}”. Clear the search to see all.")
        self.empty.setVisible(first_visible is None)
        self._update_buttons()

    def _selected(self) -> tuple[str, str] | None:
        """The chosen case's id and reference (None when none is chosen, or it is hidden)."""
        item = self.table.currentItem()
        if item is None or item.isHidden():
            return None
        case_id = item.data(0, ID_ROLE)
        return (case_id, item.text(0)) if isinstance(case_id, str) and case_id else None

    def selected_id(self) -> str | None:
        chosen = self._selected()
        return chosen[0] if chosen else None

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        for button in (self.open_button, self.rename_button, self.delete_button):
            button.setEnabled(has)

    # -- actions ------------------------------------------------------------------------

    def _open_selected(self) -> None:
        case_id = self.selected_id()
        if case_id:
            self.open_requested.emit(case_id)

    def new_case(self) -> None:
        reference = dialogs.ask_text(
            self,
            "New case",
            "A reference for this case. Please use a reference, not the person's name:",
            suggest_reference(),
        )
        if reference is None:
            return
        try:
            case = self.session.work.create(reference.strip() or None)
        except StoreError as exc:
            dialogs.tell(self, "The case could not be created", str(exc))
            return
        self.open_requested.emit(case.id)

    def rename_selected(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        case_id, current = chosen
        reference = dialogs.ask_text(self, "Rename case", "New reference for this case:", current)
        if not reference or not reference.strip():
            return
        try:
            self.session.work.rename(case_id, reference)
        except StoreError as exc:
            dialogs.tell(self, "The case could not be renamed", str(exc))
        self.refresh()

    def delete_selected(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        case_id, reference = chosen
        choice = dialogs.ask(
            self,
            "Delete this case?",
            f"Delete “{reference}” and the evidence files in it? This cannot be undone.",
            ["Delete the case", "Keep it"],
            default=1,
        )
        if choice != 0:
            return
        try:
            exported = self.session.work.delete(case_id)
        except (StoreError, OSError) as exc:
            dialogs.tell(self, "The case could not be deleted", str(exc))
            self.refresh()
            return
        existing = [p for p in exported if _exists(p)]
        if existing:
            listing = "\n".join(existing)
            again = dialogs.ask(
                self,
                "Saved documents",
                "These documents were saved from this case and are still on this computer:\n"
                f"{listing}\nDelete them as well?",
                ["Delete them", "Keep them"],
                default=1,
            )
            if again == 0:
                for path in existing:
                    _remove(path)
        self.refresh()


def _exists(path: str) -> bool:
    from pathlib import Path

    return Path(path).is_file()


def _remove(path: str) -> None:
    from pathlib import Path

    try:
        Path(path).unlink()
    except OSError:
        pass
