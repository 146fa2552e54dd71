"""The fast case encoder must write exactly what ``Case.to_dict`` describes."""

from __future__ import annotations

import json

from safetycheck.case import Case, Status
from safetycheck.case_json import CaseEncoder


def stored(case: Case) -> dict:
    data = case.to_dict()
    data["schema_version"] = 1
    return data


def test_encoder_matches_to_dict_through_every_kind_of_change() -> None:
    encoder = CaseEncoder()
    case = Case.new("Encoder — ŵ ł Ж")
    for i in range(50):
        case.set_answer(f"c{i}", Status.LOOKS_OK, f"note {i}")
    assert json.loads(encoder.body(case, {"schema_version": 1})) == stored(case)

    case.set_answer("c3", Status.CONCERN, "changed through the API")
    assert json.loads(encoder.body(case, {"schema_version": 1})) == stored(case)

    # Someone edits an answer directly, without set_answer: the cache must notice.
    case.answers["c4"].note = "edited in place"
    assert json.loads(encoder.body(case, {"schema_version": 1})) == stored(case)
    case.answers["c5"].status = Status.NOT_SURE
    assert json.loads(encoder.body(case, {"schema_version": 1})) == stored(case)

    del case.answers["c6"]
    case.add_evidence("seen", "here")
    case.add_action("do", "me", "soon")
    assert json.loads(encoder.body(case, {"schema_version": 1})) == stored(case)
