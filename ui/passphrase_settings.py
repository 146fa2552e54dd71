"""The passphrase part of Settings: set or change it, and the idle lock.

Setting or changing the passphrase happens at once (it re-encrypts every file),
not when Settings is saved; the idle-lock minutes are saved with the rest.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safetycheck.settings import MODE_SELF, Settings
from ui.accessible import describe
from ui.passphrase_dialog import PassphraseDialog
from ui.session import Session
from ui.settings_dialog import SettingsSection
from ui.style import muted, paragraph

MAX_IDLE_MINUTES = 240
#: Offered when a passphrase is set and the lock was "Never": a passphrase protects little
#: while the open window stays readable on an unattended computer.
DEFAULT_IDLE_MINUTES = 10


class PassphraseSection(SettingsSection):
    title_text = "Passphrase"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        self.status = paragraph()
        layout.addWidget(self.status)
        self.button = describe(QPushButton(), "Passphrase")
        self.button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        lock_row = QHBoxLayout()
        self.idle_minutes = describe(
            QSpinBox(),
            "Lock after this many minutes without use",
            "SafetyCheck clears its window and asks for the passphrase again. "
            "Never: it does not lock by itself.",
        )
        self.idle_minutes.setRange(0, MAX_IDLE_MINUTES)
        self.idle_minutes.setSpecialValueText("Never")
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.valueChanged.connect(self._suffix)  # "1 minute", not "1 minutes"
        self.lock_label = QLabel("&Lock when not used for:")
        self.lock_label.setBuddy(self.idle_minutes)
        lock_row.addWidget(self.lock_label)
        lock_row.addWidget(self.idle_minutes)
        lock_row.addStretch(1)
        layout.addLayout(lock_row)
        self.lock_hint = muted(paragraph("The lock needs a passphrase."))
        layout.addWidget(self.lock_hint)
        self.button.clicked.connect(self.set_or_change)

    def _suffix(self, value: int) -> None:
        self.idle_minutes.setSuffix(" minute" if value == 1 else " minutes")

    def protected(self) -> bool:
        return self.session.work.is_protected

    def refresh(self) -> None:
        protected = self.protected()
        if protected:
            self.status.setText("Your saved answers are protected with a passphrase.")
            self.button.setText("Change the passphrase…")
            describe(self.button, "Change the passphrase", "Choose a new passphrase.")
        else:
            self.status.setText(
                "Your saved answers are not protected with a passphrase. Anyone who can use "
                "this computer as you can read them."
            )
            self.button.setText("Set a passphrase…")
            describe(self.button, "Set a passphrase", "Encrypt every saved case with a passphrase.")
        self.idle_minutes.setEnabled(protected)
        self.lock_hint.setVisible(not protected)

    def load(self, settings: Settings) -> None:
        self.idle_minutes.setValue(max(0, min(MAX_IDLE_MINUTES, settings.idle_lock_minutes)))
        self.refresh()

    def apply(self, settings: Settings) -> None:
        settings.idle_lock_minutes = self.idle_minutes.value()

    def set_or_change(self) -> None:
        work = self.session.work
        alone = work.settings.mode == MODE_SELF
        if self.protected():
            dialog = PassphraseDialog(
                work.change_passphrase, change=True, self_mode=alone, parent=self
            )
        else:
            dialog = PassphraseDialog(
                lambda _old, new: work.set_passphrase(new), self_mode=alone, parent=self
            )
        was_protected = self.protected()
        dialog.exec()  # the service saves what is waiting first, then rewrites the files
        if self.protected() and not was_protected and self.idle_minutes.value() == 0:
            self.idle_minutes.setValue(DEFAULT_IDLE_MINUTES)  # saved with the settings
        self.refresh()
