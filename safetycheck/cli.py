"""The command line: ``python main.py COMMAND``.

Each command lives in its own module under ``safetycheck.commands`` and adds
itself with ``register(subparsers)``.  With no command, the caller's GUI
runner starts the app: the core never imports the interface itself.
Errors are one plain sentence on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from safetycheck import __version__

COMMAND_MODULES = [
    "safetycheck.commands.content",
    "safetycheck.commands.cases",
    "safetycheck.commands.passphrase",
    "safetycheck.commands.export",
    "safetycheck.commands.evidence",
    "safetycheck.commands.android",
    "safetycheck.commands.computer",
    "safetycheck.commands.iphone",
]

GuiRunner = Callable[[argparse.Namespace, list[str]], int]


class UserError(Exception):
    """A problem the person can fix; printed as one sentence, no traceback."""


def _add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On sub-commands the default is SUPPRESS so that "--data-dir X list-cases" is not
    # overwritten by the sub-parser's own default.
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help="keep cases in DIR instead of the usual place (also: SAFETYCHECK_DATA_DIR)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safetycheck",
        description="SafetyCheck: check phones, computers, accounts and belongings for signs "
        "of tracking or spying. With no command, the app opens.",
    )
    parser.add_argument("--version", action="version", version=f"SafetyCheck {__version__}")
    _add_common(parser, top=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        for sub in module.register(subparsers):
            _add_common(sub, top=False)
    return parser


def main(argv: Sequence[str] | None = None, gui: GuiRunner | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        if gui is None:
            parser.print_help()
            return 0
        return gui(args, extra)  # Qt takes its own options (e.g. -platform)
    if extra:
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    from safetycheck.terminal import guard

    with guard():  # text from phones and files can hold escape sequences
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from safetycheck.storage.errors import StoreError

    try:
        return int(args.func(args) or 0)
    except (UserError, StoreError) as exc:
        print(f"safetycheck: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("safetycheck: stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: never a traceback, never case data
        print(
            f"safetycheck: something went wrong ({type(exc).__name__}). Nothing else was changed.",
            file=sys.stderr,
        )
        return 1
