"""What the frozen app leaves out, and the code that leaves it out.

PyInstaller's Qt hooks collect every plugin of every kind that QtGui *might* load, every Qt
translation and, through them, system libraries (GTK, Kerberos, OpenSSL, ...) the app never
uses.  Each of those is size, and some are behaviour we do not want: the GTK platform theme
brings GTK's file dialog, which writes to GNOME's "recent files" list.

Used by ``safetycheck.spec``; plain functions over PyInstaller's (dest, source, kind) tuples so
that a unit test can check them without running a build.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

# Qt modules the app does not use. Excluding them also keeps out what pulls them in by accident
# (QtNetwork arrives through PySide6's own hooks). tests/test_packaging.py checks that no code in
# ui/ imports one of these, because the frozen app would fail only when that code runs.
EXCLUDED_QT_MODULES = [
    "QtNetwork",  # the app never talks to the network unless asked, and not through Qt
    "QtQml",
    "QtQuick",
    "QtQuickControls2",
    "QtQuickWidgets",
    "QtQuickTest",
    "QtQmlFeatures",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtDesigner",
    "QtHelp",
    "QtSql",
    "QtTest",
    "QtUiTools",
    "QtXml",
    "QtConcurrent",
    "QtLabsStyleKit",
]
EXCLUDED_PYTHON_MODULES = [
    "tkinter",
    "_tkinter",
    "idlelib",
    "lib2to3",
    "pydoc_data",
    "test",
    *(f"PySide6.{name}" for name in EXCLUDED_QT_MODULES),
]

# Qt plugins kept, by folder; a folder not named here is dropped whole.  Patterns match the
# file name without the platform's prefix and suffix (libqxcb.so, qxcb.dll, libqxcb.dylib).
KEPT_QT_PLUGINS = {
    # offscreen: tests and the smoke test; xcb and wayland: Linux desktops; windows, cocoa.
    "platforms": ["qoffscreen", "qminimal", "qxcb", "qwayland", "qwindows", "qcocoa"],
    "platforms/darwin": ["*"],
    "xcbglintegrations": ["*"],
    # compose and ibus: typing accents (ŵ, ł, é) and non-Latin input methods.
    "platforminputcontexts": [
        "composeplatforminputcontextplugin",
        "ibusplatforminputcontextplugin",
    ],
    "iconengines": ["qsvgicon"],
    # svg: the icon; jpeg/gif: photos attached as evidence; ico: Windows icons.
    "imageformats": ["qsvg", "qjpeg", "qgif", "qico"],
    "styles": ["*"],  # the native Windows 11 / macOS look
    "wayland-shell-integration": ["xdg-shell"],
    "wayland-decoration-client": ["*"],
    "wayland-graphics-integration-client": ["qt-plugin-wayland-egl"],
    "accessiblebridge": ["*"],  # screen readers
}
# Qt's own translations only translate Qt's built-in dialogs; the app's text is English.
DROPPED_DATA = ["PySide6/Qt/translations/*", "PySide6/translations/*"]

_PLUGIN_RE = re.compile(r"(?:^|/)PySide6/(?:Qt/)?plugins/(?P<folder>.+)/(?P<file>[^/]+)$")
_LIB_AFFIXES = re.compile(r"^(lib)?(?P<stem>.+?)(\.so.*|\.dll|\.dylib)$")

Entry = tuple[str, str, str]  # (destination inside the bundle, source path, typecode)


def _posix(dest: str) -> str:
    return str(PurePosixPath(*dest.replace("\\", "/").split("/")))


def is_unwanted_plugin(dest: str) -> bool:
    match = _PLUGIN_RE.search(_posix(dest))
    if not match:
        return False
    folder, name = match["folder"], match["file"]
    stem_match = _LIB_AFFIXES.match(name)
    stem = stem_match["stem"] if stem_match else name
    stem = stem.removesuffix("d") if name.endswith("d.dll") else stem  # Windows debug builds
    patterns = KEPT_QT_PLUGINS.get(folder)
    if patterns is None:
        return True
    return not any(fnmatch.fnmatch(stem, p) for p in patterns)


def is_unwanted_data(dest: str) -> bool:
    return any(fnmatch.fnmatch(_posix(dest), p) for p in DROPPED_DATA)


def ldd_needs(path: str) -> set[str]:
    """Base names of every library ``path`` loads, directly or not (``ldd`` is transitive)."""
    result = subprocess.run(["ldd", path], capture_output=True, text=True, check=False)
    names = set()
    for line in result.stdout.splitlines():
        line = line.strip()
        if "=>" in line:
            names.add(line.split("=>", 1)[0].strip())
        elif line.startswith("/"):
            names.add(os.path.basename(line.split(" ", 1)[0]))
    return names


def prune(
    binaries: Iterable[Entry],
    datas: Iterable[Entry],
    needs: Callable[[str], set[str]] | None = None,
) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """Drop unwanted plugins and data, then the libraries only they needed.

    Returns (binaries, datas, dropped).  ``needs(source)`` lists the library base names a
    binary loads, transitively; pass None to skip the library step (Windows and macOS, where
    PyInstaller collects no system libraries worth removing).  A library is dropped only when
    something dropped needed it and nothing kept does, so a library loaded with dlopen (which
    no one "needs") is always kept.
    """
    binaries, datas = list(binaries), list(datas)
    dropped = [e for e in binaries if is_unwanted_plugin(e[0])]
    dropped += [e for e in datas if is_unwanted_data(e[0])]
    gone = {e[0] for e in dropped}
    binaries = [e for e in binaries if e[0] not in gone]
    datas = [e for e in datas if e[0] not in gone]

    if needs is not None:
        wanted_by_dropped: set[str] = set()
        for _dest, source, kind in dropped:
            if kind in {"BINARY", "EXTENSION"}:
                wanted_by_dropped |= needs(source)
        candidates = {e[0] for e in binaries if os.path.basename(e[0]) in wanted_by_dropped}
        wanted_by_kept: set[str] = set()
        for dest, source, kind in binaries:
            if dest not in candidates and kind in {"BINARY", "EXTENSION"}:
                wanted_by_kept |= needs(source)
        orphans = {d for d in candidates if os.path.basename(d) not in wanted_by_kept}
        dropped += [e for e in binaries if e[0] in orphans]
        binaries = [e for e in binaries if e[0] not in orphans]
        # Symbolic links PyInstaller made to a dropped library would dangle.
        gone_names = {os.path.basename(d) for d in orphans}
        links = [e for e in datas if e[2] == "SYMLINK" and os.path.basename(e[0]) in gone_names]
        dropped += links
        datas = [e for e in datas if e not in links]
    return binaries, datas, dropped
