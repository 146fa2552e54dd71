"""The packaging pieces that can be checked without a build: pruning rules, portable mode.

The build itself, and the smoke tests of the built program, run in ``packaging/build_linux.sh``
(called by ``.ci/run``); they take minutes, so they are not part of ``scripts/test``.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import sys
from pathlib import Path

import pytest

from safetycheck import portable

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


prune = _load("prune")


@pytest.mark.parametrize(
    ("dest", "unwanted"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", True),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
        ("PySide6\\plugins\\platforms\\qwindows.dll", False),
        ("PySide6\\plugins\\platforms\\qdirect2d.dll", True),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", False),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", False),  # a library, not a plugin
    ],
)
def test_plugin_rules(dest: str, unwanted: bool) -> None:
    assert prune.is_unwanted_plugin(dest) is unwanted


@pytest.mark.parametrize(
    ("dest", "unused"),
    [
        ("Cryptodome/PublicKey/_ec_ws.abi3.so", True),
        ("Cryptodome\\PublicKey\\_ed25519.pyd", True),
        ("Cryptodome/Cipher/_raw_des3.abi3.so", True),
        ("Cryptodome/Cipher/_raw_aes.abi3.so", False),  # AES: the zip's cipher
        ("Cryptodome/Cipher/_raw_aesni.abi3.so", False),
        ("Cryptodome/Cipher/_raw_ctr.abi3.so", False),
        ("Cryptodome/Cipher/_Salsa20.abi3.so", False),  # loaded with PBKDF2's module
        ("Cryptodome/Hash/_SHA1.abi3.so", False),
        ("Cryptodome/Protocol/_scrypt.abi3.so", False),
        ("Cryptodome/Util/_strxor.abi3.so", False),
    ],
)
def test_only_what_an_aes_zip_needs_of_pycryptodomex_stays(dest: str, unused: bool) -> None:
    assert prune.is_unused_cryptodome(dest) is unused
    kept, _datas, dropped = prune.prune([(dest, "/nowhere", "BINARY")], [], None)
    assert (dropped if unused else kept) == [(dest, "/nowhere", "BINARY")]


def test_translations_are_dropped_on_every_layout() -> None:
    assert prune.is_unwanted_data("PySide6/Qt/translations/qtbase_de.qm")
    assert prune.is_unwanted_data("PySide6\\translations\\qtbase_de.qm")
    assert not prune.is_unwanted_data("assets/fonts/OFL.txt")


def test_prune_drops_libraries_only_dropped_plugins_needed() -> None:
    gtk = ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY")
    xcb = ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY")
    libgtk = ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY")
    libcairo = ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY")
    libx11 = ("libX11.so.6", "/usr/lib/libX11.so.6", "BINARY")
    dlopened = ("libxkbcommon.so.0", "/usr/lib/libxkbcommon.so.0", "BINARY")
    link = ("PySide6/Qt/lib/libgtk-3.so.0", "libgtk-3.so.0", "SYMLINK")
    needs = {  # direct links only: prune follows them itself
        "/src/libqgtk3.so": {"libgtk-3.so.0"},
        "/usr/lib/libgtk-3.so.0": {"libcairo.so.2", "libX11.so.6"},
        "/src/libqxcb.so": {"libX11.so.6"},
    }
    binaries, datas, dropped = prune.prune(
        [gtk, xcb, libgtk, libcairo, libx11, dlopened],
        [link, ("assets/demo-case.toml", "/src/demo-case.toml", "DATA")],
        lambda source: needs.get(source, set()),
    )
    assert binaries == [xcb, libx11, dlopened]
    assert datas == [("assets/demo-case.toml", "/src/demo-case.toml", "DATA")]
    assert {e[0] for e in dropped} == {gtk[0], libgtk[0], libcairo[0], link[0]}


def test_an_os_provided_library_takes_what_only_it_needed_along() -> None:
    qtdbus = ("PySide6/Qt/lib/libQt6DBus.so.6", "/q/libQt6DBus.so.6", "BINARY")
    dbus = ("libdbus-1.so.3", "/usr/lib/libdbus-1.so.3", "BINARY")
    systemd = ("libsystemd.so.0", "/usr/lib/libsystemd.so.0", "BINARY")
    needs = {
        "/q/libQt6DBus.so.6": {"libdbus-1.so.3"},
        "/usr/lib/libdbus-1.so.3": {"libsystemd.so.0"},
    }
    binaries, _datas, dropped = prune.prune(
        [qtdbus, dbus, systemd], [], lambda source: needs.get(source, set())
    )
    assert binaries == [qtdbus]
    assert {e[0] for e in dropped} == {dbus[0], systemd[0]}


def _qt_modules_imported_by(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found |= {n.split(".")[1] for n in names if n.startswith("PySide6.")}
    return found


def test_the_interface_uses_no_qt_module_the_bundle_leaves_out() -> None:
    """The frozen app would fail only when such code runs; say so here instead."""
    used = _qt_modules_imported_by(ROOT / "ui")
    left_out = used & set(prune.EXCLUDED_QT_MODULES)
    assert not left_out, f"ui/ imports {left_out}: remove them from packaging/prune.py"


def test_portable_environment_points_every_cache_inside_the_folder(tmp_path: Path) -> None:
    linux = portable.portable_environment(tmp_path, platform="linux")
    assert set(linux) >= {"XDG_CACHE_HOME", "XDG_CONFIG_HOME", "TMPDIR", "TEMP", "TMP"}
    assert set(linux) >= {"ANDROID_USER_HOME"}
    assert all(Path(v).is_relative_to(tmp_path) for v in linux.values())
    windows = portable.portable_environment(tmp_path, platform="win32")
    assert "XDG_CACHE_HOME" not in windows
    assert windows["TEMP"] == str(tmp_path / "tmp")


def test_prepare_does_nothing_without_the_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portable, "portable_data_dir", lambda: None)
    environ: dict[str, str] = {}
    assert portable.prepare_portable_environment(environ) is None
    assert environ == {}


def test_prepare_creates_the_folders_and_sets_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    data = tmp_path / "SafetyCheck-data"
    monkeypatch.setattr(portable, "portable_data_dir", lambda: data)
    monkeypatch.setattr(tempfile, "tempdir", "/somewhere/else")
    environ: dict[str, str] = {}
    root = portable.prepare_portable_environment(environ)
    assert root == data / portable.SYSTEM_FOLDER
    assert Path(environ["TMPDIR"]).is_dir()
    assert Path(environ["TMPDIR"]).is_relative_to(data)
    assert tempfile.tempdir is None  # will be worked out again from the new TMPDIR


def test_desktop_entry_is_complete() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "packaging" / "deb" / "safetycheck.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == "safetycheck"
    assert desktop["Icon"] == "safetycheck"
    assert (ROOT / "assets" / "icons" / "safetycheck-256.png").is_file()
    assert (ROOT / "assets" / "icons" / "safetycheck.ico").is_file()
    assert (ROOT / "assets" / "icons" / "safetycheck.icns").is_file()


def test_a_library_kept_things_reach_through_a_candidate_stays() -> None:
    """libQt6Core is needed by a dropped plugin AND by a kept module: it, and ICU, stay."""
    eglfs = ("PySide6/Qt/plugins/platforms/libqeglfs.so", "/q/libqeglfs.so", "BINARY")
    module = ("PySide6/QtCore.abi3.so", "/q/QtCore.abi3.so", "EXTENSION")
    core = ("PySide6/Qt/lib/libQt6Core.so.6", "/q/libQt6Core.so.6", "BINARY")
    icu = ("PySide6/Qt/lib/libicui18n.so.73", "/q/libicui18n.so.73", "BINARY")
    needs = {
        "/q/libqeglfs.so": {"libQt6Core.so.6"},
        "/q/QtCore.abi3.so": {"libQt6Core.so.6"},
        "/q/libQt6Core.so.6": {"libicui18n.so.73"},
    }
    binaries, _datas, dropped = prune.prune(
        [eglfs, module, core, icu], [], lambda source: needs.get(source, set())
    )
    assert binaries == [module, core, icu]
    assert dropped == [eglfs]


def test_icu_trim_keeps_sorting_for_every_language_and_english_names_only() -> None:
    trim_icu = _load("trim_icu")
    items = [
        "coll/sv.res", "coll/root.res", "coll/ucadata.icu",  # sorting: kept ...
        "coll/zh.res", "coll/zh_Hant_TW.res", "coll/kok.res",  # ... except the big CJK orders
        "zone/en.res", "zone/de.res", "zone/root.res",  # time-zone names: English only
        "curr/fr.res", "translit/Latin_ASCII.res", "brkitr/thaidict.dict",
        "ibm-1390_P110-2003.cnv", "unames.icu", "de_CH.res",  # all dropped
        "en_GB.res", "root.res", "pool.res", "supplementalData.res", "zoneinfo64.res",
    ]  # fmt: skip
    assert trim_icu.items_to_drop(items) == [
        "coll/zh.res",
        "coll/zh_Hant_TW.res",
        "zone/de.res",
        "curr/fr.res",
        "translit/Latin_ASCII.res",
        "brkitr/thaidict.dict",
        "ibm-1390_P110-2003.cnv",
        "unames.icu",
        "de_CH.res",
    ]


@pytest.mark.parametrize("marker", ["portable", "portable.txt"])
def test_a_marker_beside_the_program_makes_a_portable_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marker: str
) -> None:
    from safetycheck import paths

    monkeypatch.setattr(paths, "program_dir", lambda: tmp_path)
    assert paths.portable_data_dir() is None
    (tmp_path / marker).write_text("", encoding="utf-8")
    assert paths.portable_data_dir() == tmp_path / "SafetyCheck-data"


def test_on_macos_the_marker_sits_beside_the_app_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safetycheck import paths

    inside = tmp_path / "SafetyCheck.app" / "Contents" / "MacOS"
    monkeypatch.setattr(paths, "program_dir", lambda: inside)
    (tmp_path / "portable").write_text("", encoding="utf-8")
    assert paths.portable_data_dir() == tmp_path / "SafetyCheck-data"
