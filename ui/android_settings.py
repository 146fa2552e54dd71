"""Settings for the Android scan: where adb is, and where "Update indicators" downloads from."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from safetycheck.android.indicators import DEFAULT_INDICATORS_URL
from safetycheck.settings import Settings
from ui import dialogs
from ui.accessible import describe
from ui.settings_dialog import SettingsSection
from ui.style import muted, paragraph


class AndroidSection(SettingsSection):
    title_text = "Android phone scan"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.adb_path = describe(
            QLineEdit(),
            "Path to adb",
            "Where the adb program from Google is, if SafetyCheck cannot find it by itself. "
            "Leave empty to search the usual places.",
        )
        self.adb_path.setPlaceholderText("Found automatically")
        self.choose = describe(
            QPushButton("C&hoose…"), "Choose adb", "Pick the adb program on this computer."
        )
        self.choose.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.adb_path, 1)
        row.addWidget(self.choose)
        form.addRow("The &adb program:", row)
        self.url = describe(
            QLineEdit(),
            "Indicator list address",
            "Where 'Update indicators' downloads the list of known stalkerware from. "
            "Leave empty for Echap's list.",
        )
        self.url.setPlaceholderText(DEFAULT_INDICATORS_URL)
        form.addRow("&List address:", self.url)
        form.addRow(
            muted(
                paragraph(
                    "SafetyCheck only goes online when you press 'Update indicators' on the "
                    "phone scan page."
                )
            )
        )
        self.choose.clicked.connect(self._choose)

    def _choose(self) -> None:
        chosen = dialogs.ask_open_file(self, "Choose the adb program")
        if chosen:
            self.adb_path.setText(chosen)

    def load(self, settings: Settings) -> None:
        self.adb_path.setText(settings.adb_path)
        self.url.setText(settings.indicators_url)

    def apply(self, settings: Settings) -> None:
        settings.adb_path = self.adb_path.text().strip()
        url = self.url.text().strip()
        settings.indicators_url = "" if url == DEFAULT_INDICATORS_URL else url
