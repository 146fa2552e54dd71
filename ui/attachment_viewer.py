"""Show an attachment inside SafetyCheck, never in another program.

Opening a photo in the system's viewer would put it in that program's "recent files"
(and, with a passphrase, would need an unlocked copy on disk).  Here the file is read
from the case into memory and shown: pictures Qt can read, and plain text.  Nothing is
written anywhere.  Other kinds (PDF, video, HEIC) are described, with how to hand them
over instead.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safetycheck.case import Attachment, Case
from ui.accessible import describe
from ui.session import Session
from ui.style import muted, paragraph

TEXT_SUFFIXES = (".txt", ".log", ".csv", ".json", ".xml", ".md")
#: Text beyond this is not shown (the file is still kept whole in the case).
MAX_TEXT_BYTES = 2 * 1000**2
#: Pictures larger than this are not decoded here (memory), only described.
MAX_PICTURE_BYTES = 60 * 1000**2
CANNOT_SHOW = (
    "This kind of file cannot be shown inside SafetyCheck. It is kept safely in the case. "
    "To hand it over, use Export evidence. Opening it in another program would leave a "
    "trace in that program's recent files."
)


class AttachmentViewer(QDialog):
    def __init__(
        self, session: Session, case: Case, attachment: Attachment, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"File: {attachment.original_name}")
        self.attachment = attachment
        layout = QVBoxLayout(self)
        layout.addWidget(muted(paragraph(f"{attachment.original_name}, {attachment.size:,} bytes")))
        self.picture: QLabel | None = None
        self.text: QPlainTextEdit | None = None
        self.message: QLabel | None = None
        self.fit: QCheckBox | None = None
        self._pixmap: QPixmap | None = None
        data, problem = self._read(session, case, attachment)
        if problem is not None:
            self.message = paragraph(problem)
            layout.addWidget(self.message)
        elif data is not None and (pixmap := _picture(data)) is not None:
            self._pixmap = pixmap
            self.fit = describe(
                QCheckBox("&Fit to the window"), "Fit to the window", "Show the whole picture."
            )
            self.fit.setChecked(True)
            self.picture = describe(
                QLabel(), "The picture", f"The picture {attachment.original_name}."
            )
            self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            scroll = QScrollArea()
            scroll.setWidget(self.picture)
            scroll.setWidgetResizable(True)
            layout.addWidget(self.fit)
            layout.addWidget(scroll, 1)
            self.fit.toggled.connect(self._show_picture)
        elif data is not None and _is_text(attachment, data):
            self.text = describe(
                QPlainTextEdit(), "The text of the file", "Read only. Nothing here can be changed."
            )
            self.text.setReadOnly(True)
            self.text.setPlainText(data[:MAX_TEXT_BYTES].decode("utf-8", "replace"))
            layout.addWidget(self.text, 1)
        else:
            self.message = paragraph(CANNOT_SHOW)
            layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 100, self.fontMetrics().height() * 36)
        self._show_picture()

    @staticmethod
    def _read(
        session: Session, case: Case, attachment: Attachment
    ) -> tuple[bytes | None, str | None]:
        limit = MAX_PICTURE_BYTES
        if attachment.size > limit:
            return None, CANNOT_SHOW
        try:
            return session.work.read_attachment(case, attachment), None
        except Exception as exc:  # missing, damaged, locked: said plainly
            return None, f"This file cannot be opened: {exc}"

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_picture()

    def _show_picture(self) -> None:
        if self.picture is None or self._pixmap is None or self.fit is None:
            return
        if self.fit.isChecked():
            holder = self.picture.parentWidget()
            box = holder.size() if holder is not None else QSize()
            self.picture.setPixmap(
                self._pixmap.scaled(
                    box.expandedTo(QSize(64, 64)),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.picture.setPixmap(self._pixmap)


def _picture(data: bytes) -> QPixmap | None:
    """Decode a picture from memory; None when Qt cannot read it (not a picture)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)  # a phone photo shows the right way up
    image = reader.read()
    if image.isNull():
        return None
    return QPixmap.fromImage(image)


def _is_text(attachment: Attachment, data: bytes) -> bool:
    if attachment.original_name.lower().endswith(TEXT_SUFFIXES):
        return True
    head = data[:4096]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head
