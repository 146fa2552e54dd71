"""Settings, built from sections so other parts can add their own.

A section is a widget with ``title``, ``load(settings)`` and ``apply(settings)``
(and optionally ``bind(dialog)``, called first, for sections that need the session).
Add one by appending a factory to :data:`SECTIONS` (the privacy and Android
helpers do this for the passphrase and the phone scan).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safetycheck.settings import MODE_ADVISOR, MODE_SELF, Settings
from ui.accessible import describe
from ui.fit import fit_height
from ui.style import muted, paragraph


class SettingsSection(QGroupBox):
    title_text = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.title_text, parent)

    def load(self, settings: Settings) -> None:
        raise NotImplementedError

    def apply(self, settings: Settings) -> None:
        raise NotImplementedError


class ModeSection(SettingsSection):
    title_text = "Who is using SafetyCheck"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.advisor = describe(
            QRadioButton("I'm an &advisor working with clients"),
            "I'm an advisor working with clients",
            "Keep several cases, one for each person you help.",
        )
        self.self_mode = describe(
            QRadioButton("I'm checking &my own devices"),
            "I'm checking my own devices",
            "One private check. The list of cases is not shown.",
        )
        layout.addWidget(self.advisor)
        layout.addWidget(self.self_mode)

    def load(self, settings: Settings) -> None:
        (self.self_mode if settings.mode == MODE_SELF else self.advisor).setChecked(True)

    def apply(self, settings: Settings) -> None:
        settings.mode = MODE_SELF if self.self_mode.isChecked() else MODE_ADVISOR


class PrivacySection(SettingsSection):
    title_text = "Privacy"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.neutral = describe(
            QCheckBox("Use a plain window title (“Checklist”)"),
            "Use a plain window title",
            "The window and taskbar say “Checklist” instead of SafetyCheck and the case name.",
        )
        layout.addWidget(self.neutral)

    def load(self, settings: Settings) -> None:
        self.neutral.setChecked(settings.neutral_title)

    def apply(self, settings: Settings) -> None:
        settings.neutral_title = self.neutral.isChecked()


class ServiceSection(SettingsSection):
    title_text = "Your service (printed on documents)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(paragraph("Advisors: these details are printed on the record and the plan."))
        )
        form = QFormLayout()
        self.service = describe(QLineEdit(), "Service name", "For example: the IDVA service.")
        self.advisor = describe(QLineEdit(), "Advisor name", "Your name, as the client knows it.")
        self.contact = describe(
            QLineEdit(),
            "How to contact the service",
            "A phone number or email that is safe to print.",
        )
        form.addRow("&Service:", self.service)
        form.addRow("Advisor &name:", self.advisor)
        form.addRow("&Contact:", self.contact)
        layout.addLayout(form)

    def load(self, settings: Settings) -> None:
        self.service.setText(settings.service_name)
        self.advisor.setText(settings.advisor_name)
        self.contact.setText(settings.service_contact)

    def apply(self, settings: Settings) -> None:
        settings.service_name = self.service.text().strip()
        settings.advisor_name = self.advisor.text().strip()
        settings.service_contact = self.contact.text().strip()


#: Sections in the order shown.  Append a factory to add one.
SECTIONS: list[Callable[[], SettingsSection]] = [
    ModeSection,
    PrivacySection,
    lambda: _passphrase_section(),
    ServiceSection,
]


def _passphrase_section() -> SettingsSection:
    from ui.passphrase_settings import PassphraseSection  # it imports this module

    return PassphraseSection()


def _android_section() -> SettingsSection:
    from ui.android_settings import AndroidSection  # imported when the dialog opens

    return AndroidSection()


SECTIONS.append(_android_section)


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        layout = QVBoxLayout(self)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        #: The main window's session, for sections that act at once (e.g. the passphrase).
        self.session = getattr(parent, "session", None)
        self.sections = [factory() for factory in SECTIONS]
        for section in self.sections:
            if isinstance(section, ServiceSection):
                self.service_section = section
            bind = getattr(section, "bind", None)
            if bind is not None:
                bind(self)
            section.load(settings)
            inner_layout.addWidget(section)
        inner_layout.addStretch(1)
        scroll.setWidget(inner)
        layout.addWidget(scroll)
        buttons = QDialogButtonBox()
        describe(
            buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole),
            "Save",
            "Save these settings.",
        )
        describe(
            buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole),
            "Cancel",
            "Close without changing anything.",
        )
        layout.addWidget(buttons)
        # The service's details are for advisors: someone on their own is not asked for them.
        mode = next((s for s in self.sections if isinstance(s, ModeSection)), None)
        if mode is not None and hasattr(self, "service_section"):
            mode.self_mode.toggled.connect(lambda own: self.service_section.setVisible(not own))
            self.service_section.setVisible(not mode.self_mode.isChecked())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self.resize(self.sizeHint().expandedTo(inner.sizeHint()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, self.scroll)  # no scroll bar while the screen has room

    def apply(self) -> None:
        for section in self.sections:
            section.apply(self.settings)
