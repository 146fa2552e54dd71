"""The unlock window: the passphrase, asked at start and again after the idle lock.

A wrong passphrase gets one plain sentence and another try; nothing is read
or changed until the passphrase is right (``safetycheck.vault`` checks it
against the key file alone).  The check is slow on purpose (about half a
second), so the window shows a busy cursor meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from safetycheck.vault import VaultError
from ui import background
from ui.accessible import describe
from ui.style import caution_color, heading, paragraph


def password_field(name: str, description: str) -> QLineEdit:
    field = describe(QLineEdit(), name, description)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    # No input method prediction or history: a passphrase must not be remembered anywhere.
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhHiddenText
        | Qt.InputMethodHint.ImhSensitiveData
        | Qt.InputMethodHint.ImhNoPredictiveText
    )
    return field


def show_typing(*fields: QLineEdit) -> QCheckBox:
    """A tick box that shows what is typed in ``fields`` (hidden again when unticked).

    Typing a long passphrase blind is where mistakes happen; someone alone can check it."""
    box = describe(
        QCheckBox("S&how what I type"),
        "Show what I type",
        "Show the passphrase as you type it. Untick to hide it again. Make sure nobody "
        "can see the screen.",
    )

    def toggle(shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for field in fields:
            field.setEchoMode(mode)

    box.toggled.connect(toggle)
    return box


def error_label() -> QLabel:
    label = paragraph()
    palette = label.palette()
    palette.setColor(palette.ColorRole.WindowText, caution_color())
    label.setPalette(palette)
    label.setAccessibleName("Problem")
    label.hide()
    return label


def show_problem(label: QLabel, text: str) -> None:
    """Say what is wrong in a passphrase window, so a screen reader reads it too."""
    label.setText(text)
    label.setAccessibleDescription(text)
    label.show()
    label.window().adjustSize()  # room for the message, however it wraps


class UnlockDialog(QDialog):
    """Ask for the passphrase until ``check`` accepts it; ``result_value`` is what it returned.

    ``check(passphrase)`` raises :class:`VaultError` (with a plain message) when the
    passphrase is wrong.  Closing the window (or "Quit") rejects the dialog.
    """

    def __init__(
        self,
        check: Callable[[str], object],
        title: str,
        *,
        locked: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.check = check
        self.result_value: object = None
        self.working = False
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        if locked:
            layout.addWidget(heading("Locked"))
            layout.addWidget(
                paragraph(
                    "SafetyCheck locked itself because it was not used for a while. "
                    "Type the passphrase to carry on."
                )
            )
        else:
            layout.addWidget(heading("Type your passphrase"))
            layout.addWidget(paragraph("Your saved answers are protected with a passphrase."))
        self.passphrase = password_field(
            "Passphrase", "The passphrase that protects your saved answers."
        )
        layout.addWidget(self.passphrase)
        self.show_box = show_typing(self.passphrase)
        layout.addWidget(self.show_box)
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox()
        self.open_button = describe(
            buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole),
            "Open",
            "Check the passphrase and open your saved answers.",
        )
        self.quit_button = describe(
            buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole),
            "Quit",
            "Close SafetyCheck. Everything is saved.",
        )
        self.open_button.setDefault(True)
        buttons.accepted.connect(self.try_passphrase)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.passphrase.setFocus()
        self.setMinimumWidth(420)

    def try_passphrase(self) -> None:
        text = self.passphrase.text()
        if not text:
            self._show_problem("Type the passphrase first.")
            return
        if self.working:
            return
        self.working = True
        self.open_button.setEnabled(False)
        # The check is slow on purpose; it runs in the background, so Quick Exit works.
        background.run(
            lambda _job: self.check(text),
            self._opened,
            self._refused,
            busy_cursor=True,
            owner=self,
            name="unlock",
        )

    def _opened(self, value: object) -> None:
        self.working = False
        self.open_button.setEnabled(True)
        self.result_value = value
        self.passphrase.clear()
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.working = False
        self.open_button.setEnabled(True)
        self.passphrase.clear()
        if isinstance(error, VaultError):
            self._show_problem(str(error) + " Please try again.")
        else:
            self._show_problem(
                f"The cases could not be opened ({type(error).__name__}). Nothing was changed. "
                "Please try again."
            )

    def reject(self) -> None:
        if not self.working:  # Esc while checking: wait for the answer
            super().reject()

    def _show_problem(self, text: str) -> None:
        show_problem(self.problem, text)
        self.passphrase.setFocus()
