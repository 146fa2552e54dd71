"""Browser extensions in Chrome, Edge, Brave, Chromium and Firefox profiles, with permissions.

The same on every platform; only the folders differ (passed in by each reader).  An extension
that can "read and change all your data on all websites" is marked ``all_sites``: it can see
every page, including what is typed into it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from safetycheck.computer.model import Extension, Reading
from safetycheck.computer.system import System

ALL_URLS = "<all_urls>"
# Firefox's own add-ons (built in or shipped with Firefox) are not the person's choice.
_FIREFOX_BUILTIN = ("app-builtin", "app-system-defaults", "app-system-addons", "app-system-share")
# Chrome's component extensions (location 5 and 10) are part of the browser.
_CHROMIUM_COMPONENT = (5, 10)
MAX_PROFILES = 50


@dataclass(frozen=True)
class BrowserHome:
    browser: str
    path: str  # the folder holding the profiles ("User Data" for Chrome on Windows)
    family: str  # "chromium" or "firefox"


def grants_all_sites(pattern: str) -> bool:
    """``<all_urls>``, ``*://*/*``, ``https://*/*``: a host of ``*`` is every website."""
    if pattern == ALL_URLS:
        return True
    scheme, sep, rest = pattern.partition("://")
    if not sep or scheme not in ("*", "http", "https", "ws", "wss"):
        return False
    host = rest.split("/", 1)[0]
    return host == "*"


def read_extensions(system: System, homes: list[BrowserHome], reading: Reading) -> None:
    for home in homes:
        if not system.fs.is_dir(home.path):
            continue
        try:
            profiles = system.fs.list_dir(home.path)[: MAX_PROFILES * 4]
        except PermissionError:
            reading.skip(f"{home.browser}: its profile folder could not be opened.")
            continue
        except OSError:
            continue
        for profile in profiles:
            folder = system.join(home.path, profile)
            if home.family == "firefox":
                if system.fs.is_file(system.join(folder, "extensions.json")):
                    reading.extensions.extend(_firefox(system, home, profile, folder, reading))
            elif system.fs.is_dir(system.join(folder, "Extensions")):
                reading.extensions.extend(_chromium(system, home, profile, folder, reading))


def _load_json(system: System, path: str) -> Any:
    try:
        return json.loads(system.fs.read_bytes(path))
    except (OSError, ValueError):
        return None


def _chromium_states(system: System, folder: str) -> dict[str, dict[str, Any]]:
    """The browser's own record per extension (enabled, where from), from its preferences."""
    states: dict[str, dict[str, Any]] = {}
    for name in ("Preferences", "Secure Preferences"):
        prefs = _load_json(system, system.join(folder, name))
        if not isinstance(prefs, dict):
            continue
        settings = (prefs.get("extensions") or {}).get("settings") or {}
        if isinstance(settings, dict):
            for ext_id, entry in settings.items():
                if isinstance(entry, dict):
                    states.setdefault(ext_id, {}).update(entry)
    return states


def _chromium(
    system: System, home: BrowserHome, profile: str, folder: str, reading: Reading
) -> list[Extension]:
    extensions_dir = system.join(folder, "Extensions")
    try:
        ids = system.fs.list_dir(extensions_dir)
    except OSError:
        reading.skip(f"{home.browser} ({profile}): the extensions folder could not be read.")
        return []
    states = _chromium_states(system, folder)
    found: list[Extension] = []
    for ext_id in ids:
        state = states.get(ext_id, {})
        if state.get("location") in _CHROMIUM_COMPONENT:
            continue
        id_dir = system.join(extensions_dir, ext_id)
        try:
            versions = [v for v in system.fs.list_dir(id_dir) if not v.startswith(".")]
        except OSError:
            continue
        if not versions:
            continue
        version_dir = system.join(id_dir, sorted(versions)[-1])
        manifest = _load_json(system, system.join(version_dir, "manifest.json"))
        if not isinstance(manifest, dict) or "theme" in manifest:
            continue
        permissions = _chromium_permissions(manifest)
        found.append(
            Extension(
                browser=home.browser,
                profile=profile,
                id=ext_id,
                name=_chromium_name(system, version_dir, manifest) or ext_id,
                version=str(manifest.get("version", "")),
                permissions=tuple(permissions),
                all_sites=any(grants_all_sites(p) for p in permissions),
                enabled=_chromium_enabled(state),
                path=version_dir,
            )
        )
    return found


def _chromium_permissions(manifest: dict[str, Any]) -> list[str]:
    result: list[str] = []
    for key in ("permissions", "host_permissions"):
        for value in manifest.get(key) or []:
            if isinstance(value, str) and value not in result:
                result.append(value)
    for script in manifest.get("content_scripts") or []:
        if isinstance(script, dict):
            for match in script.get("matches") or []:
                if isinstance(match, str) and match not in result:
                    result.append(match)
    return result


def _chromium_enabled(state: dict[str, Any]) -> bool | None:
    if not state:
        return None
    if "state" in state:
        return state.get("state") == 1
    reasons = state.get("disable_reasons")
    return not reasons


def _chromium_name(system: System, version_dir: str, manifest: dict[str, Any]) -> str:
    name = str(manifest.get("name") or "").strip()
    if not (name.startswith("__MSG_") and name.endswith("__")):
        return name
    key = name[6:-2].lower()
    locales = [str(manifest.get("default_locale") or "en"), "en", "en_US", "en_GB"]
    for locale in locales:
        messages = _load_json(system, system.join(version_dir, "_locales", locale, "messages.json"))
        if isinstance(messages, dict):
            for message_key, entry in messages.items():
                if message_key.lower() == key and isinstance(entry, dict):
                    return str(entry.get("message") or "").strip()
    return ""


def _firefox(
    system: System, home: BrowserHome, profile: str, folder: str, reading: Reading
) -> list[Extension]:
    data = _load_json(system, system.join(folder, "extensions.json"))
    if not isinstance(data, dict):
        reading.skip(f"{home.browser} ({profile}): the list of add-ons could not be read.")
        return []
    found: list[Extension] = []
    for addon in data.get("addons") or []:
        if not isinstance(addon, dict) or addon.get("type") != "extension":
            continue
        if addon.get("location") in _FIREFOX_BUILTIN or addon.get("isSystem"):
            continue
        granted = addon.get("userPermissions") or {}
        permissions = [
            str(p)
            for key in ("permissions", "origins")
            for p in (granted.get(key) or [])
            if isinstance(p, str)
        ]
        locale = addon.get("defaultLocale") or {}
        found.append(
            Extension(
                browser=home.browser,
                profile=profile,
                id=str(addon.get("id", "")),
                name=str(locale.get("name") or addon.get("id") or "").strip(),
                version=str(addon.get("version", "")),
                permissions=tuple(permissions),
                all_sites=any(grants_all_sites(p) for p in permissions),
                enabled=bool(addon.get("active")),
                path=str(addon.get("path") or ""),
            )
        )
    return found
