"""The iPhone scan page: trust, choose the iPhone, scan, keep the leads chosen.

Everything that talks to the phone runs on the app's one background runner
(``ui.background``), as on the Android page: the window stays responsive, and Cancel or Quick
Exit shuts the open connections at once (a trust wait or a scan ends, and nothing is kept).
Nothing from the phone is written anywhere until the person presses "Save to the evidence
log", and then only the leads left ticked, through the case service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetycheck.android.indicators import CREDIT, IndicatorStore
from safetycheck.iphone.errors import (
    IPhoneError,
    LinkMissingError,
    NotTrustedError,
    SeveralPhonesError,
)
from safetycheck.iphone.pairing import forget_record
from safetycheck.iphone.scan import ScanResult, run_scan, scan_report
from safetycheck.iphone.text import message, scan_text
from safetycheck.iphone.usbmux import MuxDevice, Usbmux, choose_device
from safetycheck.iphone.wire import Cancel
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


def _button(text: str, name: str, description: str) -> QPushButton:
    button = describe(QPushButton(text), name, description)
    button.setAutoDefault(False)
    return button


class IPhoneScanPage(QWidget):
    #: The person asked to open the check a finding belongs to.
    check_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.text: dict[str, Any] = scan_text()
        words: dict[str, str] = self.text["page"]
        self.words = words
        self.devices: list[MuxDevice] = []
        self.result: ScanResult | None = None
        self.busy = False
        self._job: background.Job[Any] | None = None  # while something runs that Cancel stops
        self._stopping = ""  # what Cancel says while it stops it

        layout = scrolling_page(
            self,
            reading=(
                "iPhone scan",
                "How to scan an iPhone, and what the scan found. Use the arrow keys or Page "
                "Down to read on, Tab to go from one button to the next.",
            ),
        )
        layout.addWidget(heading("Scan an iPhone"))
        layout.addWidget(paragraph(words["intro"]))

        self.caution_text = paragraph(self.text["trust_caution"])
        self.caution_box = caution_box(
            words["caution_title"],
            [paragraph(self.text["trust_intro"]), self.caution_text],
            "Caution",
        )
        layout.addWidget(self.caution_box)
        layout.addWidget(heading("Before you scan", 3))
        layout.addWidget(list_label(self.text["trust_steps"], ordered=True))
        layout.addWidget(heading("When you have finished", 3))
        layout.addWidget(list_label(self.text["undo_steps"], ordered=True))

        # 1. the computer's USB helper and the phone
        layout.addWidget(heading("1. Choose the iPhone", 2))
        self.helper_status = paragraph(words["helper_unknown"])
        self.helper_status.setAccessibleName("USB helper")
        layout.addWidget(self.helper_status)
        row = QHBoxLayout()
        self.find_button = _button(
            "&Find connected iPhones",
            "Find connected iPhones",
            "Look for iPhones connected to this computer by USB cable. "
            "Nothing on the iPhone is changed.",
        )
        row.addWidget(self.find_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.device_list = describe(
            QListWidget(),
            "Connected iPhones",
            "The iPhones connected to this computer. Choose the one to scan.",
        )
        self.device_list.setMaximumHeight(self.device_list.fontMetrics().lineSpacing() * 5 + 12)
        layout.addWidget(self.device_list)
        self.device_status = paragraph()
        layout.addWidget(self.device_status)

        # 2. scan
        layout.addWidget(heading("2. Scan", 2))
        row = QHBoxLayout()
        self.scan_button = _button(
            "&Scan this iPhone",
            "Scan this iPhone",
            "Read the chosen iPhone's apps, profiles and settings and look for known "
            "stalkerware. Nothing on the iPhone is changed.",
        )
        self.trust_button = _button(
            "Ask the iPhone to &trust this computer…",
            "Ask the iPhone to trust this computer",
            "The iPhone shows 'Trust This Computer?'. This is the one thing the scan changes "
            "on the iPhone: it then remembers this computer.",
        )
        self.cancel_button = _button(
            "Ca&ncel", "Cancel", "Stop at once. Nothing from the iPhone is saved."
        )
        for button in (self.scan_button, self.trust_button, self.cancel_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = muted(paragraph())
        self.progress.setAccessibleName("Scan progress")
        layout.addWidget(self.progress)

        # Results
        self.results = QWidget()
        results_layout = QVBoxLayout(self.results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(heading("What the scan found", 2))
        self.device_label = paragraph()
        results_layout.addWidget(self.device_label)
        self.headline = paragraph()
        self.headline.setAccessibleName("Scan result")
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
        self.save_button = _button(
            "Save to the &evidence log",
            "Save to the evidence log",
            "Add the ticked leads to this case's evidence log, with the time and the iPhone's "
            "details. Your answers are not changed: you confirm each check yourself.",
        )
        row.addWidget(self.save_button)
        row.addStretch(1)
        results_layout.addLayout(row)
        self.saved_status = paragraph()
        results_layout.addWidget(self.saved_status)
        self.results.hide()
        layout.addWidget(self.results)

        # 3. forget, and the lists
        layout.addWidget(heading("When you are done with this iPhone", 2))
        row = QHBoxLayout()
        self.forget_button = _button(
            "Forget this iPhone on this &computer",
            "Forget this iPhone on this computer",
            "Delete the key SafetyCheck keeps for the chosen iPhone. The iPhone itself forgets "
            "this computer only when you reset Location & Privacy on it.",
        )
        row.addWidget(self.forget_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.forget_status = paragraph()
        layout.addWidget(self.forget_status)
        layout.addWidget(heading("Known stalkerware lists", 2))
        self.lists_label = paragraph()
        layout.addWidget(self.lists_label)
        self.credit = muted(paragraph(CREDIT))
        self.credit.setAccessibleName("Credit for the stalkerware lists")
        layout.addWidget(self.credit)
        layout.addStretch(1)

        self.find_button.clicked.connect(self.find_phones)
        self.scan_button.clicked.connect(lambda: self.scan(allow_pair=False))
        self.trust_button.clicked.connect(self.ask_to_trust)
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.save_button.clicked.connect(self.save_to_case)
        self.forget_button.clicked.connect(self.forget)
        self.device_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.findings.itemActivated.connect(self._open_check)
        self.session.case_opened.connect(lambda _case: self._update_buttons())
        self.on_show()

    # -- state ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Nothing typed on this page waits to be saved."""

    def on_show(self) -> None:
        self.caution_text.setText(for_mode(self.session, self.text["trust_caution"]))
        lists = IndicatorStore(self.session.data_dir).lists()
        lines = [f"{lst.label}: {lst.summary()}." for lst in lists]
        lines += [w for w in (lst.age_warning() for lst in lists) if w]
        lines.append(self.words["lists_note"])
        self.lists_label.setText(for_mode(self.session, "\n".join(lines)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy
        chosen = self._chosen() is not None
        self.find_button.setEnabled(idle)
        self.scan_button.setEnabled(idle and chosen)
        self.trust_button.setEnabled(idle and chosen)
        self.forget_button.setEnabled(idle and chosen)
        self.cancel_button.setEnabled(self.busy and self._job is not None)
        self.save_button.setEnabled(
            idle and self.result is not None and self.session.case is not None
        )

    def _chosen(self) -> MuxDevice | None:
        row = self.device_list.currentRow()
        return self.devices[row] if 0 <= row < len(self.devices) else None

    # -- the worker ------------------------------------------------------------------------

    def _run(
        self,
        work: Callable[[Cancel, Callable[[str], None]], object],
        on_done: Callable[[object], None],
        stopping: str,
    ) -> None:
        """Run ``work(cancel, progress)`` on the app's runner (``ui.background``); ``on_done``
        runs here.  Cancel and Quick Exit stop the job, and the job's stop shuts the
        connections ``cancel`` watches, so no wait for the phone outlasts them."""
        self.busy = True
        cancel = Cancel()
        self._stopping = stopping
        self._job = background.run(
            lambda job: work(cancel, job.say),
            lambda value: self._finished(on_done, value),
            self._failed,
            on_progress=self._progress,
            owner=self,
            name="iphone",
        )
        self._job.when_stopped(cancel.cancel)
        self._update_buttons()

    def _progress(self, text: str) -> None:
        self.progress.setText(text if text.endswith(".") else text + "…")

    def _finished(self, on_done: Callable[[object], None], value: object) -> None:
        self.busy = False
        self._job = None
        self.progress.setText("")
        on_done(value)
        self._update_buttons()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._job = None
        if not isinstance(error, IPhoneError):  # never a traceback on screen, never lost
            error = IPhoneError(f"Something went wrong ({type(error).__name__}).")
        text = str(error)
        if isinstance(error, LinkMissingError):
            self.helper_status.setText(f"{error}\n\n{error.guidance}")
        if isinstance(error, NotTrustedError):
            text += " " + self.words["trust_ask"]
        self.progress.setText(text)
        self._update_buttons()

    # -- actions ---------------------------------------------------------------------------

    def find_phones(self) -> None:
        self.device_status.setText("")
        self.results.hide()
        self.result = None
        self._run(
            lambda cancel, _say: Usbmux(cancel=cancel).devices(),
            self._show_devices,
            self.words["stopping_find"],
        )

    def _show_devices(self, value: object) -> None:
        found: list[MuxDevice] = value  # type: ignore[assignment]
        self.helper_status.setText(self.words["helper_ready"])
        self.devices = [d for d in found if d.connection == "USB"]
        self.device_list.clear()
        for device in self.devices:
            self.device_list.addItem(f"iPhone, id {device.udid}")
        if self.devices:
            self.device_list.setCurrentRow(0)
        try:
            choose_device(self.devices, None)
            status = self.words["found_one"]
        except SeveralPhonesError:
            status = message("several")
        except IPhoneError as exc:
            status = str(exc)
        self.device_status.setText(status)

    def scan(self, *, allow_pair: bool) -> None:
        device = self._chosen()
        if device is None:
            return
        index = IndicatorStore(self.session.data_dir).index()
        data_dir = self.session.data_dir
        codec = self.session.work.codec  # seals SafetyCheck's key for the phone, if protected
        self.results.hide()
        self.result = None
        self.forget_status.setText("")
        self._run(
            lambda cancel, say: run_scan(
                Usbmux(cancel=cancel),
                index,
                data_dir,
                udid=device.udid,
                progress=say,
                allow_pair=allow_pair,
                codec=codec,
            ),
            self._show_result,
            self.words["stopping"],
        )

    def ask_to_trust(self) -> None:
        choice = dialogs.ask(
            self,
            self.words["trust_question"],
            f"{for_mode(self.session, self.text['trust_caution'])}\n\n{self.words['trust_ask']}",
            ["Ask the iPhone", "Cancel"],
            default=1,
        )
        if choice == 0:
            self.scan(allow_pair=True)

    def cancel_scan(self) -> None:
        """Stop the running look or scan: the connections waiting for the iPhone are shut
        at once."""
        if self._job is not None:
            self._job.request_stop()
            self.cancel_button.setEnabled(False)
            self.progress.setText(self._stopping)

    def _show_result(self, value: object) -> None:
        result: ScanResult = value  # type: ignore[assignment]
        self.result = result
        self.device_label.setText(
            f"{result.device.describe()}. {result.app_count} apps read "
            f"({result.user_app_count} not Apple's own) at "
            f"{result.scanned_at.astimezone():%H:%M on %d %B %Y}."
        )
        strong = any(f.strong for f in result.findings)
        self.headline.setText(for_mode(self.session, result.headline))
        self.leads_intro.setText(for_mode(self.session, self.text["leads_intro"]))
        color = concern_color() if strong else calm_color() if result.complete else caution_color()
        self.headline_box.setStyleSheet(
            "QFrame#boxed { border: 1px solid palette(mid); "
            f"border-left: 5px solid {color.name()}; border-radius: 4px; padding: 6px; }}"
        )
        if not result.phone_read:
            self.next_steps.setText(for_mode(self.session, self.text["unread_next"]))
        else:
            self.next_steps.setText("" if result.known_stalkerware else self.text["clean_next"])
        self.findings.clear()
        for finding in result.findings:
            text = finding.title + (f"\n{finding.detail}" if finding.detail else "")
            item = QListWidgetItem(for_mode(self.session, text))
            item.setData(Qt.ItemDataRole.UserRole, finding.check_id)
            # Ticked: saved with the scan.  The person may leave a lead out of the record.
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            if finding.strong:
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
        self.saved_status.setText("" if self.session.case is not None else self.words["open_case"])
        self.results.show()

    def kept_rows(self) -> list[int]:
        return [
            row
            for row in range(self.findings.count())
            if self.findings.item(row).checkState() == Qt.CheckState.Checked
        ]

    def save_to_case(self) -> None:
        if self.result is None or self.session.case is None:
            return
        record = self.session.work.record_scan(scan_report(self.result), self.kept_rows())
        self.saved_status.setText(self.words["saved"].format(count=len(record.evidence_ids)))
        self.result = None  # saved once; a second press would only repeat the entries
        self._update_buttons()

    def forget(self) -> None:
        device = self._chosen()
        if device is None:
            return
        forgot = forget_record(self.session.data_dir, device.udid)
        self.forget_status.setText(self.words["forgot" if forgot else "no_key"])

    def _open_check(self, item: QListWidgetItem) -> None:
        check_id = item.data(Qt.ItemDataRole.UserRole)
        if check_id and self.session.case is not None:
            if any(c.id == check_id for _t, c in self.session.checks()):
                self.check_requested.emit(check_id)
