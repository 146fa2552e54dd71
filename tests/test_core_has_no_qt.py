"""Who may import whom: the core never imports Qt, and the interface never the store.

The core must work without Qt (the CLI, the tests and the benchmarks rely on it).
The interface changes cases only through the case service (``safetycheck.casework``),
so it may not import the store, its parts, or the functions that unlock a folder or
change its keys: one door for every change, one unlock flow.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_core_module_imports_qt_or_ui() -> None:
    offenders = []
    for path in (ROOT / "safetycheck").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in {"PySide6", "PyQt5", "PyQt6", "shiboken6", "ui"}:
                    offenders.append(f"{path.relative_to(ROOT)}: imports {name}")
    assert offenders == []


# Modules the interface may not import at all, and names it may not import from others.
UI_FORBIDDEN_MODULES = ("safetycheck.store", "safetycheck.storage")
UI_FORBIDDEN_NAMES = {
    "safetycheck.passphrase": {"open_store", "set_passphrase", "change_passphrase"},
    "safetycheck.vault": {"unlock", "write_vault", "read_vault"},
}


def _imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import in ``path``; name is None for ``import module``."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.module, a.name) for a in node.names]
            found += [(f"{node.module}.{a.name}", None) for a in node.names]
    return found


def test_the_interface_never_calls_the_store_directly() -> None:
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for module, name in _imports(path):
            if module.startswith(UI_FORBIDDEN_MODULES):
                offenders.append(f"{path.relative_to(ROOT)}: imports {module}")
            if name in UI_FORBIDDEN_NAMES.get(module, set()):
                offenders.append(f"{path.relative_to(ROOT)}: imports {name} from {module}")
    assert offenders == []


# Core packages that change cases only through the service, or not at all.
CORE_RULES = {
    "safetycheck/commands": ("safetycheck.store", "safetycheck.storage"),
    "safetycheck/report": ("safetycheck.store", "safetycheck.storage", "safetycheck.casework"),
    "safetycheck/android": ("safetycheck.store", "safetycheck.storage", "safetycheck.casework"),
    "safetycheck/iphone": ("safetycheck.store", "safetycheck.storage", "safetycheck.casework"),
    "safetycheck/computer": ("safetycheck.store", "safetycheck.storage", "safetycheck.casework"),
    "safetycheck/scope.py": ("safetycheck.store", "safetycheck.storage", "safetycheck.casework"),
}


def test_the_core_keeps_to_who_may_call_whom() -> None:
    """docs/architecture.md: the CLI changes cases through the service; scanners, reports
    and the scope rule read and hand over, they never save."""
    offenders = []
    for place, forbidden in CORE_RULES.items():
        target = ROOT / place
        paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in paths:
            for module, _name in _imports(path):
                if module.startswith(forbidden):
                    offenders.append(f"{path.relative_to(ROOT)}: imports {module}")
    assert offenders == []


def test_the_import_rule_catches_a_store_import(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from safetycheck import store\nfrom safetycheck.passphrase import set_passphrase\n"
    )
    found = _imports(sneaky)
    assert ("safetycheck.store", None) in found
    assert ("safetycheck.passphrase", "set_passphrase") in found


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "safetycheck").rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m.removesuffix('.__init__'))\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_command_line_does_not_import_qt() -> None:
    code = (
        "import sys\n"
        "from ui.launch import main\n"
        "rc = main(['check-content'])\n"
        "assert 'PySide6' not in sys.modules\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
