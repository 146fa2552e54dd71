"""Turn a case into its stored JSON quickly enough to save on every keystroke.

Every change saves the whole case, and a big case holds 1,000 answers, each
with its history.  Re-serialising all of them on every save cost about 7 ms;
only one answer changes per save, so this encoder keeps each answer's JSON
text and rebuilds it only when the answer's fingerprint changes.  The output
is exactly ``json.dumps(case.to_dict())`` (a test holds it to that).

The model keeps lone surrogates out of the text it is given (``user_text``), but a
field can still be set directly (a file name in another encoding, a rename).  The
JSON written here is scrubbed too, so a save can never fail to encode as UTF-8.
"""

from __future__ import annotations

import json
from typing import Any

from safetycheck.case import Answer, Case
from safetycheck.user_text import scrub

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _dumps(value: object) -> str:
    return scrub(_encode(value))


def dumps(value: object) -> str:
    return _dumps(value)


def _fingerprint(answer: Answer) -> tuple[Any, ...]:
    last = answer.history[-1] if answer.history else None
    return (
        answer.status,
        answer.note,
        answer.plan_line,
        len(answer.history),
        answer.steps,
        None if last is None else (last.at, last.status, last.note),
    )


class CaseEncoder:
    """Encodes cases, remembering each answer's JSON between saves."""

    def __init__(self) -> None:
        # case id -> check id -> (fingerprint, '"check id":{answer}' as JSON text).  The
        # key is kept encoded too: encoding 1,000 keys on every save took half the time.
        self._answers: dict[str, dict[str, tuple[tuple[Any, ...], str]]] = {}

    def body(self, case: Case, extra: dict[str, Any] | None = None) -> str:
        cache = self._answers.setdefault(case.id, {})
        parts = []
        for check_id, answer in case.answers.items():
            fingerprint = _fingerprint(answer)
            cached = cache.get(check_id)
            if cached is None or cached[0] != fingerprint:
                cached = (fingerprint, f"{_dumps(check_id)}:{_dumps(answer.to_dict())}")
                cache[check_id] = cached
            parts.append(cached[1])
        if len(cache) > len(case.answers):
            for gone in set(cache) - set(case.answers):
                del cache[gone]
        head = case.to_dict(include_answers=False)
        if extra:
            head.update(extra)
        # Put the answers back in the position to_dict() gives them.
        fields = []
        for key, value in head.items():
            if key == "answers":
                fields.append('"answers":{' + ",".join(parts) + "}")
            else:
                fields.append(f"{_dumps(key)}:{_dumps(value)}")
        return "{" + ",".join(fields) + "}"
