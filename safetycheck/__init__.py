"""SafetyCheck core: checklists, cases, storage, reports and scans.

This package never imports Qt or ``ui``: the command line, the tests and the
benchmarks use it without a display, and the Qt interface is a thin layer on top.
"""

__version__ = "0.1.0"
APP_NAME = "SafetyCheck"
