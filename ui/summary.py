"""The summary: what was found (concerns first), the action plan and the evidence log.

Findings are grouped in the order an advisor talks them through: concerns,
then things not sure or not safe to check, then not yet checked, then what
looks OK.  Choosing a finding opens that check.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from safetycheck.case import Action, Case, EvidenceEntry, Status
from safetycheck.evidence.check import CheckStopped, LogCheck
from safetycheck.settings import MODE_SELF
from ui import background
from ui.accessible import describe
from ui.action_dialog import ActionDialog
from ui.evidence_dialog import EvidenceDialog
from ui.quick_exit import is_exiting
from ui.session import Session
from ui.style import concern_color, heading, muted, paragraph, scrolling_page

CHECK_ROLE = Qt.ItemDataRole.UserRole
#: The summary hashes every file of the log when they add up to no more than this.
CHECK_FILES_UP_TO = 200 * 1000**2
#: Shown while the log and its files are checked (in the background).
CHECKING = "Evidence log: checking that nothing has changed…"

#: (heading, statuses) in the order they are shown.
GROUPS: list[tuple[str, tuple[Status, ...]]] = [
    ("Concerns found", (Status.CONCERN,)),
    ("Not sure, or not safe to check yet", (Status.NOT_SURE, Status.CANT_CHECK_SAFELY)),
    ("Not checked yet", (Status.NOT_CHECKED,)),
    ("Looks OK", (Status.LOOKS_OK,)),
    ("Not applicable", (Status.NOT_APPLICABLE,)),
]


def evidence_row(entry: EvidenceEntry) -> QTreeWidgetItem:
    """One row of the evidence log: withdrawn and deleted entries stay, marked."""
    stamp = entry.at.astimezone().strftime("%d %b %Y %H:%M")
    if entry.is_deleted:
        what = "Deleted for good. What it said and its files were destroyed."
        item = QTreeWidgetItem([f"{entry.number}", stamp, what, "", ""])
    else:
        what = entry.what
        if entry.is_withdrawn:
            what = f"Withdrawn: {what}"
        elif entry.is_corrected:
            what = f"{what} (corrected)"
        files = ", ".join(a.original_name for a in entry.attachments)
        item = QTreeWidgetItem([f"{entry.number}", stamp, what, entry.where, files])
    item.setData(0, CHECK_ROLE, entry.id)
    item.setToolTip(2, what)
    return item


def _fit_height(tree: QTreeWidget, minimum_rows: int = 3) -> None:
    """Grow a list to show its rows: the page scrolls, not each list inside it."""
    rows = max(minimum_rows, _visible_rows(tree))
    row = tree.sizeHintForRow(0) if tree.topLevelItemCount() else tree.fontMetrics().height() + 6
    header = 0 if tree.isHeaderHidden() else tree.header().sizeHint().height()
    tree.setFixedHeight(min(rows, 14) * max(row, 1) + header + 2 * tree.frameWidth() + 4)


def _visible_rows(tree: QTreeWidget) -> int:
    count = 0
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        count += 1
        if item is not None and item.isExpanded():
            count += item.childCount()
    return count


class SummaryPage(QWidget):
    #: Open this check on the checking screen.
    check_requested = Signal(str)
    #: The person asked for a PDF.
    export_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._quiet = False
        #: The check of the evidence log running now (on the app's background runner).
        self._check_job: background.Job[LogCheck] | None = None
        layout = scrolling_page(self)

        top = QHBoxLayout()
        top.addWidget(heading("Summary"), 1)
        self.export_button = describe(
            QPushButton("E&xport PDF…"),
            "Export PDF",
            "Save a record of the checks, or a safety plan, as a PDF document.",
        )
        top.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.counts = muted(paragraph())
        layout.addWidget(self.counts)
        layout.addWidget(
            paragraph(
                "These are leads, not proof. A check that looks OK does not prove a device "
                "or account is safe, and a concern is something to talk through, not a verdict."
            )
        )

        layout.addWidget(heading("What was found", 2))
        self.findings = describe(
            QTreeWidget(),
            "What was found",
            "Concerns first, then things not sure, not checked yet, and what looks OK. "
            "Press Enter on a check to open it.",
        )
        self.findings.setHeaderLabels(["Check", "Notes"])
        self.findings.setWordWrap(True)
        self.findings.setUniformRowHeights(False)
        self.findings.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.findings.header().setStretchLastSection(True)
        layout.addWidget(self.findings)

        layout.addWidget(heading("Action plan", 2))
        layout.addWidget(
            muted(
                paragraph(
                    "What to do next, who does it and by when. Tick an action when it is done."
                )
            )
        )
        self.action_list = describe(
            QTreeWidget(),
            "Action plan",
            "Each action with who does it and by when. Press Space to tick it as done.",
        )
        self.action_list.setRootIsDecorated(False)
        self.action_list.setHeaderLabels(["Done", "What to do", "Who", "By when"])
        self.action_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.action_list.setAllColumnsShowFocus(True)
        self.action_list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.action_list.header().setStretchLastSection(False)
        layout.addWidget(self.action_list)
        action_buttons = QHBoxLayout()
        self.add_action_button = describe(
            QPushButton("Add an ac&tion…"), "Add an action", "Add a step to the plan."
        )
        self.edit_action_button = describe(
            QPushButton("Chan&ge…"), "Change action", "Change the selected action."
        )
        self.remove_action_button = describe(
            QPushButton("&Remove"), "Remove action", "Remove the selected action from the plan."
        )
        for button in (self.add_action_button, self.edit_action_button, self.remove_action_button):
            action_buttons.addWidget(button)
        action_buttons.addStretch(1)
        layout.addLayout(action_buttons)

        layout.addWidget(heading("Evidence log", 2))
        self.evidence = describe(
            QTreeWidget(),
            "Evidence log",
            "Each entry: when it was seen, what was seen, where, and any file added.",
        )
        self.evidence.setRootIsDecorated(False)
        self.evidence.setHeaderLabels(["No.", "When", "What was seen", "Where", "Files"])
        self.evidence.setWordWrap(True)
        self.evidence.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.evidence.header().setStretchLastSection(False)
        layout.addWidget(self.evidence)
        self.evidence_check = muted(paragraph())
        layout.addWidget(self.evidence_check)
        evidence_buttons = QHBoxLayout()
        self.add_evidence_button = describe(
            QPushButton("Add to e&vidence log…"),
            "Add to evidence log",
            "Write down something you saw, with the time, and a screenshot if you have one.",
        )
        self.open_entry_button = describe(
            QPushButton("&Open entry…"),
            "Open entry",
            "See the selected entry with every version and its files; correct, withdraw or "
            "delete it.",
        )
        self.export_evidence_button = describe(
            QPushButton("Export evidence &zip…"),
            "Export evidence",
            "Save chosen entries, their files and the case record as one zip to hand over.",
        )
        evidence_buttons.addWidget(self.add_evidence_button)
        evidence_buttons.addWidget(self.open_entry_button)
        evidence_buttons.addWidget(self.export_evidence_button)
        evidence_buttons.addStretch(1)
        layout.addLayout(evidence_buttons)
        layout.addStretch(1)

        self.export_button.clicked.connect(self.export_requested)
        self.findings.itemActivated.connect(self._open_finding)
        self.findings.itemExpanded.connect(lambda _item: _fit_height(self.findings))
        self.findings.itemCollapsed.connect(lambda _item: _fit_height(self.findings))
        self.action_list.itemChanged.connect(self._action_ticked)
        self.action_list.itemActivated.connect(lambda *_: self.edit_action())
        self.action_list.itemSelectionChanged.connect(self._update_buttons)
        self.add_action_button.clicked.connect(self.add_action)
        self.edit_action_button.clicked.connect(self.edit_action)
        self.remove_action_button.clicked.connect(self.remove_action)
        self.add_evidence_button.clicked.connect(
            lambda: EvidenceDialog.run(self.session, None, self)
        )
        self.open_entry_button.clicked.connect(self.open_entry)
        self.evidence.itemActivated.connect(lambda *_: self.open_entry())
        self.export_evidence_button.clicked.connect(self.export_evidence)
        for signal in (
            session.evidence_changed,
            session.actions_changed,
            session.topics_changed,
            session.case_changed,
        ):
            signal.connect(self._refresh_if_visible)

    def flush(self) -> None:
        """Nothing typed on this page waits to be saved: every change saves at once."""

    def on_show(self) -> None:
        self.refresh()
        self.export_button.setFocus()

    def _refresh_if_visible(self) -> None:
        if self.isVisible() and not self._quiet:
            self.refresh()

    def refresh(self) -> None:
        case = self.session.case
        if case is None:
            return
        self._fill_findings(case)
        self._fill_actions(case)
        self._fill_evidence(case)
        progress = self.session.scope().progress(case)
        self.counts.setText(
            f"{progress.answered} of {progress.total} checks done · "
            f"{progress.concerns} concern{'s' if progress.concerns != 1 else ''} · "
            f"{len(case.actions)} action{'s' if len(case.actions) != 1 else ''} · "
            f"{len(case.evidence)} evidence entr{'ies' if len(case.evidence) != 1 else 'y'}"
        )

    def _fill_findings(self, case: Case) -> None:
        self.findings.clear()
        # Every check the case covers (the scope rule's), with a title for each: answers to
        # checks no longer in the checklists are listed under their id, as the record does.
        by_status: dict[Status, list[tuple[str, str]]] = {}
        for check_id in self.session.scope().check_ids():
            check = self.session.library.check(check_id)
            title = check.title if check else f"{check_id} (no longer in the checklists)"
            by_status.setdefault(case.status(check_id), []).append((check_id, title))
        red = concern_color()
        for title, statuses in GROUPS:
            checks = [c for s in statuses for c in by_status.get(s, [])]
            group = QTreeWidgetItem([f"{title} ({len(checks)})", ""])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(
                group.flags() & ~Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
            )
            if statuses[0] is Status.CONCERN and checks:
                group.setForeground(0, red)
            self.findings.addTopLevelItem(group)
            for check_id, label in checks:
                answer = case.answer(check_id)
                if answer.status is Status.CANT_CHECK_SAFELY:
                    label += " (not safe to check yet)"
                item = QTreeWidgetItem(group, [label, answer.note])
                item.setData(0, CHECK_ROLE, check_id)
                item.setToolTip(1, answer.note)
                if answer.status is Status.CONCERN:
                    item.setForeground(0, red)
            # The long "looks OK" and "not applicable" lists start folded.
            group.setExpanded(statuses[0] not in (Status.LOOKS_OK, Status.NOT_APPLICABLE))
        self.findings.resizeColumnToContents(0)
        self.findings.setColumnWidth(0, min(self.findings.columnWidth(0), 420))
        _fit_height(self.findings)

    def _fill_actions(self, case: Case) -> None:
        self.action_list.blockSignals(True)
        self.action_list.clear()
        for action in case.actions:
            item = QTreeWidgetItem(["", action.what, action.who, action.by_when])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if action.done else Qt.CheckState.Unchecked)
            item.setData(0, CHECK_ROLE, action.id)
            item.setData(
                0,
                Qt.ItemDataRole.AccessibleTextRole,
                "Done" if action.done else "Not done yet",
            )
            self.action_list.addTopLevelItem(item)
        self.action_list.blockSignals(False)
        for column in (0, 2, 3):
            self.action_list.resizeColumnToContents(column)
        _fit_height(self.action_list, 2)
        self._update_buttons()

    def _fill_evidence(self, case: Case) -> None:
        self.evidence.clear()
        for entry in case.evidence:
            self.evidence.addTopLevelItem(evidence_row(entry))
        for column in (0, 1, 3, 4):
            self.evidence.resizeColumnToContents(column)
        _fit_height(self.evidence, 2)
        self._show_check()

    def _show_check(self) -> None:
        """Check the log, and its files when they are not too many, off the GUI thread.

        Hashing 200 MB takes seconds; on the GUI thread it would hold up Quick Exit.
        The check reads a copy of the log taken now; a newer check replaces it (its
        outcome is dropped), and Quick Exit stops it at the next piece of a file.
        """
        if self._check_job is not None:
            self._check_job.request_stop()
            self._check_job = None
        case = self.session.case
        if case is None or not case.evidence:
            self.evidence_check.setText("")
            return
        self.open_entry_button.setEnabled(True)
        total = sum(a.size for e in case.evidence for a in e.all_attachments())
        # Files are hashed here when that is quick; a bundle export always hashes them.
        files = total <= CHECK_FILES_UP_TO
        snapshot = replace(
            case,
            evidence_log=list(case.evidence_log),
            stored_head=copy.deepcopy(case.stored_head),
        )
        work = self.session.work
        self.evidence_check.setText(CHECKING)

        def check(job: background.Job[LogCheck]) -> LogCheck:
            return work.check_evidence(files=files, case=snapshot, should_stop=lambda: job.stopped)

        job: background.Job[LogCheck] | None = None

        def done(result: LogCheck) -> None:
            if job is self._check_job:
                self._check_job = None
                self.evidence_check.setText(result.line())

        def failed(exc: BaseException) -> None:
            if job is self._check_job and not isinstance(exc, CheckStopped):
                self._check_job = None
                self.evidence_check.setText(
                    "The evidence log could not be checked just now. Nothing in it was changed."
                )

        job = background.run(check, done, failed, owner=self, name="evidence-check")
        self._check_job = job

    def open_entry(self) -> None:
        from ui.entry_dialog import EntryDialog

        item = self.evidence.currentItem()
        if item is None or is_exiting() or self.session.case is None:
            return
        EntryDialog(self.session, item.data(0, CHECK_ROLE), self).exec()
        self.refresh()

    def export_evidence(self) -> None:
        from ui.evidence_export import run_export_evidence

        window = self.window()
        say = getattr(window, "_progress_note", None)
        run_export_evidence(self.session, self, say)

    def _update_buttons(self) -> None:
        has = self.action_list.currentItem() is not None
        self.edit_action_button.setEnabled(has)
        self.remove_action_button.setEnabled(has)

    def _open_finding(self, item: QTreeWidgetItem, _column: int) -> None:
        check_id = item.data(0, CHECK_ROLE)
        if check_id:
            self.check_requested.emit(check_id)

    def _selected_action_id(self) -> str | None:
        item = self.action_list.currentItem()
        action_id = item.data(0, CHECK_ROLE) if item is not None else None
        return action_id if isinstance(action_id, str) else None

    def _action(self, action_id: object) -> Action | None:
        """The open case's action with this id (None: no case, or no such action)."""
        case = self.session.case
        if case is None:
            return None
        return next((a for a in case.actions if a.id == action_id), None)

    def _action_ticked(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0:
            return
        done = item.checkState(0) == Qt.CheckState.Checked
        action = self._action(item.data(0, CHECK_ROLE))
        if action is not None and action.done != done:
            # Refreshing would delete this item while Qt is still inside its signal.
            self._quiet = True
            try:
                self.session.work.update_action(action.id, done=done)
            finally:
                self._quiet = False
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, "Done" if done else "Not done yet")

    def add_action(self) -> None:
        if is_exiting():
            return
        dialog = ActionDialog(None, self, self_mode=self._alone())
        added: list[bool] = []

        def add() -> None:
            if not added and dialog.values()["what"]:
                added.append(True)
                self.session.work.add_action(**dialog.values())

        dialog.draft_to_keep.connect(add)  # Quick Exit keeps what was typed
        if dialog.exec():
            add()

    def edit_action(self) -> None:
        action = self._action(self._selected_action_id())
        if action is None or is_exiting():
            return
        dialog = ActionDialog(action, self, self_mode=self._alone())
        if dialog.exec():
            self.session.work.update_action(action.id, **dialog.values())

    def _alone(self) -> bool:
        return self.session.settings.mode == MODE_SELF

    def remove_action(self) -> None:
        action_id = self._selected_action_id()
        if action_id:
            self.session.work.remove_action(action_id)
