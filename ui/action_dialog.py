"""Add or change one action in the plan: what, who, by when.

"By when" is free text on purpose: "before the next session" is a real answer.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from safetycheck.case import Action
from ui.accessible import describe
from ui.draft import DraftDialog
from ui.style import paragraph


class ActionDialog(DraftDialog):
    def __init__(
        self,
        action: Action | None = None,
        parent: QWidget | None = None,
        *,
        self_mode: bool = False,
    ) -> None:
        """``self_mode``: the person is checking alone, so there is no client to name."""
        super().__init__(parent)
        self.setWindowTitle("Change action" if action else "Add an action")
        layout = QVBoxLayout(self)
        layout.addWidget(
            paragraph(
                "Plan one step at a time. Before changing or removing anything, think about "
                "whether the other person would notice."
            )
        )
        form = QFormLayout()
        self.what = describe(
            QLineEdit(action.what if action else ""),
            "What to do",
            "For example: change the email password from the library computer.",
        )
        self.who = describe(
            QLineEdit(action.who if action else ""),
            "Who will do it",
            "For example: me, with a support service."
            if self_mode
            else "For example: the client with the advisor.",
        )
        self.by_when = describe(
            QLineEdit(action.by_when if action else ""),
            "By when",
            "For example: before the next session.",
        )
        form.addRow("&What to do:", self.what)
        form.addRow("W&ho:", self.who)
        form.addRow("&By when:", self.by_when)
        layout.addLayout(form)
        buttons = QDialogButtonBox()
        self.ok = describe(
            buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole),
            "Save",
            "Save this action in the plan.",
        )
        describe(
            buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole),
            "Cancel",
            "Close without saving.",
        )
        layout.addWidget(buttons)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.what.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        self.ok.setEnabled(bool(self.what.text().strip()))
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def _accept(self) -> None:
        if self.what.text().strip():
            self.accept()

    def values(self) -> dict[str, str]:
        return {
            "what": self.what.text().strip(),
            "who": self.who.text().strip(),
            "by_when": self.by_when.text().strip(),
        }
