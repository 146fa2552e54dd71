"""The main window: a header that never moves, a stack of pages, a quiet "Saved".

Pages live in a small registry (:meth:`MainWindow.add_page`), so a later part
(the Android phone scan, for example) adds a page and its header button with
one call; each page meets :class:`PageView`.  The Quick Exit button is always at
the top right.  The window is built with its session, which starts locked: the
frame (and Quick Exit) is on screen before the folder is unlocked and any case
is read, and :meth:`MainWindow.start` shows the first page once it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safetycheck.settings import MODE_ADVISOR
from ui import dialogs
from ui.accessible import describe
from ui.idle_lock import IdleLock
from ui.style import boxed, caution_color, muted, scaled_font
from ui.titles import APP_TITLE, NEUTRAL_TITLE

if TYPE_CHECKING:
    import datetime as dt

    from PySide6.QtGui import QCloseEvent

    from ui.case_list import CaseListPage
    from ui.checking import CheckingPage
    from ui.intake import IntakePage
    from ui.quick_exit import QuickExit
    from ui.session import Session
    from ui.summary import SummaryPage


HEADER_STYLE = (
    "QFrame#header QPushButton { padding: 4px 10px; border: 2px solid palette(mid);"
    " border-radius: 4px; background: palette(button); color: palette(button-text); }"
    'QFrame#header QPushButton[flat="true"] { border-color: transparent;'
    " background: transparent; color: palette(window-text); }"
    'QFrame#header QPushButton[current="true"] { background: palette(highlight);'
    " color: palette(highlighted-text); }"
    "QFrame#header QPushButton:disabled { color: palette(placeholder-text); }"
    "QFrame#header QPushButton:focus { border: 2px solid palette(window-text); }"
)


#: A title bar and borders, before the window is shown and Qt can measure them (Windows 11:
#: 31 px of title bar and 8 px borders; most Linux desktops less).
FRAME_GUESS = QSize(16, 39)


def fitted(wanted: QSize, available: QSize, frame: QSize) -> QSize:
    """``wanted``, made small enough that the window with its frame fits ``available``.

    The 1000x720 window with its title bar was taller than a 1280x720 screen, so "Saved"
    and Next were cut off; on Windows the taskbar hid more.  ``available`` is the
    screen's free area (without the taskbar)."""
    return QSize(
        max(320, min(wanted.width(), available.width() - frame.width())),
        max(240, min(wanted.height(), available.height() - frame.height())),
    )


def mnemonic(text: str) -> str:
    """The Alt+letter of a button's words, lower case ("" for none)."""
    index = text.replace("&&", "\0\0").find("&")
    return text[index + 1].lower() if 0 <= index < len(text) - 1 else ""


def plain(text: str) -> str:
    """A button's words without its mnemonic mark, for its accessible name."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _message() -> QLabel:
    """A wrapping label for the banners (no Qt enums: the frame draws before they load)."""
    label = QLabel()
    label.setWordWrap(True)
    return label


@runtime_checkable
class PageView(Protocol):
    """What every page of the window does (checked when the page is built)."""

    def on_show(self) -> None:
        """Called each time the page is shown."""
        ...

    def flush(self) -> None:
        """Save what is typed but not saved yet (before another page, before quitting)."""
        ...


@runtime_checkable
class KeepsDraft(Protocol):
    """A dialog that keeps what was typed in it when Quick Exit closes it."""

    def keep_draft(self) -> None: ...


@dataclass
class Page:
    key: str
    factory: Callable[[], QWidget]
    button: QPushButton | None
    needs_case: bool
    advisor_only: bool
    widget: QWidget | None = None
    view: PageView | None = None
    # Shown only for a case that has this (an intake option or topic id, e.g. "iphone").
    needs_topic: str | None = None


class MainWindow(QMainWindow):
    def __init__(self, session: Session, quick_exit: QuickExit) -> None:
        """Build the window's frame: header, Quick Exit, banners, an empty page stack.

        ``session`` may still be locked (no case can be read yet): the frame and Quick Exit
        are on screen first, and :meth:`start` shows the first page once it is unlocked.
        """
        super().__init__()
        self.session = session
        self.settings = session.settings
        session.setParent(self)  # one owner, so Qt deletes them together and in order
        self.pages: dict[str, Page] = {}
        self.current_key = ""
        central = QWidget()
        self.setCentralWidget(central)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        # Header: where you are, the page buttons, Settings, and Quick Exit (always right).
        header = QFrame()
        header.setObjectName("header")
        header.setFrameShape(QFrame.Shape.NoFrame)
        header.setAutoFillBackground(True)
        header.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.header_layout = QHBoxLayout(header)
        self.header_layout.setContentsMargins(10, 6, 10, 6)
        self.place = QLabel()
        self.place.setFont(scaled_font(self.place.font(), 1.1, bold=True))
        self.header_layout.addWidget(self.place)
        self.header_layout.addSpacing(12)
        # No QButtonGroup: Qt makes checkable buttons in a group one Tab stop (the rest by
        # arrow keys, which nothing says), so "Summary" was out of a keyboard user's reach.
        # ``_mark_nav`` marks the current page's button.
        self.nav_layout = QHBoxLayout()
        self.header_layout.addLayout(self.nav_layout)
        self.header_layout.addStretch(1)
        self.settings_button = describe(
            QPushButton("Sett&ings"),
            "Settings",
            "Change who is using the app, privacy options and more.",
        )
        self.quick_exit_button = describe(
            QPushButton("&Quick Exit"),
            "Quick Exit",
            "Hide this window at once and close SafetyCheck. Your answers are kept. "
            "You can also press Esc twice, or Ctrl+Q.",
        )
        self.quick_exit_button.setFont(scaled_font(self.quick_exit_button.font(), 1.0, bold=True))
        self.quick_exit_button.setMinimumHeight(self.quick_exit_button.sizeHint().height() + 8)
        for button in (self.settings_button, self.quick_exit_button):
            button.setAutoDefault(False)
            self.header_layout.addWidget(button)
        # The style's own focus mark was invisible on the flat page buttons: a clear border
        # in the text colour shows where the keyboard is, on the pressed-in button too.
        header.setStyleSheet(HEADER_STYLE)
        layout.addWidget(header)

        # Banners (a failed save, content that could not be read) are built when needed.
        self.banners = QVBoxLayout()
        self.banners.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.banners)
        self._save_frame: QWidget | None = None
        self._problems_frame: QWidget | None = None

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)

        self.saved_label = muted(QLabel(""))
        self.saved_label.setAccessibleName("Save status")
        self.statusBar().addPermanentWidget(self.saved_label)
        self.statusBar().setSizeGripEnabled(False)

        # Pages are built the first time they are shown: start-up builds only one.
        self.add_page(
            "cases",
            self._build_case_list,
            "A&ll cases",
            "See every case.",
            needs_case=False,
            advisor_only=True,
        )
        self.add_page(
            "intake", self._build_intake, "W&hat you have", "Choose what you have or use."
        )
        self.add_page(
            "checks", self._build_checking, "Chec&ks", "Go through the checks one by one."
        )
        self.add_page(
            "summary", self._build_summary, "Su&mmary", "What was found, the plan and evidence."
        )
        self.add_page(
            "android",
            self._build_android_scan,
            "An&droid scan",
            "Scan an Android phone over USB for known stalkerware. Nothing on it is changed.",
            needs_topic="android",
        )
        self.add_page(
            "iphone",
            self._build_iphone_scan,
            "iPhone sc&an",
            "Scan an iPhone over USB for known stalkerware, profiles and device management. "
            "Nothing on it is changed.",
            needs_topic="iphone",
        )
        self.add_page(
            "computer",
            self._build_computer_scan,
            "This comp&uter",
            "Check this computer for remote-access and monitoring tools. Nothing is changed.",
        )

        work = session.work
        #: Locks after the chosen idle time when the folder has a passphrase (set in start).
        self.idle_lock = IdleLock(
            self,
            work.check_passphrase,
            lambda: NEUTRAL_TITLE if self.settings.neutral_title else APP_TITLE,
            self.flush,
            active=lambda: work.is_protected,
        )
        self.quick_exit_button.clicked.connect(quick_exit.trigger)
        quick_exit.exiting.connect(self.flush)
        self.settings_button.clicked.connect(self.open_settings)
        session.saved.connect(self._saved)
        session.save_failed.connect(self._save_failed)
        session.case_opened.connect(lambda _case: self._case_state())
        session.topics_changed.connect(self._case_state)
        session.case_changed.connect(self._update_title)
        session.content_loaded.connect(self._show_problems)
        session.settings_changed.connect(
            lambda: self.idle_lock.set_minutes(self.settings.idle_lock_minutes)
        )
        self._case_state()
        self._fitted_once = False
        self.resize(self._initial_size())

    def _banner(self, button: QPushButton) -> tuple[QWidget, QLabel]:
        inner = QWidget()
        row = QHBoxLayout(inner)
        message = _message()
        row.addWidget(message, 1)
        row.addWidget(button)
        frame = boxed(inner, caution_color())
        self.banners.addWidget(frame)
        return frame, message

    @property
    def save_frame(self) -> QWidget:
        """A failed save: the store's message and "Try again" (the change stays in memory)."""
        if self._save_frame is None:
            self.retry_button = describe(
                QPushButton("Try again"), "Try again", "Try to save your latest changes again."
            )
            self.retry_button.clicked.connect(self.session.work.save)
            self._save_frame, self.save_message = self._banner(self.retry_button)
        return self._save_frame

    @property
    def problems_frame(self) -> QWidget:
        """Checklist files that could not be loaded (the rest still work)."""
        if self._problems_frame is None:
            self.problems_close = describe(
                QPushButton("OK"), "Hide this message", "Hide the message about checklist files."
            )
            frame, self.problems_message = self._banner(self.problems_close)
            self.problems_close.clicked.connect(frame.hide)
            self._problems_frame = frame
        return self._problems_frame

    def _initial_size(self) -> QSize:
        """The size the person left it at, or roomy enough for a check page; within the
        screen's free area with the title bar and borders counted (see ``fitted``)."""
        hint = self.sizeHint()
        remembered = self.settings.window_size
        if len(remembered) == 2 and all(isinstance(v, int) and v > 0 for v in remembered):
            wanted = QSize(remembered[0], remembered[1])
        else:
            wanted = QSize(max(hint.width(), 1000), max(hint.height(), 720))
        screen = self.screen()
        if screen is None:
            return wanted
        return fitted(wanted, screen.availableGeometry().size(), self._frame())

    def _frame(self) -> QSize:
        """The window manager's title bar and borders: measured once the window is on
        screen, guessed before (Qt cannot know them until the window is shown)."""
        frame = self.frameGeometry().size() - self.geometry().size()
        if self.isVisible() and (frame.width() > 0 or frame.height() > 0):
            return frame
        return FRAME_GUESS

    def setVisible(self, visible: bool) -> None:
        """The first time it is shown: fit it to the screen once its frame is known.

        Here, not in ``showEvent``: a Python ``showEvent`` makes PySide build the
        QEvent.Type enum (about 2 ms) before the window is mapped; this waits until
        the window is on screen (docs/performance.md, start-up).
        """
        super().setVisible(visible)
        if visible and not self._fitted_once:
            self._fitted_once = True
            QTimer.singleShot(0, self, self._fit_screen)

    def _fit_screen(self) -> None:
        """Once the real frame is known: shrink and move the window so all of it, title
        bar included, is inside the screen's free area (taskbar and panels left out)."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        area = screen.availableGeometry()
        size = fitted(self.size(), area.size(), self._frame())
        if size != self.size():
            self.resize(size)
        place = self.frameGeometry()
        place.moveRight(min(place.right(), area.right()))
        place.moveBottom(min(place.bottom(), area.bottom()))
        place.moveLeft(max(place.left(), area.left()))
        place.moveTop(max(place.top(), area.top()))
        if place.topLeft() != self.frameGeometry().topLeft():
            self.move(place.topLeft())

    def remember_size(self) -> None:
        """Keep the size the person left the window at, for the next start."""
        if self.isMaximized() or self.isFullScreen() or self.session is None:
            return
        size = [self.width(), self.height()]
        if self.settings.window_size != size:
            self.settings.window_size = size
            self.session.work.save_settings()

    # -- the pages -----------------------------------------------------------------------
    # Each is imported and built on first use, so start-up pays for one page only.

    def _build_case_list(self) -> QWidget:
        from ui.case_list import CaseListPage

        page = CaseListPage(self.session)
        page.open_requested.connect(self.open_case)
        return page

    def _build_intake(self) -> QWidget:
        from ui.intake import IntakePage

        page = IntakePage(self.session)
        page.done.connect(lambda: self.show_page("checks"))
        return page

    def _build_checking(self) -> QWidget:
        from ui.checking import CheckingPage

        page = CheckingPage(self.session)
        page.finished.connect(lambda: self.show_page("summary"))
        return page

    def _build_summary(self) -> QWidget:
        from ui.summary import SummaryPage

        page = SummaryPage(self.session)
        page.check_requested.connect(self.show_check)
        page.export_requested.connect(self.export)
        return page

    def _build_iphone_scan(self) -> QWidget:
        from ui.iphone_scan import IPhoneScanPage

        page = IPhoneScanPage(self.session)
        page.check_requested.connect(self.show_check)
        return page

    def _build_computer_scan(self) -> QWidget:
        from ui.computer_scan import ComputerScanPage

        page = ComputerScanPage(self.session)
        page.check_requested.connect(self.show_check)
        return page

    def _build_android_scan(self) -> QWidget:
        from ui.android_scan import AndroidScanPage

        page = AndroidScanPage(self.session)
        page.check_requested.connect(self.show_check)
        return page

    @property
    def case_list(self) -> CaseListPage:
        return cast("CaseListPage", self.page_widget("cases"))

    @property
    def intake(self) -> IntakePage:
        return cast("IntakePage", self.page_widget("intake"))

    @property
    def checking(self) -> CheckingPage:
        return cast("CheckingPage", self.page_widget("checks"))

    @property
    def summary(self) -> SummaryPage:
        return cast("SummaryPage", self.page_widget("summary"))

    # -- the page registry ---------------------------------------------------------------

    def add_page(
        self,
        key: str,
        factory: Callable[[], QWidget],
        nav_text: str | None = None,
        nav_description: str = "",
        *,
        needs_case: bool = True,
        advisor_only: bool = False,
        needs_topic: str | None = None,
    ) -> None:
        """Add a page: ``factory`` builds it when it is first shown.

        The page must meet :class:`PageView`.  With ``nav_text`` the page also gets a
        button in the header, with an Alt+letter (mark it with "&", or the first letter no
        other header button uses is taken).
        """
        button = None
        if nav_text:
            nav_text = self._with_mnemonic(nav_text)
            button = describe(QPushButton(nav_text), plain(nav_text), nav_description)
            # Not checkable: a screen reader called a checkable page button a "check box"
            # ("Summary, check box, not checked"). The page you are on is drawn filled and
            # its description says so.
            button.setProperty("nav_description", nav_description)
            button.setAutoDefault(False)
            button.setFlat(True)
            self.nav_layout.addWidget(button)
            button.clicked.connect(lambda _=False, k=key: self.show_page(k))
            button.clicked.connect(self._mark_nav)
        self.pages[key] = Page(
            key, factory, button, needs_case, advisor_only, needs_topic=needs_topic
        )

    def _with_mnemonic(self, text: str) -> str:
        if "&" in text.replace("&&", ""):
            return text
        buttons = [p.button for p in self.pages.values() if p.button is not None]
        buttons += [self.settings_button, self.quick_exit_button]
        taken = {mnemonic(b.text()) for b in buttons}
        for index, letter in enumerate(text):
            if letter.isalnum() and letter.lower() not in taken:
                return text[:index] + "&" + text[index:]
        return text

    def page_widget(self, key: str) -> QWidget:
        page = self.pages[key]
        if page.widget is None:
            widget = page.factory()
            if not isinstance(widget, PageView):
                raise TypeError(f"the {key!r} page needs on_show() and flush()")
            page.widget, page.view = widget, widget
            self.stack.addWidget(widget)
        return page.widget

    def show_page(self, key: str) -> None:
        page = self.pages[key]
        work = self.session.work
        if not work.is_unlocked or (page.needs_case and work.case is None):
            return
        if not self._has_topic(page):
            return
        self.flush()
        self.current_key = key
        self.stack.setCurrentWidget(self.page_widget(key))
        self._mark_nav()
        assert page.view is not None
        page.view.on_show()

    def _mark_nav(self) -> None:
        for key, page in self.pages.items():
            if page.button is not None:
                current = key == self.current_key
                if page.button.property("current") != current:
                    page.button.setProperty("current", current)
                    page.button.style().unpolish(page.button)
                    page.button.style().polish(page.button)
                described = page.button.property("nav_description") or plain(page.button.text())
                page.button.setAccessibleDescription(
                    f"{described} This is the page you are on." if current else described
                )

    def _case_state(self) -> None:
        has_case = self.session.case is not None
        ready = self.session.work.is_unlocked
        advisor = self.settings.mode == MODE_ADVISOR
        for page in self.pages.values():
            if page.button is None:
                continue
            page.button.setVisible((advisor or not page.advisor_only) and self._has_topic(page))
            page.button.setEnabled(ready and (has_case or not page.needs_case))
        self._update_title()

    def _has_topic(self, page: Page) -> bool:
        """A device's scan page belongs to cases that have that device ticked."""
        if page.needs_topic is None:
            return True
        case = self.session.case
        return case is not None and (
            page.needs_topic in case.intake or page.needs_topic in case.topics
        )

    def _update_title(self) -> None:
        settings = self.settings
        case = self.session.case
        if settings.neutral_title:
            self.setWindowTitle(NEUTRAL_TITLE)
            self.place.setText(NEUTRAL_TITLE)
            return
        self.setWindowTitle(APP_TITLE)
        if case is not None and settings.mode == MODE_ADVISOR:
            self.place.setText(case.reference)
            self.setWindowTitle(f"{case.reference} – {APP_TITLE}")
        else:
            self.place.setText(APP_TITLE)

    # -- starting and opening ------------------------------------------------------------------

    def start(self) -> None:
        """Show the first page: the case list for advisors, the private case for one person.

        Called once the session is unlocked (and again when the mode changes).
        """
        from safetycheck.casework import StoreError

        self._case_state()  # unlocked now: the header's page buttons can be used
        self.idle_lock.set_minutes(self.settings.idle_lock_minutes)
        if self.session.content_is_loaded:
            self._show_problems()

        if self.settings.mode == MODE_ADVISOR:
            self.session.work.close_case()
            self.show_page("cases")
            return
        try:
            self.session.work.open_private_case()
        except StoreError as exc:
            dialogs.tell(self, "Your check could not be opened", str(exc))
            return
        self._route_case()

    def _route_case(self) -> None:
        case = self.session.case
        if case is None:
            return
        self.show_page("checks" if case.topics else "intake")

    def open_case(self, case_id: str) -> bool:
        from safetycheck.casework import CorruptCaseError, RollbackError, StoreError

        try:
            self.session.work.open(case_id)
        except RollbackError as exc:
            choice = dialogs.ask(
                self,
                "This is an older copy of the case",
                str(exc),
                ["Open this older copy", "Not now"],
                default=1,
            )
            if choice != 0:
                self._refresh_cases()
                return False
            try:
                self.session.work.open_older_copy(case_id)
            except StoreError as again:
                dialogs.tell(self, "This case could not be opened", str(again))
                self._refresh_cases()
                return False
        except CorruptCaseError as exc:
            if exc.backup is None:
                dialogs.tell(self, "This case could not be opened", str(exc))
                self._refresh_cases()
                return False
            choice = dialogs.ask(
                self,
                "This case could not be opened",
                str(exc),
                ["Open the earlier copy", "Not now"],
            )
            if choice != 0:
                self._refresh_cases()
                return False
            try:
                self.session.work.restore_backup(case_id)
            except StoreError as again:
                dialogs.tell(self, "The earlier copy could not be opened", str(again))
                self._refresh_cases()
                return False
        except StoreError as exc:
            dialogs.tell(self, "This case could not be opened", str(exc))
            self._refresh_cases()
            return False
        self._route_case()
        return True

    def _refresh_cases(self) -> None:
        if self.current_key == "cases":
            self.case_list.refresh()

    def show_check(self, check_id: str) -> None:
        self.checking.go_to_check(check_id)
        self.show_page("checks")
        self.checking.go_to_check(check_id)

    # -- saving ----------------------------------------------------------------------------------

    def flush(self) -> None:
        """Save anything typed but not yet saved (a note in progress, a failed save).

        On Quick Exit this includes an evidence entry or action still being typed in its
        dialog: it is kept as it stands rather than lost.
        """
        from ui.quick_exit import is_exiting

        if is_exiting():
            for dialog in self.findChildren(QDialog):
                if isinstance(dialog, KeepsDraft):
                    try:
                        dialog.keep_draft()
                    except Exception:  # a draft must never stop the exit
                        pass
        for page in self.pages.values():
            if page.view is not None:
                page.view.flush()
        self.session.work.flush()
        if is_exiting():
            self.remember_size()  # Quick Exit does not close the window: it quits

    def _saved(self, when: dt.datetime) -> None:
        self.saved_label.setText(f"Saved {when:%H:%M}")
        self.saved_label.setAccessibleDescription("Your latest change is saved.")
        if self._save_frame is not None:
            self._save_frame.hide()

    def _save_failed(self, message: str) -> None:
        self.saved_label.setText("Not saved yet")
        frame = self.save_frame
        self.save_message.setText(
            message + " Your latest change is kept in the app until it saves."
        )
        frame.show()

    def _show_problems(self) -> None:
        problems = self.session.library.problems
        if not problems:
            return
        files = sorted({p.path.name for p in problems})
        first = problems[0]
        if len(files) == 1:
            text = f"One checklist file could not be loaded: {files[0]} (line {first.line}: "
            text += f"{first.message})."
        else:
            text = f"{len(files)} checklist files could not be loaded: {', '.join(files)}."
        text += " Everything else works as normal."
        frame = self.problems_frame
        self.problems_message.setText(text)
        frame.show()

    # -- settings and export ----------------------------------------------------------------------

    def open_settings(self) -> None:
        from ui.quick_exit import is_exiting
        from ui.settings_dialog import SettingsDialog

        if is_exiting() or not self.session.work.is_unlocked:
            return
        before = self.settings.mode
        dialog = SettingsDialog(self.session, self)
        if not dialog.exec():
            return
        dialog.apply()
        self.session.work.save_settings()
        self._case_state()
        if self.settings.mode != before:
            self.start()

    def export(self) -> None:
        from ui.export_dialog import run_export

        self.flush()
        run_export(self.session, self, self._progress_note)

    def _progress_note(self, text: str) -> None:
        """A short line in the status bar while slow work runs (empty: done)."""
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        self.remember_size()
        self.session.work.let_go()  # another window may open this case now
        event.accept()
