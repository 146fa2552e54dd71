"""App settings: who is using the app, how it looks, and the advisor service's details.

Stored as JSON in the data folder, written atomically.  A missing or damaged
settings file falls back to the defaults (and is kept aside), because losing a
preference is a nuisance, while refusing to start is a danger.
Settings never hold case data.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from safetycheck.paths import ensure_private_dir

SETTINGS_FILE = "settings.json"
MODE_ADVISOR = "advisor"
MODE_SELF = "self"


@dataclass
class Settings:
    first_start_done: bool = False
    mode: str = ""  # MODE_ADVISOR or MODE_SELF; empty until first start is done
    neutral_title: bool = False
    service_name: str = ""
    advisor_name: str = ""
    service_contact: str = ""  # printed on both documents
    country: str = "GB"
    adb_path: str = ""
    indicators_url: str = ""
    idle_lock_minutes: int = 0  # 0: never
    window_size: list[int] = field(default_factory=list)  # [width, height] as last left
    extra: dict[str, Any] = field(
        default_factory=dict[str, Any]
    )  # forward compatibility: kept, not used

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        extra = {k: v for k, v in data.items() if k not in known}
        settings = cls(**values)
        settings.extra.update(extra)
        return settings

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        return {**extra, **data}


def load_settings(data_dir: Path) -> Settings:
    path = Path(data_dir) / SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("settings is not an object")
        return Settings.from_dict(data)
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, TypeError):
        with contextlib.suppress(OSError):
            path.replace(path.with_name(SETTINGS_FILE + ".damaged"))
        return Settings()


def save_settings(data_dir: Path, settings: Settings) -> None:
    # Imported here: settings are read before the window shows, but saved only later,
    # and durable's imports (secrets, hashlib) would otherwise delay the first paint.
    from safetycheck.durable import write_atomic

    ensure_private_dir(Path(data_dir))
    data = json.dumps(settings.to_dict(), indent=2, ensure_ascii=False).encode("utf-8")
    write_atomic(Path(data_dir) / SETTINGS_FILE, data)
