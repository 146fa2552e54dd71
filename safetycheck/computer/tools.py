"""The lists of tools the computer scan looks for: ours, and a LOLRMM export if imported.

Our list (``assets/computer/tools.toml``) is written by us from the vendors' own pages: remote-
access tools that can be misused, and monitoring products sold to watch a partner or a child.
Each entry names its sources.  LOLRMM (https://lolrmm.io, magicsword-io/LOLRMM, Apache-2.0) is
a far longer list of remote monitoring and management tools kept for security teams.  We do
not ship it; a person can import an export they have (``rmm_tools.json``, or one tool's YAML)
or ask by name to download it.  It replaces the stored copy only after it has been read whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import ssl
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from safetycheck import safe_yaml
from safetycheck.computer.system import LINUX, MACOS, PLATFORMS, WINDOWS
from safetycheck.download import DownloadError
from safetycheck.download import download as fetch
from safetycheck.durable import write_atomic
from safetycheck.paths import assets_dir, ensure_private_dir

MONITORING = "monitoring"  # a product sold to watch another person (partner, child)
REMOTE_ACCESS = "remote-access"  # an ordinary tool to use a computer from far away
KINDS = (MONITORING, REMOTE_ACCESS)

OUR_FILE = "tools.toml"
STORE_FOLDER = "computer-tools"
STORE_FILE = "lolrmm.json"
STORE_FORMAT = 1
LOLRMM_URL = "https://lolrmm.io/api/rmm_tools.json"
LOLRMM_LABEL = "LOLRMM remote tools list"
DOWNLOAD_TIMEOUT_SECONDS = 30
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # the export is under 1 MB; 20 MB is far beyond it
LOLRMM_CREDIT = (
    "Remote monitoring and management tools from LOLRMM (https://lolrmm.io, "
    "https://github.com/magicsword-io/LOLRMM), licensed under the Apache License 2.0. "
    "Provided without warranty. SafetyCheck converts it to its own format to search it."
)
OUR_CREDIT = (
    "SafetyCheck's own list of remote-access tools and monitoring products, with the "
    "vendor's pages for each (assets/computer/tools.toml). LOLRMM (https://lolrmm.io, "
    "Apache-2.0) was used as a reference for which tools matter."
)


class ToolListError(Exception):
    """A list that cannot be used; the message is one sentence for the person."""


@dataclass(frozen=True)
class LogSpec:
    platform: str
    path: str  # may hold %VARIABLE% or start with ~
    what: str


@dataclass
class Tool:
    id: str
    name: str
    kind: str
    list_label: str
    vendor: str = ""
    what: str = ""
    names: list[str] = field(default_factory=list)  # names in installed-program lists
    words: list[str] = field(default_factory=list)  # distinctive words, matched whole
    processes: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)  # bundle ids, labels, packages
    paths: dict[str, list[str]] = field(default_factory=dict)  # platform -> patterns
    registry: list[str] = field(default_factory=list)  # Windows keys whose presence counts
    logs: list[LogSpec] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    category: str = ""
    exact_names: bool = False  # imported lists: a name must match the whole program name

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "vendor": self.vendor,
            "what": self.what,
            "names": self.names,
            "words": self.words,
            "processes": self.processes,
            "services": self.services,
            "identifiers": self.identifiers,
            "paths": self.paths,
            "registry": self.registry,
            "logs": [{"platform": s.platform, "path": s.path, "what": s.what} for s in self.logs],
            "sources": self.sources,
            "category": self.category,
            "exact_names": self.exact_names,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], list_label: str) -> Tool:
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            kind=str(data.get("kind", REMOTE_ACCESS)),
            list_label=list_label,
            vendor=str(data.get("vendor", "")),
            what=str(data.get("what", "")),
            names=[str(v) for v in data.get("names", [])],
            words=[str(v) for v in data.get("words", [])],
            processes=[str(v) for v in data.get("processes", [])],
            services=[str(v) for v in data.get("services", [])],
            identifiers=[str(v) for v in data.get("identifiers", [])],
            paths={str(k): [str(p) for p in v] for k, v in dict(data.get("paths", {})).items()},
            registry=[str(v) for v in data.get("registry", [])],
            logs=[
                LogSpec(str(s["platform"]), str(s["path"]), str(s.get("what", "")))
                for s in data.get("logs", [])
            ],
            sources=[str(v) for v in data.get("sources", [])],
            category=str(data.get("category", "")),
            exact_names=bool(data.get("exact_names", False)),
        )


@dataclass
class ToolList:
    tools: list[Tool]
    label: str
    source: str
    credit: str
    updated: dt.datetime | None = None
    sha256: str = ""

    def summary(self) -> str:
        count = f"{len(self.tools)} tool{'s' if len(self.tools) != 1 else ''}"
        if self.updated is None:
            return count
        return f"{count}, updated on {self.updated.astimezone().strftime('%d %B %Y')}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": STORE_FORMAT,
            "label": self.label,
            "source": self.source,
            "updated": self.updated.isoformat() if self.updated else None,
            "sha256": self.sha256,
            "tools": [t.to_dict() for t in self.tools],
        }


# -- our list ----------------------------------------------------------------------------

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LIST_FIELDS = ("names", "words", "processes", "services", "identifiers", "registry", "sources")


def load_our_list(path: Path | None = None) -> ToolList:
    """Read and check ``assets/computer/tools.toml``; a mistake names the entry and field."""
    path = path or assets_dir() / "computer" / OUR_FILE
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ToolListError(f"{path.name}: {exc}") from exc
    problems = validate_our_list(data, path.name)
    if problems:
        raise ToolListError("; ".join(problems))
    label = str(data["label"])
    reviewed = data["reviewed"]
    tools = [Tool.from_dict(entry, label) for entry in data["tools"]]
    return ToolList(
        tools=tools,
        label=label,
        source=path.name,
        credit=OUR_CREDIT,
        updated=dt.datetime.combine(reviewed, dt.time(), tzinfo=dt.UTC),
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def validate_our_list(data: dict[str, Any], name: str) -> list[str]:
    """Every problem in the file, each naming the file, the entry and the field."""
    problems: list[str] = []
    if not isinstance(data.get("label"), str):
        problems.append(f"{name}: 'label' is missing")
    if not isinstance(data.get("reviewed"), dt.date):
        problems.append(f"{name}: 'reviewed' should be a date (YYYY-MM-DD)")
    entries = data.get("tools")
    if not isinstance(entries, list) or not entries:
        return [*problems, f"{name}: no [[tools]] entries"]
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{name}: tool {number} ({entry.get('id', '?')})"
        tool_id = entry.get("id")
        if not isinstance(tool_id, str) or not _ID.match(tool_id):
            problems.append(f"{where}: 'id' should be lower-case letters, digits and dashes")
        elif tool_id in seen:
            problems.append(f"{where}: 'id' is used twice")
        else:
            seen.add(tool_id)
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            problems.append(f"{where}: 'name' is missing")
        if entry.get("kind") not in KINDS:
            problems.append(f"{where}: 'kind' should be one of {', '.join(KINDS)}")
        if not isinstance(entry.get("what"), str) or not entry["what"].strip():
            problems.append(f"{where}: 'what' (one plain sentence) is missing")
        for key in _LIST_FIELDS:
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{where}: '{key}' should be a list of strings")
        sources = entry.get("sources", [])
        if not sources or not all(str(s).startswith("https://") for s in sources):
            problems.append(f"{where}: 'sources' should list at least one https:// page")
        for platform in dict(entry.get("paths", {})):
            if platform not in PLATFORMS:
                problems.append(f"{where}: 'paths.{platform}' is not a platform")
        for log in entry.get("logs", []):
            if log.get("platform") not in PLATFORMS or not log.get("path") or not log.get("what"):
                problems.append(f"{where}: each 'logs' entry needs platform, path and what")
        if not any(entry.get(k) for k in ("names", "words", "processes", "services", "paths")):
            problems.append(f"{where}: nothing to look for (names, processes, paths, ...)")
    return problems


# -- LOLRMM exports ----------------------------------------------------------------------

_LOG_HINTS = ("connection", "incoming", "session log")


def parse_lolrmm(data: bytes, name: str = "") -> list[Tool]:
    """Read LOLRMM's ``rmm_tools.json`` (a list of tools) or one tool's YAML file."""
    if not data.strip():
        raise ToolListError("This file is empty.")
    try:
        parsed: Any = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        try:
            parsed = safe_yaml.load(data)  # no aliases: a few bytes must not stand for gigabytes
        except yaml.YAMLError as exc:
            raise ToolListError("This file is not a readable LOLRMM export.") from exc
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list) or not parsed:
        raise ToolListError("This file is not a LOLRMM export: it holds no list of tools.")
    tools: list[Tool] = []
    used: set[str] = set()
    for number, entry in enumerate(parsed, start=1):
        if not isinstance(entry, dict) or not str(entry.get("Name") or "").strip():
            raise ToolListError(f"Tool {number} in this file has no name.")
        tool = _lolrmm_tool(entry)
        base, n = tool.id, 2
        while tool.id in used:
            tool.id = f"{base}-{n}"
            n += 1
        used.add(tool.id)
        tools.append(tool)
    if not any(t.processes or t.paths or t.services for t in tools):
        raise ToolListError("This list holds no program names or folders to look for.")
    return tools


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _lolrmm_tool(entry: dict[str, Any]) -> Tool:
    name = str(entry["Name"]).strip()
    details = entry.get("Details") or {}
    artifacts = entry.get("Artifacts") or {}
    if not isinstance(details, dict):
        details = {}
    if not isinstance(artifacts, dict):
        artifacts = {}
    processes: list[str] = []
    for meta in _as_list(details.get("PEMetadata")):
        if isinstance(meta, dict):
            for key in ("Filename", "OriginalFileName"):
                value = str(meta.get(key) or "").strip()
                if value and value.lower() not in (p.lower() for p in processes):
                    processes.append(_basename(value))
    paths: dict[str, list[str]] = {}
    for raw in _as_list(details.get("InstallationPaths")):
        text = str(raw or "").strip()
        if text:
            _add_path(paths, _platform_of(text), text)
    logs: list[LogSpec] = []
    for disk in _as_list(artifacts.get("Disk")):
        if not isinstance(disk, dict) or not disk.get("File"):
            continue
        path = str(disk["File"]).strip()
        platform = _platform_from_os(str(disk.get("OS") or "")) or _platform_of(path)
        description = str(disk.get("Description") or "")
        if "*" not in path and any(h in description.lower() for h in _LOG_HINTS):
            logs.append(LogSpec(platform, path, description.split(".")[0][:200]))
        else:
            _add_path(paths, platform, path)
    registry = [
        str(r["Path"]).strip()
        for r in _as_list(artifacts.get("Registry"))
        if isinstance(r, dict) and r.get("Path")
    ]
    services: list[str] = []
    for event in _as_list(artifacts.get("EventLog")):
        if isinstance(event, dict) and event.get("ServiceName"):
            service = str(event["ServiceName"]).strip()
            if service not in services:
                services.append(service)
    website = str(details.get("Website") or "").strip()
    return Tool(
        id="lolrmm-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "tool"),
        name=name,
        kind=REMOTE_ACCESS,
        list_label=LOLRMM_LABEL,
        what=_first_sentence(str(entry.get("Description") or "")),
        names=[name],
        processes=processes,
        services=services,
        paths=paths,
        registry=registry,
        logs=logs,
        sources=[website] if website.startswith("https://") else [],
        category=str(entry.get("Category") or ""),
        exact_names=True,
    )


def _basename(value: str) -> str:
    return re.split(r"[\\/]", value)[-1]


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    head = text.split(". ")[0].strip()
    return (head.rstrip(".") + ".") if head else ""


def _platform_from_os(value: str) -> str | None:
    value = value.lower()
    if "win" in value:
        return WINDOWS
    if "mac" in value or "osx" in value:
        return MACOS
    if "linux" in value:
        return LINUX
    return None


def _platform_of(path: str) -> str:
    if re.match(r"^[a-zA-Z]:[\\/]", path) or "\\" in path or path.startswith("%"):
        return WINDOWS
    if path.startswith(("/Applications", "/Library", "~/Library", "/System", "/Users")):
        return MACOS
    return LINUX


def _add_path(paths: dict[str, list[str]], platform: str, path: str) -> None:
    bucket = paths.setdefault(platform, [])
    if path not in bucket:
        bucket.append(path)


# -- the stored import ---------------------------------------------------------------------


class ToolStore:
    """Our list, plus the imported LOLRMM list kept as ``computer-tools/lolrmm.json``."""

    def __init__(self, data_dir: Path, our_list: Path | None = None) -> None:
        self.folder = Path(data_dir) / STORE_FOLDER
        self.path = self.folder / STORE_FILE
        self.our_list_path = our_list

    def imported(self) -> ToolList | None:
        """The imported list, or None when there is none (or it cannot be read)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or int(data.get("format", 0)) > STORE_FORMAT:
                return None
            label = str(data.get("label") or LOLRMM_LABEL)
            stamp = data.get("updated")
            return ToolList(
                tools=[Tool.from_dict(t, label) for t in data.get("tools", [])],
                label=label,
                source=str(data.get("source", "")),
                credit=LOLRMM_CREDIT,
                updated=dt.datetime.fromisoformat(stamp) if stamp else None,
                sha256=str(data.get("sha256", "")),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def lists(self) -> list[ToolList]:
        result = [load_our_list(self.our_list_path)]
        imported = self.imported()
        if imported is not None:
            result.append(imported)
        return result

    def import_bytes(self, data: bytes, source: str) -> ToolList:
        """Read ``data`` completely, then (only then) replace the stored list."""
        tools = parse_lolrmm(data, source)
        imported = ToolList(
            tools=tools,
            label=LOLRMM_LABEL,
            source=source,
            credit=LOLRMM_CREDIT,
            updated=dt.datetime.now(dt.UTC).replace(microsecond=0),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        ensure_private_dir(self.folder)
        write_atomic(self.path, json.dumps(imported.to_dict(), ensure_ascii=False).encode())
        return imported

    def import_file(self, path: Path) -> ToolList:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ToolListError(f"The file {path} could not be read.") from exc
        return self.import_bytes(data, Path(path).name)

    def download(
        self,
        url: str = LOLRMM_URL,
        timeout: float = DOWNLOAD_TIMEOUT_SECONDS,
        context: ssl.SSLContext | None = None,
    ) -> ToolList:
        """Download LOLRMM's export: the only network use of the computer scan, on request."""
        return self.import_bytes(download(url, timeout, context), url)


def download(
    url: str,
    timeout: float = DOWNLOAD_TIMEOUT_SECONDS,
    context: ssl.SSLContext | None = None,
) -> bytes:
    """The export at ``url``, by the one download path (``safetycheck.download``); ``context``
    lets a test trust its own server."""
    try:
        return fetch(url, max_bytes=MAX_DOWNLOAD_BYTES, timeout=timeout, context=context)
    except DownloadError as exc:
        raise ToolListError(f"{exc} The list you had before is still in use.") from exc
