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
    QVBoxLayout,
    QWidget,
)

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
        layout = scrolling_page(self, focusable=True)
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
                    "Tick everything that applies, even if you share it or rarely use it. "
                    "This chooses which checks you see. You can come back and change it. "
                    "The last questions are about your situation: they add checks for "
                    "children, the police and courts. Leave out anything you would rather "
                    "not say."
                )
            )
        )
        groups: dict[str, list[IntakeOption]] = {}
        for option in session.library.intake:
            groups.setdefault(option.group, []).append(option)
        for group, options in groups.items():
            box = QGroupBox(group)
            box_layout = QVBoxLayout(box)
            for option in options:
                check = describe(
                    QCheckBox(option.label),
                    option.label,
                    f"Tick if this applies. Group: {group}.",
                )
                self.boxes[option.id] = check
                box_layout.addWidget(check)
            layout.addWidget(box)
        if not groups:
            layout.addWidget(paragraph("No options could be loaded. Every check will be shown."))
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

    def on_show(self) -> None:
        chosen = set(self.session.case.intake) if self.session.case else set()
        for option_id, box in self.boxes.items():
            box.setChecked(option_id in chosen)
        first = next(iter(self.boxes.values()), self.continue_button)
        first.setFocus()

    def chosen(self) -> list[str]:
        return [option_id for option_id, box in self.boxes.items() if box.isChecked()]

    def _save(self) -> None:
        self.session.work.set_intake(self.chosen())
        self.done.emit()
