"""Turn a reading of this computer into leads a person can review, and choose what to save.

Nothing here decides that a computer is or is not watched.  Each finding says what it is,
why it matters, how sure we are (a known monitoring product, an ordinary tool that can be
misused, or just worth a look) and what is safe to do next; each points to the manual check
where a person confirms it.  A scan that finds nothing still says that proves nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from safetycheck.computer import model
from safetycheck.computer.linux import LinuxReader
from safetycheck.computer.macos import MacReader
from safetycheck.computer.matching import ToolIndex, ToolMatch, normalise_path
from safetycheck.computer.model import ConnectionLog, Item, Reading, to_jsonable
from safetycheck.computer.system import LINUX, MACOS, WINDOWS, System
from safetycheck.computer.tools import MONITORING, Tool, ToolList
from safetycheck.computer.windows import WindowsReader
from safetycheck.paths import assets_dir
from safetycheck.scans import Lead, ScanReport

SOURCE = "computer-scan"

KNOWN = "known"  # a known monitoring product
TOOL = "tool"  # an ordinary remote-access tool that can be misused
REVIEW = "review"  # worth a look
INFO = "info"  # for the person's records
LEVELS = (KNOWN, TOOL, REVIEW, INFO)
LEADS = (KNOWN, TOOL, REVIEW)  # what is saved by default
KIND_ORDER = (
    "monitoring-product",
    "remote-tool",
    "remote-setting",
    "permission",
    "profile",
    "account",
    "extension-all-sites",
    "autostart",
    "extension",
)

Progress = Callable[[str], None]


class Reader(Protocol):
    platform: str

    def read(self, system: System, progress: Progress | None = None) -> Reading: ...


READERS: dict[str, Callable[[], Reader]] = {
    WINDOWS: WindowsReader,
    MACOS: MacReader,
    LINUX: LinuxReader,
}


def reader_for(platform: str) -> Reader:
    return READERS[platform]()


class ScanCancelled(Exception):
    """The person pressed Cancel; nothing from the scan is kept."""


@functools.cache
def scan_text() -> dict[str, Any]:
    with (assets_dir() / "computer" / "scan.toml").open("rb") as handle:
        return tomllib.load(handle)


@dataclass
class Finding:
    kind: str
    level: str
    title: str
    why: str
    sure: str
    next: str
    check_id: str | None
    facts: list[str] = field(default_factory=list)  # what was seen, and where
    logs: list[ConnectionLog] = field(default_factory=list)
    tool: str | None = None
    product: str | None = None
    list_label: str | None = None

    def evidence_text(self) -> str:
        """How the finding reads in the case's evidence log: the lead, then what was seen."""
        parts = [self.title]
        if self.facts:
            parts.append("Seen: " + "; ".join(self.facts) + ".")
        parts.append(f"({scan_text()['levels'][self.level]}.)")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "level": self.level,
            "level_text": scan_text()["levels"][self.level],
            "title": self.title,
            "why": self.why,
            "how_sure": self.sure,
            "next": self.next,
            "check_id": self.check_id,
            "facts": self.facts,
            "connection_logs": [to_jsonable(log) for log in self.logs],
            "tool": self.tool,
            "product": self.product,
            "list": self.list_label,
        }


@dataclass
class ScanResult:
    reading: Reading
    findings: list[Finding]
    lists: list[str]  # "label: summary" for each list used
    credits: list[str]
    seconds: float = 0.0

    @property
    def known(self) -> list[Finding]:
        return [f for f in self.findings if f.level == KNOWN]

    @property
    def tools(self) -> list[Finding]:
        return [f for f in self.findings if f.level == TOOL]

    @property
    def logs(self) -> list[ConnectionLog]:
        return [log for f in self.findings for log in f.logs]

    @property
    def complete(self) -> bool:
        """False when a part that should be readable was not (see ``reading.problems``)."""
        return not self.reading.problems

    @property
    def headline(self) -> str:
        text = scan_text()
        if not self.known and not self.complete:
            return str(text["incomplete"])
        if self.known:
            products = ", ".join(sorted({f.product or "" for f in self.known}))
            return str(text["found_known"]).format(products=products)
        if self.tools:
            names = ", ".join(sorted({f.product or "" for f in self.tools}))
            return str(text["found_tools"]).format(tools=names)
        return str(text["clean_result"])

    @property
    def device(self) -> str:
        reading = self.reading
        name = reading.computer_name or "This computer"
        return f"{name} ({reading.os_version})" if reading.os_version else name

    def summary(self) -> str:
        counts = self.reading.counts()
        return (
            f"Computer scan: {counts['installed']} installed programs, {counts['processes']} "
            f"running, {counts['autostart'] + counts['services']} start-up items and services, "
            f"{counts['extensions']} browser add-ons, {counts['accounts']} accounts read. "
            f"{self.headline}"
        )

    def to_dict(self) -> dict[str, Any]:
        text = scan_text()
        reading = self.reading
        return {
            "computer": {
                "name": reading.computer_name,
                "platform": reading.platform,
                "os_version": reading.os_version,
                "user": reading.user,
                "administrator": reading.is_admin,
                "source": reading.source,
            },
            "scanned_at": reading.read_at.isoformat(),
            "seconds": round(self.seconds, 3),
            "headline": self.headline,
            "known_monitoring_product_found": bool(self.known),
            "complete": self.complete,
            "limits": text["limits"],
            "note": text["leads_intro"],
            "counts": reading.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "skipped": reading.skipped,
            "problems": reading.problems,
            "lists": self.lists,
            "credits": self.credits,
        }


def build_index(lists: Iterable[ToolList], system: System) -> ToolIndex:
    return ToolIndex(
        lists,
        system.platform,
        expand=system.expand,
        ignore_names=scan_text()["ignore_program_names"],
    )


def run_scan(
    system: System,
    lists: list[ToolList],
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ScanResult:
    """Read the computer and analyse it.  ``should_stop`` returning True cancels the scan."""
    started = time.perf_counter()

    def say(text: str) -> None:
        if should_stop is not None and should_stop():
            raise ScanCancelled
        if progress is not None:
            progress(text)

    reading = reader_for(system.platform).read(system, say)
    say("Looking for known tools")
    index = build_index(lists, system)
    traces = find_traces(system, index, reading)
    say("Putting the leads together")
    findings = analyse(reading, index, traces)
    return ScanResult(
        reading=reading,
        findings=findings,
        lists=[f"{lst.label}: {lst.summary()}" for lst in lists],
        credits=[lst.credit for lst in lists],
        seconds=time.perf_counter() - started,
    )


@dataclass
class Traces:
    """Signs of a tool found by looking for its own folders, registry keys and logs."""

    facts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # id -> (fact, key)
    logs: dict[str, list[ConnectionLog]] = field(default_factory=dict)
    tools: dict[str, Tool] = field(default_factory=dict)


def find_traces(system: System, index: ToolIndex, reading: Reading) -> Traces:
    """Look (read-only) for each tool's own folders, registry keys and connection logs."""
    traces = Traces()
    seen_paths: set[str] = set()
    for tool in index.tools:
        for raw in tool.paths.get(system.platform, []):
            path = system.expand(raw)
            if not path or "*" in path or "?" in path or path.casefold() in seen_paths:
                continue
            if system.fs.exists(path):
                seen_paths.add(path.casefold())
                traces.facts.setdefault(tool.id, []).append((f"found {path}", normalise_path(path)))
                traces.tools[tool.id] = tool
        if system.platform == WINDOWS and system.registry is not None:
            for key in tool.registry:
                if "*" in key:
                    continue
                try:
                    system.registry.values(key)
                except OSError:
                    continue
                traces.facts.setdefault(tool.id, []).append((f"registry key {key}", key.lower()))
                traces.tools[tool.id] = tool
        for spec in tool.logs:
            if spec.platform != system.platform:
                continue
            path = system.expand(spec.path)
            if not path or not system.fs.is_file(path):
                continue
            try:
                info = system.fs.stat(path)
            except OSError:
                continue
            log = ConnectionLog(
                tool.id,
                tool.name,
                path,
                spec.what,
                info.size,
                info.modified,
                str(system.fs.local(path)),
            )
            traces.logs.setdefault(tool.id, []).append(log)
            reading.logs.append(log)
            traces.tools[tool.id] = tool
    return traces


def _check(kind: str, platform: str) -> str | None:
    checks: dict[str, str] = scan_text()["checks"].get(platform, {})
    return checks.get(kind)


def _item_fact(item: Item, how_text: dict[str, str]) -> str:
    if item.kind == model.PROCESS:
        return f"running now ({item.name})"
    if item.kind == model.SERVICE:
        return f"service {item.name} (starts: {item.how or 'manual'})"
    if item.kind == model.AUTOSTART:
        return f"starts by itself: {item.name} ({how_text.get(item.how, item.how)})"
    if item.how == model.FOLDER:
        return f"folder {item.path}"
    where = f" in {item.path}" if item.path and item.path not in item.name else ""
    return f"installed: {item.name}{where}"


def analyse(reading: Reading, index: ToolIndex, traces: Traces | None = None) -> list[Finding]:
    """Match the reading against the lists and the lead rules (pure: reads nothing)."""
    text = scan_text()
    platform = reading.platform
    how_text: dict[str, str] = text["how"]
    traces = traces or Traces()
    tool_facts: dict[str, list[str]] = {}
    fact_keys: dict[str, set[str]] = {}  # one fact per place: a folder is not named twice
    tool_by_id: dict[str, Tool] = dict(traces.tools)
    how_found: dict[str, set[str]] = {}
    matched_items: set[int] = set()

    def add_fact(tool_id: str, fact: str, key: str) -> None:
        keys = fact_keys.setdefault(tool_id, set())
        if key not in keys:
            keys.add(key)
            tool_facts.setdefault(tool_id, []).append(fact)

    def note(matches: list[ToolMatch], fact: str, marker: int | None = None, key: str = "") -> None:
        for match in matches:
            tool_by_id[match.tool.id] = match.tool
            add_fact(match.tool.id, fact, key or fact)
            how_found.setdefault(match.tool.id, set()).add(match.by)
            if marker is not None:
                matched_items.add(marker)

    for item in reading.items():
        matches = index.match_item(item)
        if matches:
            key = normalise_path(item.path) if item.kind == model.INSTALLED and item.path else ""
            note(matches, _item_fact(item, how_text), id(item), key)
    for extension in reading.extensions:
        matches = index.match_identifier(extension.id)
        if matches:
            note(matches, f"browser add-on in {extension.browser}: {extension.name}", id(extension))
    for permission in reading.permissions:
        if permission.allowed:
            matches = index.match_identifier(permission.client) or index.match_path(
                permission.client
            )
            note(matches, f"macOS permission: {permission.service.replace('-', ' ')}")
    for tool_id, found in traces.facts.items():
        for fact, key in found:
            add_fact(tool_id, fact, key)
        how_found.setdefault(tool_id, set()).add("its own folders")

    findings: list[Finding] = []
    for tool_id, tool in tool_by_id.items():
        findings.append(
            _tool_finding(
                tool,
                tool_facts.get(tool_id, []),
                traces.logs.get(tool_id, []),
                sorted(how_found.get(tool_id, {"its connection log"})),
                platform,
            )
        )
    findings.extend(_remote_findings(reading))
    findings.extend(_permission_findings(reading))
    findings.extend(_profile_findings(reading))
    findings.extend(_autostart_findings(reading, matched_items, how_text))
    findings.extend(_extension_findings(reading, matched_items))
    findings.extend(_account_findings(reading))
    order = {level: n for n, level in enumerate(LEVELS)}
    kinds = {kind: n for n, kind in enumerate(KIND_ORDER)}
    findings.sort(key=lambda f: (order[f.level], kinds.get(f.kind, 99), f.title.lower()))
    return findings


def _tool_finding(
    tool: Tool, facts: list[str], logs: list[ConnectionLog], how: list[str], platform: str
) -> Finding:
    text = scan_text()
    kind = "monitoring-product" if tool.kind == MONITORING else "remote-tool"
    words = text["kinds"][kind]
    level = KNOWN if tool.kind == MONITORING else TOOL
    how_text = " and ".join(how)
    if level == KNOWN:
        sure = str(text["sure"]["known"]).format(how=how_text)
    elif tool.exact_names:
        sure = str(text["sure"]["tool_imported"]).format(how=how_text)
    else:
        sure = str(text["sure"]["tool"])
    if logs:
        facts = [*facts, *(f"connection log {log.path}" for log in logs)]
    what = tool.what or ""
    return Finding(
        kind=kind,
        level=level,
        title=str(words["title"]).format(name=tool.name),
        why=f"{what} {words['why']}".strip(),
        sure=sure,
        next=str(words["next"]),
        check_id=_check(kind, platform),
        facts=facts,
        logs=list(logs),
        tool=tool.id,
        product=tool.name,
        list_label=tool.list_label,
    )


def _remote_findings(reading: Reading) -> list[Finding]:
    text = scan_text()
    words = text["kinds"]["remote-setting"]
    found: list[Finding] = []
    for setting in reading.remote:
        if not setting.on:
            continue
        level = INFO if setting.kind == model.REMOTE_ASSISTANCE else REVIEW
        found.append(
            Finding(
                kind="remote-setting",
                level=level,
                title=str(text["remote_settings"][setting.kind]),
                why=str(words["why"]),
                sure=str(text["sure"][level]),
                next=str(words["next"]),
                check_id=_check("remote-setting", reading.platform),
                facts=[f for f in (setting.detail, setting.where) if f],
            )
        )
    return found


def _client_name(reading: Reading, client: str) -> str:
    for item in reading.installed:
        if item.identifier and item.identifier == client:
            return f"{item.name} ({client})"
    return client


def _permission_findings(reading: Reading) -> list[Finding]:
    text = scan_text()
    words = text["kinds"]["permission"]
    found: list[Finding] = []
    for permission in reading.permissions:
        if not permission.allowed or permission.client.startswith(("com.apple.", "/System/")):
            continue
        client = _client_name(reading, permission.client)
        facts = [f"in {permission.where}"] if permission.where else []
        if permission.changed is not None:
            facts.insert(0, f"allowed on {permission.changed.date().isoformat()}")
        found.append(
            Finding(
                kind="permission",
                level=REVIEW,
                title=str(text["permissions"][permission.service]).format(client=client),
                why=str(words["why"]),
                sure=str(text["sure"][REVIEW]),
                next=str(words["next"]),
                check_id=_check(permission.service, reading.platform),
                facts=facts,
            )
        )
    return found


def _profile_findings(reading: Reading) -> list[Finding]:
    text = scan_text()
    words = text["kinds"]["profile"]
    return [
        Finding(
            kind="profile",
            level=REVIEW,
            title=str(words["title"]).format(name=profile.name or profile.identifier),
            why=str(words["why"]),
            sure=str(text["sure"][REVIEW]),
            next=str(words["next"]),
            check_id=_check("profile", reading.platform),
            facts=[f for f in (profile.identifier, profile.where) if f],
        )
        for profile in reading.profiles
    ]


def _autostart_findings(
    reading: Reading, matched: set[int], how_text: dict[str, str]
) -> list[Finding]:
    text = scan_text()
    words = text["kinds"]["autostart"]
    found: list[Finding] = []
    for item in reading.autostart:
        if item.system or id(item) in matched:
            continue
        level = REVIEW if item.enabled else INFO
        facts = [f for f in (item.command or item.path, item.where) if f]
        if item.publisher:
            facts.append(f"made by {item.publisher}")
        if not item.enabled:
            facts.append("switched off")
        found.append(
            Finding(
                kind="autostart",
                level=level,
                title=str(words["title"]).format(
                    name=item.name, how=how_text.get(item.how, item.how)
                ),
                why=str(words["why"]),
                sure=str(text["sure"][level]),
                next=str(words["next"]),
                check_id=_check("autostart", reading.platform),
                facts=facts,
            )
        )
    return found


def _extension_findings(reading: Reading, matched: set[int]) -> list[Finding]:
    text = scan_text()
    found: list[Finding] = []
    for extension in reading.extensions:
        if id(extension) in matched:
            continue
        all_sites = extension.all_sites and extension.enabled is not False
        kind = "extension-all-sites" if all_sites else "extension"
        words = text["kinds"][kind]
        level = REVIEW if all_sites else INFO
        facts = [f"profile {extension.profile}", f"id {extension.id}"]
        if extension.enabled is False:
            facts.append("switched off")
        found.append(
            Finding(
                kind=kind,
                level=level,
                title=str(words["title"]).format(name=extension.name, browser=extension.browser),
                why=str(words["why"]),
                sure=str(text["sure"][level]),
                next=str(words["next"]),
                check_id=_check("extension", reading.platform),
                facts=facts,
            )
        )
    return found


def _account_findings(reading: Reading) -> list[Finding]:
    text = scan_text()
    found: list[Finding] = []
    for account in reading.accounts:
        if not account.enabled:
            continue
        if account.current:
            if not account.admin:
                continue
            kind, level = "current-admin", INFO
        elif reading.platform == LINUX and account.name == "root":
            continue  # every Linux has it; whether others can use it shows in sudo's group
        else:
            kind, level = ("admin-account" if account.admin else "account"), REVIEW
        words = text["kinds"][kind]
        facts: list[str] = []
        if account.full_name and account.full_name != account.name:
            facts.append(f"full name {account.full_name}")
        if account.last_login is not None:
            facts.append(f"last signed in {account.last_login.date().isoformat()}")
        elif account.last_login_known:
            facts.append("has never signed in, as far as this computer says")
        found.append(
            Finding(
                kind="account",
                level=level,
                title=str(words["title"]).format(name=account.name),
                why=str(words["why"]),
                sure=str(text["sure"][level]),
                next=str(words["next"]),
                check_id=_check("account", reading.platform),
                facts=facts,
            )
        )
    return found


def chosen_findings(result: ScanResult, choice: str) -> list[int]:
    """Positions of the findings ``choice`` names: "leads" (the default), "all", "none",
    or numbers as printed ("1,3,4")."""
    choice = choice.strip().lower()
    if choice in ("", "leads"):
        return [n for n, f in enumerate(result.findings) if f.level in LEADS]
    if choice == "all":
        return list(range(len(result.findings)))
    if choice == "none":
        return []
    positions: list[int] = []
    for part in choice.replace(" ", "").split(","):
        if not part.isdigit() or not 1 <= int(part) <= len(result.findings):
            raise ValueError(
                f"'{part}' is not the number of a finding (1 to {len(result.findings)})."
            )
        positions.append(int(part) - 1)
    return sorted(set(positions))


def scan_report(result: ScanResult) -> ScanReport:
    """The scan in the case's terms, for ``CaseWork.record_scan``: one lead per finding.

    The summary names what could not be read, so an incomplete scan is never recorded as
    clean; each lead keeps what was seen and how sure we are.
    """
    reading = result.reading
    summary = result.summary()
    if reading.problems:
        summary += " What could not be read: " + " ".join(reading.problems)
    if reading.skipped:
        summary += " Not read without administrator rights or by the system's rules: " + (
            " ".join(reading.skipped)
        )
    return ScanReport(
        source=SOURCE,
        device=result.device,
        scanned_at=reading.read_at,
        summary=f"{summary} Lists used: {'; '.join(result.lists)}.",
        summary_check_id=_check("monitoring-product", reading.platform),
        leads=tuple(Lead(f.evidence_text(), f.check_id) for f in result.findings),
        problems=tuple(reading.problems),
        details={
            "platform": reading.platform,
            "counts": reading.counts(),
            "administrator": reading.is_admin,
            "known_monitoring_product_found": bool(result.known),
            "complete": result.complete,
            "lists": list(result.lists),
        },
    )


def log_evidence_text(log: ConnectionLog) -> str:
    """How a saved connection log reads in the evidence log (the file is attached)."""
    when = f", last changed {scanned_at_text(log.modified)}" if log.modified else ""
    return (
        f"Copy of {log.tool_name}'s connection log from this computer ({log.path}, "
        f"{log.size} bytes{when}). {log.what}"
    )


def log_check_id(result: ScanResult, log: ConnectionLog) -> str | None:
    for finding in result.findings:
        if finding.tool == log.tool_id:
            return finding.check_id
    return None


def scanned_at_text(at: dt.datetime) -> str:
    return at.astimezone().strftime("%d %B %Y, %H:%M")
