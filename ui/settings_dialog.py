"""Settings, built from sections so other parts can add their own.

A section is a :class:`SettingsSection` (a titled box) that meets
:class:`SectionView`: ``load(settings)`` fills it in, ``apply(settings)`` writes it
back when the person presses Save.  Add one by appending a factory to
:data:`SECTIONS`; it is given the session, for sections that act at once (the
passphrase).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import Qt
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

if TYPE_CHECKING:
    from ui.session import Session


@runtime_checkable
class SectionView(Protocol):
    """What every section of Settings does (checked when the dialog is built)."""

    def load(self, settings: Settings) -> None:
        """Show the saved values."""
        ...

    def apply(self, settings: Settings) -> None:
        """Write what the person chose into ``settings`` (saved by the caller)."""
        ...


class SettingsSection(QGroupBox):
    """The titled box of a section; subclasses meet :class:`SectionView`."""

    title_text = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.title_text, parent)


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


SectionFactory = Callable[["Session"], SettingsSection]


def _passphrase_section(session: Session) -> SettingsSection:
    from ui.passphrase_settings import PassphraseSection  # it imports this module

    return PassphraseSection(session)


def _android_section(session: Session) -> SettingsSection:
    from ui.android_settings import AndroidSection  # imported when the dialog opens

    return AndroidSection()


#: Sections in the order shown.  Append a factory to add one.
SECTIONS: list[SectionFactory] = [
    lambda _session: ModeSection(),
    lambda _session: PrivacySection(),
    _passphrase_section,
    lambda _session: ServiceSection(),
    _android_section,
]


class SettingsDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.session = session
        self.settings = settings = session.settings
        layout = QVBoxLayout(self)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Tab goes straight to the controls, and Qt scrolls to the one with focus: as a Tab
        # stop of its own, the area was read out as an unnamed "filler".
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        self.sections: list[SettingsSection] = []
        self.views: list[SectionView] = []
        for factory in SECTIONS:
            section = factory(session)
            if not isinstance(section, SectionView):
                raise TypeError(f"the settings section {section.title_text!r} needs load/apply")
            section.load(settings)
            inner_layout.addWidget(section)
            self.sections.append(section)
            self.views.append(section)
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
        service = next((s for s in self.sections if isinstance(s, ServiceSection)), None)
        if mode is not None and service is not None:
            mode.self_mode.toggled.connect(lambda own: service.setVisible(not own))
            service.setVisible(not mode.self_mode.isChecked())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self.resize(self.sizeHint().expandedTo(inner.sizeHint()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, self.scroll_area)  # no scroll bar while the screen has room

    def apply(self) -> None:
        for view in self.views:
            view.apply(self.settings)
