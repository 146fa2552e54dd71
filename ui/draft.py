"""Dialogs whose typing survives Quick Exit: what was typed is kept, not lost.

Quick Exit closes every window at once.  For a dialog still open with an evidence entry
or an action half typed, the main window calls :meth:`DraftDialog.keep_draft`, and
whoever opened the dialog (connected to ``draft_to_keep``) saves it as it stands.  A
dialog the person already closed keeps nothing: Cancel means cancel.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget


class DraftDialog(QDialog):
    #: Quick Exit is closing the dialog while it is open: save what was typed now.
    draft_to_keep = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._closed = False

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)

    def keep_draft(self) -> None:
        if not self._closed:
            self.draft_to_keep.emit()
