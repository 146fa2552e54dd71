"""One check: why it matters, the steps, what to look for, and what was found.

One page widget is reused for every check (filled in by :meth:`CheckPage.show_check`),
so moving between 300 checks costs a few label updates, not new widgets.
Choosing a status saves at once; notes save half a second after typing stops,
and at once when the person moves on or uses Quick Exit.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from safetycheck.case import Status
from safetycheck.checklist import Check, Topic
from safetycheck.self_wording import check_alone, topic_alone
from safetycheck.settings import MODE_SELF
from safetycheck.steps_choice import chosen_index
from safetycheck.user_text import problem
from ui.accessible import describe
from ui.reading import ReadingArea
from ui.session import Session
from ui.style import (
    boxed,
    caution_color,
    concern_color,
    heading,
    list_html,
    muted,
    paragraph,
    scrolling_area,
)

NOTE_SAVE_DELAY_MS = 500

#: The buttons, in order, with their keyboard mnemonic and what they mean.
STATUS_BUTTONS: list[tuple[Status, str, str]] = [
    (Status.LOOKS_OK, "Looks &OK", "You looked and found nothing worrying."),
    (Status.CONCERN, "&Concern found", "You found something that worries you."),
    (Status.NOT_SURE, "Not &sure", "You are not sure what you found. That is fine."),
    (
        Status.CANT_CHECK_SAFELY,
        "Can't check safely no&w",
        "It is not safe to check this now. You can come back to it later.",
    ),
    # Alt+B: Alt+P is "Previous" (with Alt+P here too, it only moved focus between the two).
    (Status.NOT_APPLICABLE, "Not applica&ble", "This does not apply to you."),
]


CHOSEN_STYLE = (
    "QPushButton { background-color: palette(highlight); color: palette(highlighted-text);"
    " border: 2px solid palette(highlight); border-radius: 4px; padding: 4px 10px; }"
    "QPushButton:focus { border: 2px solid palette(window-text); }"
)


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def about_text(topic: Topic, check: Check | None = None) -> str:
    """Where the steps come from and how sure they are, so a reader can judge them.

    Says honestly when a path was only assumed unchanged from an earlier release.
    """
    written = f", for {', '.join(topic.releases)}" if topic.releases else ""
    text = f"This topic was last reviewed on {_day(topic.reviewed)}{written}. "
    verified = check.verified if check else None
    if verified is not None:
        release = f" for {verified.release}" if verified.release else ""
        if verified.how == "official":
            text += f"These steps match the maker's own help page{release} ({verified.url}). "
        elif verified.how == "third-party":
            text += f"These steps match a guide by someone other than the maker{release} "
            text += f"({verified.url}), not the maker's own page. "
        else:
            text += f"These steps were not confirmed{release}: {verified.note} "
    sources = "; ".join(f"{s.title} ({s.url})" for s in topic.sources)
    return (
        f"{text}Menus can change after updates: if yours look different, look for similar "
        f"words. Sources: {sources}."
    )


class CheckPage(QWidget):
    previous_requested = Signal()
    next_requested = Signal()
    evidence_requested = Signal(str)  # check id

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.check: Check | None = None
        self.topic: Topic | None = None
        self._filling = False
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.flush_note)
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._plan_timer.timeout.connect(self.flush_plan_line)

        # Two parts, one above the other: the guidance (scrolls), and the answer with the
        # notes, which stays in view so an advisor can type while talking.  The divider
        # between them can be moved; each part scrolls on its own at large text sizes.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.parts = QSplitter(Qt.Orientation.Vertical)
        self.parts.setChildrenCollapsible(False)
        self.parts.setHandleWidth(9)
        outer.addWidget(self.parts, 1)
        # One Tab stop that scrolls with the keys, so the caution and "What to record" can be
        # brought into view without a mouse (see ui.reading).
        self.scroll_area = ReadingArea(
            "Guidance for this check",
            "Why it matters, the steps, what to look for, cautions and what to record. "
            "Use the arrow keys, Page Down and Page Up, or Space, to read on. "
            "Press Tab to go on to your answer.",
        )
        layout = self.scroll_area.body_layout
        self.parts.addWidget(self.scroll_area)

        self.where = muted(paragraph())
        self.title = heading("")
        layout.addWidget(self.where)
        # The topic's introduction, shown on its first check only.
        self.intro = paragraph()
        layout.addWidget(self.intro)
        layout.addWidget(self.title)

        layout.addWidget(heading("Why this matters", 3))
        self.why = paragraph()
        layout.addWidget(self.why)

        # Before the steps: signing in can send an alert (with a map, on Apple) to devices
        # and addresses the other person may hold, so this is read before anything is done.
        sign_in_inner = QWidget()
        sign_in_layout = QVBoxLayout(sign_in_inner)
        sign_in_layout.setContentsMargins(0, 0, 0, 0)
        sign_in_title = heading("Before you sign in: it can alert the other person", 3)
        sign_in_title.setStyleSheet(f"color: {caution_color().name()}")
        self.sign_in_warning = paragraph()
        sign_in_layout.addWidget(sign_in_title)
        sign_in_layout.addWidget(self.sign_in_warning)
        self.sign_in_box = boxed(sign_in_inner, caution_color())
        self.sign_in_box.setAccessibleName("Before you sign in")
        layout.addWidget(self.sign_in_box)

        self.variant_row = QWidget()
        variant_layout = QHBoxLayout(self.variant_row)
        variant_layout.setContentsMargins(0, 0, 0, 0)
        variant_label = QLabel("Steps for &your device:")
        self.variant = describe(
            QComboBox(),
            "Steps for your device",
            "The steps differ by make or version. Choose yours to see the right steps. "
            "The choice is kept for this case, on every check that offers it.",
        )
        variant_label.setBuddy(self.variant)
        variant_layout.addWidget(variant_label)
        variant_layout.addWidget(self.variant, 1)
        layout.addWidget(self.variant_row)

        layout.addWidget(heading("Steps", 3))
        self.steps = QLabel()
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.steps)

        layout.addWidget(heading("What to look for", 3))
        self.look_for = QLabel()
        self.look_for.setWordWrap(True)
        self.look_for.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.look_for)

        caution_inner = QWidget()
        caution_layout = QVBoxLayout(caution_inner)
        caution_layout.setContentsMargins(0, 0, 0, 0)
        self.caution_title = heading("Careful: this could alert the other person", 3)
        self.caution_title.setStyleSheet(f"color: {caution_color().name()}")
        self.caution = paragraph()
        caution_layout.addWidget(self.caution_title)
        caution_layout.addWidget(self.caution)
        self.caution_box = boxed(caution_inner, caution_color())
        self.caution_box.setAccessibleName("Caution")
        layout.addWidget(self.caution_box)

        layout.addWidget(heading("If you find something", 3))
        self.if_found = paragraph()
        layout.addWidget(self.if_found)
        layout.addWidget(heading("What to record", 3))
        self.evidence_hint = paragraph()
        layout.addWidget(self.evidence_hint)
        layout.addSpacing(12)
        # When these steps were last checked, on which versions, and where they come from.
        self.about = muted(paragraph())
        layout.addWidget(self.about)
        layout.addStretch(1)

        self.answer_scroll, layout = scrolling_area()
        self.parts.addWidget(self.answer_scroll)
        self.parts.setStretchFactor(0, 3)
        self.parts.setStretchFactor(1, 2)
        # Until the person moves the divider, the answer part gets the room it needs for
        # the notes box (see ``_make_room_for_answer``).
        self._divider_moved = False
        self.parts.splitterMoved.connect(self._divider_was_moved)
        layout.addWidget(heading("What did you find?", 2))
        grid = QGridLayout()
        # No QButtonGroup: Qt makes checkable buttons in a group one Tab stop (the others by
        # arrow keys, which nothing on screen says), so a keyboard user could not reach
        # "Concern found". One answer at a time is kept by ``_check_only``.
        self.status_buttons: dict[Status, QPushButton] = {}
        for index, (status, text, description) in enumerate(STATUS_BUTTONS):
            plain = status.label
            button = describe(
                QPushButton(text),
                plain,
                f"{description} Saved at once. Shortcut: Ctrl+{index + 1}.",
            )
            button.setCheckable(True)
            button.setAutoDefault(False)
            # A separate shortcut: setShortcut() would replace the Alt+letter mnemonic.
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(button.click)
            button.clicked.connect(lambda _=False, b=button: self._status_clicked(b))
            self.status_buttons[status] = button
            grid.addWidget(button, index // 3, index % 3)
        layout.addLayout(grid)
        self.current = paragraph()
        layout.addWidget(self.current)

        notes_label = QLabel("No&tes (saved as you type):")
        self.notes = describe(
            QPlainTextEdit(),
            "Notes",
            "What you saw, where, and anything to remember. Saved as you type. "
            "Press Tab to leave the notes.",
        )
        self.notes.setTabChangesFocus(True)
        # Four lines in view (it scrolls beyond), so the evidence button stays in view too.
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 4 + 12)
        notes_label.setBuddy(self.notes)
        self.evidence_button = describe(
            QPushButton("Add to &evidence log…"),
            "Add to evidence log",
            "Write down what you saw and when, and add a screenshot or photo if you have one.",
        )
        self.evidence_button.setAutoDefault(False)
        # The button sits beside the notes' label, so the whole answer fits in view;
        # Tab still goes answers, notes, the line for the plan, then the button.
        notes_row = QHBoxLayout()
        notes_row.addWidget(notes_label, 0, Qt.AlignmentFlag.AlignBottom)
        notes_row.addStretch(1)
        notes_row.addWidget(self.evidence_button)
        layout.addLayout(notes_row)
        layout.addWidget(self.notes)
        QWidget.setTabOrder(self.notes, self.evidence_button)
        # Shown only when the note is too long to keep (see safetycheck.user_text).
        self.note_problem = paragraph()
        self.note_problem.setVisible(False)
        layout.addWidget(self.note_problem)
        # The one line the safety plan prints for this check: the notes never go on it.
        self.plan_label = QLabel()
        self.plan_line = QLineEdit()
        self.plan_label.setBuddy(self.plan_line)
        plan_row = QHBoxLayout()
        plan_row.addWidget(self.plan_label)
        plan_row.addWidget(self.plan_line, 1)
        layout.addLayout(plan_row)
        QWidget.setTabOrder(self.notes, self.plan_line)
        QWidget.setTabOrder(self.plan_line, self.evidence_button)
        self.plan_problem = paragraph()
        self.plan_problem.setVisible(False)
        layout.addWidget(self.plan_problem)
        self._word_plan_line()
        self.evidence_list = muted(paragraph())
        layout.addWidget(self.evidence_list)
        layout.addStretch(1)

        nav = QHBoxLayout()
        nav.setContentsMargins(8, 4, 8, 4)
        self.previous_button = describe(
            QPushButton("‹ &Previous"), "Previous check", "Go back to the check before this one."
        )
        self.next_button = describe(
            QPushButton("&Next ›"), "Next check", "Go on to the next check."
        )
        for button in (self.previous_button, self.next_button):
            button.setAutoDefault(False)
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        outer.addLayout(nav)

        self.notes.textChanged.connect(self._note_edited)
        self.plan_line.textEdited.connect(self._plan_line_edited)
        self.plan_line.editingFinished.connect(self.flush_plan_line)
        self.session.settings_changed.connect(self._word_plan_line)
        self.variant.currentIndexChanged.connect(self._variant_chosen)
        self.evidence_button.clicked.connect(self._evidence)
        self.previous_button.clicked.connect(self._previous)
        self.next_button.clicked.connect(self._next)
        self.session.evidence_changed.connect(self._show_evidence)

    # -- layout ---------------------------------------------------------------------

    #: The guidance keeps at least this share of the height, however much the answer wants.
    GUIDANCE_SHARE = 0.4

    def _divider_was_moved(self, *_args: object) -> None:
        self._divider_moved = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._make_room_for_answer()

    def _make_room_for_answer(self) -> None:
        """Show the whole answer part, notes box included, when the window is short.

        With a fixed 3:2 split, at 125% on a 1366x768 laptop (or 200% on 1080p) the notes box
        was below the fold of the answer part, so an advisor typing while talking could not
        see what was typed. The guidance keeps at least 40%; a divider moved by hand is kept.
        """
        if self._divider_moved:
            return
        sizes = self.parts.sizes()
        total = sum(sizes)
        if total <= 0 or len(sizes) != 2:
            return
        body = self.answer_scroll.widget()
        if body is None:
            return
        wanted = body.sizeHint().height() + 2 * self.answer_scroll.frameWidth()
        answer = min(wanted, int(total * (1 - self.GUIDANCE_SHARE)))
        if answer > sizes[1]:
            self.parts.setSizes([total - answer, answer])

    # -- filling in -------------------------------------------------------------------

    def show_check(self, topic: Topic, check: Check, position: int, total: int) -> None:
        case = self.session.case
        assert case is not None, "a check is shown only in an open case"
        self.flush_note()
        if self.session.settings.mode == MODE_SELF:
            # Someone on their own: the advice names a support service, not "your advisor"
            # (the same words their printed plan uses).
            topic, check = topic_alone(topic), check_alone(check)
        self._filling = True
        try:
            self.topic, self.check = topic, check
            self.where.setText(f"{topic.title} · check {position} of {total}")
            first_of_topic = check.id == topic.checks[0].id
            self.intro.setText(topic.intro if first_of_topic else "")
            self.intro.setVisible(first_of_topic and bool(topic.intro))
            self.about.setText(about_text(topic, check))
            self.title.setText(check.title)
            self.title.setAccessibleName(check.title)
            self.why.setText(check.why)
            self.sign_in_box.setVisible(check.signs_in and bool(topic.sign_in_warning))
            self.sign_in_warning.setText(topic.sign_in_warning if check.signs_in else "")
            self.variant.clear()
            if len(check.variants) > 1:
                self.variant.addItems([v.label for v in check.variants])
                # The make or version chosen before, on this or a check offering the same.
                self.variant.setCurrentIndex(chosen_index(case, check))
            self.variant_row.setVisible(len(check.variants) > 1)
            self._show_steps()
            self.look_for.setText(list_html(check.look_for, ordered=False))
            self.caution_box.setVisible(bool(check.caution))
            self.caution.setText(check.caution)
            self.if_found.setText(check.if_found)
            self.evidence_hint.setText(check.evidence)
            answer = case.answer(check.id)
            self._check_only(answer.status)
            self._show_current()
            self.notes.setPlainText(answer.note)
            self.note_problem.setVisible(False)
            self.plan_line.setText(answer.plan_line)
            self.plan_line.setCursorPosition(0)
            self.plan_problem.setVisible(False)
            self.previous_button.setEnabled(position > 1)
            self.next_button.setText("&Next ›" if position < total else "&Next: summary ›")
            self.next_button.setAccessibleName(
                "Next check" if position < total else "Go to the summary"
            )
            self._show_evidence()
        finally:
            self._filling = False
        self.scroll_area.verticalScrollBar().setValue(0)

    def _show_steps(self) -> None:
        if self.check is None:
            return
        index = max(0, self.variant.currentIndex()) if len(self.check.variants) > 1 else 0
        self.steps.setText(list_html(self.check.variants[index].steps, ordered=True))

    def _variant_chosen(self, index: int) -> None:
        self._show_steps()
        if self._filling or self.check is None or not 0 <= index < len(self.check.variants):
            return
        self.session.work.choose_steps(self.check.id, self.check.variants[index].label)

    def _check_only(self, chosen: Status) -> None:
        for status, button in self.status_buttons.items():
            button.setChecked(status is chosen)
        self._mark_chosen()

    def _mark_chosen(self) -> None:
        """The chosen answer is filled in the highlight colour, bold, with a tick.

        A pressed-in button alone is easy to miss, and in dark mode a tick and bold were
        all that told it apart: the fill shows in every style and colour scheme."""
        for status, text, _description in STATUS_BUTTONS:
            button = self.status_buttons[status]
            chosen = button.isChecked()
            button.setText(f"✓ {text}" if chosen else text)
            button.setStyleSheet(CHOSEN_STYLE if chosen else "")
            font = button.font()
            font.setBold(chosen)
            button.setFont(font)

    def _show_current(self) -> None:
        case = self.session.case
        if case is None or self.check is None:
            return
        status = case.status(self.check.id)
        if status is Status.NOT_CHECKED:
            self.current.setText("Not checked yet.")
            self.current.setStyleSheet("")
        else:
            self.current.setText(f"Your answer: {status.label}. Saved.")
            color = concern_color().name() if status is Status.CONCERN else ""
            self.current.setStyleSheet(f"color: {color}; font-weight: bold" if color else "")

    def _show_evidence(self) -> None:
        if self.check is None or self.session.case is None:
            return
        check_id = self.check.id
        entries = [
            e for e in self.session.case.evidence if e.check_id == check_id and not e.is_deleted
        ]
        if not entries:
            self.evidence_list.setText("")
            self.evidence_list.setVisible(False)
            return
        lines = ["In the evidence log for this check:"]
        for entry in entries:
            stamp = entry.at.astimezone().strftime("%d %b %Y %H:%M")
            names = ", ".join(a.original_name for a in entry.attachments)
            extra = f" (file{'s' if len(entry.attachments) > 1 else ''}: {names})" if names else ""
            mark = " (withdrawn)" if entry.is_withdrawn else ""
            lines.append(f"• {stamp}: {entry.what}{extra}{mark}")
        self.evidence_list.setText("\n".join(lines))
        self.evidence_list.setVisible(True)

    # -- changes --------------------------------------------------------------------------

    def _status_clicked(self, button: QPushButton) -> None:
        if self._filling or self.check is None:
            return
        status = next(s for s, b in self.status_buttons.items() if b is button)
        self._note_timer.stop()
        self.session.work.set_answer(self.check.id, status, self._note_to_keep())
        self._check_only(status)  # pressing the chosen answer again keeps it chosen
        self._show_current()

    def _note_edited(self) -> None:
        if not self._filling:
            self._note_timer.start()

    def flush_note(self) -> None:
        """Save the note (and the plan's line) now if typing has not been saved yet."""
        if self._note_timer.isActive():
            self._note_timer.stop()
        if self.check is None or self.session.case is None:
            return
        text = self._note_to_keep()
        if text is not None and text != self.session.case.answer(self.check.id).note:
            self.session.work.set_answer(self.check.id, note=text)
        self.flush_plan_line()

    def _word_plan_line(self) -> None:
        """Alone, the line is for "your plan"; with an advisor, for the client's."""
        alone = self.session.settings.mode == MODE_SELF
        self.plan_label.setText("&For your plan:" if alone else "&For the plan (client sees it):")
        describe(
            self.plan_line,
            "Line for your safety plan" if alone else "Line for the client's safety plan",
            (
                "One line in your own words for your safety plan. The plan prints this line, "
                "never your notes."
                if alone
                else "One line written for the client. Their safety plan prints this line for "
                "this check, never the notes."
            )
            + " Saved as you type.",
        )

    def _plan_line_edited(self) -> None:
        if not self._filling:
            self._plan_timer.start()

    def flush_plan_line(self) -> None:
        """Save the line for the plan now if typing has not been saved yet."""
        if self._plan_timer.isActive():
            self._plan_timer.stop()
        if self.check is None or self.session.case is None:
            return
        text = self.plan_line.text()
        message = problem(text)
        self.plan_problem.setText(message or "")
        self.plan_problem.setVisible(message is not None)
        if message is None and text != self.session.case.answer(self.check.id).plan_line:
            self.session.work.set_plan_line(self.check.id, text)

    def _note_to_keep(self) -> str | None:
        """The note as typed, or None (and a plain message) when it is too long to keep."""
        text = self.notes.toPlainText()
        message = problem(text)
        self.note_problem.setText(message or "")
        self.note_problem.setVisible(message is not None)
        return None if message else text

    def _evidence(self) -> None:
        self.flush_note()
        if self.check is not None:
            self.evidence_requested.emit(self.check.id)

    def _previous(self) -> None:
        self.flush_note()
        self.previous_requested.emit()

    def _next(self) -> None:
        self.flush_note()
        self.next_requested.emit()
