"""Starting the app with no command skips the command-line parser, with the same result."""

from __future__ import annotations

import pytest

from safetycheck import cli
from ui import launch


@pytest.mark.parametrize(
    "argv",
    [[], ["--data-dir", "/tmp/x"], ["--data-dir=/tmp/x"]],
)
def test_plain_start_matches_the_full_parser(argv: list[str]) -> None:
    fast = launch.plain_start(argv)
    full, extra = cli.build_parser().parse_known_args(argv)
    assert fast is not None and extra == []
    assert (fast.command, fast.data_dir) == (full.command, full.data_dir)


@pytest.mark.parametrize(
    "argv",
    [["list-cases"], ["--help"], ["--version"], ["--data-dir"], ["--data-dir", "x", "list-cases"]],
)
def test_anything_else_goes_through_the_command_line(argv: list[str]) -> None:
    assert launch.plain_start(argv) is None
