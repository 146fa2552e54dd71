"""At an advisor's first start: the service's details, printed on both documents.

The first record an advisor printed said "Service: Not given / Advisor: Not given".  This
asks once, right after the advisor chose who is using the app; "Skip for now" carries on
(Settings has the same fields).  Nothing here is about a client.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from safetycheck.settings import Settings
from ui.accessible import describe
from ui.settings_dialog import ServiceSection
from ui.style import heading, paragraph


class ServiceDetailsDialog(QDialog):
    def __init__(self, settings: Settings, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading("Your service's details"))
        layout.addWidget(
            paragraph(
                "These are printed on the case record and on the client's safety plan, so "
                "your client knows who to contact. Use a phone number or email that is safe "
                "to print. You can change them later in Settings."
            )
        )
        self.section = ServiceSection()
        self.section.load(settings)
        layout.addWidget(self.section)
        buttons = QDialogButtonBox()
        self.save_button = describe(
            buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole),
            "Save",
            "Keep these details for the documents.",
        )
        self.skip_button = describe(
            buttons.addButton("Skip for now", QDialogButtonBox.ButtonRole.RejectRole),
            "Skip for now",
            "Carry on without them. Settings has the same fields.",
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.section.service.setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

    def accept(self) -> None:
        self.section.apply(self.settings)
        super().accept()
