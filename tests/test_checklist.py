"""The checklist loader and validator, on the shipped files and on broken ones."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from conftest import ROOT, run_cli

from safetycheck.checklist import load_checklists

GOOD_TOPIC = textwrap.dedent(
    """\
    format = 1
    id = "tablet"
    title = "A tablet"
    intro = "Checks for a tablet."
    applies_to = ["android"]
    reviewed = 2026-11-28
    releases = ["Android 17", "Android 16"]

    [[sources]]
    title = "Android Help"
    url = "https://support.google.com/android/"

    [[checks]]
    id = "tablet-apps"
    title = "Apps"
    why = "Because."
    steps = ["Open Settings.", "Tap Apps."]
    look_for = ["An app you do not know."]
    if_found = "Write it down."
    evidence = "Take a photo."
    essential = true
    minutes = 5
    verified = { how = "official", url = "https://g.co/a", release = "A17", checked = 2026-11-28 }

    [[checks]]
    id = "tablet-location"
    title = "Location"
    why = "Because."
    look_for = ["A name you do not know."]
    changes_something = true
    caution = "It may be noticed."
    if_found = "Plan first."
    evidence = "Take a photo."
    minutes = 3
    verified = { how = "assumed", release = "Android 17", checked = 2026-11-28, note = "On 16." }

    [[checks.variants]]
    label = "Pixel"
    steps = ["Open Settings."]

    [[checks.variants]]
    label = "Samsung"
    steps = ["Open Settings.", "Tap Location."]
    """
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, "topic.toml", text)
    library = load_checklists([path])
    return [str(p) for p in library.problems]


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_good_topic_loads_with_variants(tmp_path: Path) -> None:
    library = load_checklists([write(tmp_path, "topic.toml", GOOD_TOPIC)])
    assert library.problems == []
    (topic,) = library.topics
    assert [c.id for c in topic.checks] == ["tablet-apps", "tablet-location"]
    location = topic.checks[1]
    assert [v.label for v in location.variants] == ["Pixel", "Samsung"]
    assert location.variants[1].steps == ("Open Settings.", "Tap Location.")
    assert topic.checks[0].steps == ("Open Settings.", "Tap Apps.")
    assert location.topic_id == "tablet"


def test_unknown_field_is_reported_on_its_line(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace('why = "Because."\nsteps', 'why = "Because."\nwhyy = "x"\nsteps', 1)
    problems = problems_for(tmp_path, text)
    assert len(problems) == 1
    assert f"topic.toml:{line_of(text, 'whyy')}: unknown field 'whyy'" in problems[0]


def test_missing_field_names_the_check(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace('if_found = "Write it down."\n', "", 1)
    (problem,) = problems_for(tmp_path, text)
    assert re.search(r"topic\.toml:\d+: missing field 'if_found' in check 'tablet-apps'", problem)
    # It points at the check's table header.
    assert f":{line_of(text, '[[checks]]')}:" in problem


def test_duplicate_check_id_in_one_file(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace('id = "tablet-location"', 'id = "tablet-apps"')
    (problem,) = problems_for(tmp_path, text)
    assert "duplicate check id 'tablet-apps'" in problem


def test_duplicate_ids_across_files_refuse_the_later_file(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", GOOD_TOPIC)
    write(tmp_path, "b.toml", GOOD_TOPIC.replace('id = "tablet"', 'id = "tablet-two"'))
    library = load_checklists([tmp_path])
    assert [t.id for t in library.topics] == ["tablet"]
    messages = [str(p) for p in library.problems]
    assert any(
        "b.toml" in m and "duplicate check id 'tablet-apps' (also in a.toml)" in m for m in messages
    )


def test_bad_date_and_bad_url(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace("reviewed = 2026-11-28", 'reviewed = "last week"').replace(
        "https://support.google.com/android/", "support.google.com"
    )
    problems = problems_for(tmp_path, text)
    assert any(f":{line_of(text, 'reviewed')}: 'reviewed'" in p and "date" in p for p in problems)
    assert any(f":{line_of(text, 'url =')}: 'url'" in p and "https://" in p for p in problems)


def test_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace('title = "Apps"', 'title = "Apps')
    (problem,) = problems_for(tmp_path, text)
    line = line_of(text, 'title = "Apps')
    assert f"topic.toml:{line}: not valid TOML" in problem


def test_change_without_caution_is_refused(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace('caution = "It may be noticed."\n', "")
    (problem,) = problems_for(tmp_path, text)
    assert "needs a 'caution'" in problem


def test_steps_and_variants_together_are_refused(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace('caution = "It may be noticed."', 'caution = "x"\nsteps = ["a"]')
    assert any("both 'steps' and" in p for p in problems_for(tmp_path, text))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD_TOPIC.replace("A tablet", "Un café").encode("latin-1"))
    (problem,) = [str(p) for p in load_checklists([path]).problems]
    assert "UTF-8" in problem


def test_broken_file_is_refused_and_the_others_still_load(tmp_path: Path) -> None:
    write(tmp_path, "good.toml", GOOD_TOPIC)
    write(tmp_path, "broken.toml", "format = 1\nid = \n")
    library = load_checklists([tmp_path])
    assert [t.id for t in library.topics] == ["tablet"]
    assert len(library.problems) == 1 and "broken.toml:2:" in str(library.problems[0])


def test_applies_to_must_name_an_intake_option(tmp_path: Path) -> None:
    write(tmp_path, "_intake.toml", '[[options]]\nid = "android"\nlabel = "A"\ngroup = "G"\n')
    write(tmp_path, "t.toml", GOOD_TOPIC.replace('["android"]', '["androd"]'))
    library = load_checklists([tmp_path])
    assert library.topics == []
    assert "'androd', which is not an option" in str(library.problems[0])


def test_a_check_can_be_for_some_devices_and_must_name_intake_options(tmp_path: Path) -> None:
    write(tmp_path, "_intake.toml", '[[options]]\nid = "android"\nlabel = "A"\ngroup = "G"\n')
    good = GOOD_TOPIC.replace(
        'id = "tablet-apps"\n', 'id = "tablet-apps"\napplies_to = ["android"]\n'
    )
    write(tmp_path, "t.toml", good)
    library = load_checklists([tmp_path])
    assert not library.problems, library.problems
    apps = library.check("tablet-apps")
    assert apps is not None and apps.applies_to == ("android",)
    assert apps.applies(["android"]) and not apps.applies(["iphone"])
    location = library.check("tablet-location")
    assert location is not None and location.applies([])  # no applies_to: everyone
    bad = good.replace(
        '"tablet-apps"\napplies_to = ["android"]', '"tablet-apps"\napplies_to = ["iphon"]'
    )
    write(tmp_path, "t.toml", bad)
    library = load_checklists([tmp_path])
    assert library.topics == []
    problem = str(library.problems[0])
    assert "check 'tablet-apps': 'applies_to' names 'iphon'" in problem
    line = line_of(bad, "iphon")
    assert f":{line}:" in problem


def test_check_content_cli_on_shipped_files() -> None:
    result = run_cli("check-content")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_check_content_cli_reports_file_line_message(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.toml", GOOD_TOPIC.replace('title = "Apps"', 'titel = "Apps"'))
    result = run_cli("check-content", str(bad))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith(f"{bad}:") and "unknown field 'titel'" in line for line in lines)
    assert any("missing field 'title'" in line for line in lines)


def test_documented_example_is_valid(tmp_path: Path) -> None:
    """The example in docs/checklist-format.md must pass the validator it documents."""
    doc = (ROOT / "docs" / "checklist-format.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    path = write(tmp_path, "example.toml", example)
    library = load_checklists([path, ROOT / "checklists" / "_intake.toml"])
    assert library.problems == []
    assert len(library.topics[0].checks) == 2


def test_shipped_content_loads(library) -> None:
    assert library.topic("before-you-start") is not None
    assert library.intake, "the intake question must load"
    ids = [c.id for t in library.topics for c in t.checks]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------------------
# The second-edition fields: essential, minutes, verified, signs_in.


def test_new_check_fields_are_read(tmp_path: Path) -> None:
    library = load_checklists([write(tmp_path, "topic.toml", GOOD_TOPIC)])
    assert library.problems == [] and library.warnings == []
    topic = library.topics[0]
    assert topic.releases == ("Android 17", "Android 16")
    apps, location = topic.checks
    assert apps.essential is True and apps.minutes == 5
    assert apps.verified is not None and apps.verified.how == "official"
    assert apps.verified.url == "https://g.co/a"
    assert apps.verified.release == "A17"
    assert apps.verified.checked.isoformat() == "2026-11-28"
    assert location.essential is False and location.minutes == 3
    assert location.verified.how == "assumed" and "16" in location.verified.note
    assert apps.signs_in is False


def test_minutes_must_be_one_to_thirty(tmp_path: Path) -> None:
    for bad in ("0", "31", "2.5", '"5"'):
        text = GOOD_TOPIC.replace("minutes = 5", f"minutes = {bad}")
        problems = problems_for(tmp_path, text)
        assert any(
            f":{line_of(text, 'minutes = ' + bad)}:" in p and "from 1 to 30" in p for p in problems
        ), (bad, problems)


def test_missing_minutes_and_verified_are_refused(tmp_path: Path) -> None:
    text = "\n".join(
        line for line in GOOD_TOPIC.splitlines() if not line.startswith(("minutes", "verified"))
    )
    problems = problems_for(tmp_path, text)
    assert sum("missing field 'minutes'" in p for p in problems) == 2
    assert sum("missing field 'verified'" in p for p in problems) == 2
    header = line_of(text, "[[checks]]")
    assert any(p.startswith(f"{tmp_path / 'topic.toml'}:{header}:") for p in problems)


def test_verified_rules(tmp_path: Path) -> None:
    official = (
        'verified = { how = "official", url = "https://g.co/a", release = "A17", '
        "checked = 2026-11-28 }"
    )
    cases = {
        'verified = { how = "guessed", checked = 2026-11-28 }': 'must be one of "official"',
        'verified = { how = "official", checked = 2026-11-28 }': "so it needs the 'url'",
        'verified = { how = "third-party", checked = 2026-11-28 }': "so it needs the 'url'",
        'verified = { how = "assumed", checked = 2026-11-28 }': "needs a 'note'",
        'verified = { how = "official", url = "http://x.org" , checked = 2026-11-28 }': "https",
        'verified = { how = "official", url = "https://x.org" }': "needs 'checked'",
        'verified = { how = "official", url = "https://x.org", checked = "2026" }': "a date",
        'verified = { how = "official", url = "https://x.org", checked = 2026-11-28, by = "me" }': (
            "unknown key 'by'"
        ),
        'verified = "official"': "must be a table",
    }
    for replacement, expected in cases.items():
        text = GOOD_TOPIC.replace(official, replacement)
        assert text != GOOD_TOPIC
        problems = problems_for(tmp_path, text)
        line = line_of(text, replacement)
        assert any(f":{line}:" in p and expected in p for p in problems), (replacement, problems)


def test_signs_in_needs_the_topics_sign_in_warning(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace("essential = true", "essential = true\nsigns_in = true")
    problems = problems_for(tmp_path, text)
    assert any("needs a 'sign_in_warning'" in p and "tablet-apps" in p for p in problems)
    warned = text.replace(
        'releases = ["Android 17", "Android 16"]',
        'releases = ["Android 17", "Android 16"]\n'
        'sign_in_warning = "Signing in on a new phone emails your other address."',
    )
    library = load_checklists([write(tmp_path, "topic.toml", warned)])
    assert library.problems == []
    topic = library.topics[0]
    assert topic.checks[0].signs_in is True
    assert topic.sign_in_warning.startswith("Signing in on a new phone")


def test_old_verified_against_is_refused_and_says_what_replaced_it(tmp_path: Path) -> None:
    text = GOOD_TOPIC.replace("releases = ", "verified_against = ")
    library = load_checklists([write(tmp_path, "topic.toml", text)])
    assert library.topics == []
    (problem,) = [str(p) for p in library.problems]
    assert f":{line_of(text, 'verified_against')}:" in problem
    assert "each check's 'verified'" in problem and "'releases'" in problem


def test_advisor_wording_of_one_group_must_agree(tmp_path) -> None:
    from safetycheck.checklist import load_checklists

    (tmp_path / "_intake.toml").write_text(
        '[[options]]\nid = "car"\nlabel = "A car you drive"\ngroup = "Around you"\n'
        'advisor_label = "A car your client drives"\nadvisor_group = "Around your client"\n\n'
        '[[options]]\nid = "wifi"\nlabel = "Home Wi-Fi"\ngroup = "Around you"\n'
        'advisor_group = "Near the client"\n',
        encoding="utf-8",
    )
    library = load_checklists(tmp_path)
    [problem] = library.problems
    assert problem.line == 12 and "advisor_group" in problem.message
