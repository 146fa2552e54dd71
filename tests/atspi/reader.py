"""Read the running app through AT-SPI, as Orca does, and write what it finds as JSON.

Run by ``tests/ui/test_ui_atspi.py`` with the system Python (Debian's python3-pyatspi)
inside ``dbus-run-session``: it starts its own X server (Xvfb) and accessibility bus,
starts SafetyCheck on it (the project's Python, the xcb platform, Qt's AT-SPI bridge on),
then walks the tree of each main screen, moving between screens only through AT-SPI
actions (what a screen reader user's "press" does).  Standard library and pyatspi only.

    reader.py APP_PYTHON MAIN_PY DATA_DIR OUT_JSON
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

TIMEOUT = 40.0
#: The screens to read: (name, the header button pressed to reach it, a name that shows it
#: is there).  The case list is the first screen; "Open" opens the selected case.
SCREENS = [
    ("cases", None, "Find a case"),
    ("checks", "Open", "Guidance for this check"),
    ("summary", "Summary", "What was found"),
    ("intake", "What you have", "Continue to the checks"),
    ("android", "Android scan", "Find connected phones"),
    ("iphone", "iPhone scan", "Find connected iPhones"),
    ("computer", "This computer", "Check this computer"),
]


def start_x() -> tuple[subprocess.Popen, str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        raise SystemExit("Xvfb did not start")
    return server, f":{number}"


def wait_for(what, timeout: float = TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = what()
        if found:
            return found
        time.sleep(0.2)
    return None


def main() -> int:
    app_python, main_py, data_dir, out = sys.argv[1:5]
    x_server, display = start_x()
    bus = subprocess.Popen(
        ["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    app = None
    try:
        time.sleep(1.0)  # the bus launcher registers itself on the session bus
        import pyatspi  # after the bus is up: it connects on import

        env = dict(os.environ)
        env.update(
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            QT_ACCESSIBILITY="1",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
            SAFETYCHECK_DATA_DIR=data_dir,
        )
        env.pop("WAYLAND_DISPLAY", None)
        app = subprocess.Popen([app_python, main_py], env=env, stderr=subprocess.PIPE)

        def frame():
            desktop = pyatspi.Registry.getDesktop(0)
            for index in range(desktop.childCount):
                application = desktop.getChildAtIndex(index)
                if application is None:
                    continue
                for child in range(application.childCount):
                    window = application.getChildAtIndex(child)
                    if window is not None and "SafetyCheck" in (window.name or ""):
                        return window
            return None

        window = wait_for(frame)
        if window is None:
            raise SystemExit("the app did not appear on the accessibility bus")
        screens = {}
        for name, press, sign in SCREENS:
            if press is not None:
                button = find(
                    window, lambda n, p=press: is_button(n) and n.name == p and showing(n)
                )
                if button is None:
                    seen = [(n["role"], n["name"]) for n in walk(window) if n["depth"] < 6][:40]
                    raise SystemExit(f"no button named {press!r} to reach {name}: {seen}")
                button.queryAction().doAction(0)
            if not wait_for(lambda s=sign: shown_by_name(window, s)):
                seen = [(n["role"], n["name"]) for n in walk(window) if n["name"]][:60]
                raise SystemExit(f"screen {name} did not show ({sign!r}): {seen}")
            time.sleep(0.5)  # let the page finish filling in
            screens[name] = walk(window)
        with open(out, "w", encoding="utf-8") as handle:
            json.dump({"screens": screens, "title": window.name}, handle, indent=1)
        return 0
    finally:
        if app is not None:
            app.kill()
            app.wait()
        bus.terminate()
        x_server.terminate()
        for process in (bus, x_server):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def is_button(node) -> bool:
    # A page button in the header is checkable: a "toggle button" to AT-SPI.
    return node.getRoleName() in ("push button", "toggle button")


def showing(node) -> bool:
    import pyatspi

    return node.getState().contains(pyatspi.STATE_SHOWING)


def shown_by_name(root, name: str):
    return find(root, lambda node: node.name == name and showing(node))


def find(root, test):
    stack = [root]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        try:
            if test(node):
                return node
            stack.extend(node.getChildAtIndex(i) for i in range(node.childCount))
        except Exception:  # a node that went away while walking
            continue
    return None


def walk(root) -> list[dict]:
    """Every showing node: its role, name, description, states and text."""
    import pyatspi

    nodes = []
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if node is None:
            continue
        try:
            states = node.getState()
            if not states.contains(pyatspi.STATE_SHOWING) and depth > 0:
                continue
            text = ""
            try:
                part = node.queryText()
                text = part.getText(0, part.characterCount)
            except NotImplementedError:
                pass
            actions = []
            try:
                action = node.queryAction()
                actions = [action.getName(i) for i in range(action.nActions)]
            except NotImplementedError:
                pass
            nodes.append(
                {
                    "role": node.getRoleName(),
                    "name": node.name or "",
                    "description": node.description or "",
                    "states": sorted(pyatspi.stateToString(s) for s in states.getStates()),
                    "text": text,
                    "actions": actions,
                    "depth": depth,
                }
            )
            children = [node.getChildAtIndex(i) for i in range(min(node.childCount, 500))]
            stack.extend((child, depth + 1) for child in reversed(children))
        except Exception:
            continue
    return nodes


if __name__ == "__main__":
    sys.exit(main())
