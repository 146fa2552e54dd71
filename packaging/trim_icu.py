"""Shrink the ICU data library in a Linux bundle from about 31 MB to about 7 MB.

PySide6's Qt Core links ICU, and ICU's data library carries every locale's currency, unit,
language and region names, transliterators, dictionaries and legacy character sets.  Qt uses
ICU for four things only (checked with ``objdump -T``): case mapping, collation (sorting),
time-zone names and legacy text codecs.  The app needs the first two in every language, and
English time-zone names; it reads and writes UTF-8 only.  So we keep all collation data,
English locale data and everything that is not per-locale, and drop the rest (and the large
Chinese, Japanese and Korean sort orders, which fall back to Unicode's default order).

ICU's own ``icupkg`` (Debian: ``icu-devtools``) edits the data package; ``as`` and ``ld`` wrap
it back into a library exporting the one symbol ICU looks for.  If data the app did need were
missing, ICU falls back to the root locale rather than failing.

    python packaging/trim_icu.py BUNDLE_DIR
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

DROPPED_TREES = ("curr/", "unit/", "lang/", "region/", "translit/", "rbnf/", "brkitr/")
KEPT_TREES = ("coll/",)  # sorting in every language ...
# ... except the Chinese, Japanese and Korean orders (1.1 MB): those fall back to the root order.
# Locales that alias them (zh_TW, yue_Hant, ...) go too: icupkg refuses dangling references.
DROPPED_COLLATIONS = re.compile(r"^coll/(zh|yue|ja|ko)(_[A-Za-z0-9_]+)?\.res$")
ENGLISH = re.compile(r"^(root|en|en_GB|en_001|en_150|pool|res_index)\.res$")
LOCALE_FILE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$")


def items_to_drop(items: list[str]) -> list[str]:
    """The package items the app does not need (see the module docstring)."""
    drop = []
    for item in items:
        base = item.rsplit("/", 1)[-1]
        if DROPPED_COLLATIONS.match(item):
            drop.append(item)
            continue
        if item.startswith(KEPT_TREES):
            continue
        if item.startswith(DROPPED_TREES) or item.endswith(".cnv") or item == "unames.icu":
            drop.append(item)
        elif LOCALE_FILE.match(base) and not ENGLISH.match(base):
            drop.append(item)  # top-level and zone/ locale files other than English
    return drop


def _run(*args: str, cwd: Path | None = None) -> str:
    result = subprocess.run(args, capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        raise SystemExit(f"trim_icu: {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """(symbol, file offset, size) of the data blob, e.g. ``icudt73_dat``."""
    symbols = _run("readelf", "-sW", str(library))
    match = re.search(
        r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+"
        r"(icudt\d+_dat)\b",
        symbols,
    )
    if not match:
        raise SystemExit(f"trim_icu: no icudt*_dat symbol in {library}")
    address, size, section, symbol = match.groups()
    sections = _run("readelf", "-SW", str(library))
    row = re.search(rf"\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    section_address, section_offset = (int(x, 16) for x in row.groups())
    offset = int(address, 16) - section_address + section_offset
    return symbol, offset, int(size, 0)


def trim(library: Path) -> tuple[int, int]:
    """Rewrite ``library`` in place; return its size before and after."""
    before = library.stat().st_size
    symbol, offset, size = _data_symbol(library)
    name = symbol.removesuffix("_dat") + "l"  # icudt73l: little-endian package
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with open(library, "rb") as handle:
            handle.seek(offset)
            (work / f"{name}.dat").write_bytes(handle.read(size))  # icupkg wants this name
        items = _run("icupkg", "-l", f"{name}.dat", cwd=work).split()
        (work / "drop.txt").write_text("\n".join(items_to_drop(items)) + "\n")
        (work / "out").mkdir()
        _run("icupkg", "-r", "drop.txt", f"{name}.dat", f"out/{name}.dat", cwd=work)
        (work / "data.s").write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
            f'{symbol}:\n\t.incbin "out/{name}.dat"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        _run("as", "-o", "data.o", "data.s", cwd=work)
        _run("ld", "-shared", "-soname", library.name, "-o", "lib.so", "data.o", cwd=work)
        (work / "lib.so").replace(library)
    return before, library.stat().st_size


# What Qt asks ICU for, in a few languages: sorting, upper case, a time-zone name.
_PROBE = """
from PySide6.QtCore import QCollator, QDateTime, QLocale, QTimeZone
words = ["Zebra", "apple", "Äpfel", "zoo", "Öl", "éclair", "Łódź", "ŵ", "ñandú", "Ğ", "ı"]
for name in ["en_GB", "cy_GB", "sv_SE", "pl_PL", "tr_TR", "de_DE", "ar_SA", "ur_PK"]:
    print(name, sorted(words, key=QCollator(QLocale(name)).sortKey))
print(QLocale("tr_TR").toUpper("istanbul"), QLocale("en_GB").toLower("ΣΟΦΟΣ"))
when = QDateTime.fromString("2026-07-01T12:00:00Z", "yyyy-MM-ddTHH:mm:ssZ")
london = QTimeZone(b"Europe/London")
print(london.displayName(when), london.offsetFromUtc(when))
"""


def check_same_behaviour(library: Path) -> None:
    """Run the probe with the full ICU data and with the trimmed copy: the answers must match.

    ``sys.executable`` must be a Python with the same PySide6 (the build's venv).
    """
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    full = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=env
    ).stdout
    env["LD_LIBRARY_PATH"] = str(library.parent)  # RUNPATH yields to it: the trimmed copy wins
    trimmed = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=env
    ).stdout
    if full != trimmed or not full:
        raise SystemExit(
            f"trim_icu: Qt behaves differently with the trimmed data:\n"
            f"--- full\n{full}--- trimmed\n{trimmed}"
        )
    print("trim_icu: sorting, case mapping and time-zone names unchanged", file=sys.stderr)


def main(argv: list[str]) -> int:
    libraries = sorted(Path(argv[1]).rglob("libicudata.so.*"))
    libraries = [p for p in libraries if not p.is_symlink()]
    if not libraries:
        print("trim_icu: no ICU data library in the bundle; nothing to do", file=sys.stderr)
        return 0
    for library in libraries:
        before, after = trim(library)
        print(
            f"trim_icu: {library.name} {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB",
            file=sys.stderr,
        )
        check_same_behaviour(library)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
