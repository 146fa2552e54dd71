"""Gather one reading of an iPhone: what each service said, as it said it.

The reading keeps the raw answers (property lists) so that turning them into leads is a
pure step (:mod:`safetycheck.iphone.parse`, :mod:`safetycheck.iphone.scan`) that tests and
the benchmark run without a phone.  Every step is bounded (per-message time limits, a fixed
number of steps) and can be stopped with the :class:`~safetycheck.iphone.wire.Cancel` the
``Usbmux`` was made with.  A service that refuses is noted as a problem and the scan goes
on; a locked, unplugged or silent phone stops the scan with one sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetycheck.codec import Codec
from safetycheck.iphone import services
from safetycheck.iphone.errors import ForgottenError, NotTrustedError
from safetycheck.iphone.lockdown import (
    INSTALLATION_PROXY,
    MC_INSTALL,
    MISAGENT,
    Lockdown,
    LockdownRefusal,
)
from safetycheck.iphone.pairing import TRUST_WAIT_SECONDS, load_record, pair
from safetycheck.iphone.parse import SETTING_KEYS
from safetycheck.iphone.text import scan_text
from safetycheck.iphone.usbmux import MuxDevice, Usbmux
from safetycheck.iphone.wire import DEFAULT_TIMEOUT_SECONDS

Progress = Callable[[str], None]
SCAN_DEADLINE_SECONDS = 120.0  # the whole reading, once the phone trusts this computer


@dataclass
class Reading:
    udid: str
    values: dict[str, Any]
    settings: dict[tuple[str, str], Any]
    browse: list[dict[str, Any]]
    profiles: dict[str, Any] | None
    cloud: dict[str, Any] | None
    provisioning: dict[str, Any] | None
    collected_at: dt.datetime
    problems: list[str] = field(default_factory=list)


def _part_missing(what: str) -> str:
    text: str = scan_text()["messages"]["part_missing"]
    return text.format(what=what)


def _open_session(
    mux: Usbmux,
    device: MuxDevice,
    data_dir: Path,
    work_dir: Path,
    timeout: float,
    allow_pair: bool,
    on_waiting: Progress | None,
    trust_wait: float,
    codec: Codec | None,
) -> Lockdown:
    """A lockdown connection with a TLS session, asking for trust only when allowed."""
    lockdown = Lockdown(mux, device, work_dir, timeout)
    try:
        lockdown.query_type()
        found = load_record(data_dir, mux, device.udid, codec)
        if found is None:
            if not allow_pair:
                raise NotTrustedError()
            record = pair(lockdown, data_dir, on_waiting, trust_wait, codec)
        else:
            record = found[0]
        try:
            lockdown.start_session(record, mux.system_buid())
        except ForgottenError:
            if not allow_pair:
                raise
            # The phone forgot this computer (a reset): ask again on a fresh connection.
            lockdown.close()
            lockdown = Lockdown(mux, device, work_dir, timeout)
            record = pair(lockdown, data_dir, on_waiting, trust_wait, codec)
            lockdown.start_session(record, mux.system_buid())
    except BaseException:
        lockdown.close()
        raise
    return lockdown


def collect(
    mux: Usbmux,
    device: MuxDevice,
    data_dir: Path,
    work_dir: Path,
    progress: Progress | None = None,
    *,
    allow_pair: bool = False,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    trust_wait: float = TRUST_WAIT_SECONDS,
    deadline: float = SCAN_DEADLINE_SECONDS,
    codec: Codec | None = None,
) -> Reading:
    """Read the phone.  ``deadline`` bounds the reading after trust (each wait is bounded
    by ``timeout`` too, and waiting for the person to tap Trust by ``trust_wait``).
    ``codec`` is the data folder's (``CaseWork.codec``): our pair record is sealed with it."""
    say = progress or (lambda _message: None)
    say("Connecting to the iPhone")
    lockdown = _open_session(
        mux, device, data_dir, work_dir, timeout, allow_pair, say, trust_wait, codec
    )
    mux.cancel.start_deadline(deadline)
    problems: list[str] = []
    try:
        say("Reading the iPhone's name and settings")
        values = lockdown.get_value()
        settings = {key: lockdown.get_value(*key) for key in SETTING_KEYS}

        say("Reading the list of apps")
        browse: list[dict[str, Any]] = []
        try:
            channel = lockdown.start_service(INSTALLATION_PROXY)
            try:
                browse = services.browse_apps(channel, timeout)
            finally:
                channel.close()
        except LockdownRefusal:
            problems.append(_part_missing("the list of apps"))

        say("Reading profiles and device management")
        profiles = cloud = None
        try:
            channel = lockdown.start_service(MC_INSTALL)
            try:
                profiles = services.profile_list(channel)
                cloud = services.cloud_configuration(channel)
            finally:
                channel.close()
        except LockdownRefusal:
            problems.append(_part_missing("configuration profiles"))

        say("Reading provisioning profiles")
        provisioning = None
        try:
            channel = lockdown.start_service(MISAGENT)
            try:
                provisioning = services.provisioning_profiles(channel)
            finally:
                channel.close()
        except LockdownRefusal:
            problems.append(_part_missing("provisioning profiles"))
    finally:
        mux.cancel.clear_deadline()
        lockdown.close()
    return Reading(
        udid=device.udid,
        values=values if isinstance(values, dict) else {},
        settings=settings,
        browse=browse,
        profiles=profiles,
        cloud=cloud,
        provisioning=provisioning,
        collected_at=dt.datetime.now(dt.UTC),
        problems=problems,
    )
