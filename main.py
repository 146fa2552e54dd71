"""Start SafetyCheck: ``python main.py`` opens the app, ``python main.py --help`` lists commands."""

import sys

from safetycheck.frozen_helper import run_if_helper
from ui.launch import main

if __name__ == "__main__":
    run_if_helper()  # the built program, started again as its own helper process
    sys.exit(main())
