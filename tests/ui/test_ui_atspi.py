"""The running app read through AT-SPI, the accessibility bus Orca reads on Linux.

A widget-level test (``test_ui_accessibility``) checks the names we set; this one checks
what a screen reader really gets: it starts the app under its own X server and
accessibility bus and reads the tree with Debian's pyatspi (``tests/atspi/reader.py``,
run by the system Python: pyatspi is not on PyPI).  Every control of the main screens
must have a role, a name, and be focusable (reachable by keyboard); the check's own text,
the caution included, must be readable from the tree.

It skips, saying why, only where AT-SPI cannot run: not Linux, or the Debian packages
that ``scripts/setup.sh`` installs (at-spi2-core, python3-pyatspi, dbus-daemon, xvfb) are
missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from safetycheck.casework import CaseWork
from safetycheck.checklist import load_checklists
from safetycheck.paths import checklists_dir
from safetycheck.settings import Settings, save_settings

ROOT = Path(__file__).resolve().parents[2]
READER = ROOT / "tests" / "atspi" / "reader.py"
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"

#: Roles a person operates; each needs a name and must take the keyboard focus.
CONTROLS = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "combo box",
    "text",
    "password text",
    "spin button",
    "list",
    "tree",
    "table",
    "tree table",
    "slider",
    "page tab",
}
#: Rows and cells of lists and tables: named by their text, which may be empty (a blank
#: "Notes" cell).
CELLS = {"table cell", "list item", "tree item", "table column header"}


def why_atspi_cannot_run() -> str | None:
    if not sys.platform.startswith("linux"):
        return "AT-SPI is the Linux accessibility bus; this is not Linux"
    for program in ("Xvfb", "dbus-run-session"):
        if shutil.which(program) is None:
            return f"{program} is not installed (scripts/setup.sh installs it)"
    if not Path(BUS_LAUNCHER).exists():
        return "at-spi2-core is not installed (scripts/setup.sh installs it)"
    if not Path(SYSTEM_PYTHON).exists():
        return "no system Python for Debian's pyatspi"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return "python3-pyatspi is not installed (scripts/setup.sh installs it)"
    return None


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> dict:
    reason = why_atspi_cannot_run()
    if reason:
        pytest.skip(reason)
    data = tmp_path_factory.mktemp("atspi") / "data"
    settings = Settings(first_start_done=True, mode="advisor")
    save_settings(data, settings)
    library = load_checklists(checklists_dir())
    work = CaseWork(data, library, settings)
    work.unlock(None)
    work.create("Reader 1")
    work.set_intake(["android", "iphone"])  # both scan pages show for this case
    # Reopen on a check with a caution and a sign-in warning: the parts that must be heard.
    check = next(c for _t, c in work.view().checks() if c.caution and c.signs_in)
    work.set_place(check.id)
    work.let_go()  # saved; the app (another process) may open the case now
    out = data.parent / "tree.json"
    command = [
        "dbus-run-session",
        "--",
        SYSTEM_PYTHON,
        str(READER),
        sys.executable,
        str(ROOT / "main.py"),
        str(data),
        str(out),
    ]
    returncode, said = run_in_own_group(command, timeout=300)
    assert returncode == 0, said
    result = json.loads(out.read_text(encoding="utf-8"))
    result["check"] = check
    result["topic"] = library.topic(check.topic_id)
    return result


def run_in_own_group(command: list[str], timeout: float) -> tuple[int, str]:
    """Run ``command`` in a process group of its own; on a timeout, end all of it.

    The reader starts an X server, the app and a bus launcher: killing only the first
    process on a timeout left them all running, loading the machine for the tests after.
    The timeout only guards against a hang: the reader waits on state, not on time.
    """
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        said, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        said, _ = process.communicate()
        return -1, f"timed out after {timeout:.0f} s\n" + said.decode("utf-8", "replace")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything it left behind
    return process.returncode, said.decode("utf-8", "replace")


SCREENS = ["cases", "checks", "summary", "intake", "android", "iphone", "computer"]


def test_every_main_screen_was_read(tree) -> None:
    assert list(tree["screens"]) == SCREENS
    assert tree["title"] == "Reader 1 – SafetyCheck"


@pytest.mark.parametrize("screen", SCREENS)
def test_every_control_has_a_role_a_name_and_takes_the_focus(tree, screen: str) -> None:
    nodes = tree["screens"][screen]
    controls = [n for n in nodes if n["role"] in CONTROLS]
    assert len(controls) >= 5, [n["role"] for n in nodes]
    problems = []
    for node in controls:
        label = f"{node['role']} {node['name']!r}"
        if not node["name"].strip():
            problems.append(f"{label}: no name")
        if "enabled" in node["states"] and "focusable" not in node["states"]:
            problems.append(f"{label}: cannot be reached by keyboard")
    for node in nodes:
        # An empty status line (a label that can be clicked into to copy its words, with
        # none yet) has nothing to read: not a control.
        empty_line = node["role"] == "label" and not node["text"].strip()
        if "focusable" in node["states"] and node["role"] not in CELLS and not empty_line:
            if node["role"] == "unknown":
                problems.append(f"a focusable node with no role: {node['name']!r}")
            if not node["name"].strip():
                problems.append(f"a focusable {node['role']} with no name: {node['text'][:60]!r}")
    assert problems == []


def test_the_header_is_read_as_buttons_not_tick_boxes(tree) -> None:
    header = ("What you have", "Checks", "Summary", "Android scan", "iPhone scan", "Settings")
    for screen in SCREENS:
        depth = {n["name"]: n["depth"] for n in tree["screens"][screen] if n["name"] in header}
        roles = {
            n["name"]: n["role"]
            for n in tree["screens"][screen]
            if n["name"] in header and n["depth"] == min(depth.values())
        }
        assert set(roles.values()) == {"push button"}, (screen, roles)
        if screen != "cases":  # with a case open, every page of this case has its button
            assert set(roles) == set(header), screen


def test_the_check_can_be_read_caution_included(tree) -> None:
    nodes = tree["screens"]["checks"]
    check, topic = tree["check"], tree["topic"]
    heard = "\n".join(f"{n['name']}\n{n['text']}" for n in nodes)
    for part in (
        check.title,
        check.why,
        "Careful: this could alert the other person",
        check.caution,
        "Before you sign in: it can alert the other person",
        topic.sign_in_warning,
        check.if_found,
        check.evidence,
    ):
        assert part in heard, part[:60]
    # The steps and what to look for are rich text: each line is there in words.
    for line in (*check.steps, *check.look_for):
        assert line in heard, line[:60]
    guidance = next(n for n in nodes if n["name"] == "Guidance for this check")
    assert "focusable" in guidance["states"]
    assert "arrow keys" in guidance["description"]
