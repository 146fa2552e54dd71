"""Start SafetyCheck: ``python main.py`` opens the app, ``python main.py --help`` lists commands."""

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())
