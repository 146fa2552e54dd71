"""The iPhone scan's words and lists (``assets/iphone/``), read once per run."""

from __future__ import annotations

import functools
import os
import sys
import tomllib
from typing import Any

from safetycheck.paths import assets_dir


@functools.cache
def scan_text() -> dict[str, Any]:
    with open(assets_dir() / "iphone" / "scan.toml", "rb") as handle:
        return tomllib.load(handle)


@functools.cache
def model_names() -> dict[str, str]:
    with open(assets_dir() / "iphone" / "models.toml", "rb") as handle:
        models: dict[str, str] = tomllib.load(handle)["models"]
    return models


def message(key: str) -> str:
    text: str = scan_text()["messages"][key]
    return text


def platform_key() -> str:
    if os.name == "nt":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def link_guidance(platform: str | None = None, *, cli: bool = False) -> str:
    """What to install so this computer can reach iPhones, for this (or the given) system.
    ``cli``: the words for the command line, which has no 'Find connected iPhones' button."""
    text = scan_text()["link_missing"]
    if cli:
        text = {**text, **text.get("cli", {})}
    return f"{text['intro']}\n\n{text[platform or platform_key()]}"
