"""The Android phone scan page: find adb, choose the phone, scan, save the leads to the case.

Everything slow (adb, the phone, the one download) runs in the background (``ui.background``),
so the window stays responsive and Quick Exit always works: Cancel stops a look for phones or
a scan (adb's command is ended at once), a Quick Exit during either does not wait for the
phone to answer, and nothing from the phone is written anywhere until the
person presses "Save to the evidence log" (``CaseWork.record_scan``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safetycheck.android.adb import (
    Adb,
    AdbMissingError,
    AndroidError,
    ScanCancelled,
    find_adb,
    scan_text,
)
from safetycheck.android.collect import choose_device
from safetycheck.android.indicators import (
    CREDIT,
    DEFAULT_INDICATORS_URL,
    IndicatorError,
    IndicatorStore,
)
from safetycheck.android.parse import Device
from safetycheck.android.scan import (
    DEVELOPER_OPTIONS,
    KNOWN,
    WORK_FOLDER,
    ScanResult,
    run_scan,
    scan_report,
)
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


class AndroidScanPage(QWidget):
    #: The person asked to open the check a finding belongs to.
    check_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.text = scan_text()
        self.devices: list[Device] = []
        self.result: ScanResult | None = None
        self.busy = False
        self._cancel: threading.Event | None = None  # set while a look or a scan runs
        self._stopping = ""  # what Cancel says while it stops the running work

        layout = scrolling_page(
            self,
            reading=(
                "Phone scan",
                "How to scan an Android phone, and what the scan found. Use the arrow keys or "
                "Page Down to read on, Tab to go from one button to the next.",
            ),
        )
        area = self.findChild(QScrollArea)
        assert area is not None  # scrolling_page made it
        self.scroll_area = area

        layout.addWidget(heading("Scan an Android phone"))
        layout.addWidget(
            paragraph(
                "SafetyCheck can read an Android phone connected to this computer with a USB "
                "cable, and look for known stalkerware and for apps with strong powers. It only "
                "reads: nothing on the phone is changed. What it finds are leads for you to "
                "look at, not proof."
            )
        )
        self.caution_text = paragraph(self.text["usb_debugging_caution"])
        self.caution_box = caution_box(
            "Careful: this changes the phone's settings", [self.caution_text], "Caution"
        )
        layout.addWidget(self.caution_box)

        layout.addWidget(heading("Turn on USB debugging", 3))
        layout.addWidget(list_label(self.text["usb_debugging_steps"], ordered=True))
        layout.addWidget(heading("When you have finished", 3))
        layout.addWidget(list_label(self.text["turn_off_steps"], ordered=True))

        # 1. adb
        layout.addWidget(heading("1. The program that reads the phone", 2))
        self.adb_status = paragraph()
        layout.addWidget(self.adb_status)
        row = QHBoxLayout()
        # Here, not only in Settings: the page is where a person finds out adb is missing.
        self.choose_adb_button = describe(
            QPushButton("&Choose the adb program…"),
            "Choose the adb program",
            "Pick the adb program on this computer, if SafetyCheck did not find it by itself. "
            "It is kept in Settings.",
        )
        self.choose_adb_button.setAutoDefault(False)
        row.addWidget(self.choose_adb_button)
        row.addStretch(1)
        layout.addLayout(row)

        # 2. the phone
        layout.addWidget(heading("2. Choose the phone", 2))
        row = QHBoxLayout()
        self.find_button = describe(
            QPushButton("&Find connected phones"),
            "Find connected phones",
            "Look for phones connected to this computer by USB cable. "
            "Nothing on the phone is changed.",
        )
        self.find_button.setAutoDefault(False)
        row.addWidget(self.find_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.device_list = describe(
            QListWidget(),
            "Connected phones",
            "The phones connected to this computer. Choose the one to scan.",
        )
        self.device_list.setMaximumHeight(self.device_list.fontMetrics().lineSpacing() * 5 + 12)
        layout.addWidget(self.device_list)
        self.device_status = paragraph()
        layout.addWidget(self.device_status)

        # 3. scan
        layout.addWidget(heading("3. Scan", 2))
        row = QHBoxLayout()
        self.scan_button = describe(
            QPushButton("&Scan this phone"),
            "Scan this phone",
            "Read the chosen phone's apps and settings and look for known stalkerware. "
            "Nothing on the phone is changed.",
        )
        self.scan_button.setAutoDefault(False)
        row.addWidget(self.scan_button)
        self.cancel_button = describe(
            QPushButton("Ca&ncel"),
            "Cancel",
            "Stop looking for phones, or stop reading the phone, now. Nothing from the phone "
            "is saved.",
        )
        self.cancel_button.setAutoDefault(False)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = muted(paragraph())
        layout.addWidget(self.progress)

        # Results
        self.results = QWidget()
        results_layout = QVBoxLayout(self.results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        self.results_heading = heading("What the scan found", 2)
        results_layout.addWidget(self.results_heading)
        self.device_label = paragraph()
        results_layout.addWidget(self.device_label)
        self.headline = paragraph()
        self.headline.setAccessibleName("Scan result")
        # Focusable, so the keyboard (and a screen reader) lands on the result.
        self.headline.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.headline_box = boxed(self.headline, calm_color())
        results_layout.addWidget(self.headline_box)
        self.next_steps = paragraph()
        results_layout.addWidget(self.next_steps)
        self.leads_intro = paragraph(self.text["leads_intro"])
        results_layout.addWidget(self.leads_intro)
        self.findings = describe(
            lead_list(14),
            "Leads",
            "Each line is a lead to look at, not proof. Ticked leads are saved to the evidence "
            "log; untick one to leave it out. Press Enter or double-click to open the check "
            "it belongs to.",
        )
        results_layout.addWidget(self.findings)
        self.problems = muted(paragraph())
        results_layout.addWidget(self.problems)
        row = QHBoxLayout()
        self.save_button = describe(
            QPushButton("Save to the &evidence log"),
            "Save to the evidence log",
            "Add the ticked leads to this case's evidence log, with the time and the phone's "
            "details. Your answers are not changed: you confirm each check yourself.",
        )
        self.save_button.setAutoDefault(False)
        row.addWidget(self.save_button)
        row.addStretch(1)
        results_layout.addLayout(row)
        self.saved_status = paragraph()
        results_layout.addWidget(self.saved_status)
        self.results.hide()
        layout.addWidget(self.results)

        # Indicators
        layout.addWidget(heading("Known stalkerware lists", 2))
        self.lists_label = paragraph()
        layout.addWidget(self.lists_label)
        row = QHBoxLayout()
        self.update_button = describe(
            QPushButton("U&pdate indicators…"),
            "Update indicators",
            "Download the latest list of known stalkerware. This is the only time SafetyCheck "
            "uses the internet, and only when you press this button.",
        )
        self.update_button.setAutoDefault(False)
        row.addWidget(self.update_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.credit = muted(paragraph(CREDIT))
        self.credit.setAccessibleName("Credit for the stalkerware lists")
        layout.addWidget(self.credit)
        layout.addStretch(1)

        self.choose_adb_button.clicked.connect(self.choose_adb)
        self.findings.itemChanged.connect(lambda _item: self._update_buttons())
        self.session.settings_changed.connect(self.on_show)  # adb chosen in Settings
        self.find_button.clicked.connect(self.find_phones)
        self.scan_button.clicked.connect(self.scan)
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.save_button.clicked.connect(self.save_to_case)
        self.update_button.clicked.connect(self.update_indicators)
        self.device_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.findings.itemActivated.connect(self._open_check)
        self.session.case_opened.connect(lambda _case: self._update_buttons())
        self.on_show()

    # -- state ---------------------------------------------------------------------------

    @property
    def store(self) -> IndicatorStore:
        return IndicatorStore(self.session.data_dir)

    def flush(self) -> None:
        """Nothing typed on this page waits to be saved: every change saves at once."""

    def on_show(self) -> None:
        # Someone alone reads "a support service", as on the check page (the mode can
        # change in Settings while this page exists).
        self.caution_text.setText(for_mode(self.session, self.text["usb_debugging_caution"]))
        self._show_adb()
        self._show_lists()
        self._update_buttons()

    def _find_adb(self) -> Path:
        return find_adb(self.session.settings.adb_path or None)

    def _show_adb(self) -> None:
        try:
            path = self._find_adb()
        except AdbMissingError as exc:
            self.adb_status.setText(f"{exc}\n\n{exc.guidance}")
            self.adb_ok = False
        else:
            self.adb_status.setText(f"Ready. SafetyCheck will use the adb program at {path}.")
            self.adb_ok = True

    def _show_lists(self) -> None:
        lists = self.store.lists()
        lines = [f"{lst.label}: {lst.summary()}." for lst in lists]
        lines += [warning for warning in (lst.age_warning() for lst in lists) if warning]
        self.lists_label.setText(for_mode(self.session, "\n".join(lines)))

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.find_button.setEnabled(idle and self.adb_ok)
        self.scan_button.setEnabled(idle and self.adb_ok and self._chosen() is not None)
        self.update_button.setEnabled(idle)
        self.cancel_button.setEnabled(self.busy and self._cancel is not None)
        self.save_button.setEnabled(
            idle and self.result is not None and self.session.case is not None
        )
        ticked = self._ticked()
        if self.result is not None:
            self.save_button.setText(
                "Save the scan to the &evidence log"
                if not ticked
                else f"Save the scan and {len(ticked)} ticked "
                + ("lead" if len(ticked) == 1 else "leads")
                + " to the &evidence log"
            )
            self.save_button.setAccessibleName(plain_text(self.save_button.text()))

    def _ticked(self) -> list[int]:
        return [
            row
            for row in range(self.findings.count())
            if self.findings.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _chosen(self) -> Device | None:
        row = self.device_list.currentRow()
        if 0 <= row < len(self.devices) and self.devices[row].ready:
            return self.devices[row]
        return None

    # -- the worker ------------------------------------------------------------------------

    def _run(
        self, work: Callable[[background.Job[Any]], object], on_done: Callable[[Any], None]
    ) -> background.Job[Any]:
        """Run ``work(job)`` in the background; ``on_done(result)`` runs back here."""
        self.busy = True
        self._update_buttons()
        return background.run(
            work,
            lambda value: self._finished(on_done, value),
            self._failed,
            on_progress=self._progress,
            owner=self,
            name="android",
        )

    def _progress(self, message: str) -> None:
        self.progress.setText(message + "…")

    def _finished(self, on_done: Callable[[Any], None], value: object) -> None:
        self.busy = False
        self._cancel = None
        self.progress.setText("")
        on_done(value)
        self._update_buttons()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._cancel = None
        if isinstance(error, (AndroidError, IndicatorError)):
            message = str(error)
            if isinstance(error, AdbMissingError):
                message += "\n\n" + error.guidance
            if isinstance(error, IndicatorError) and "still in use" not in message:
                message += " The list you had before is still in use."
        else:  # never a traceback on screen, never lost silently
            message = f"Something went wrong ({type(error).__name__})."
        self.progress.setText(message)
        self._update_buttons()

    # -- actions ---------------------------------------------------------------------------

    def choose_adb(self) -> None:
        chosen = dialogs.ask_open_file(self, "Choose the adb program")
        if not chosen:
            return
        self.session.settings.adb_path = chosen
        self.session.work.save_settings()  # announces the change: the page shows it
        self.on_show()

    def _forget_result(self) -> None:
        """Another look for phones: the last phone's results must not stay on screen."""
        self.result = None
        self.results.hide()
        self.findings.clear()
        self.saved_status.setText("")

    def find_phones(self) -> None:
        try:
            adb = Adb(self._find_adb())
        except AdbMissingError as exc:
            self._show_adb()
            self.device_status.setText(str(exc))
            return
        self._forget_result()
        self.device_status.setText("")

        def look(job: background.Job[Any]) -> list[Device]:
            # Cancel ends adb's command at once, as in a scan (adb can wait long for a phone).
            try:
                return Adb(adb.path, adb.timeout, cancel=job.stop).devices()
            except ScanCancelled as exc:
                raise AndroidError("Stopped looking for phones.") from exc

        self._watch(self._run(look, self._show_devices), "Stopping the search for phones…")

    def _show_devices(self, devices: object) -> None:
        self.devices = list(devices)  # type: ignore[call-overload]
        self.device_list.clear()
        for device in self.devices:
            name = device.model or "Android phone"
            state = "ready" if device.ready else device.state
            self.device_list.addItem(f"{name} (serial {device.serial}): {state}")
        ready = [i for i, d in enumerate(self.devices) if d.ready]
        if ready:
            self.device_list.setCurrentRow(ready[0])
        try:
            choose_device(self.devices, None)
            message = "One phone is ready to scan."
        except AndroidError as exc:
            message = str(exc)
            if len(ready) > 1:
                message = "More than one phone is connected. Choose the one to scan."
        self.device_status.setText(message)

    def scan(self) -> None:
        device = self._chosen()
        if device is None:
            return
        try:
            adb = Adb(self._find_adb())
        except AdbMissingError as exc:
            self.progress.setText(str(exc))
            return
        index = self.store.index()
        work_dir = self.session.data_dir / WORK_FOLDER
        self.results.hide()
        job = self._run(
            lambda job: run_scan(
                adb,
                index,
                serial=device.serial,
                progress=job.say,
                work_dir=work_dir,
                cancel=job.stop,
            ),
            self._show_result,
        )
        self._watch(job, "Stopping the scan…")

    def _watch(self, job: background.Job[Any], stopping: str) -> None:
        """Cancel stops ``job`` (the runner's own flag, which Quick Exit sets too)."""
        self._cancel = job.stop
        self._stopping = stopping
        self._update_buttons()

    def cancel_scan(self) -> None:
        """Stop looking for phones, or the running scan: adb's command is ended at once."""
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.progress.setText(self._stopping)

    def _show_result(self, value: object) -> None:
        result: ScanResult = value  # type: ignore[assignment]
        self.result = result
        self.device_label.setText(
            f"{result.device.describe()}, {result.app_count} apps read at "
            f"{result.scanned_at.astimezone():%H:%M on %d %B %Y}."
        )
        known = bool(result.known_stalkerware)
        self.headline.setText(for_mode(self.session, result.headline))
        self.leads_intro.setText(for_mode(self.session, self.text["leads_intro"]))
        color = concern_color() if known else calm_color() if result.phone_read else caution_color()
        self.headline_box.setStyleSheet(
            "QFrame#boxed { border: 1px solid palette(mid); "
            f"border-left: 5px solid {color.name()}; border-radius: 4px; padding: 6px; }}"
        )
        self.next_steps.setText(
            "Then turn developer options off again (see 'When you have finished' above)."
            if known
            else f"{self.text['clean_next']} Then turn developer options off again."
            if result.phone_read
            else for_mode(self.session, self.text["unread_next"])
        )
        self.findings.clear()
        for finding in result.findings:
            text = finding.title + (f"\n{finding.detail}" if finding.detail else "")
            item = QListWidgetItem(for_mode(self.session, text))
            item.setData(Qt.ItemDataRole.UserRole, finding.check_id)
            # Ticked: saved with the scan.  The person may leave a lead out of the record.
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            # "Developer options on" is expected during a scan: not ticked unless wanted.
            expected = finding.kind == DEVELOPER_OPTIONS
            item.setCheckState(Qt.CheckState.Unchecked if expected else Qt.CheckState.Checked)
            if finding.kind == KNOWN:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setForeground(concern_color())
            self.findings.addItem(item)
        self.leads_intro.setVisible(bool(result.findings))
        self.findings.setVisible(bool(result.findings))
        notes = [f"Note: {p}" for p in result.problems] + list(result.list_warnings)
        self.problems.setText(for_mode(self.session, "\n".join(notes)))
        self.problems.setVisible(bool(notes))
        self.saved_status.setText(
            "" if self.session.case is not None else "Open a case to save these leads in it."
        )
        self.results.show()
        self._update_buttons()
        # The results are below the steps: bring them into view, and the keyboard with them.
        body = self.scroll_area.widget()
        if body is not None and (body_layout := body.layout()) is not None:
            body_layout.activate()
        self.scroll_area.ensureWidgetVisible(self.results_heading, 0, 0)
        self.headline.setFocus()

    def save_to_case(self) -> None:
        if self.result is None or self.session.case is None:
            return
        keep = self._ticked()
        record = self.session.work.record_scan(scan_report(self.result), keep)
        self.saved_status.setText(
            f"Added {len(record.evidence_ids)} entries to the evidence log. The matching "
            "checks show them: look at each one and choose your answer there."
        )
        self.result = None  # saved once; a second press would only repeat the entries
        self._update_buttons()

    def _open_check(self, item: QListWidgetItem) -> None:
        check_id = item.data(Qt.ItemDataRole.UserRole)
        if check_id and self.session.case is not None:
            if any(c.id == check_id for _t, c in self.session.checks()):
                self.check_requested.emit(check_id)

    def update_indicators(self) -> None:
        url = self.session.settings.indicators_url or DEFAULT_INDICATORS_URL
        choice = dialogs.ask(
            self,
            "Update indicators",
            f"SafetyCheck will connect to the internet once, to download the latest list of "
            f"known stalkerware from:\n{url}\n\nSomeone who can see this computer's or the "
            "home router's internet history could see that connection. Nothing about you or "
            "your case is sent.",
            ["Download", "Cancel"],
        )
        if choice != 0:
            return
        store = self.store
        self.progress.setText("Downloading the list…")
        self._run(lambda _job: store.update_from_url(url), self._updated)

    def _updated(self, value: object) -> None:
        self._show_lists()
        self.progress.setText(f"Updated: {value.summary()}.")  # type: ignore[attr-defined]


def plain_text(text: str) -> str:
    return text.replace("&", "")
