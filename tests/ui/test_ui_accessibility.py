"""Every interactive control on the main screens and dialogs has a name and a description.

The walk covers every widget, visible or not (hidden pages of the stack too),
and skips only the parts Qt builds inside composite controls (a spin box's
text field, a view's header, scroll bars), which Qt names itself.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
)

from safetycheck.case import Status
from ui.action_dialog import ActionDialog
from ui.evidence_dialog import EvidenceDialog
from ui.export_dialog import ExportDialog
from ui.first_start import FirstStartDialog
from ui.settings_dialog import SettingsDialog

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def _internal(widget: QWidget, root: QWidget) -> bool:
    """Part of another control's own machinery (a combo box's list, a line edit's button)."""
    if isinstance(widget, (QScrollBar, QHeaderView)):
        return True
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, INTERACTIVE):
            return True
        parent = parent.parentWidget()
    return False


def unnamed(root: QWidget) -> list[str]:
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or _internal(widget, root):
            continue
        label = f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r}"
        if not widget.accessibleName().strip():
            problems.append(f"{label}: no accessible name")
        if not widget.accessibleDescription().strip():
            problems.append(f"{label}: no accessible description")
    return problems


def test_main_screens_name_every_control(ui) -> None:
    window = ui.start(mode="advisor")
    window.show_page("cases")  # going back to the list closes the case, so it comes first
    window.session.work.create("Walk")
    window.session.work.set_intake(["android", "car", "smart-home"])
    window.session.work.add_action("Plan something")
    window.session.work.add_evidence("Saw something")
    window.checking.go_to_check("t-phone-location")  # has a make/version selector
    checked = 0
    for key in ("intake", "checks", "summary"):
        window.show_page(key)
        assert window.pages[key].widget.isVisible()
        checked += 1
    assert window.checking.page.check.id == "t-phone-location"
    assert not window.checking.page.variant_row.isHidden()
    window.checking.page.status_buttons[Status.CONCERN].click()
    assert unnamed(window) == []
    assert checked == 3


def test_dialogs_name_every_control(ui, qtbot) -> None:
    window = ui.start(mode="advisor")
    for dialog in (
        FirstStartDialog(ui.data_dir, "SafetyCheck"),
        EvidenceDialog("A check"),
        ActionDialog(),
        ExportDialog(),
        SettingsDialog(window.session),
    ):
        qtbot.addWidget(dialog)
        assert unnamed(dialog) == [], type(dialog).__name__


def test_the_walk_finds_an_unnamed_control(qtbot) -> None:
    """The check itself can fail: a bare button is reported."""
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    QVBoxLayout(root).addWidget(QPushButton("Go"))
    assert unnamed(root) == [
        "QPushButton 'Go': no accessible name",
        "QPushButton 'Go': no accessible description",
    ]
