"""Export a PDF: a record of the checks, or a safety plan to take away.

A printed or saved plan can be found by the person causing harm, so the
dialog says so plainly and offers to leave out the dangerous details.  The
PDF code (reportlab) is imported only here, when someone asks for a PDF, so it
never slows down start-up.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from safetycheck.casework import StoreError
from ui import dialogs
from ui.accessible import describe
from ui.quick_exit import is_exiting
from ui.session import Session
from ui.style import boxed, caution_color, heading, paragraph

KIND_RECORD = "record"
KIND_PLAN = "plan"


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export PDF")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("What would you like to save?", 2))
        self.record = describe(
            QRadioButton("A &record of the checks"),
            "A record of the checks",
            "Everything checked, what was found, and the evidence log. For a case file, "
            "or for the police.",
        )
        self.plan = describe(
            QRadioButton("A safety &plan to take away"),
            "A safety plan to take away",
            "The actions to take next, who does them and by when.",
        )
        self.kinds = QButtonGroup(self)
        self.kinds.addButton(self.record)
        self.kinds.addButton(self.plan)
        self.record.setChecked(True)
        layout.addWidget(self.record)
        layout.addWidget(self.plan)
        self.leave_out = describe(
            QCheckBox("&Leave out details that would be dangerous if found"),
            "Leave out details that would be dangerous if found",
            "The plan then lists the steps without saying what was found or where.",
        )
        indented = QHBoxLayout()
        indented.addSpacing(self.fontMetrics().averageCharWidth() * 4)  # belongs to the plan
        indented.addWidget(self.leave_out)
        layout.addLayout(indented)
        warning = paragraph(_warning())
        layout.addWidget(boxed(warning, caution_color()))
        buttons = QDialogButtonBox()
        self.ok = describe(
            buttons.addButton("&Choose where to save…", QDialogButtonBox.ButtonRole.AcceptRole),
            "Choose where to save",
            "Choose a folder and a name for the PDF.",
        )
        describe(
            buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole),
            "Cancel",
            "Close without saving a document.",
        )
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.record.toggled.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.leave_out.setEnabled(self.plan.isChecked())

    @property
    def kind(self) -> str:
        return KIND_PLAN if self.plan.isChecked() else KIND_RECORD


def _warning() -> str:
    """The report's own wording when it is there (one text for the app and the PDF)."""
    fallback = (
        "A printed or saved document can be found by someone else. Keep it somewhere safe, "
        "or leave out the details."
    )
    try:
        from safetycheck.report.texts import save_warning

        return save_warning() or fallback
    except Exception:  # the wording must never stop an export
        return fallback


def suggested_name(kind: str) -> str:
    """A plain file name that does not say what the document is about."""
    return f"{'plan' if kind == KIND_PLAN else 'record'}-{dt.date.today().isoformat()}.pdf"


def run_export(session: Session, parent: QWidget | None) -> str | None:
    """Ask what and where, write the PDF, record where it went.  Returns the path."""
    if is_exiting() or session.case is None:
        return None
    dialog = ExportDialog(parent)
    if not dialog.exec():
        return None
    kind = dialog.kind
    leave_out = kind == KIND_PLAN and dialog.leave_out.isChecked()
    path = dialogs.ask_save_path(parent, "Save the PDF", suggested_name(kind))
    if not path:
        return None
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    try:
        from safetycheck.report import ReportError, export_pdf  # reportlab loads only now
    except ImportError:
        dialogs.tell(
            parent,
            "PDF export is not available",
            "This copy of SafetyCheck cannot make PDFs yet. Your answers are safe.",
        )
        return None
    try:
        export_pdf(
            session.case,
            session.library,
            session.settings,
            kind,
            path,
            leave_out_details=leave_out,
            attachments=session.work,
        )
    except Exception as exc:  # any failure becomes one plain sentence, never a traceback
        message = str(exc) if isinstance(exc, (ReportError, StoreError, OSError)) else ""
        if isinstance(exc, OSError):
            message = f"The PDF could not be written ({exc.strerror or exc})."
        dialogs.tell(
            parent,
            "The PDF could not be saved",
            (message or "Something went wrong while making the PDF.")
            + " Your answers are safe. Try another folder or name.",
        )
        return None
    session.work.record_export(path)
    dialogs.tell(parent, "PDF saved", f"The PDF was saved as {path}.")
    return path
