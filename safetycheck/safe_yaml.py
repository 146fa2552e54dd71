"""YAML from outside (indicator and tool lists) read without aliases.

A YAML alias (``*name``) repeats what an anchor (``&name``) named.  Nine levels of nine
aliases make a file of a few hundred bytes stand for 387 million strings: PyYAML builds it
quickly as shared references, and the first code that walks it runs for minutes and takes
gigabytes (the "billion laughs").  The lists SafetyCheck reads never use aliases, so any
alias is refused with a plain message, at the place the file is read.
"""

from __future__ import annotations

from typing import Any

import yaml


class AliasRefused(yaml.composer.ComposerError):
    """The file uses an alias; ``problem_mark`` says where."""


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise AliasRefused(
                None,
                None,
                "this file uses YAML aliases (*name), which these lists never need",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def load(data: bytes | str) -> Any:
    """Like ``yaml.safe_load``, but an alias or nesting too deep to read is a YAMLError."""
    try:
        return yaml.load(data, Loader=_NoAliasLoader)  # a SafeLoader: builds only plain data
    except RecursionError as exc:
        raise yaml.YAMLError("lists are nested too deeply") from exc
