"""Stalkerware indicators: load Echap's two published formats, keep them, look things up.

Echap (https://github.com/AssoEchap/stalkerware-indicators, CC BY 4.0) publishes the same
data as ``ioc.yaml`` (one entry per app) and as a STIX 2.1 bundle
(``generated/stalkerware.stix2``, the file MVT downloads).  Both are turned into the same
:class:`IndicatorApp` records and stored as one JSON file in the data folder, with the
source and the date, so the app can say "N known apps, updated on DATE".

A new list only replaces the stored one after it has been read completely: a broken
file leaves the previous indicators in place.  Matching is case-insensitive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import ssl
import stat
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from safetycheck import safe_yaml
from safetycheck.download import DownloadError
from safetycheck.download import download as fetch
from safetycheck.durable import write_atomic
from safetycheck.paths import assets_dir, ensure_private_dir

STORE_FOLDER = "indicators"
STORE_FILE = "indicators.json"
STORE_FORMAT = 1
DEFAULT_INDICATORS_URL = (
    "https://raw.githubusercontent.com/AssoEchap/stalkerware-indicators/master/ioc.yaml"
)
DOWNLOAD_TIMEOUT_SECONDS = 30
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024  # the STIX bundle is about 4 MB; 50 MB is far beyond it
BUNDLED_FOLDER = "echap"  # under assets/indicators: the copy shipped with SafetyCheck
BUNDLED_META = "snapshot.toml"
STALE_AFTER_MONTHS = 6
CREDIT = (
    "Stalkerware indicators by Echap (https://github.com/AssoEchap/stalkerware-indicators), "
    "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). "
    "Provided without warranty. SafetyCheck converts them to its own format to search them."
)

# One STIX comparison, e.g. [app:id='com.x'] or [app:cert.sha1 = 'AB12...'].
_STIX_PATTERN = re.compile(r"^\s*\[\s*([a-z0-9_.:-]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]\s*$", re.I)
_HEX = re.compile(r"^[0-9a-fA-F:]+$")


class IndicatorError(Exception):
    """A list that cannot be used; the message is one sentence for the person."""


@dataclass
class IndicatorApp:
    """One known app (a product, often sold under several names)."""

    name: str
    names: list[str] = field(default_factory=list)
    type: str = "stalkerware"
    packages: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)  # hex digests, upper case
    websites: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)
    source_note: str = ""
    ios_bundles: list[str] = field(default_factory=list)  # iPhone bundle ids (watchware.yaml)

    @property
    def is_watchware(self) -> bool:
        """Sold to watch children or staff (Echap's "watchware"), not marketed for partners."""
        return self.type.strip().lower() == "watchware"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "names": self.names,
            "type": self.type,
            "packages": self.packages,
            "certificates": self.certificates,
            "websites": self.websites,
            "domains": self.domains,
            "ips": self.ips,
            "source_note": self.source_note,
            "ios_bundles": self.ios_bundles,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndicatorApp:
        return cls(
            name=str(data["name"]),
            names=list(data.get("names", [])),
            type=str(data.get("type", "stalkerware")),
            packages=list(data.get("packages", [])),
            certificates=list(data.get("certificates", [])),
            websites=list(data.get("websites", [])),
            domains=list(data.get("domains", [])),
            ips=list(data.get("ips", [])),
            source_note=str(data.get("source_note", "")),
            ios_bundles=list(data.get("ios_bundles", [])),
        )


@dataclass
class IndicatorList:
    """A set of apps and where they came from."""

    apps: list[IndicatorApp]
    source: str  # a file name or URL
    label: str  # what the person sees, e.g. "Echap stalkerware indicators"
    imported_at: dt.datetime | None = None
    file_format: str = "ioc.yaml"
    sha256: str = ""
    # For the copy shipped with SafetyCheck: the date of the upstream commit it was copied
    # from.  The list is as old as that, not as old as the day it was installed.
    dated: dt.date | None = None
    bundled: bool = False

    @property
    def package_count(self) -> int:
        return len({p.lower() for app in self.apps for p in app.packages})

    @property
    def certificate_count(self) -> int:
        return len({c.lower() for app in self.apps for c in app.certificates})

    @property
    def as_of(self) -> dt.date | None:
        """The day the list's contents are from: its upstream date, or the day it was fetched."""
        if self.dated is not None:
            return self.dated
        if self.imported_at is not None:
            return self.imported_at.astimezone().date()
        return None

    def summary(self) -> str:
        """ "147 known apps, updated on 28 November 2026" for the screen and the CLI."""
        count = f"{len(self.apps)} known app{'s' if len(self.apps) != 1 else ''}"
        if self.bundled and self.dated is not None:
            return f"{count}, list of {_long_date(self.dated)} (comes with SafetyCheck)"
        if self.imported_at is None:
            return count
        return f"{count}, updated on {_long_date(self.imported_at.astimezone().date())}"

    def age_in_months(self, today: dt.date | None = None) -> int | None:
        """Whole calendar months between the list's date and ``today``."""
        as_of = self.as_of
        if as_of is None:
            return None
        today = today or dt.date.today()
        months = (today.year - as_of.year) * 12 + today.month - as_of.month
        if today.day < as_of.day:
            months -= 1
        return max(months, 0)

    def is_stale(self, today: dt.date | None = None) -> bool:
        """More than six months old: new spy apps appear all the time."""
        as_of = self.as_of
        if as_of is None:
            return True
        today = today or dt.date.today()
        return _add_months(as_of, STALE_AFTER_MONTHS) < today

    def age_warning(self, today: dt.date | None = None, *, cli: bool = False) -> str | None:
        """One plain sentence when the list is more than six months old, else None.
        ``cli``: the words for the command line, which names a command, not a button."""
        if not self.is_stale(today):
            return None
        from safetycheck.android.adb import scan_text

        text = scan_text()["list_age"]
        months = self.age_in_months(today)
        age = text["months"].format(months=months) if months is not None else text["unknown"]
        key = "cli" if cli else "app"
        return str(text[key]).format(label=self.label, age=age)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": STORE_FORMAT,
            "source": self.source,
            "label": self.label,
            "imported_at": self.imported_at.isoformat() if self.imported_at else None,
            "file_format": self.file_format,
            "sha256": self.sha256,
            "apps": [app.to_dict() for app in self.apps],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndicatorList:
        stamp = data.get("imported_at")
        return cls(
            apps=[IndicatorApp.from_dict(a) for a in data.get("apps", [])],
            source=str(data.get("source", "")),
            label=str(data.get("label", "")),
            imported_at=dt.datetime.fromisoformat(stamp) if stamp else None,
            file_format=str(data.get("file_format", "")),
            sha256=str(data.get("sha256", "")),
        )


@dataclass(frozen=True)
class Match:
    app: IndicatorApp
    list_label: str
    by: str  # "package", "certificate" or "app id" (iPhone bundle id)
    value: str


class IndicatorIndex:
    """Dictionaries from lower-cased package name / certificate digest to the apps.

    Built once per scan so that matching thousands of packages is a few dict lookups.
    """

    def __init__(self, lists: Iterable[IndicatorList]) -> None:
        self.lists = list(lists)
        self.by_package: dict[str, list[tuple[IndicatorApp, str]]] = {}
        self.by_certificate: dict[str, list[tuple[IndicatorApp, str]]] = {}
        self.by_bundle: dict[str, list[tuple[IndicatorApp, str]]] = {}
        for indicator_list in self.lists:
            for app in indicator_list.apps:
                entry = (app, indicator_list.label)
                for package in {p.lower() for p in app.packages}:
                    self.by_package.setdefault(package, []).append(entry)
                for cert in {_norm_hex(c) for c in app.certificates}:
                    self.by_certificate.setdefault(cert, []).append(entry)
                for bundle in {b.lower() for b in app.ios_bundles}:
                    self.by_bundle.setdefault(bundle, []).append(entry)

    def match_package(self, package: str) -> list[Match]:
        return [
            Match(app, label, "package", package)
            for app, label in self.by_package.get(package.lower(), ())
        ]

    def match_bundle(self, bundle_id: str) -> list[Match]:
        """iPhone apps, by bundle id (Echap's ``ios_bundles``), case-insensitively."""
        return [
            Match(app, label, "app id", bundle_id)
            for app, label in self.by_bundle.get(bundle_id.lower(), ())
        ]

    def match_certificate(self, digest: str) -> list[Match]:
        return [
            Match(app, label, "certificate", digest)
            for app, label in self.by_certificate.get(_norm_hex(digest), ())
        ]


def _norm_hex(value: str) -> str:
    return value.replace(":", "").strip().lower()


# -- reading the two formats ------------------------------------------------------------


def _str_list(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise IndicatorError(f"{where} should be a list.")
    return [str(item).strip() for item in value if item is not None and str(item).strip()]


def load_ioc_yaml(data: bytes | str, source_note: str = "") -> list[IndicatorApp]:
    """Read Echap's ``ioc.yaml`` (or ``watchware.yaml``).

    Tolerates the known variations: ``c2: ip:`` instead of ``c2: ips:``, missing lists,
    and a top-level mapping with an ``apps`` key (our built-in file).
    """
    try:
        parsed = safe_yaml.load(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark is not None else ""
        if isinstance(exc, safe_yaml.AliasRefused):
            raise IndicatorError(
                f"This file uses YAML aliases (*name){where}, which indicator lists never "
                "need, so it was not read."
            ) from exc
        raise IndicatorError(
            f"This file is not a readable indicator list (a YAML mistake{where})."
        ) from exc
    if isinstance(parsed, dict) and "apps" in parsed:
        parsed = parsed["apps"]
    if not isinstance(parsed, list) or not parsed:
        raise IndicatorError("This file is not an indicator list: it holds no list of apps.")
    apps = []
    for number, entry in enumerate(parsed, start=1):
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            raise IndicatorError(f"Entry {number} in this file has no app name.")
        where = f"Entry {number} ({entry['name']})"
        c2 = entry.get("c2") or {}
        if not isinstance(c2, dict):
            raise IndicatorError(f"{where}: 'c2' should hold domains and ips.")
        apps.append(
            IndicatorApp(
                name=str(entry["name"]).strip(),
                names=_str_list(entry.get("names"), f"{where}: 'names'"),
                type=str(entry.get("type") or "stalkerware"),
                packages=_str_list(entry.get("packages"), f"{where}: 'packages'"),
                certificates=[
                    c.upper()
                    for c in _str_list(entry.get("certificates"), f"{where}: 'certificates'")
                ],
                websites=_str_list(entry.get("websites"), f"{where}: 'websites'"),
                domains=_str_list(c2.get("domains"), f"{where}: 'c2 domains'"),
                ips=_str_list(c2.get("ips"), f"{where}: 'c2 ips'")
                + _str_list(c2.get("ip"), f"{where}: 'c2 ip'"),
                source_note=str(entry.get("source") or source_note),
                ios_bundles=_str_list(entry.get("ios_bundles"), f"{where}: 'ios_bundles'"),
            )
        )
    return apps


def load_stix2(data: bytes | str) -> list[IndicatorApp]:
    """Read a STIX 2.1 bundle in the shape Echap (and MVT) publish.

    ``malware`` objects name the apps; ``indicator`` objects hold one comparison each;
    ``relationship`` objects of type ``indicates`` link an indicator to a malware.  The
    same id may appear more than once (Echap's generator has repeated some): repeats are
    merged, not counted twice.  Patterns we cannot use (file hashes, URLs) are skipped.
    """
    try:
        bundle = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise IndicatorError("This file is not a readable STIX indicator bundle.") from exc
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise IndicatorError("This file is not a STIX bundle (its type is not 'bundle').")
    objects = bundle.get("objects")
    if not isinstance(objects, list):
        raise IndicatorError("This STIX bundle holds no objects.")
    malware: dict[str, IndicatorApp] = {}
    patterns: dict[str, tuple[str, str]] = {}
    links: set[tuple[str, str]] = set()
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        kind, obj_id = obj.get("type"), obj.get("id")
        if not isinstance(obj_id, str):
            continue
        if kind == "malware":
            name = str(obj.get("name") or "").strip() or obj_id
            app = malware.setdefault(obj_id, IndicatorApp(name=name))
            for alias in obj.get("aliases") or []:
                if alias not in app.names:
                    app.names.append(str(alias))
        elif kind == "indicator":
            found = _STIX_PATTERN.match(str(obj.get("pattern") or ""))
            if found:
                patterns[obj_id] = (found.group(1).lower(), found.group(2).replace("\\'", "'"))
        elif kind == "relationship" and obj.get("relationship_type") == "indicates":
            source, target = obj.get("source_ref"), obj.get("target_ref")
            if isinstance(source, str) and isinstance(target, str):
                links.add((source, target))
    if not malware:
        raise IndicatorError("This STIX bundle names no apps (no 'malware' objects).")
    for indicator_id, malware_id in sorted(links):
        named_app = malware.get(malware_id)
        pattern = patterns.get(indicator_id)
        if named_app is None or pattern is None:
            continue
        app = named_app
        key, value = pattern
        if key == "app:id":
            _add_once(app.packages, value)
        elif key in ("app:cert.sha1", "app:cert.sha256", "app:cert.md5"):
            if _HEX.match(value):
                _add_once(app.certificates, value.replace(":", "").upper())
        elif key == "domain-name:value":
            _add_once(app.domains, value)
        elif key in ("ipv4-addr:value", "ipv6-addr:value"):
            _add_once(app.ips, value)
    return _merge_by_name(malware.values())


def _add_once(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def _merge_by_name(apps: Iterable[IndicatorApp]) -> list[IndicatorApp]:
    """Malware objects with the same name (e.g. from repeated ids) become one app."""
    merged: dict[str, IndicatorApp] = {}
    for app in apps:
        key = app.name.casefold()
        if key not in merged:
            merged[key] = app
            continue
        into = merged[key]
        for attr in (
            "names",
            "packages",
            "certificates",
            "websites",
            "domains",
            "ips",
            "ios_bundles",
        ):
            for value in getattr(app, attr):
                _add_once(getattr(into, attr), value)
    return list(merged.values())


def parse_indicator_file(data: bytes, name: str = "") -> tuple[list[IndicatorApp], str]:
    """Either format, told apart by content (a STIX bundle is a JSON object)."""
    if not data.strip():
        raise IndicatorError("This file is empty.")
    head = data.lstrip()[:1]
    if head == b"{" or name.lower().endswith((".stix2", ".json")):
        apps, file_format = load_stix2(data), "stix2"
    else:
        apps, file_format = load_ioc_yaml(data), "ioc.yaml"
    if not any(app.packages or app.certificates or app.ios_bundles for app in apps):
        raise IndicatorError("This list holds no app package names or certificates to look for.")
    return apps, file_format


# -- the copy that ships with SafetyCheck --------------------------------------------------


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days


def bundled_folder() -> Path:
    return assets_dir() / "indicators" / BUNDLED_FOLDER


def bundled_lists(folder: Path | None = None) -> list[IndicatorList]:
    """Echap's lists as copied into SafetyCheck (``snapshot.toml`` names the files and date)."""
    folder = folder or bundled_folder()
    meta = tomllib.loads((folder / BUNDLED_META).read_text(encoding="utf-8"))
    dated = meta.get("date")
    result = []
    for item in meta["files"]:
        raw = (folder / item["name"]).read_bytes()
        result.append(
            IndicatorList(
                apps=load_ioc_yaml(raw),
                source=f"{meta['upstream']} ({item['name']}, commit {meta['commit'][:12]})",
                label=str(item.get("label") or meta["label"]),
                imported_at=None,
                file_format=str(item.get("kind") or "ioc.yaml"),
                sha256=hashlib.sha256(raw).hexdigest(),
                dated=dated if isinstance(dated, dt.date) else None,
                bundled=True,
            )
        )
    return result


# -- the stored list ----------------------------------------------------------------------


class IndicatorStore:
    """The imported list, kept as ``indicators/indicators.json`` in the data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / STORE_FOLDER
        self.path = self.folder / STORE_FILE

    def load(self) -> IndicatorList | None:
        """The imported list, or None when nothing has been imported (or it is unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or int(data.get("format", 0)) > STORE_FORMAT:
                return None
            return IndicatorList.from_dict(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def lists(self) -> list[IndicatorList]:
        """Every list a scan uses.

        The downloaded or imported stalkerware list replaces the copy of ``ioc.yaml`` that
        ships with SafetyCheck (it is the newer one); the shipped watchware list is always
        used, because updates fetch ``ioc.yaml`` only.
        """
        shipped = bundled_lists()
        imported = self.load()
        if imported is None:
            return shipped
        return [imported, *(lst for lst in shipped if lst.file_format == "watchware")]

    def imported(self) -> bool:
        return self.load() is not None

    def index(self) -> IndicatorIndex:
        return IndicatorIndex(self.lists())

    def import_bytes(self, data: bytes, source: str) -> IndicatorList:
        """Parse ``data`` fully, then (only then) replace the stored list."""
        apps, file_format = parse_indicator_file(data, source)
        imported = IndicatorList(
            apps=apps,
            source=source,
            label="Echap stalkerware indicators",
            imported_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            file_format=file_format,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        ensure_private_dir(self.folder)
        payload = json.dumps(imported.to_dict(), ensure_ascii=False).encode("utf-8")
        write_atomic(self.path, payload)
        return imported

    def import_file(self, path: Path) -> IndicatorList:
        try:
            with open(path, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise IndicatorError(f"{path} is not a file SafetyCheck can import.")
                data = handle.read(MAX_DOWNLOAD_BYTES + 1)
        except OSError as exc:
            raise IndicatorError(f"The file {path} could not be read.") from exc
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise IndicatorError("This file is far too large to be an indicator list.")
        return self.import_bytes(data, Path(path).name)

    def update_from_url(
        self,
        url: str,
        timeout: float = DOWNLOAD_TIMEOUT_SECONDS,
        context: ssl.SSLContext | None = None,
    ) -> IndicatorList:
        """Download the list; the only network call SafetyCheck makes, and only on request.
        ``context`` lets a test trust its own server."""
        return self.import_bytes(download(url, timeout, context), url)


def download(
    url: str,
    timeout: float = DOWNLOAD_TIMEOUT_SECONDS,
    context: ssl.SSLContext | None = None,
) -> bytes:
    """The list at ``url``, by the one download path (``safetycheck.download``): https://
    only, certificates checked, never redirected to http://, size and time bounded."""
    try:
        return fetch(url, max_bytes=MAX_DOWNLOAD_BYTES, timeout=timeout, context=context)
    except DownloadError as exc:
        raise IndicatorError(f"{exc} The list you had before is still in use.") from exc
