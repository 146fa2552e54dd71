"""Export a PDF: a record of the checks, or a safety plan to take away.

A printed or saved plan can be found by the person causing harm, so the
dialog says so plainly and offers to leave out the dangerous details.  The
PDF code (reportlab) is imported only here, when someone asks for a PDF, so it
never slows down start-up.
"""

from __future__ import annotations

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
from safetycheck.settings import MODE_SELF
from ui import background, dialogs
from ui.accessible import describe
from ui.quick_exit import is_exiting
from ui.session import Session
from ui.style import boxed, caution_color, heading, paragraph


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, self_mode: bool = False) -> None:
        """``self_mode``: the person is checking alone (no advisor, no client)."""
        super().__init__(parent)
        self.setWindowTitle("Export PDF")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("What would you like to save?", 2))
        self.record = describe(
            QRadioButton("A &record of the checks"),
            "A record of the checks",
            "What was found, the actions, the evidence log and every check made. For a case "
            "file, or for the police.",
        )
        notes = "your notes and your own plans" if self_mode else "the advisor's notes"
        self.for_police = describe(
            QCheckBox(f"For the p&olice: without {notes}"),
            "For the police",
            f"Leaves out {notes} and the action plan, and adds a page on how the evidence "
            "was collected: by whom, when, on which device and with which SafetyCheck.",
        )
        self.plan = describe(
            QRadioButton("A safety &plan to take away"),
            "A safety plan to take away",
            "How many checks were done, what was found, what to do next and where to get "
            "help. It never prints the notes, only the lines written for the plan.",
        )
        self.kinds = QButtonGroup(self)
        self.kinds.addButton(self.record)
        self.kinds.addButton(self.plan)
        self.record.setChecked(True)
        layout.addWidget(self.record)
        police_row = QHBoxLayout()
        police_row.addSpacing(self.fontMetrics().averageCharWidth() * 4)  # belongs to the record
        police_row.addWidget(self.for_police)
        layout.addLayout(police_row)
        layout.addWidget(self.plan)
        self.leave_out = describe(
            QCheckBox("&Leave out details that would be dangerous if found"),
            "Leave out details that would be dangerous if found",
            "The plan then says what to do next and how to get help, without saying what "
            "was found or where, and its file name has no case reference.",
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
        self.for_police.setEnabled(self.record.isChecked())

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


def suggested_name(
    case: Case, kind: str, *, for_police: bool = False, leave_out_details: bool = False
) -> str:
    """The case reference, the kind and the date, so two clients' files are never mixed up
    (the plan without details has no reference: ``safetycheck.report.default_file_name``)."""
    from safetycheck.report.export import default_file_name

    return default_file_name(case, kind, for_police=for_police, leave_out_details=leave_out_details)


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
    dialog = ExportDialog(parent, self_mode=session.settings.mode == MODE_SELF)
    if not dialog.exec():
        return None
    kind = dialog.kind
    leave_out = kind == KIND_PLAN and dialog.leave_out.isChecked()
    for_police = kind == KIND_RECORD and dialog.for_police.isChecked()
    name = suggested_name(session.case, kind, for_police=for_police, leave_out_details=leave_out)
    path = dialogs.ask_save_path(parent, "Save the PDF", name)
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

    def render(job: background.Job[bytes]) -> bytes:
        told = [-1]

        def progress(share: float) -> None:  # on the worker: a line every 5 per cent
            percent = int(share * 100) // 5 * 5
            if percent > told[0]:
                told[0] = percent
                job.say(f"Making the PDF… {percent}%")

        return render_pdf(
            case,
            library,
            settings,
            kind,
            leave_out_details=leave_out,
            for_police=for_police,
            attachments=work,
            page_size=default_page_size(settings),
            progress=progress,
            cancel=job.stop,  # Quick Exit stops the layout at the next step
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
    _running = background.run(render, done, failed, on_progress=say, owner=parent, name="export")
    return _running


_running: background.Job[bytes] | None = None
