"""Export evidence: choose what goes in, protect it if wanted, save one zip.

The bundle is written by the core (``CaseWork.export_evidence``) on the app's one
background helper (``ui.background``), a piece at a time; Quick Exit stops it at the next
piece and nothing is left behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from safetycheck.case import Case
from safetycheck.casework import StoreError
from safetycheck.evidence.bundle import (
    MIN_PASSPHRASE,
    BundleError,
    BundleResult,
    Stopped,
    suggested_name,
)
from safetycheck.evidence.manifest import Selection
from safetycheck.report import ReportError
from safetycheck.settings import MODE_SELF
from ui import background, dialogs
from ui.accessible import describe
from ui.quick_exit import is_exiting
from ui.session import Session
from ui.style import boxed, caution_color, heading, muted, paragraph

ENTRY_ROLE = Qt.ItemDataRole.UserRole
OPENS_WITH = (
    "A protected zip opens in 7-Zip (Windows), WinZip, WinRAR, The Unarchiver or Keka (Mac), "
    "and with 'tar -xf' in a Mac's Terminal. It does not open by double-clicking in Windows "
    "or on a Mac. Tell the person receiving it the passphrase another way (by phone, not in "
    "the same email)."
)


class ExportEvidenceDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export evidence")
        case = session.case
        assert case is not None
        layout = QVBoxLayout(self)
        layout.addWidget(heading("What goes into the bundle?", 2))
        layout.addWidget(
            paragraph(
                "One zip: the case record, each file, and a list of every entry with its "
                "times and hashes. Hand over what is relevant, not everything."
            )
        )
        self.entries = describe(
            QListWidget(), "Entries", "Tick the entries to include. Space ticks or unticks."
        )
        for entry in case.evidence:
            label = f"{entry.number}. {entry.at.astimezone():%d %b %Y}: "
            label += "deleted for good" if entry.is_deleted else entry.what[:80]
            if entry.is_withdrawn:
                label += " (withdrawn)"
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(ENTRY_ROLE, entry.id)
            self.entries.addItem(item)
        layout.addWidget(self.entries, 1)
        dates = QHBoxLayout()
        self.use_dates = describe(
            QCheckBox("Only entries &seen from"), "Only entries seen between two dates"
        )
        today = QDate.currentDate()
        first = min((e.at for e in case.evidence), default=dt.datetime.now()).astimezone()
        self.since = describe(QDateEdit(QDate(first.year, first.month, first.day)), "From")
        self.until = describe(QDateEdit(today), "To")
        for day in (self.since, self.until):
            day.setCalendarPopup(True)
            day.setDisplayFormat("dd MMM yyyy")
        dates.addWidget(self.use_dates)
        dates.addWidget(self.since)
        dates.addWidget(paragraph("to"))
        dates.addWidget(self.until)
        dates.addStretch(1)
        layout.addLayout(dates)
        self.withdrawn = describe(
            QCheckBox("Include &withdrawn entries (marked as withdrawn)"),
            "Include withdrawn entries",
        )
        self.withdrawn.setChecked(True)
        layout.addWidget(self.withdrawn)
        # The police copy by default: a bundle is for handing over, and what is handed
        # over may be shown in court (docs/decisions.md, evidence follow-ups).
        notes = (
            "your notes and your own plans"
            if session.settings.mode == MODE_SELF
            else "the advisor's notes and the action plan"
        )
        layout.addWidget(paragraph("Which case record goes in?"))
        self.police_record = describe(
            QRadioButton(f"The copy for the p&olice: without {notes}"),
            "The case record for the police",
            f"Leaves out {notes}, and adds a page on how the evidence was collected. For "
            "handing over.",
        )
        self.full_record = describe(
            QRadioButton(f"The &full case record, with {notes}"),
            "The full case record",
            "For your own case file. Anyone who gets the zip can read the notes.",
        )
        self.records = QButtonGroup(self)
        for choice in (self.police_record, self.full_record):
            self.records.addButton(choice)
            layout.addWidget(choice)
        self.police_record.setChecked(True)
        self.protect = describe(
            QCheckBox("&Protect the zip with a passphrase"), "Protect the zip with a passphrase"
        )
        layout.addWidget(self.protect)
        form = QFormLayout()
        self.passphrase = describe(
            QLineEdit(), "Passphrase", f"At least {MIN_PASSPHRASE} characters."
        )
        self.again = describe(QLineEdit(), "The same passphrase again")
        for secret in (self.passphrase, self.again):
            secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Passp&hrase:", self.passphrase)
        form.addRow("&Again:", self.again)
        layout.addLayout(form)
        layout.addWidget(muted(paragraph(OPENS_WITH)))
        self.problem = paragraph()
        layout.addWidget(self.problem)
        layout.addWidget(
            boxed(
                paragraph(
                    "Anyone who gets the zip can see what is in it (unless it is protected "
                    "and they do not know the passphrase). Keep it somewhere safe."
                ),
                caution_color(),
            )
        )
        buttons = QDialogButtonBox()
        self.ok = describe(
            buttons.addButton("&Choose where to save…", QDialogButtonBox.ButtonRole.AcceptRole),
            "Choose where to save",
        )
        describe(buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole), "Cancel")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for signal in (
            self.protect.toggled,
            self.use_dates.toggled,
            self.passphrase.textChanged,
            self.again.textChanged,
            self.entries.itemChanged,
        ):
            signal.connect(self._update)
        self._update()

    def selection(self) -> Selection:
        ids = frozenset(
            self.entries.item(i).data(ENTRY_ROLE)
            for i in range(self.entries.count())
            if self.entries.item(i).checkState() == Qt.CheckState.Checked
        )
        since: dt.date | None = None
        until: dt.date | None = None
        if self.use_dates.isChecked():
            since = _day(self.since.date())
            until = _day(self.until.date())
        return Selection(ids, since, until, self.withdrawn.isChecked())

    def for_police(self) -> bool:
        return self.police_record.isChecked()

    def chosen_passphrase(self) -> str | None:
        return self.passphrase.text() if self.protect.isChecked() else None

    def _why_not(self) -> str:
        if self.protect.isChecked():
            if len(self.passphrase.text()) < MIN_PASSPHRASE:
                return f"The passphrase needs at least {MIN_PASSPHRASE} characters."
            if self.passphrase.text() != self.again.text():
                return "The two passphrases are not the same yet."
        return ""

    def _update(self) -> None:
        for secret in (self.passphrase, self.again):
            secret.setEnabled(self.protect.isChecked())
        for day in (self.since, self.until):
            day.setEnabled(self.use_dates.isChecked())
        reason = self._why_not()
        self.problem.setText(reason)
        self.problem.setVisible(bool(reason))
        self.ok.setEnabled(not reason)

    def _accept(self) -> None:
        if self.ok.isEnabled():
            self.accept()


def _day(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def run_export_evidence(
    session: Session, parent: QWidget | None, say: Callable[[str], object] | None = None
) -> background.Job[BundleResult] | None:
    """Ask what and where, then write the bundle in the background; returns the job.

    Written off the GUI thread (the app's one background helper) from a copy of the case
    taken now, so the window stays alive and Quick Exit stops it at its next piece, leaving
    nothing behind.  ``say`` shows how far it is.
    """
    if is_exiting() or session.case is None:
        return None
    dialog = ExportEvidenceDialog(session, parent)
    if not dialog.exec():
        return None
    selection, passphrase = dialog.selection(), dialog.chosen_passphrase()
    for_police = dialog.for_police()
    path = dialogs.ask_save_bundle(parent, "Save the evidence bundle", suggested_name())
    if not path:
        return None
    if not path.lower().endswith(".zip"):
        path += ".zip"
    case = Case.from_dict(session.case.to_dict())  # the case as it is now, for the thread
    case.stored_head = session.case.stored_head
    work = session.work

    def export(job: background.Job[BundleResult]) -> BundleResult:
        told = [-1]

        def progress(done: int, total: int) -> None:  # on the worker: every 5 per cent
            percent = int(100 * done / total) // 5 * 5 if total else 100
            if percent > told[0]:
                told[0] = percent
                job.say(f"Writing the evidence bundle… {percent}%")

        return work.export_evidence(
            path,
            selection,
            case=case,
            passphrase=passphrase,
            progress=progress,
            should_stop=lambda: job.stopped,
            for_police=for_police,
        )

    def done(result: BundleResult) -> None:
        if say is not None:
            say("")
        work.record_export(result.path)
        dialogs.tell(
            parent,
            "Evidence bundle saved",
            f"Saved {result.path}: {result.entries} entries and {result.files} files.\n\n"
            f"The record in it: {result.record_copy()}.\n\n{result.check.line()}",
        )

    def failed(exc: BaseException) -> None:
        if say is not None:
            say("")
        if isinstance(exc, Stopped):
            return
        if isinstance(exc, (BundleError, StoreError, ReportError)):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = f"It could not be written ({exc.strerror or exc})."
        else:
            message = f"Something went wrong ({type(exc).__name__})."
        dialogs.tell(parent, "The bundle could not be saved", message + " Your case is safe.")

    if say is not None:
        say("Writing the evidence bundle…")
    return background.run(export, done, failed, on_progress=say, owner=parent, name="evidence")
