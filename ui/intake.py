""" "Which of these do you have or use?": chooses the topics that apply.

The options and their groups come from ``checklists/_intake.toml``.  It can be
revisited at any time; unticking something hides its topic but keeps every
answer already given, so nothing is lost by changing your mind.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from safetycheck import essentials
from safetycheck.checklist import IntakeOption
from ui.accessible import describe
from ui.session import Session
from ui.style import heading, muted, paragraph, scrolling_page


class IntakePage(QWidget):
    #: The choice was saved; the checks can start.
    done = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.boxes: dict[str, QCheckBox] = {}
        layout = scrolling_page(
            self,
            reading=(
                "What you have",
                "The choices that decide which checks you see. Use the arrow keys or Page "
                "Down to read on, Tab to go from one choice to the next.",
            ),
        )
        # With an advisor, "you" would mean the advisor: ask about the client instead.
        advisor = session.settings.mode == "advisor"
        question = (
            "Which of these does your client have or use?"
            if advisor
            else "Which of these do you have or use?"
        )
        layout.addWidget(heading(question))
        layout.addWidget(
            muted(
                paragraph(
                    "Tick everything that applies, even if your client shares it or rarely "
                    "uses it. This chooses which checks you see. You can come back and change "
                    "it. The last questions are about your client's situation: they add checks "
                    "for children, the police and courts. Leave out anything your client would "
                    "rather not say."
                    if advisor
                    else "Tick everything that applies, even if you share it or rarely use it. "
                    "This chooses which checks you see. You can come back and change it. "
                    "The last questions are about your situation: they add checks for "
                    "children, the police and courts. Leave out anything you would rather "
                    "not say."
                )
            )
        )
        groups: dict[str, list[IntakeOption]] = {}
        for option in session.library.intake:
            groups.setdefault(option.group_for(advisor), []).append(option)
        for group, options in groups.items():
            box = QGroupBox(group)
            box_layout = QVBoxLayout(box)
            for option in options:
                label = option.label_for(advisor)
                check = describe(
                    QCheckBox(label),
                    label,
                    f"Tick if this applies. Group: {group}.",
                )
                check.toggled.connect(self._show_time)
                self.boxes[option.id] = check
                box_layout.addWidget(check)
            layout.addWidget(box)
        if not groups:
            layout.addWidget(paragraph("No options could be loaded. Every check will be shown."))

        # How many checks: an appointment is about an hour, every check often is not.
        self.how_many = QGroupBox("How many checks")
        how_layout = QVBoxLayout(self.how_many)
        self.essentials_button = describe(
            QRadioButton(),
            "The most important checks first",
            "Only the checks that matter most, for everything ticked. The others can follow "
            "in a later session. You can switch at any time on the checks page.",
        )
        self.every_button = describe(
            QRadioButton(),
            "Every check",
            "Every check for everything ticked, one after another.",
        )
        how_layout.addWidget(self.essentials_button)
        how_layout.addWidget(self.every_button)
        layout.addWidget(self.how_many)
        self._chosen_how = False  # the person picked one: stop suggesting
        self.essentials_button.clicked.connect(self._how_picked)
        self.every_button.clicked.connect(self._how_picked)
        row = QHBoxLayout()
        row.addStretch(1)
        self.continue_button = describe(
            QPushButton("&Continue to the checks"),
            "Continue to the checks",
            "Save these choices and go to the first check.",
        )
        self.continue_button.setDefault(True)
        row.addWidget(self.continue_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.continue_button.clicked.connect(self._save)

    def flush(self) -> None:
        """Nothing typed on this page waits to be saved: every change saves at once."""

    def on_show(self) -> None:
        case = self.session.case
        chosen = set(case.intake) if case else set()
        self._chosen_how = False
        for option_id, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(option_id in chosen)
            box.blockSignals(False)
        if case is not None and case.topics:  # chosen before: keep that choice
            self._chosen_how = True
            button = (
                self.essentials_button
                if case.checks_shown == essentials.ESSENTIALS
                else self.every_button
            )
            button.setChecked(True)
        self._show_time()
        first = next(iter(self.boxes.values()), self.continue_button)
        first.setFocus()

    def chosen(self) -> list[str]:
        return [option_id for option_id, box in self.boxes.items() if box.isChecked()]

    def _how_picked(self) -> None:
        self._chosen_how = True

    def _show_time(self) -> None:
        """Say how long each choice takes for what is ticked now (and suggest one)."""
        work, chosen = self.session.work, self.chosen()
        checks = [c for _t, c in work.scope_with_intake(chosen, essentials.ALL).checks()]
        first = [c for _t, c in work.scope_with_intake(chosen, essentials.ESSENTIALS).checks()]
        every, most = essentials.minutes(checks), essentials.minutes(first)
        self.essentials_button.setText(
            f"The most important checks &first: {len(first)} checks, "
            f"{essentials.duration(most)}. The others can follow in a later session."
        )
        self.every_button.setText(
            f"&Every check: {len(checks)} checks, {essentials.duration(every)}."
        )
        self.essentials_button.setEnabled(bool(first))
        if not first and self.essentials_button.isChecked():
            self.every_button.setChecked(True)
        if not self._chosen_how:
            suggested = essentials.suggested(every, most)
            button = (
                self.essentials_button if suggested == essentials.ESSENTIALS else self.every_button
            )
            button.setChecked(True)

    def _save(self) -> None:
        work = self.session.work
        work.set_intake(self.chosen())
        shown = essentials.ESSENTIALS if self.essentials_button.isChecked() else essentials.ALL
        work.show_checks(shown)
        self.done.emit()
