"""Read the running app through AT-SPI, as Orca does, and write what it finds as JSON.

Run by ``tests/ui/test_ui_atspi.py`` with the system Python (Debian's python3-pyatspi)
inside ``dbus-run-session``: it starts its own X server (Xvfb) and accessibility bus,
starts SafetyCheck on it (the project's Python, the xcb platform, Qt's AT-SPI bridge on),
then walks the tree of each main screen, moving between screens only through AT-SPI
actions (what a screen reader user's "press" does).  Standard library and pyatspi only.

Everything waits on state, never on time: the accessibility bus is used once its socket
is there, a button is pressed once it is showing and enabled, and a screen is read once
its sign shows and two readings in a row agree (the app may fill a page over several
turns of its event loop, later still on a loaded machine).  The bus gets a runtime folder
of its own: at-spi-bus-launcher puts its socket at ``$XDG_RUNTIME_DIR/at-spi/bus``
(``~/.cache/at-spi/bus`` without one), so two runs at once (other suites on the same
machine) took each other's bus, and both hung until the test's timeout.

    reader.py APP_PYTHON MAIN_PY DATA_DIR OUT_JSON
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
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
    # This run's own accessibility bus, found through this run's session bus only: no
    # other display's AT_SPI_BUS property, no bus address from outside.
    runtime = tempfile.mkdtemp(prefix="sc-atspi-")  # short: a socket path has ~100 bytes
    os.environ["XDG_RUNTIME_DIR"] = runtime
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "AT_SPI_BUS_ADDRESS"):
        os.environ.pop(name, None)
    x_server, display = start_x()
    bus = subprocess.Popen(
        ["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    app = app_log = None
    try:
        # The launcher owns its name on the session bus before it starts the bus itself.
        socket = os.path.join(runtime, "at-spi", "bus")
        if not wait_for(lambda: os.path.exists(socket) or bus.poll() is not None):
            raise SystemExit("the accessibility bus did not start")
        if bus.poll() is not None:
            raise SystemExit(f"at-spi-bus-launcher exited ({bus.returncode})")
        import pyatspi  # after the bus is up: it connects on import

        env = dict(os.environ)
        env.update(
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            QT_ACCESSIBILITY="1",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
            SAFETYCHECK_DATA_DIR=data_dir,
        )
        # To a file, not a pipe nobody reads: a full pipe would block the app mid-write.
        app_log = open(os.path.join(runtime, "app.log"), "wb")  # noqa: SIM115
        app = subprocess.Popen([app_python, main_py], env=env, stderr=app_log)

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
            raise SystemExit(f"the app did not appear on the accessibility bus: {app_said()}")
        screens = {}
        for name, press, sign in SCREENS:
            if press is not None:
                button = wait_for(lambda p=press: usable_button(window, p))
                if button is None:
                    seen = [(n["role"], n["name"]) for n in walk(window) if n["depth"] < 6][:40]
                    raise SystemExit(f"no button named {press!r} to reach {name}: {seen}")
                button.queryAction().doAction(0)
            if not wait_for(lambda s=sign: shown_by_name(window, s)):
                seen = [(n["role"], n["name"]) for n in walk(window) if n["name"]][:60]
                raise SystemExit(f"screen {name} did not show ({sign!r}): {seen}")
            screens[name] = settled(window)
            if screens[name] is None:
                raise SystemExit(f"screen {name} kept changing for {TIMEOUT:.0f} s")
        with open(out, "w", encoding="utf-8") as handle:
            json.dump({"screens": screens, "title": window.name}, handle, indent=1)
        return 0
    finally:
        if app is not None:
            app.kill()
            app.wait()
        if app_log is not None:
            app_log.close()
        bus.terminate()
        x_server.terminate()
        for process in (bus, x_server):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(runtime, ignore_errors=True)


def app_said() -> str:
    """The end of what the app wrote to stderr, for a failure message."""
    try:
        with open(os.path.join(os.environ["XDG_RUNTIME_DIR"], "app.log"), "rb") as log:
            return log.read()[-1500:].decode("utf-8", "replace")
    except OSError:
        return "(nothing)"


def is_button(node) -> bool:
    # A page button in the header is checkable: a "toggle button" to AT-SPI.
    return node.getRoleName() in ("push button", "toggle button")


def showing(node) -> bool:
    import pyatspi

    return node.getState().contains(pyatspi.STATE_SHOWING)


def usable(node) -> bool:
    """Showing and enabled: "Open" is disabled until the case list has chosen a case."""
    import pyatspi

    states = node.getState()
    return states.contains(pyatspi.STATE_SHOWING) and states.contains(pyatspi.STATE_ENABLED)


def usable_button(root, name: str):
    return find(root, lambda node: is_button(node) and node.name == name and usable(node))


def settled(root) -> list[dict] | None:
    """The screen's nodes once two readings in a row agree (None: still changing)."""
    before = walk(root)
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        time.sleep(0.2)
        now = walk(root)
        if now == before:
            return now
        before = now
    return None


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
