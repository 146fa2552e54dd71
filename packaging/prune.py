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
    # ssl stays: "Update indicators" downloads over HTTPS when asked by name, and the iPhone
    # scan talks to the phone over TLS (lockdown sessions).
    # Pillow reads the photos reportlab puts in the record (JPEG, PNG, GIF, BMP, TIFF);
    # AVIF, WebP, colour management, Tk, Qt and font drawing are not needed.
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL._imagingcms",
    "PIL.ImageCms",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL._imagingmath",
    "PIL.ImageMath",
    "PIL._imagingmorph",
    "PIL.ImageMorph",
    "PIL._imagingft",
    "PIL.ImageFont",
    "PIL.ImageQt",
    *(f"PySide6.{name}" for name in EXCLUDED_QT_MODULES),
]
# Libraries every Linux desktop has, which drag in many more (libdbus-1 brings libsystemd,
# libgcrypt, liblz4, ...).  The .deb depends on their packages instead.
OS_PROVIDED_LIBRARIES = ["libdbus-1.so.3"]
# Windows: software OpenGL (20 MB) and the Direct3D shader compiler serve Qt Quick and OpenGL
# widgets; a QtWidgets app draws with the CPU and needs neither.  (Not measured here: the
# Windows build runs only in CI.)
UNUSED_LIBRARIES = ["opengl32sw.dll", "d3dcompiler_47.dll"]

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
    # wayland-graphics-integration-client (EGL) is left out: widgets draw into shared memory,
    # and without it libQt6OpenGL goes too.
    "accessiblebridge": ["*"],  # screen readers
}
# pycryptodomex is here only for pyzipper's AES zips (a protected evidence bundle): AES in
# CTR mode, HMAC-SHA1, PBKDF2 (whose module loads scrypt and Salsa20).  Its public-key maths
# and the other ciphers are never loaded (checked in /proc/self/maps during a protected
# export and verify); the smoke test exports and verifies a protected bundle with the built
# program, so a pycryptodomex that starts to need one of these fails the build, not a person.
UNUSED_CRYPTODOME = [
    "Cryptodome/PublicKey/*",
    "Cryptodome/Cipher/_ARC4.*",
    "Cryptodome/Cipher/_chacha20.*",
    "Cryptodome/Cipher/_pkcs1_decode.*",
    "Cryptodome/Cipher/_raw_arc2.*",
    "Cryptodome/Cipher/_raw_blowfish.*",
    "Cryptodome/Cipher/_raw_cast.*",
    "Cryptodome/Cipher/_raw_des.*",
    "Cryptodome/Cipher/_raw_des3.*",
    "Cryptodome/Cipher/_raw_eksblowfish.*",
]
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


def is_unused_cryptodome(dest: str) -> bool:
    return any(fnmatch.fnmatch(_posix(dest), p) for p in UNUSED_CRYPTODOME)


def is_unwanted_data(dest: str) -> bool:
    return any(fnmatch.fnmatch(_posix(dest), p) for p in DROPPED_DATA)


def elf_needs(path: str) -> set[str]:
    """Base names of the libraries ``path`` links to directly (its ELF ``NEEDED`` entries)."""
    result = subprocess.run(["readelf", "-dW", path], capture_output=True, text=True, check=False)
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", result.stdout))


def _closure(start: str, needs: Callable[[str], set[str]], sources: dict[str, str]) -> set[str]:
    """Every library name reachable from ``start`` through libraries inside the bundle."""
    seen: set[str] = set()
    todo = list(needs(start))
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in sources:  # a system library left out of the bundle: not ours to follow
            todo.extend(needs(sources[name]))
    return seen


def prune(
    binaries: Iterable[Entry],
    datas: Iterable[Entry],
    needs: Callable[[str], set[str]] | None = None,
) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """Drop unwanted plugins and data, then the libraries only they needed.

    Returns (binaries, datas, dropped).  ``needs(source)`` lists the library base names a
    binary links to directly; pass None to skip the library step (Windows and macOS, where
    PyInstaller collects no system libraries worth removing).  A library is dropped only when
    something dropped needed it and nothing kept does, so a library loaded with dlopen (which
    no one "needs") is always kept.
    """
    binaries, datas = list(binaries), list(datas)
    sources = {os.path.basename(dest): src for dest, src, kind in binaries}
    dropped = [
        e
        for e in binaries
        if is_unwanted_plugin(e[0])
        or is_unused_cryptodome(e[0])
        or os.path.basename(e[0]) in OS_PROVIDED_LIBRARIES + UNUSED_LIBRARIES
    ]
    dropped += [e for e in datas if is_unwanted_data(e[0])]
    gone = {e[0] for e in dropped}
    binaries = [e for e in binaries if e[0] not in gone]
    datas = [e for e in datas if e[0] not in gone]

    if needs is not None:
        wanted_by_dropped: set[str] = set()
        for _dest, source, kind in dropped:
            if kind in {"BINARY", "EXTENSION"}:
                wanted_by_dropped |= _closure(source, needs, sources)
        candidates = {e[0] for e in binaries if os.path.basename(e[0]) in wanted_by_dropped}
        # Follow only libraries that stay: a dropped one will come from the OS, with its own.
        staying = {os.path.basename(d): s for d, s, _k in binaries}
        wanted_by_kept: set[str] = set()
        for dest, source, kind in binaries:
            if dest not in candidates and kind in {"BINARY", "EXTENSION"}:
                wanted_by_kept |= _closure(source, needs, staying)
        orphans = {d for d in candidates if os.path.basename(d) not in wanted_by_kept}
        dropped += [e for e in binaries if e[0] in orphans]
        binaries = [e for e in binaries if e[0] not in orphans]
        # Symbolic links PyInstaller made to a dropped library would dangle.
        gone_names = {os.path.basename(d) for d in orphans}
        links = [e for e in datas if e[2] == "SYMLINK" and os.path.basename(e[0]) in gone_names]
        dropped += links
        datas = [e for e in datas if e not in links]
    return binaries, datas, dropped
