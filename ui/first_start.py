"""The first thing anyone sees: a short, kind safety notice and one question.

It says what a frightened person needs before anything else: use a safer
device if this one may be watched, how Quick Exit works, where the answers are
kept, and honestly what a passphrase can and cannot protect against (it is
offered here, with a tick box).  Then: an advisor with a client, or someone on
their own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetycheck.settings import MODE_ADVISOR, MODE_SELF
from ui.accessible import describe
from ui.fit import fit_height
from ui.reading import ReadingArea
from ui.style import heading, paragraph

NOTICE = [
    "If someone may be watching this computer, or may have set it up, it is safer to use a "
    "device they have never touched, such as a library computer or your advisor's laptop.",
    "Quick Exit: press Esc twice, or Ctrl+Q, or use the Quick Exit button at the top right. "
    "SafetyCheck closes at once and keeps your answers.",
    "Your answers stay on this computer, in {data_dir}. Nothing is sent anywhere.",
    "A passphrase keeps your saved answers from someone who uses this computer later. It "
    "cannot hide anything from spying software already on this computer: that can see the "
    "screen and what you type.",
]


class FirstStartDialog(QDialog):
    """Returns with ``chosen_mode`` set to "advisor" or "self" when accepted."""

    def __init__(self, data_dir: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.chosen_mode = ""
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        # The notice scrolls if the screen is too short for it (200% on a laptop), so the
        # choice below always stays in view and nothing is drawn over anything else.
        # It is one Tab stop that scrolls with the keys and shows when it has the focus (the
        # first Tab used to land on it with nothing to show where the keyboard was).
        self.notice_scroll = ReadingArea(
            "Safety notice",
            "Read with the arrow keys or Page Down. Press Tab to go on to the choices.",
        )
        notice_layout = self.notice_scroll.body_layout
        notice_layout.setContentsMargins(0, 0, 0, 0)
        notice_layout.setSpacing(12)
        layout.addWidget(self.notice_scroll, 1)
        notice_layout.addWidget(heading("Before you start"))
        for text in NOTICE:
            notice_layout.addWidget(paragraph(text.format(data_dir=data_dir)))
        self.protect = describe(
            QCheckBox("Protect my answers with a passphrase (a good idea on your own devices)"),
            "Protect my answers with a passphrase",
            "After you choose below, you can set a passphrase. Without it, nobody can open "
            "the saved answers, not even you if you forget it.",
        )
        notice_layout.addWidget(self.protect)
        self.neutral = describe(
            QCheckBox(
                "Use a plain window title (“Checklist”), so the taskbar does not say SafetyCheck"
            ),
            "Use a plain window title",
            "The window and taskbar say “Checklist” instead of SafetyCheck. You can change "
            "this later in Settings.",
        )
        notice_layout.addWidget(self.neutral)
        notice_layout.addStretch(1)
        layout.addSpacing(8)
        layout.addWidget(heading("Who is using SafetyCheck?", 2))
        buttons = QHBoxLayout()
        self.advisor_button = describe(
            QPushButton("I'm an advisor working with a client"),
            "I'm an advisor working with a client",
            "Keep several cases, one for each person you help. You can change this later "
            "in Settings.",
        )
        self.self_button = describe(
            QPushButton("I'm checking my own devices"),
            "I'm checking my own devices",
            "One private check, one step at a time. You can change this later in Settings.",
        )
        for button in (self.advisor_button, self.self_button):
            button.setAutoDefault(False)
            button.setMinimumHeight(button.sizeHint().height() * 2)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.later_note = paragraph("You can change this later in Settings.")
        layout.addWidget(self.later_note)
        self.advisor_button.clicked.connect(lambda: self._choose(MODE_ADVISOR))
        self.self_button.clicked.connect(lambda: self._choose(MODE_SELF))
        self.self_button.setFocus()
        self.setMinimumWidth(min(640, self.sizeHint().width() * 2))

    def setVisible(self, visible: bool) -> None:
        """Sized to its words before it is shown (``ui.fit``), as Qt would size it.

        Here, not in ``showEvent``: a Python ``showEvent`` makes PySide build the
        QEvent.Type enum (about 2 ms) before this, the first window at first start,
        is mapped (docs/performance.md, start-up).
        """
        if visible and not self.isVisible():
            self.adjustSize()  # what showing would do first: the width fit_height keeps
            fit_height(self, self.notice_scroll, move=False)  # Qt centres it
        super().setVisible(visible)

    def _choose(self, mode: str) -> None:
        self.chosen_mode = mode
        self.accept()
