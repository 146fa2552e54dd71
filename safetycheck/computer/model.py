"""What a reader found on a computer, the same shape on every platform.

A :class:`Reading` is facts only ("this service starts with Windows"); what they mean for the
person is decided later, in :mod:`.scan`, so the three readers never word anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

# Item kinds
INSTALLED = "installed"
PROCESS = "process"
SERVICE = "service"
AUTOSTART = "autostart"

# How something starts by itself (Item.how for AUTOSTART items)
RUN_KEY = "run-key"
STARTUP_FOLDER = "startup-folder"
SCHEDULED_TASK = "scheduled-task"
AUTO_SERVICE = "service"
LAUNCH_AGENT = "launch-agent"
LAUNCH_DAEMON = "launch-daemon"
LOGIN_ITEM = "login-item"
XDG_AUTOSTART = "xdg-autostart"
SYSTEMD_UNIT = "systemd-unit"
SYSTEMD_USER_UNIT = "systemd-user-unit"
CRON = "cron"
FOLDER = "folder"  # for INSTALLED items: a program folder found by listing, not an entry

# Remote settings (RemoteSetting.kind)
REMOTE_DESKTOP = "remote-desktop"
REMOTE_ASSISTANCE = "remote-assistance"
SCREEN_SHARING = "screen-sharing"
REMOTE_MANAGEMENT = "remote-management"
REMOTE_LOGIN = "remote-login"
SSH_SERVER = "ssh-server"
VNC_SERVER = "vnc-server"
RDP_SERVER = "rdp-server"

# Standing permissions (Permission.service)
SCREEN_RECORDING = "screen-recording"
ACCESSIBILITY = "accessibility"
INPUT_MONITORING = "input-monitoring"
FULL_DISK_ACCESS = "full-disk-access"


@dataclass(frozen=True)
class Item:
    """An installed program, a running process, a service or something that starts by itself."""

    kind: str
    name: str
    path: str = ""  # the program file or folder, when known
    identifier: str = ""  # bundle id, package name, service key name, launchd label
    publisher: str = ""
    where: str = ""  # where the reader found it (a registry key, a file)
    command: str = ""  # what it runs
    how: str = ""  # for AUTOSTART: one of the constants above
    system: bool = False  # part of the operating system: listed and matched, never a lead
    enabled: bool = True
    installed_on: str = ""  # as the system gives it, when it does


@dataclass(frozen=True)
class Extension:
    browser: str  # "Google Chrome", "Microsoft Edge", "Brave", "Firefox", "Chromium"
    profile: str
    id: str
    name: str
    version: str = ""
    permissions: tuple[str, ...] = ()
    all_sites: bool = False  # can read and change every website
    enabled: bool | None = None  # None: the browser's own list could not be read
    path: str = ""


@dataclass(frozen=True)
class Account:
    name: str
    full_name: str = ""
    admin: bool = False
    current: bool = False  # the account SafetyCheck runs in
    enabled: bool = True
    last_login: dt.datetime | None = None
    last_login_known: bool = False  # False: the system does not say (or we could not read it)


@dataclass(frozen=True)
class RemoteSetting:
    kind: str
    on: bool
    detail: str = ""
    where: str = ""


@dataclass(frozen=True)
class Permission:
    service: str  # SCREEN_RECORDING, ACCESSIBILITY, ...
    client: str  # bundle id or program path
    allowed: bool
    where: str = ""
    changed: dt.datetime | None = None


@dataclass(frozen=True)
class Profile:
    """A macOS configuration (device management) profile."""

    identifier: str
    name: str = ""
    organisation: str = ""
    where: str = ""


@dataclass(frozen=True)
class ConnectionLog:
    """A remote-access tool's own record of connections, offered to save as evidence."""

    tool_id: str
    tool_name: str
    path: str
    what: str
    size: int = 0
    modified: dt.datetime | None = None
    local: str = ""  # the file to copy (differs from ``path`` on a recorded machine)


@dataclass
class Reading:
    platform: str
    computer_name: str = ""
    os_version: str = ""
    user: str = ""
    is_admin: bool = False
    source: str = "this computer"
    read_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    installed: list[Item] = field(default_factory=list)
    processes: list[Item] = field(default_factory=list)
    services: list[Item] = field(default_factory=list)
    autostart: list[Item] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    remote: list[RemoteSetting] = field(default_factory=list)
    permissions: list[Permission] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    logs: list[ConnectionLog] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # plain sentences: what was not read, why
    problems: list[str] = field(default_factory=list)

    def items(self) -> list[Item]:
        return [*self.installed, *self.processes, *self.services, *self.autostart]

    def counts(self) -> dict[str, int]:
        return {
            "installed": len(self.installed),
            "processes": len(self.processes),
            "services": len(self.services),
            "autostart": len(self.autostart),
            "extensions": len(self.extensions),
            "accounts": len(self.accounts),
            "permissions": len(self.permissions),
            "profiles": len(self.profiles),
        }

    def skip(self, sentence: str) -> None:
        """Not read on purpose or by the system's rules (no administrator rights)."""
        if sentence not in self.skipped:
            self.skipped.append(sentence)

    def problem(self, sentence: str) -> None:
        """Should have been readable and was not: the reading is incomplete."""
        if sentence not in self.problems:
            self.problems.append(sentence)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and tuples as plain JSON values (for ``--json``)."""
    if hasattr(value, "__dataclass_fields__"):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value
