"""The Qt application (placeholder until the interface issue lands)."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace, qt_args: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication([sys.argv[0], *qt_args])
    window = QMainWindow()
    window.setWindowTitle("SafetyCheck")
    window.setCentralWidget(QLabel("SafetyCheck"))
    window.show()
    return app.exec()
