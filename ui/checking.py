"""The checking screen: a sidebar of topics and checks beside the current check.

The sidebar shows, for each topic, how many checks are done and how many
concerns were found.  Only the changed rows are updated after an answer, so a
case with hundreds of checks stays instant.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetycheck.case import Status
from safetycheck.essentials import ALL, ESSENTIALS, duration, minutes, minutes_left
from safetycheck.scope import count
from ui.accessible import describe
from ui.check_page import CheckPage
from ui.evidence_dialog import EvidenceDialog
from ui.session import Session
from ui.style import STATUS_MARKS, heading, muted, paragraph, status_color

INDEX_ROLE = Qt.ItemDataRole.UserRole
RETIRED_KEY = ""  # the sidebar row of answers to checks no longer in the checklists
RETIRED_TITLE = "No longer in the checklists"
NOT_CHOSEN_NOTE = " (not ticked in “What you have”; shown for its answers)"


def topic_progress_text(answered: int, total: int, concerns: int, minutes_left: int = 0) -> str:
    text = f"{answered} of {total} checked"
    if concerns:
        text += f", {concerns} concern" + ("s" if concerns != 1 else "")
    if minutes_left:
        text += f" · {duration(minutes_left)} left"
    return text


#: Under the sidebar: what its marks mean (they are also in each row's accessible text).
LEGEND = (
    f"{STATUS_MARKS[Status.NOT_CHECKED]} not checked yet   "
    f"{STATUS_MARKS[Status.LOOKS_OK]} looks OK   "
    f"{STATUS_MARKS[Status.CONCERN]} concern   {STATUS_MARKS[Status.NOT_SURE]} not sure   "
    f"{STATUS_MARKS[Status.CANT_CHECK_SAFELY]} not safe to check now   "
    f"{STATUS_MARKS[Status.NOT_APPLICABLE]} not applicable"
)


class _WrapDelegate(QStyledItemDelegate):
    """Measures each row at the width it really gets (Qt forgets the indentation), so long
    titles wrap onto more lines instead of ending in "..."."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        tree = self.tree
        depth, parent = 1, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = max(60, tree.viewport().width() - tree.indentation() * depth - 12)
        font = index.data(Qt.ItemDataRole.FontRole) or option.font
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        flags = Qt.TextFlag.TextWordWrap
        height = QFontMetrics(font).boundingRect(QRect(0, 0, width, 100000), flags, text).height()
        return QSize(hint.width(), max(hint.height(), height + 6))


class _WrappingTree(QTreeWidget):
    """A tree whose rows are re-measured when the sidebar gets wider or narrower."""

    def __init__(self) -> None:
        super().__init__()
        self.setItemDelegate(_WrapDelegate(self))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()


class CheckingPage(QWidget):
    #: The person went past the last check.
    finished = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.index = 0
        self._resume = True
        self._wanted: str | None = None
        self._topic_items: dict[str, QTreeWidgetItem] = {}
        self._check_items: dict[str, QTreeWidgetItem] = {}
        self._dirty = True
        #: How many times the sidebar was built (tests hold it to "only when it changed").
        self.rebuilds = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(self.splitter)

        self.sidebar = describe(
            _WrappingTree(),
            "Topics and checks",
            "Each topic shows how many checks are done and any concerns. "
            "Choose a check to go to it.",
        )
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sidebar.setWordWrap(True)
        self.sidebar.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Above the sidebar: which checks are shown (the most important first, or every
        # check) and how long they take; below it, what its marks mean.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 0)
        self.shown_text = paragraph()
        self.shown_text.setAccessibleName("Which checks are shown")
        self.shown_button = describe(
            QPushButton(""),
            "Which checks are shown",
            "Switch between the most important checks first and every check. Nothing you "
            "wrote is hidden either way.",
        )
        self.shown_button.setAutoDefault(False)
        shown_row = QHBoxLayout()
        shown_row.addWidget(self.shown_button)
        shown_row.addStretch(1)
        left_layout.addWidget(self.shown_text)
        left_layout.addLayout(shown_row)
        left_layout.addWidget(self.sidebar, 1)
        self.legend = muted(paragraph(LEGEND))
        self.legend.setAccessibleName("What the marks in the list mean")
        left_layout.addWidget(self.legend)
        self.splitter.addWidget(left)

        self.page = CheckPage(session)
        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addWidget(heading("No checks chosen yet"))
        empty_layout.addWidget(paragraph("Go to “What you have” and tick what you have or use."))
        empty_layout.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.page)
        right_layout.addWidget(self.empty)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        width = self.fontMetrics().averageCharWidth()
        self.splitter.setSizes([width * 38, width * 100])

        self.shown_button.clicked.connect(self._switch_shown)
        self.sidebar.currentItemChanged.connect(self._sidebar_moved)
        self.sidebar.itemActivated.connect(self._sidebar_activated)
        self.page.previous_requested.connect(lambda: self.go(self.index - 1))
        self.page.next_requested.connect(self._next)
        self.page.evidence_requested.connect(self.add_evidence)
        session.answer_changed.connect(self._answer_changed)
        session.topics_changed.connect(self._topics_changed)
        session.case_opened.connect(self._case_opened)

    # -- page protocol -------------------------------------------------------------------

    def on_show(self) -> None:
        if self._dirty:
            self.rebuild()
        if self.session.checks():
            self.page.status_buttons[Status.LOOKS_OK].setFocus()

    def flush(self) -> None:
        self.page.flush_note()

    def _case_opened(self, _case: object) -> None:
        self._dirty = True
        self.index = 0
        # Reopen where the person was (or at the first check not answered yet).
        self._resume, self._wanted = True, None

    def _topics_changed(self) -> None:
        """The checks the case covers changed: the only time the sidebar is rebuilt."""
        self._dirty = True
        if self.isVisible():
            self.rebuild()

    # -- sidebar --------------------------------------------------------------------------

    def rebuild(self) -> None:
        self._dirty = False
        self.rebuilds += 1
        # The check on screen stays on screen when the list around it changes.
        current = self.page.check.id if self.page.check is not None else None
        # Read before the list is refilled: filling it can move its current row.
        target = self.index
        scope = self.session.view()
        checks = scope.checks()
        if self._wanted is not None:
            current = self._wanted  # asked for by name (the summary, a scan's lead)
        elif self._resume:
            current = self.session.work.resume_at()
        self._wanted, self._resume = None, False
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        self._topic_items.clear()
        self._check_items.clear()
        index = 0
        for part in scope.topics:
            topic_item = QTreeWidgetItem([part.topic.title])
            topic_item.setData(0, INDEX_ROLE, index)
            self.sidebar.addTopLevelItem(topic_item)
            self._topic_items[part.topic.id] = topic_item
            for check in part.checks:
                item = QTreeWidgetItem(topic_item, [check.title])
                item.setData(0, INDEX_ROLE, index)
                self._check_items[check.id] = item
                self._paint_check(check.id)
                index += 1
            self._paint_topic(part.topic.id)
        if scope.retired:
            # Answers to checks no longer in the checklists: counted, so they are shown.
            item = QTreeWidgetItem([RETIRED_TITLE])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.sidebar.addTopLevelItem(item)
            self._topic_items[RETIRED_KEY] = item
            self._paint_topic(RETIRED_KEY)
        self.sidebar.blockSignals(False)
        has_checks = bool(checks)
        self.page.setVisible(has_checks)
        self.empty.setVisible(not has_checks)
        self._show_shown()
        if has_checks:
            ids = [c.id for _t, c in checks]
            if current in ids:
                target = ids.index(current)
            self.go(min(target, len(checks) - 1))

    def _show_shown(self) -> None:
        """Say which checks are shown and how long they take; offer the other choice."""
        case = self.session.case
        if case is None:
            return
        every = [c for _t, c in self.session.scope().checks()]
        shown = [c for _t, c in self.session.checks()]
        if case.checks_shown == ESSENTIALS:
            text = (
                f"The most important checks first: {len(shown)} of {len(every)}, "
                f"{duration(minutes(shown))}. The other checks can follow in a later session."
            )
            self.shown_button.setText("Show e&very check")
            self.shown_button.setAccessibleName("Show every check")
        else:
            text = f"Every check: {len(every)}, {duration(minutes(every))}."
            self.shown_button.setText("Most important fi&rst")
            self.shown_button.setAccessibleName("The most important checks first")
        left = minutes_left(case, shown)
        if left and left != minutes(shown):
            text += f" Still to do: {duration(left)}."
        self.shown_text.setText(text)
        self.shown_button.setVisible(any(c.essential for c in every))

    def _switch_shown(self) -> None:
        case = self.session.case
        if case is not None:
            self.session.work.show_checks(ALL if case.checks_shown == ESSENTIALS else ESSENTIALS)
            self.shown_button.setFocus()

    def _paint_check(self, check_id: str) -> None:
        item = self._check_items.get(check_id)
        if item is None or self.session.case is None:
            return
        status = self.session.case.status(check_id)
        title = item.data(0, INDEX_ROLE + 2) or item.text(0)
        item.setData(0, INDEX_ROLE + 2, title)
        item.setText(0, f"{STATUS_MARKS[status]}  {title}")
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{title}: {status.label}")
        color = status_color(status) if status is Status.CONCERN else None
        if color is not None:
            item.setForeground(0, color)
        else:
            item.setData(0, Qt.ItemDataRole.ForegroundRole, None)

    def _paint_topic(self, topic_id: str) -> None:
        item = self._topic_items.get(topic_id)
        case = self.session.case
        if item is None or case is None:
            return
        scope = self.session.view()
        left = 0
        if topic_id == RETIRED_KEY:
            title, progress, note = RETIRED_TITLE, count(case, scope.retired), ""
        else:
            part = scope.topic(topic_id)
            if part is None:
                return
            title, progress = part.topic.title, part.progress(case)
            note = "" if part.chosen else NOT_CHOSEN_NOTE
            left = minutes_left(case, part.checks)
        text = (
            topic_progress_text(progress.answered, progress.total, progress.concerns, left) + note
        )
        item.setText(0, f"{title}\n{text}")
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{title}: {text}")
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)

    def _answer_changed(self, check_id: str) -> None:
        self._show_shown()
        self._paint_check(check_id)
        check = self.session.library.check(check_id)
        self._paint_topic(check.topic_id if check is not None else RETIRED_KEY)

    def _sidebar_moved(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        index = current.data(0, INDEX_ROLE)
        if index is not None and index != self.index:
            self.go(index, from_sidebar=True)

    def _sidebar_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.page.status_buttons[Status.LOOKS_OK].setFocus()

    # -- moving ---------------------------------------------------------------------------------

    def go(self, index: int, *, from_sidebar: bool = False) -> None:
        checks = self.session.checks()
        if not checks:
            return
        index = max(0, min(index, len(checks) - 1))
        self.index, self._wanted = index, None
        topic, check = checks[index]
        self.page.show_check(topic, check, index + 1, len(checks))
        self.session.work.set_place(check.id)
        if not from_sidebar:
            item = self._check_items.get(check.id)
            if item is not None:
                self.sidebar.blockSignals(True)
                self.sidebar.setCurrentItem(item)
                self.sidebar.scrollToItem(item)
                self.sidebar.blockSignals(False)

    def go_to_check(self, check_id: str) -> None:
        """Open this check (from the summary or a scan), even one left for later."""
        ids = [c.id for _t, c in self.session.checks()]
        if check_id not in ids and self.session.work.scope().has(check_id):
            self.session.work.show_checks(ALL)  # asked for by name: show every check
            ids = [c.id for _t, c in self.session.checks()]
        if check_id in ids:
            self._resume, self._wanted = False, check_id
            self.index = ids.index(check_id)
            if not self._dirty:
                self.go(self.index)

    def _next(self) -> None:
        if self.index + 1 >= len(self.session.checks()):
            self.finished.emit()
        else:
            self.go(self.index + 1)
            self.page.status_buttons[Status.LOOKS_OK].setFocus()

    def add_evidence(self, check_id: str | None = None) -> None:
        EvidenceDialog.run(self.session, check_id, self)
