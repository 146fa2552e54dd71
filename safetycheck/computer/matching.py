"""Match what is on a computer against every tool on every list, fast.

A computer has thousands of programs, processes, services and files; the lists have hundreds
of tools with thousands of names and folders, some with wildcards (``C:\\Program Files\\
AnyDesk-*``).  Comparing each against each would be millions of pattern tests.  Instead:

- exact names (process, service, bundle id, program name) are dictionary keys;
- a folder without wildcards is a key too, and a path is looked up once per parent folder;
- a wildcard pattern is filed under its longest plain word ("anydesk"), and only tried on paths
  and names that contain that word.  The few patterns with no plain word are tried on all.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from safetycheck.computer.model import Item
from safetycheck.computer.tools import Tool, ToolList

_TOKEN = re.compile(r"[a-z0-9]+")
_WILD = re.compile(r"[*?\[]")
_VARIABLE = re.compile(r"%[^%\\/]+%")
_SLASHES = re.compile(r"/{2,}")
# Words too common in paths to pick out a pattern ("program files", "appdata", ...).
_COMMON_WORDS = frozenset(
    [
        "c",
        "program",
        "files",
        "x86",
        "programdata",
        "users",
        "user",
        "appdata",
        "local",
        "roaming",
        "windows",
        "system32",
        "syswow64",
        "library",
        "application",
        "support",
        "applications",
        "contents",
        "macos",
        "resources",
        "usr",
        "bin",
        "sbin",
        "opt",
        "etc",
        "var",
        "lib",
        "share",
        "home",
        "exe",
        "app",
        "dll",
        "log",
        "logs",
        "txt",
        "conf",
        "config",
        "trace",
        "tmp",
        "temp",
        "start",
        "menu",
        "programs",
        "startup",
        "microsoft",
        "apple",
        "com",
        "org",
        "net",
    ]
)


@dataclass(frozen=True)
class ToolMatch:
    tool: Tool
    by: str  # "program name", "process", "service", "identifier", "folder", "product name"
    value: str  # what on the computer matched


def normalise_path(path: str) -> str:
    """Lower case, forward slashes, no doubled or trailing slash: one form for every OS."""
    text = path.strip().strip('"').replace("\\", "/").lower()
    if "//" in text:
        text = _SLASHES.sub("/", text)
    return text.rstrip("/") if len(text) > 1 else text


def normalise_name(name: str) -> str:
    return " ".join(_TOKEN.findall(name.lower()))


def _key_word(pattern: str) -> str | None:
    """The longest word in ``pattern`` that a matching text must contain as a whole word."""
    best: str | None = None
    for found in _TOKEN.finditer(pattern):
        start, end = found.span()
        before = pattern[start - 1] if start else ""
        after = pattern[end] if end < len(pattern) else ""
        if (before and before in "*?[]") or (after and after in "*?[]"):
            continue  # "*viewer" could be "teamviewer": not a whole word
        word = found.group()
        if len(word) < 3 or word in _COMMON_WORDS or word.isdigit():
            continue
        if best is None or len(word) > len(best):
            best = word
    return best


class _Wildcard:
    """One wildcard pattern, compiled on first use, with a plain piece to test first.

    Most candidates fail the cheap ``piece in text`` test, so few regular expressions are
    ever compiled or run.
    """

    __slots__ = ("_regex", "folder", "pattern", "piece", "tool")

    def __init__(self, pattern: str, tool: Tool, folder: bool) -> None:
        self.pattern = pattern
        self.tool = tool
        self.folder = folder
        self.piece = max(re.split(r"[*?\[\]]", pattern), key=len)
        self._regex: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        if self.piece not in text:
            return False
        if self._regex is None:
            regex = fnmatch.translate(self.pattern)
            if self.folder:  # a folder pattern also matches everything inside the folder
                regex = regex.replace(r"\Z", r"(?:/.*)?\Z")
            self._regex = re.compile(regex, re.S)
        return self._regex.match(text) is not None


class _Patterns:
    """Exact keys plus wildcard patterns filed by key word; ``folder`` patterns match below."""

    def __init__(self, *, folders: bool) -> None:
        self.folders = folders
        self.exact: dict[str, list[Tool]] = {}
        self.keyed: dict[str, list[_Wildcard]] = {}
        self.loose: list[_Wildcard] = []

    def add(self, pattern: str, tool: Tool) -> None:
        if not pattern:
            return
        if self.folders and pattern.endswith("/*") and not _WILD.search(pattern[:-2]):
            pattern = pattern[:-2]
        if not _WILD.search(pattern):
            bucket = self.exact.setdefault(pattern, [])
            if tool not in bucket:
                bucket.append(tool)
            return
        wildcard = _Wildcard(pattern, tool, self.folders)
        word = _key_word(pattern)
        if word is None:
            self.loose.append(wildcard)
        else:
            self.keyed.setdefault(word, []).append(wildcard)

    def match(self, text: str, tokens: Iterable[str]) -> list[Tool]:
        found: list[Tool] = []
        if self.folders:
            probe = text
            while probe:
                found.extend(self.exact.get(probe, ()))
                cut = probe.rfind("/")
                if cut <= 0:
                    break
                probe = probe[:cut]
        else:
            found.extend(self.exact.get(text, ()))
        if self.keyed:
            for token in tokens:
                for wildcard in self.keyed.get(token, ()):
                    if wildcard.matches(text):
                        found.append(wildcard.tool)
        for wildcard in self.loose:
            if wildcard.matches(text):
                found.append(wildcard.tool)
        return found


class ToolIndex:
    """Every list, indexed for one platform.  Built once per scan."""

    def __init__(
        self,
        lists: Iterable[ToolList],
        platform: str,
        expand: Callable[[str], str | None] | None = None,
        ignore_names: Iterable[str] = (),
    ) -> None:
        self.lists = list(lists)
        self.platform = platform
        ignored = {n.lower() for n in ignore_names}
        self.programs = _Patterns(folders=False)  # normalised program names (exact lists)
        self.program_prefixes: dict[str, list[Tool]] = {}  # our lists: name starts with it
        self.processes = _Patterns(folders=False)
        self.services = _Patterns(folders=False)
        self.identifiers = _Patterns(folders=False)
        self.paths = _Patterns(folders=True)
        self.words: dict[str, list[Tool]] = {}
        self.tools: list[Tool] = []
        for tool_list in self.lists:
            for tool in tool_list.tools:
                self.tools.append(tool)
                for name in tool.names:
                    norm = normalise_name(name)
                    if not norm:
                        continue
                    if tool.exact_names:
                        self.programs.add(norm, tool)
                    else:
                        self.program_prefixes.setdefault(norm, []).append(tool)
                for process in tool.processes:
                    low = process.lower()
                    if low not in ignored:
                        self.processes.add(low, tool)
                for service in tool.services:
                    if service.lower() not in ignored:
                        self.services.add(service.lower(), tool)
                for identifier in tool.identifiers:
                    self.identifiers.add(identifier.lower(), tool)
                for word in tool.words:
                    self.words.setdefault(word.lower(), []).append(tool)
                for raw in tool.paths.get(platform, []):
                    self.paths.add(self._path_pattern(raw, expand), tool)
        self._build_gate()

    def _build_gate(self) -> None:
        """The rare words any match needs: an item with none of them cannot match anything.

        Every kind of match needs the item to share at least one word with an indicator
        (an exact name has all its words, a folder its last one, a wildcard its key word),
        except wildcards with no whole word, which are tested by their plain piece instead.
        Most items of a computer share no rare word with any list, so they stop here.
        """
        sets = (self.processes, self.services, self.identifiers, self.programs, self.paths)
        gate: set[str] = set(self.words)
        self._always = False
        keys = [k for patterns in sets for k in patterns.exact] + list(self.program_prefixes)
        for key in keys:
            # One word per key is enough (an exact match has them all): the longest rare one.
            rare = [t for t in _TOKEN.findall(key) if t not in _COMMON_WORDS and not t.isdigit()]
            if not rare:
                self._always = True  # e.g. a folder "c:/program files": no gate possible
                continue
            gate.add(max(rare, key=len))
        for patterns in sets:
            gate.update(patterns.keyed)
        self._gate = frozenset(gate)
        pieces = sorted({w.piece for p in sets for w in p.loose if w.piece}, key=len, reverse=True)
        self._loose_any = re.compile("|".join(map(re.escape, pieces))) if pieces else None
        self._has_loose = any(p.loose for p in sets)

    def _may_match(self, tokens: set[str], texts: Iterable[str]) -> bool:
        if self._always or not tokens.isdisjoint(self._gate):
            return True
        if self._has_loose:
            if self._loose_any is None:
                return True  # a pattern that is all wildcards
            return any(self._loose_any.search(text) for text in texts if text)
        return False

    @staticmethod
    def _path_pattern(raw: str, expand: Callable[[str], str | None] | None) -> str:
        text = raw
        if expand is not None:
            text = expand(raw) or raw
        text = _VARIABLE.sub("*", text)  # a variable this computer does not know
        if text.startswith("~"):
            text = "*" + text[1:]
        return normalise_path(text)

    def match_item(self, item: Item) -> list[ToolMatch]:
        """Every tool ``item`` matches, each once, with the first way it matched."""
        found: dict[str, ToolMatch] = {}

        def note(tools: Iterable[Tool], by: str, value: str) -> None:
            for tool in tools:
                found.setdefault(tool.id, ToolMatch(tool, by, value))

        name = item.name.strip()
        low = name.lower()
        path = normalise_path(item.path) if item.path else ""
        name_tokens = _TOKEN.findall(low)
        path_tokens = _TOKEN.findall(path) if path else []
        ident = item.identifier.lower()
        ident_tokens = _TOKEN.findall(ident) if ident else []
        if not self._may_match({*name_tokens, *path_tokens, *ident_tokens}, (low, path, ident)):
            return []
        if low:
            note(self.processes.match(low, name_tokens), "process", name)
            note(self.services.match(low, name_tokens), "service", name)
            note(self.identifiers.match(low, name_tokens), "identifier", name)
            norm = " ".join(name_tokens)
            note(self.programs.match(norm, name_tokens), "program name", name)
            for count in range(1, min(len(name_tokens), 4) + 1):
                note(
                    self.program_prefixes.get(" ".join(name_tokens[:count]), ()),
                    "program name",
                    name,
                )
        if ident:
            note(self.identifiers.match(ident, ident_tokens), "identifier", item.identifier)
            note(self.services.match(ident, ident_tokens), "service", item.identifier)
        if path:
            base = path.rsplit("/", 1)[-1]
            note(self.processes.match(base, _TOKEN.findall(base)), "process", item.path)
            note(self.paths.match(path, path_tokens), "folder", item.path)
        if self.words:
            for token in {*name_tokens, *path_tokens, *ident_tokens}:
                note(self.words.get(token, ()), "product name", name or item.path)
        return list(found.values())

    def match_path(self, path: str) -> list[ToolMatch]:
        norm = normalise_path(path)
        tokens = _TOKEN.findall(norm)
        found: dict[str, ToolMatch] = {}
        for tool in self.paths.match(norm, tokens):
            found.setdefault(tool.id, ToolMatch(tool, "folder", path))
        for token in tokens:
            for tool in self.words.get(token, ()):
                found.setdefault(tool.id, ToolMatch(tool, "product name", path))
        return list(found.values())

    def match_identifier(self, value: str) -> list[ToolMatch]:
        low = value.lower()
        return [
            ToolMatch(tool, "identifier", value)
            for tool in self.identifiers.match(low, _TOKEN.findall(low))
        ]
