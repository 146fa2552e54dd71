"""Read one window of a program through AT-SPI and write what it finds as JSON.

Like ``reader.py`` (whose helpers it uses), but for a window a small script shows on its
own, such as a dialog: no moving between screens.  Run with the system Python inside
``dbus-run-session``:

    read_window.py APP_PYTHON SCRIPT CHECKOUT FOLDER TITLE_PART OUT_JSON

Each node also gets ``labelled_by``: the names of the labels AT-SPI says name it (how
Qt on Linux tells a screen reader a drop-down's label).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import reader


def main() -> int:
    app_python, script, checkout, folder, title, out = sys.argv[1:7]
    runtime = tempfile.mkdtemp(prefix="sc-atspi-")
    os.environ["XDG_RUNTIME_DIR"] = runtime
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "AT_SPI_BUS_ADDRESS"):
        os.environ.pop(name, None)
    x_server, display = reader.start_x()
    bus = subprocess.Popen(
        ["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    app = None
    try:
        socket = os.path.join(runtime, "at-spi", "bus")
        if not reader.wait_for(lambda: os.path.exists(socket) or bus.poll() is not None):
            raise SystemExit("the accessibility bus did not start")
        import pyatspi

        env = dict(os.environ)
        env.update(
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            QT_ACCESSIBILITY="1",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        )
        app = subprocess.Popen(
            [app_python, script, checkout, folder], env=env, stderr=subprocess.DEVNULL
        )

        def window():
            desktop = pyatspi.Registry.getDesktop(0)
            for index in range(desktop.childCount):
                application = desktop.getChildAtIndex(index)
                for child in range(application.childCount if application else 0):
                    found = application.getChildAtIndex(child)
                    if found is not None and title in (found.name or ""):
                        return found
            return None

        root = reader.wait_for(window)
        if root is None:
            raise SystemExit(f"no window with {title!r} in its title appeared")
        nodes = reader.settled(root)
        if nodes is None:
            raise SystemExit("the window kept changing")
        labels = {}
        stack = [root]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            named_by = [
                relation.getTarget(0).name or ""
                for relation in node.getRelationSet()
                if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY
            ]
            if named_by:
                labels[(node.getRoleName(), node.name or "")] = named_by
            stack.extend(node.getChildAtIndex(i) for i in range(node.childCount))
        for entry in nodes:
            entry["labelled_by"] = labels.get((entry["role"], entry["name"]), [])
        with open(out, "w", encoding="utf-8") as handle:
            json.dump({"title": root.name, "nodes": nodes}, handle, indent=1)
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
        shutil.rmtree(runtime, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
