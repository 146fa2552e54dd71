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
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from safetycheck.vault import VaultError
from ui.accessible import describe
from ui.style import caution_color, heading, paragraph


def busy(work: Callable[[], object]) -> object:
    """Run ``work`` with a busy cursor: key derivation takes a noticeable moment."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return work()
    finally:
        QApplication.restoreOverrideCursor()


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


def error_label() -> QWidget:
    label = paragraph()
    palette = label.palette()
    palette.setColor(palette.ColorRole.WindowText, caution_color())
    label.setPalette(palette)
    label.setAccessibleName("Problem")
    label.hide()
    return label


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
            layout.addWidget(paragraph("Your cases are protected with a passphrase."))
        self.passphrase = password_field("Passphrase", "The passphrase that protects your cases.")
        layout.addWidget(self.passphrase)
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox()
        self.open_button = describe(
            buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole),
            "Open",
            "Check the passphrase and open your cases.",
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
        try:
            self.result_value = busy(lambda: self.check(text))
        except VaultError as exc:
            self.passphrase.clear()
            self._show_problem(str(exc) + " Please try again.")
            return
        self.passphrase.clear()
        self.accept()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setAccessibleDescription(text)
        self.problem.show()
        self.adjustSize()  # room for the message, however it wraps
        self.passphrase.setFocus()
