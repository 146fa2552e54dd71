"""Settings for the Android scan: where adb is, and where "Update indicators" downloads from."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

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
        self.adb_path.setPlaceholderText("Search the usual places")
        self.choose = describe(
            QPushButton("C&hoose…"), "Choose adb", "Pick the adb program on this computer."
        )
        self.choose.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.adb_path, 1)
        row.addWidget(self.choose)
        # A label of its own pointing at the field: a form label for a row of two shows
        # its "&" as a character instead of underlining a letter.
        adb_label = QLabel("The a&db program:")
        adb_label.setBuddy(self.adb_path)
        form.addRow(adb_label, row)
        # Whether it was found, said plainly (the empty field used to say "Found
        # automatically" on a computer without adb).
        self.found = muted(paragraph())
        self.found.setAccessibleName("Where adb was found")
        form.addRow(self.found)
        self.url = describe(
            QLineEdit(),
            "Indicator list address",
            "Where 'Update indicators' downloads the list of known stalkerware from. "
            "Leave empty for Echap's list.",
        )
        self.url.setPlaceholderText(DEFAULT_INDICATORS_URL)
        form.addRow("List add&ress:", self.url)
        form.addRow(
            muted(
                paragraph(
                    "SafetyCheck only goes online when you press 'Update indicators' on the "
                    "phone scan page."
                )
            )
        )
        self.choose.clicked.connect(self._choose)

        self.adb_path.textChanged.connect(self._show_found)

    def _choose(self) -> None:
        chosen = dialogs.ask_open_file(self, "Choose the adb program")
        if chosen:
            self.adb_path.setText(chosen)

    def _show_found(self) -> None:
        self.found.setText(adb_found_text(self.adb_path.text().strip()))

    def load(self, settings: Settings) -> None:
        self.adb_path.setText(settings.adb_path)
        self.url.setText(settings.indicators_url)
        self._show_found()

    def apply(self, settings: Settings) -> None:
        settings.adb_path = self.adb_path.text().strip()
        url = self.url.text().strip()
        settings.indicators_url = "" if url == DEFAULT_INDICATORS_URL else url


def adb_found_text(chosen: str) -> str:
    """Whether SafetyCheck can use adb, with the field as it is (chosen path or empty)."""
    from safetycheck.android.adb import AdbMissingError, find_adb

    try:
        path = find_adb(chosen or None)
    except AdbMissingError as exc:
        return str(exc)
    return f"Found: {path}"
