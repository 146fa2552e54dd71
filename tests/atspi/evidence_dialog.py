"""Show "Add to evidence log" with three files, each captured its own way, for
``read_window.py`` to read through AT-SPI.  Run with the project's Python:

    evidence_dialog.py CHECKOUT FOLDER   (FOLDER: where the three small files are made)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])

from PySide6.QtWidgets import QApplication

from ui.evidence_dialog import EvidenceDialog

app = QApplication([])
folder = Path(sys.argv[2])
paths = []
for name in ("photo.png", "shot.png", "call-log.txt"):
    path = folder / name
    path.write_bytes(b"x")
    paths.append(str(path))
dialog = EvidenceDialog("Unknown apps", None, by="advisor")
for path, how, by in zip(
    paths, ("photo-of-screen", "screenshot", "saved-file"), ("person", "advisor", ""), strict=True
):
    dialog.capture.add([path])  # added, selected: the boxes now describe this file
    dialog.how.setCurrentIndex(dialog.how.findData(how))
    dialog.by.setCurrentIndex(dialog.by.findData(by))
dialog.files.select_paths([paths[1]])
dialog.show()
app.exec()
