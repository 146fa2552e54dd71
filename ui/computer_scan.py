"""The "This computer" page: check the computer SafetyCheck runs on, review the leads, save
the chosen ones (and any connection log) in the case.

The scan runs on a worker thread, so the window stays responsive, Cancel works and Quick
Exit never waits.  Nothing from the scan is written anywhere until the person presses Save,
and then only what they ticked, through the case service.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safetycheck.casework import StoreError
from safetycheck.computer import system as computer_system
from safetycheck.computer.scan import (
    KNOWN,
    LEADS,
    SOURCE,
    TOOL,
    Finding,
    ScanCancelled,
    ScanResult,
    log_check_id,
    log_evidence_text,
    run_scan,
    scan_report,
    scan_text,
)
from safetycheck.computer.system import System
from safetycheck.computer.tools import LOLRMM_URL, ToolListError, ToolStore
from ui import background, dialogs
from ui.accessible import describe
from ui.session import Session, for_mode
from ui.style import (
    boxed,
    calm_color,
    caution_box,
    caution_color,
    concern_color,
    heading,
    lead_list,
    list_label,
    muted,
    paragraph,
    scrolling_page,
)


class ComputerScanPage(QWidget):
    #: The person asked to open the check a finding belongs to.
    check_requested = Signal(str)

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        system: Callable[[], System] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.text = scan_text()
        # This computer, read for real; a test or a training session passes a recorded one.
        self.make_system = system or (lambda: computer_system.this_computer())
        self.result: ScanResult | None = None
        self.busy = False
        self._job: background.Job[Any] | None = None

        layout = scrolling_page(
            self,
            reading=(
                "This computer",
                "How to check this computer, and what the check found. Use the arrow keys or "
                "Page Down to read on, Tab to go from one button to the next.",
            ),
        )
        self.scroll_area = self.findChild(QScrollArea)
        layout.addWidget(heading("Check this computer"))
        layout.addWidget(
            paragraph(
                "SafetyCheck can look at the computer it is running on for remote-access "
                "tools, monitoring products, what starts by itself, standing permissions, "
                "browser add-ons and other accounts. What it finds are leads for you to look "
                "at, not proof."
            )
        )
        self.before = paragraph(self.text["before_scan"])
        self.caution_box = caution_box("Before you start", [self.before], "Before you start")
        layout.addWidget(self.caution_box)

        layout.addWidget(heading("What the check looks at", 3))
        layout.addWidget(list_label(self.text["what_it_reads"], ordered=False))
        layout.addWidget(paragraph(self.text["no_changes"]))

        row = QHBoxLayout()
        self.scan_button = describe(
            QPushButton("&Check this computer"),
            "Check this computer",
            "Read this computer's programs, settings, add-ons and accounts and list leads. "
            "Nothing is changed and nothing is sent anywhere.",
        )
        self.scan_button.setAutoDefault(False)
        self.cancel_button = describe(
            QPushButton("Ca&ncel"),
            "Cancel the check",
            "Stop the check. Nothing from it is kept.",
        )
        self.cancel_button.setAutoDefault(False)
        row.addWidget(self.scan_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = muted(paragraph())
        self.progress.setAccessibleName("Progress of the check")
        layout.addWidget(self.progress)

        # Results
        self.results = QWidget()
        results_layout = QVBoxLayout(self.results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        self.results_heading = heading("What the check found", 2)
        results_layout.addWidget(self.results_heading)
        self.device_label = paragraph()
        results_layout.addWidget(self.device_label)
        self.headline = paragraph()
        self.headline.setAccessibleName("Result of the check")
        self.headline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.headline_box = boxed(self.headline, calm_color())
        results_layout.addWidget(self.headline_box)
        self.limits = paragraph(self.text["limits"])
        results_layout.addWidget(self.limits)
        self.leads_intro = paragraph(self.text["leads_intro"])
        results_layout.addWidget(self.leads_intro)
        self.findings = describe(
            lead_list(10, spacing=2),
            "Findings",
            "Each line is a finding: a lead to look at, not proof. Ticked findings are saved "
            "to the evidence log when you press Save; press Space to tick or untick one. The "
            "details of the chosen finding are shown below the list.",
        )
        results_layout.addWidget(self.findings)
        self.detail = paragraph()
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAccessibleName("About the chosen finding")
        self.detail.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.detail_box = boxed(self.detail, calm_color())
        results_layout.addWidget(self.detail_box)
        row = QHBoxLayout()
        self.open_check_button = describe(
            QPushButton("&Open the manual check"),
            "Open the manual check",
            "Open the check in this case where you look at this by hand and choose your answer.",
        )
        self.open_check_button.setAutoDefault(False)
        row.addWidget(self.open_check_button)
        row.addStretch(1)
        results_layout.addLayout(row)

        self.logs_heading = heading("Connection logs", 3)
        results_layout.addWidget(self.logs_heading)
        self.logs_intro = paragraph(self.text["log_offer"])
        results_layout.addWidget(self.logs_intro)
        self.logs = describe(
            QListWidget(),
            "Connection logs",
            "Logs that remote-access tools keep of connections to this computer. A ticked log "
            "is copied into the case when you press Save, with its SHA-256 fingerprint.",
        )
        self.logs.setMaximumHeight(self.logs.fontMetrics().lineSpacing() * 5 + 12)
        results_layout.addWidget(self.logs)

        self.skipped = muted(paragraph())
        self.skipped.setAccessibleName("What the check could not read")
        results_layout.addWidget(self.skipped)
        results_layout.addWidget(paragraph(self.text["save_intro"]))
        row = QHBoxLayout()
        self.save_button = describe(
            QPushButton("&Save ticked findings to the evidence log"),
            "Save ticked findings to the evidence log",
            "Add the ticked findings, and copies of the ticked connection logs, to this case's "
            "evidence log. Your answers are not changed: you confirm each check yourself.",
        )
        self.save_button.setAutoDefault(False)
        row.addWidget(self.save_button)
        row.addStretch(1)
        results_layout.addLayout(row)
        self.saved_status = paragraph()
        self.saved_status.setAccessibleName("Save status")
        self.saved_status.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        results_layout.addWidget(self.saved_status)
        self.results.hide()
        layout.addWidget(self.results)

        # Lists
        layout.addWidget(heading("Lists of tools", 2))
        self.lists_label = paragraph()
        self.lists_label.setAccessibleName("Lists of tools in use")
        layout.addWidget(self.lists_label)
        row = QHBoxLayout()
        self.import_button = describe(
            QPushButton("Import a LOL&RMM list…"),
            "Import a LOLRMM list",
            "Use a LOLRMM export (rmm_tools.json) you already have. No internet is used.",
        )
        self.download_button = describe(
            QPushButton("Do&wnload the LOLRMM list…"),
            "Download the LOLRMM list",
            "Download LOLRMM's list of remote tools over HTTPS. This uses the internet, and "
            "only when you press this button.",
        )
        for button in (self.import_button, self.download_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.credits = muted(paragraph())
        self.credits.setAccessibleName("Credits for the lists of tools")
        layout.addWidget(self.credits)
        layout.addStretch(1)

        self.scan_button.clicked.connect(self.scan)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self.save_to_case)
        self.open_check_button.clicked.connect(self._open_current_check)
        self.import_button.clicked.connect(self.import_list)
        self.download_button.clicked.connect(self.download_list)
        self.findings.currentRowChanged.connect(self._show_detail)
        self.findings.itemActivated.connect(lambda _item: self._open_current_check())
        self.session.case_opened.connect(lambda _case: self._update_buttons())
        self.on_show()

    # -- state ---------------------------------------------------------------------------

    @property
    def store(self) -> ToolStore:
        return ToolStore(self.session.data_dir)

    def flush(self) -> None:
        """Nothing typed on this page waits to be saved."""

    def on_show(self) -> None:
        self.before.setText(for_mode(self.session, self.text["before_scan"]))
        self._show_lists()
        self._update_buttons()

    def _show_lists(self) -> None:
        try:
            lists = self.store.lists()
        except ToolListError as exc:
            self.lists_label.setText(str(exc))
            return
        self.lists_label.setText("\n".join(f"{lst.label}: {lst.summary()}." for lst in lists))
        self.credits.setText("\n".join(lst.credit for lst in lists))

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.scan_button.setEnabled(idle)
        self.cancel_button.setEnabled(self.busy)
        self.import_button.setEnabled(idle)
        self.download_button.setEnabled(idle)
        self.save_button.setEnabled(
            idle and self.result is not None and self.session.case is not None
        )
        finding = self._current()
        self.open_check_button.setEnabled(
            finding is not None and self._check_in_case(finding.check_id)
        )

    def _current(self) -> Finding | None:
        row = self.findings.currentRow()
        if self.result is not None and 0 <= row < len(self.result.findings):
            return self.result.findings[row]
        return None

    def _check_in_case(self, check_id: str | None) -> bool:
        if not check_id or self.session.case is None:
            return False
        return any(check.id == check_id for _topic, check in self.session.checks())

    # -- the worker ------------------------------------------------------------------------

    def _run(
        self, work: Callable[[background.Job[Any]], object], on_done: Callable[[Any], None]
    ) -> None:
        """Run ``work(job)`` in the background (``ui.background``); ``on_done`` runs here.

        The job's stop flag is the scan's: Cancel sets it, and so does Quick Exit, so the
        reading also stops at its next step instead of running on unseen.
        """
        self.busy = True
        self._update_buttons()
        self._job = background.run(
            work,
            lambda value: self._finished(on_done, value),
            self._failed,
            on_progress=self._progress,
            owner=self,
            name="computer",
        )

    def _progress(self, message: str) -> None:
        if self.busy:
            self.progress.setText(message + "…")

    def _finished(self, on_done: Callable[[Any], None], value: object) -> None:
        self.busy = False
        self.progress.setText("")
        on_done(value)
        self._update_buttons()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ScanCancelled):
            self._was_cancelled()
            return
        self.busy = False
        if isinstance(error, ToolListError):
            message = str(error)
            if "still in use" not in message:
                message += " The list you had before is still in use."
        else:  # never a traceback on screen, never lost silently
            message = f"Something went wrong ({type(error).__name__})."
        self.progress.setText(message)
        self._update_buttons()

    def _was_cancelled(self) -> None:
        self.busy = False
        self.progress.setText("The check was cancelled. Nothing from it was kept.")
        self._update_buttons()
        self.scan_button.setFocus()

    # -- actions ---------------------------------------------------------------------------

    def scan(self) -> None:
        if self.busy:
            return
        try:
            lists = self.store.lists()
        except ToolListError as exc:
            self.progress.setText(str(exc))
            return
        make_system = self.make_system
        self.result = None
        self.results.hide()
        self.saved_status.setText("")
        self.progress.setText("Starting the check…")
        self._run(
            lambda job: run_scan(make_system(), lists, job.say, job.stop.is_set),
            self._show_result,
        )
        self.cancel_button.setFocus()

    def cancel(self) -> None:
        if self.busy and self._job is not None:
            self._job.stop.set()
            self.progress.setText("Stopping the check…")

    def _show_result(self, value: object) -> None:
        result: ScanResult = value  # type: ignore[assignment]
        self.result = result
        reading = result.reading
        admin = "an administrator" if reading.is_admin else "not an administrator"
        counts = reading.counts()
        self.device_label.setText(
            f"{result.device}, account {reading.user or 'unknown'} ({admin}), checked at "
            f"{reading.read_at.astimezone():%H:%M on %d %B %Y}. Read: {counts['installed']} "
            f"installed programs, {counts['processes']} running, {counts['services']} "
            f"services, {counts['autostart']} start-up items, {counts['extensions']} browser "
            f"add-ons, {counts['accounts']} accounts."
        )
        self.headline.setText(for_mode(self.session, result.headline))
        self.leads_intro.setText(for_mode(self.session, self.text["leads_intro"]))
        color = concern_color() if result.known else calm_color()
        self.headline_box.setStyleSheet(
            "QFrame#boxed { border: 1px solid palette(mid); "
            f"border-left: 5px solid {color.name()}; border-radius: 4px; padding: 6px; }}"
        )
        levels = self.text["levels"]
        self.findings.clear()
        for finding in result.findings:
            item = QListWidgetItem(f"{levels[finding.level]}: {finding.title}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = finding.level in LEADS
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            if finding.level in (KNOWN, TOOL):
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if finding.level == KNOWN:
                item.setForeground(concern_color())
            self.findings.addItem(item)
        has = bool(result.findings)
        self.leads_intro.setVisible(has)
        self.findings.setVisible(has)
        self.detail_box.setVisible(has)
        self.open_check_button.setVisible(has)
        if has:
            self.findings.setCurrentRow(0)
        self.logs.clear()
        for log in result.logs:
            item = QListWidgetItem(f"{log.tool_name}: {log.path} ({log.size} bytes)")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setToolTip(log.what)
            self.logs.addItem(item)
        for widget in (self.logs_heading, self.logs_intro, self.logs):
            widget.setVisible(bool(result.logs))
        lines: list[str] = []
        if reading.skipped:
            if not reading.is_admin:
                lines.append(self.text["not_admin"])
            lines.append(self.text["skipped_intro"])
            lines += [f"• {line}" for line in reading.skipped]
        lines += [f"Note: {problem}" for problem in reading.problems]
        self.skipped.setText(for_mode(self.session, "\n".join(lines)))
        self.skipped.setVisible(bool(lines))
        self.saved_status.setText(
            "" if self.session.case is not None else "Open a case to save these findings in it."
        )
        self.results.show()
        self._bring_results_into_view()

    def _bring_results_into_view(self) -> None:
        """Show the result where the person is, and put the keyboard focus on it."""

        def scroll() -> None:
            if self.scroll_area is not None:
                self.scroll_area.ensureWidgetVisible(self.results_heading, 0, 0)
                self.scroll_area.ensureWidgetVisible(self.headline_box, 0, 40)
            self.headline.setFocus(Qt.FocusReason.OtherFocusReason)

        QTimer.singleShot(0, scroll)

    def _show_detail(self, _row: int) -> None:
        finding = self._current()
        if finding is None:
            self.detail.setText("")
            self._update_buttons()
            return
        levels = self.text["levels"]

        def shown(text: str) -> str:
            return html.escape(for_mode(self.session, text))

        parts = [
            f"<b>{shown(finding.title)}</b>",
            f"<b>How sure:</b> {html.escape(levels[finding.level])}. {shown(finding.sure)}",
            f"<b>Why it matters:</b> {shown(finding.why)}",
            f"<b>Safe next step:</b> {shown(finding.next)}",
        ]
        if finding.facts:
            parts.append("<b>What was seen:</b> " + html.escape("; ".join(finding.facts)))
        if finding.check_id:
            check = self.session.library.check(finding.check_id)
            title = check.title if check else finding.check_id
            line = f"<b>Manual check:</b> {html.escape(title)}"
            if not self._check_in_case(finding.check_id):
                line += " (not in this case yet: add the computer under What you have)"
            parts.append(line)
        elif self.result is not None and self.result.reading.platform == "linux":
            parts.append(f"<b>Manual check:</b> {html.escape(self.text['linux_checks'])}")
        if finding.list_label:
            parts.append(f"<b>List:</b> {html.escape(finding.list_label)}")
        self.detail.setText("<br>".join(parts))
        color = {KNOWN: concern_color(), TOOL: caution_color()}.get(finding.level, calm_color())
        self.detail_box.setStyleSheet(
            "QFrame#boxed { border: 1px solid palette(mid); "
            f"border-left: 5px solid {color.name()}; border-radius: 4px; padding: 6px; }}"
        )
        self._update_buttons()

    def _open_current_check(self) -> None:
        finding = self._current()
        if finding is not None and self._check_in_case(finding.check_id):
            self.check_requested.emit(finding.check_id)

    def ticked_findings(self) -> list[int]:
        return [
            row
            for row in range(self.findings.count())
            if self.findings.item(row).checkState() == Qt.CheckState.Checked
        ]

    def ticked_logs(self) -> list[int]:
        return [
            row
            for row in range(self.logs.count())
            if self.logs.item(row).checkState() == Qt.CheckState.Checked
        ]

    def save_to_case(self) -> None:
        """Record the ticked findings and copies of the ticked logs, through the service."""
        result = self.result
        if result is None or self.session.case is None:
            return
        work = self.session.work
        keep = self.ticked_findings()
        record = work.record_scan(scan_report(result), keep)
        saved_logs, failed = 0, []
        where = f"{result.device}, found by SafetyCheck's computer scan"
        for row in self.ticked_logs():
            log = result.logs[row]
            try:
                work.add_evidence(
                    log_evidence_text(log),
                    where,
                    log_check_id(result, log),
                    file=Path(log.local),
                    at=result.reading.read_at,
                    source=SOURCE,
                )
            except StoreError as exc:
                failed.append(f"{log.tool_name}'s connection log could not be copied: {exc}")
            else:
                saved_logs += 1
        lines = [
            f"Saved {len(keep)} finding{'s' if len(keep) != 1 else ''} and a summary of the "
            f"check ({len(record.evidence_ids)} entries)"
            + (
                f", and {saved_logs} connection log{'s' if saved_logs != 1 else ''}"
                if saved_logs
                else ""
            )
            + " in the evidence log. The matching checks show them: look at each one and "
            "choose your answer there.",
            *failed,
        ]
        self.saved_status.setText("\n".join(lines))
        self.result = None  # saved once; a second press would only repeat the entries
        self._update_buttons()
        self.saved_status.setFocus(Qt.FocusReason.OtherFocusReason)

    def import_list(self) -> None:
        path = dialogs.ask_open_file(self, "Import a LOLRMM list")
        if not path:
            return
        store = self.store
        self.progress.setText("Reading the list…")
        self._run(lambda job: store.import_file(Path(path)), self._list_changed)

    def download_list(self) -> None:
        choice = dialogs.ask(
            self,
            "Download the LOLRMM list",
            "SafetyCheck will connect to the internet once, over HTTPS, to download LOLRMM's "
            f"list of remote tools from:\n{LOLRMM_URL}\n\nSomeone who can see this computer's "
            "or the home router's internet history could see that connection. Nothing about "
            "you or your case is sent.",
            ["Download", "Cancel"],
        )
        if choice != 0:
            return
        store = self.store
        self.progress.setText("Downloading the list…")
        self._run(lambda job: store.download(LOLRMM_URL), self._list_changed)

    def _list_changed(self, value: object) -> None:
        self._show_lists()
        self.progress.setText(f"Now using: {value.summary()}.")  # type: ignore[attr-defined]
