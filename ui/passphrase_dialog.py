"""Setting and changing the passphrase.

Before a passphrase is set, the window says plainly that a forgotten one
cannot be recovered, and what a passphrase can and cannot protect against;
the person ticks a box to say they understood.  The work itself is the core's
(``safetycheck.passphrase``): every file is encrypted, atomically.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from safetycheck.casework import StoreError
from safetycheck.passphrase import (
    FORGOTTEN_WARNING,
    FORGOTTEN_WARNING_SELF,
    PROTECTS_AGAINST,
    PROTECTS_AGAINST_SELF,
)
from safetycheck.vault import VaultError, passphrase_problem
from ui import background
from ui.accessible import describe
from ui.style import boxed, caution_color, heading, paragraph
from ui.unlock import error_label, password_field, show_problem, show_typing

FIRST_START_OFFER = (
    "You can protect your answers with a passphrase, so that someone who later uses this "
    "computer cannot read them. This is a good idea if you are checking your own devices."
)


class PassphraseDialog(QDialog):
    """Ask for a new passphrase (and the current one when ``change``), then run ``apply``.

    ``apply(current, new)`` does the work and returns its result (kept in
    ``result_value``); a :class:`VaultError` or :class:`StoreError` it raises is shown
    in the window and the person can try again.
    """

    def __init__(
        self,
        apply: Callable[[str, str], object],
        *,
        change: bool = False,
        first_start: bool = False,
        self_mode: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.apply_change = apply
        self.change = change
        self.result_value: object = None
        self.working = False
        self.setWindowTitle("Change the passphrase" if change else "Set a passphrase")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading("Change the passphrase" if change else "Protect your answers"))
        if first_start:
            layout.addWidget(paragraph(FIRST_START_OFFER))
        protects, forgotten = (
            (PROTECTS_AGAINST_SELF, FORGOTTEN_WARNING_SELF)
            if self_mode
            else (PROTECTS_AGAINST, FORGOTTEN_WARNING)
        )
        layout.addWidget(paragraph(protects))
        layout.addWidget(boxed(paragraph(forgotten), caution_color()))
        form = QFormLayout()
        self.current = password_field("Current passphrase", "The passphrase you use now.")
        if change:
            form.addRow("&Current passphrase:", self.current)
        self.new = password_field(
            "New passphrase",
            "At least 8 characters. A few ordinary words in a row is easy to remember.",
        )
        self.repeat = password_field("New passphrase again", "Type the new passphrase again.")
        form.addRow("&New passphrase:", self.new)
        form.addRow("Type it &again:", self.repeat)
        layout.addLayout(form)
        self.show_box = show_typing(self.current, self.new, self.repeat)
        layout.addWidget(self.show_box)
        self.understood = describe(
            QCheckBox("I understand that nobody can recover a forgotten passphrase"),
            "I understand that nobody can recover a forgotten passphrase",
            "Tick this to show you have read the warning above.",
        )
        layout.addWidget(self.understood)
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox()
        action = "Change the passphrase" if change else "Set the passphrase"
        self.ok_button = describe(
            buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole),
            action,
            "Encrypt everything saved with this passphrase.",
        )
        cancel = "Not now" if first_start else "Cancel"
        self.cancel_button = describe(
            buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole),
            cancel,
            "Leave the passphrase as it is." if change else "Carry on without a passphrase.",
        )
        buttons.accepted.connect(self.try_apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.current if change else self.new).setFocus()
        self.setMinimumWidth(520)

    def _problem(self) -> str | None:
        if self.change and not self.current.text():
            return "Type the passphrase you use now."
        new = self.new.text()
        problem = passphrase_problem(new)
        if problem:
            return problem
        if self.repeat.text() != new:
            return "The two new passphrases are not the same. Please type them again."
        if not self.understood.isChecked():
            return "Please tick the box to show you have read the warning."
        return None

    def try_apply(self) -> None:
        problem = self._problem()
        if problem:
            show_problem(self.problem, problem)
            return
        if self.working:
            return
        current, new = self.current.text(), self.new.text()
        self.working = True
        self.ok_button.setEnabled(False)
        # Re-encrypting every file takes a while; Quick Exit works all that time (each
        # file is rewritten atomically, so cutting it off loses nothing).
        background.run(
            lambda _job: self.apply_change(current, new),
            self._applied,
            self._refused,
            busy_cursor=True,
            owner=self,
            name="passphrase",
        )

    def _applied(self, value: object) -> None:
        self.working = False
        self.ok_button.setEnabled(True)
        self.result_value = value
        for field in (self.current, self.new, self.repeat):
            field.clear()
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.working = False
        self.ok_button.setEnabled(True)
        if isinstance(error, (VaultError, StoreError)):
            show_problem(self.problem, str(error))
        elif isinstance(error, OSError):
            show_problem(
                self.problem,
                f"The change could not be finished ({error.strerror or error}). Your saved "
                "answers are safe: they open with the old or the new passphrase. Please try again.",
            )
        else:
            show_problem(
                self.problem,
                f"The change could not be finished ({type(error).__name__}). Your saved "
                "answers are safe: they open with the old or the new passphrase. Please try again.",
            )

    def reject(self) -> None:
        if not self.working:  # Esc during the re-encryption: let it finish
            super().reject()
