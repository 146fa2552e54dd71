"""The unlock window: the passphrase, asked at start and again after the idle lock.

A wrong passphrase gets one plain sentence and another try; nothing is read
or changed until the passphrase is right (``safetycheck.vault`` checks it
against the key file alone).  The check is slow on purpose (about half a
second), so the window shows a busy cursor meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from safetycheck.vault import VaultError
from ui.accessible import describe
from ui.style import caution_color, heading, paragraph


class StoppedByQuickExit(Exception):
    """Quick Exit ended the app while the work was still running."""


def busy(work: Callable[[], object]) -> object:
    """Run ``work`` (core code only, never Qt) in a thread while the window stays alive.

    Key derivation takes about half a second and a passphrase change with many cases
    several seconds; Quick Exit must work all that time.  The event loop keeps
    running here, so it does.  If Quick Exit ends the app meanwhile, the work is
    simply cut off: every step of it is atomic (see ``safetycheck.passphrase``).
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed back to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="safetycheck-passphrase", daemon=True)
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(15)
    poll.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        thread.start()
        poll.start()
        loop.exec()
    finally:
        poll.stop()
        QApplication.restoreOverrideCursor()
    if thread.is_alive():
        raise StoppedByQuickExit()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


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
        self.working = True
        self.open_button.setEnabled(False)
        try:
            self.result_value = busy(lambda: self.check(text))
        except StoppedByQuickExit:
            return
        except VaultError as exc:
            self.passphrase.clear()
            self._show_problem(str(exc) + " Please try again.")
            return
        finally:
            self.working = False
            self.open_button.setEnabled(True)
        self.passphrase.clear()
        self.accept()

    def reject(self) -> None:
        if not self.working:  # Esc while checking: wait for the answer
            super().reject()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setAccessibleDescription(text)
        self.problem.show()
        self.adjustSize()  # room for the message, however it wraps
        self.passphrase.setFocus()
