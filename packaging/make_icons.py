"""Render the app icon from ``assets/icons/safetycheck.svg`` into the formats installers need.

Run by hand after changing the SVG (the results are committed, so builds need no renderer):

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

PNG for Linux menus, ICO (several sizes) for Windows, ICNS for macOS.  Qt renders the SVG,
Pillow packs ICO and ICNS, so no extra tool is needed on any platform.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "assets" / "icons"
SVG = ICONS / "safetycheck.svg"
PNG_SIZES = (256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # QImage text and SVG rendering need an app object
    for size in PNG_SIZES:
        (ICONS / f"safetycheck-{size}.png").write_bytes(render(size))
    big = Image.open(io.BytesIO(render(1024))).convert("RGBA")
    big.save(ICONS / "safetycheck.ico", sizes=[(s, s) for s in ICO_SIZES])
    big.save(ICONS / "safetycheck.icns")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
