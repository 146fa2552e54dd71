"""Cases with odd shapes, saved against one version of the checklists and read with the next.

Shared by the core and the interface tests of the scope rule: every view of these cases
(case list, ``list-cases --json``, sidebar, summary, both PDFs) must report the numbers
``EXPECTED`` gives, which are what ``safetycheck.scope`` says the cases cover.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from safetycheck.case import Progress, Status
from safetycheck.casework import CaseWork
from safetycheck.checklist import load_checklists

CONTENT = Path(__file__).resolve().parent / "ui" / "content"

OLD_CHECK = """
[[checks]]
id = "t-phone-old"
minutes = 1
verified = { how = "assumed", release = "Android 16", checked = 2026-11-28, note = "Test." }
title = "A check that a later review removed"
why = "It was replaced."
steps = ["Open Settings."]
look_for = ["Something."]
if_found = "Note it."
evidence = "A photo."
"""

NEW_TOPIC = """format = 1
id = "t-home"
title = "Smart speakers"
intro = "Checks for smart speakers."
applies_to = ["smart-home"]
reviewed = 2026-12-01
releases = ["2026 models"]
order = 30

[[sources]]
title = "Example source"
url = "https://example.org/"

[[checks]]
id = "t-home-voice"
minutes = 1
verified = { how = "assumed", release = "2026 models", checked = 2026-12-01, note = "Test." }
title = "Voice history"
why = "A speaker keeps what was said."
steps = ["Open the speaker's app."]
look_for = ["Another account."]
if_found = "Note the account."
evidence = "A photo of the account list."
"""

#: reference -> what every view must show, with the newer checklists.
EXPECTED = {
    # Android was ticked, answered, then unticked: its one answer stays in view.
    "Unticked": Progress(total=3, answered=2, concerns=1, not_sure=0),
    # A concern on a check the next review removed: still counted, under its id.
    "Removed": Progress(total=5, answered=2, concerns=1, not_sure=1),
    # Smart speakers got a topic later: it joins when "What you have" is next changed.
    # A note without an answer on an unticked topic is in view, not answered.
    "Added later": Progress(total=5, answered=1, concerns=1, not_sure=0),
    # It names a topic the content no longer has (split in two): its topics are chosen
    # again from its intake answers, the same way whether it is open or only listed.
    "Split topic": Progress(total=3, answered=1, concerns=1, not_sure=0),
}


def make_contents(root: Path) -> tuple[Path, Path]:
    """The checklists as they were (with a check removed since) and as they are now."""
    old, new = root / "content-old", root / "content-new"
    shutil.copytree(CONTENT, old)
    shutil.copytree(CONTENT, new)
    phone = old / "phone.toml"
    phone.write_text(phone.read_text(encoding="utf-8") + OLD_CHECK, encoding="utf-8")
    (new / "home.toml").write_text(NEW_TOPIC, encoding="utf-8")
    for content in (old, new):
        problems = load_checklists(content).problems
        assert not problems, "\n".join(map(str, problems))
    return old, new


def make_cases(data_dir: Path, old_content: Path) -> dict[str, str]:
    """Save the odd cases with the old checklists; returns reference -> case id."""
    library = load_checklists(old_content)
    assert not library.problems
    work = CaseWork(data_dir, library)
    work.unlock(None)
    ids = {}

    case = work.create("Unticked")
    work.set_intake(["android"])
    work.set_answer("t-phone-apps", Status.CONCERN, "An app called System Service")
    work.set_answer("t-start-safe", Status.LOOKS_OK)
    work.set_intake([])
    ids[case.reference] = case.id

    case = work.create("Removed")
    work.set_intake(["android"])
    work.set_answer("t-phone-old", Status.CONCERN, "Found before the review")
    work.set_answer("t-phone-apps", Status.NOT_SURE)
    ids[case.reference] = case.id

    case = work.create("Added later")
    work.set_intake(["android", "smart-home"])
    work.set_answer("t-start-device", Status.CONCERN)
    work.set_answer("t-car-app", note="Her car has the maker's app; not checked yet")
    ids[case.reference] = case.id

    case = work.create("Split topic")
    work.set_intake(["car"])
    work.set_answer("t-car-app", Status.CONCERN)
    case.topics = ["t-start", "t-split-away"]  # as a second edition of the content left it
    work.save()
    ids[case.reference] = case.id
    work.close_case()
    return ids
