"""Printed documents: the case record and the safety plan, as PDF.

``import safetycheck.report`` is cheap: reportlab (and the fonts) load only
inside :func:`export_pdf`, so the app starts no slower for having it.
"""

from safetycheck.report.export import (
    KIND_PLAN,
    KIND_RECORD,
    KINDS,
    PAGE_SIZES,
    ExportCancelled,
    ReportError,
    default_file_name,
    default_page_size,
    export_pdf,
)
from safetycheck.report.texts import save_warning

__all__ = [
    "KINDS",
    "KIND_PLAN",
    "KIND_RECORD",
    "PAGE_SIZES",
    "ExportCancelled",
    "ReportError",
    "default_file_name",
    "default_page_size",
    "export_pdf",
    "save_warning",
]
