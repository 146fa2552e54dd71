"""The evidence dialogs by keyboard alone, and as a screen reader hears them (issue 16).

Every Alt+letter in each dialog is its own and moves to the control its label names; Tab
reaches every control; each file's line says the file, how it was captured and by whom.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)
from test_ui_appointment import clashes, literal_ampersands
from test_ui_evidence import picture, summary_with_case

from safetycheck.evidence.capture import NewFile
from ui.entry_dialog import AddFilesDialog, EntryDialog
from ui.evidence_dialog import EvidenceDialog
from ui.evidence_export import ExportEvidenceDialog
from ui.main_window import mnemonic

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
)


def controls(dialog: QWidget) -> list[QWidget]:
    """What a person can work: shown, enabled, takes the focus (the parts Qt builds inside
    a control, such as a date box's own line, count as that control)."""
    found = []
    for widget in dialog.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(dialog):
            continue
        if not widget.isEnabled() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if any(isinstance(p, CONTROLS) for p in ancestors(widget, dialog)):
            continue  # e.g. the scroll bars of a list
        found.append(widget)
    return found


def ancestors(widget: QWidget, root: QWidget) -> list[QWidget]:
    out = []
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        out.append(parent)
        parent = parent.parentWidget()
    return out


def owner(widget: QWidget | None, wanted: list[QWidget]) -> QWidget | None:
    while widget is not None and widget not in wanted:
        widget = widget.parentWidget()
    return widget


def tab_round(qtbot, dialog: QWidget) -> list[QWidget]:
    """The controls Tab reaches, in order, going twice round."""
    wanted = controls(dialog)
    seen: list[QWidget] = []
    for _ in range(2 * len(wanted) + 2):
        focus = QApplication.focusWidget()
        assert focus is not None and (focus is dialog or dialog.isAncestorOf(focus))
        here = owner(focus, wanted)
        if here is not None and here not in seen:
            seen.append(here)
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    return seen


def labelled(dialog: QWidget) -> dict[str, QWidget]:
    """Alt+letter -> the control it reaches, for every label that has one."""
    out = {}
    for label in dialog.findChildren(QLabel):
        letter = mnemonic(label.text())
        if letter and label.isVisibleTo(dialog) and label.buddy() is not None:
            out[letter] = label.buddy()
    return out


def shown(qtbot, window: QWidget) -> None:
    """Shown and active, as a dialog is when it opens: Alt+letters work only then."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)


def check_keyboard(qtbot, dialog: QWidget, name: str) -> None:
    shown(qtbot, dialog)
    assert clashes(dialog) == {}, name
    assert literal_ampersands(dialog) == [], name
    # Every button's and tick box's Alt+letter is shown, so it can be pressed.
    for button in dialog.findChildren(QAbstractButton):
        if mnemonic(button.text()) and button.isVisibleTo(dialog):
            assert button.focusPolicy() != Qt.FocusPolicy.NoFocus, (name, button.text())
    # Each label's Alt+letter goes to its control.
    for letter, buddy in labelled(dialog).items():
        assert buddy.isVisibleTo(dialog), (name, letter)
        if not buddy.isEnabled():
            continue
        focus = QApplication.focusWidget() or dialog
        qtbot.keyClick(
            focus, getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier
        )
        assert owner(QApplication.focusWidget(), [buddy]) is buddy, (name, letter)
    # Tab reaches every control.
    reached = tab_round(qtbot, dialog)
    missed = [type(w).__name__ for w in controls(dialog) if not in_reach(w, reached)]
    assert missed == [], name


def in_reach(widget: QWidget, reached: list[QWidget]) -> bool:
    """Reached by Tab; a radio button also when Tab reaches its group (Qt's way: Tab goes
    to the chosen one, the arrow keys to the others)."""
    if widget in reached:
        return True
    group = widget.group() if isinstance(widget, QRadioButton) else None
    return group is not None and any(b in reached for b in group.buttons())


@pytest.fixture
def entry_window(ui, tmp_path: Path):
    window = summary_with_case(ui)
    work = window.session.work
    work.add_evidence(
        "Messages he should not know about",
        files=[
            NewFile(picture(tmp_path / "photo.png"), "photo-of-screen", "person"),
            NewFile(picture(tmp_path / "shot.png"), "screenshot"),
        ],
    )
    window.summary.refresh()
    return window


def test_the_evidence_dialogs_by_keyboard_alone(ui, entry_window, tmp_path: Path) -> None:
    qtbot = ui.qtbot
    session = entry_window.session
    [entry] = session.case.evidence
    adding = EvidenceDialog("A check", entry_window, by="advisor")
    qtbot.addWidget(adding)
    adding.set_file(str(picture(tmp_path / "one.png")))
    check_keyboard(qtbot, adding, "evidence")
    more = AddFilesDialog(entry, entry_window, "advisor")
    qtbot.addWidget(more)
    more.capture.add([str(picture(tmp_path / "two.png"))])
    check_keyboard(qtbot, more, "add files")
    shown = EntryDialog(session, entry.id, entry_window)
    qtbot.addWidget(shown)
    check_keyboard(qtbot, shown, "entry")
    export = ExportEvidenceDialog(session, entry_window)
    qtbot.addWidget(export)
    export.protect.setChecked(True)  # the passphrase boxes and their letters
    check_keyboard(qtbot, export, "export evidence")


def test_the_check_finds_a_clash_and_a_control_tab_misses(ui) -> None:
    """The checks above can fail."""
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    root = QWidget()
    ui.qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    layout.addWidget(QPushButton("&Save"))
    layout.addWidget(QPushButton("&Send"))
    assert clashes(root) == {"s": ["&Save", "&Send"]}
    skipped = QLineEdit()
    layout.addWidget(skipped)
    skipped.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # not reached by Tab
    root.findChildren(QPushButton)[0].setFocus()
    shown(ui.qtbot, root)
    assert skipped in controls(root) and skipped not in tab_round(ui.qtbot, root)


def names_heard(widget: QWidget) -> list[str]:
    """What a screen reader reads for each line of a list: Qt's accessibility tree."""
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    return [
        face.child(i).text(QAccessible.Text.Name)
        for i in range(face.childCount())
        if face.child(i).role() == QAccessible.Role.ListItem
    ]


def spoken(widget: QWidget, what: QAccessible.Text) -> str:
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    return face.text(what)


def label_heard(widget: QWidget) -> str:
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    [(label, _)] = face.relations(QAccessible.Relation.Label)
    return label.text(QAccessible.Text.Name)


def test_a_screen_reader_hears_each_file_with_how_and_by_whom(
    ui, entry_window, tmp_path: Path
) -> None:
    session = entry_window.session
    [entry] = session.case.evidence
    shown = EntryDialog(session, entry.id, entry_window)
    ui.qtbot.addWidget(shown)
    shown.show()
    assert names_heard(shown.file_list) == [
        "photo.png: Photo of the screen, taken with another phone or camera, by the person",
        "shot.png: Screenshot, by the advisor",
    ]
    adding = EvidenceDialog("A check", entry_window, by="advisor")
    ui.qtbot.addWidget(adding)
    adding.show()
    adding.set_file(str(picture(tmp_path / "one.png")))
    adding.files.selectAll()
    adding.how.setCurrentIndex(adding.how.findData("saved-file"))
    adding.by.setCurrentIndex(adding.by.findData(""))
    assert names_heard(adding.files) == ["one.png: Saved or exported file, by whom: not said"]
    assert QAccessible.queryAccessibleInterface(adding.files).text(QAccessible.Text.Name) == (
        "Files"
    )
    # On Linux a box is heard by its label (Qt gives it as the "labelled by" relation),
    # then what it shows.
    heard = [
        (label_heard(box), spoken(box, QAccessible.Text.Value)) for box in (adding.how, adding.by)
    ]
    assert heard == [
        ("How captured:", "Saved or exported file"),
        ("Captured by:", "Not said"),
    ]
    assert adding.capture.hint.text() == "How “one.png” was captured, and by whom:"
