"""Export a PDF: a record of the checks, or a safety plan to take away.

A printed or saved plan can be found by the person causing harm, so the
dialog says so plainly and offers to leave out the dangerous details.  The
PDF code (reportlab) is imported only here, when someone asks for a PDF, so it
never slows down start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

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

from safetycheck.case import Case
from safetycheck.casework import StoreError
from safetycheck.report.export import KIND_PLAN, KIND_RECORD
from ui import background, dialogs
from ui.accessible import describe
from ui.quick_exit import is_exiting
from ui.session import Session
from ui.style import boxed, caution_color, heading, paragraph


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


def run_export(
    session: Session, parent: QWidget | None, say: Callable[[str], object] | None = None
) -> background.Job[bytes] | None:
    """Ask what and where, then make the PDF in the background; returns the running job.

    The document is laid out off the GUI thread, from a copy of the case taken now, so
    the window stays alive and Quick Exit acts at once however long it takes.  The file
    is written, and the case notes where it went, only when it is ready and nobody has
    pressed Quick Exit meanwhile.  ``say`` shows a short progress line.
    """
    global _running
    if is_exiting() or session.case is None:
        return None
    if _running is not None and not _running.finished:
        dialogs.tell(parent, "A PDF is being made", "Wait for it to be saved, then try again.")
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
        from safetycheck.report.export import (  # reportlab itself loads in render_pdf
            ReportError,
            default_page_size,
            pdf_target,
            render_pdf,
        )
    except ImportError:
        dialogs.tell(
            parent,
            "PDF export is not available",
            "This copy of SafetyCheck cannot make PDFs yet. Your answers are safe.",
        )
        return None

    def failed(exc: BaseException) -> None:  # any failure: one plain sentence, no traceback
        if say is not None:
            say("")
        message = str(exc) if isinstance(exc, (ReportError, StoreError)) else ""
        if isinstance(exc, OSError):
            message = f"The PDF could not be written ({exc.strerror or exc})."
        dialogs.tell(
            parent,
            "The PDF could not be saved",
            (message or "Something went wrong while making the PDF.")
            + " Your answers are safe. Try another folder or name.",
        )

    try:
        target = pdf_target(path)
    except ReportError as exc:
        failed(exc)
        return None
    case = Case.from_dict(session.case.to_dict())  # the case as it is now, for the thread
    library, settings, work = session.library, replace(session.settings), session.work

    def render(_job: background.Job[bytes]) -> bytes:
        return render_pdf(
            case,
            library,
            settings,
            kind,
            leave_out_details=leave_out,
            attachments=work,
            page_size=default_page_size(settings),
        )

    def done(data: bytes) -> None:
        if say is not None:
            say("")
        if session.case is None or session.case.id != case.id:
            failed(ReportError("The case was closed while its PDF was being made."))
            return
        try:
            work.keep_document(target, data)  # noted in the case, then written: both or none
        except (ReportError, StoreError) as exc:
            failed(exc)
            return
        dialogs.tell(parent, "PDF saved", f"The PDF was saved as {path}.")

    if say is not None:
        say("Making the PDF…")
    _running = background.run(render, done, failed, owner=parent, name="export")
    return _running


_running: background.Job[bytes] | None = None
