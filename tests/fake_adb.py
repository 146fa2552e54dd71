#!/usr/bin/env python3
"""A stand-in for Google's adb that replays recorded outputs (see data/adb/README.md).

Usage: fake_adb.py SCENARIO_DIR ADB-ARGS...   (tests call it through a generated wrapper
named ``adb``, so the code under test runs it exactly like the real tool).

Every call is appended to SCENARIO_DIR/calls.jsonl, so tests can prove that a scan only
sent read-only commands.  A command with no recording fails like a missing command does on
a phone (exit status 127), so a scan that sends something unexpected is caught.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import tomllib
from pathlib import Path


def main(argv: list[str]) -> int:
    scenario = Path(argv[0])
    args = argv[1:]
    with open(scenario / "calls.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps(args) + "\n")
    config = tomllib.loads((scenario / "scenario.toml").read_text(encoding="utf-8"))
    if args == ["devices", "-l"]:
        if config.get("devices_hang"):
            time.sleep(3600)  # an adb server that never answers: only Cancel ends the look
            return 1
        sys.stdout.write((scenario / config["devices"]).read_text(encoding="utf-8"))
        return 0
    if len(args) < 3 or args[0] != "-s":
        sys.stderr.write("error: more than one device/emulator\n")
        return 1
    serial, verb, rest = args[1], args[2], args[3:]
    phones = config.get("phones", {})
    if serial not in phones:
        if serial in config.get("unauthorized", []):
            sys.stderr.write(
                "error: device unauthorized.\nThis adb server's $ADB_VENDOR_KEYS is not set\n"
                "Try 'adb kill-server' if that seems wrong.\n"
                "Otherwise check for a confirmation dialog on your device.\n"
            )
            return 1
        sys.stderr.write(f"error: device '{serial}' not found\n")
        return 1
    phone = phones[serial]
    if phone.get("hang") and verb == "shell":
        time.sleep(3600)  # a hung phone: the scan must give up on its own or be cancelled
        return 1
    if verb == "shell":
        command = " ".join(rest)
        recorded = phone.get("shell", {}).get(command)
        if recorded is None:
            sys.stderr.write(f"/system/bin/sh: {command.split()[0]}: inaccessible or not found\n")
            return 127
        sys.stdout.write((scenario / recorded).read_text(encoding="utf-8"))
        return 0
    if verb == "pull" and rest[:1] == ["--"]:
        rest = rest[1:]  # the end of options: what follows is the phone's path, then ours
    if verb == "pull" and len(rest) == 2:
        recorded = phone.get("pull", {}).get(rest[0])
        if recorded is None:
            sys.stderr.write(f"adb: error: failed to stat remote object '{rest[0]}'\n")
            return 1
        shutil.copyfile(scenario / recorded, rest[1])
        sys.stdout.write(f"{rest[0]}: 1 file pulled, 0 skipped.\n")
        return 0
    sys.stderr.write(f"fake adb: no recording for {args}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
