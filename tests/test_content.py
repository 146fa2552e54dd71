"""Quality of the shipped checklists, and proof that each rule catches a bad file.

Every shipped topic file goes through every rule in ``safetycheck.content_rules``
(one test per file and rule, so a failure names both).  Below that, each rule is
shown failing on a deliberately bad file, so none of these tests can pass by
accident.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from safetycheck import content_rules
from safetycheck.checklist import load_checklists

CHECKLISTS = ROOT / "checklists"
TOPIC_FILES = sorted(p for p in CHECKLISTS.glob("*.toml") if not p.name.startswith("_"))
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def shipped():
    return load_checklists(CHECKLISTS)


def _topic_in(library, path: Path):
    return next((t for t in library.topics if t.path and t.path.name == path.name), None)


# ---------------------------------------------------------------------------
# The shipped files.


def test_there_are_topic_files() -> None:
    assert TOPIC_FILES, "no topic files found in checklists/"


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda p: p.name)
def test_shipped_file_loads_with_no_problems(shipped, path: Path) -> None:
    problems = [str(p) for p in shipped.problems if p.path.name == path.name]
    assert not problems, "\n".join(problems)
    assert _topic_in(shipped, path) is not None


@pytest.mark.parametrize("rule", list(content_rules.RULES))
@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda p: p.name)
def test_shipped_file_follows_rule(shipped, path: Path, rule: str) -> None:
    topic = _topic_in(shipped, path)
    if topic is None:
        pytest.fail(f"{path.name} did not load; see test_shipped_file_loads_with_no_problems")
    findings = content_rules.check_topic(topic, TODAY, rules=[rule])
    assert not findings, f"{path.name}:\n" + "\n".join(map(str, findings))


def test_check_ids_are_unique_across_files() -> None:
    duplicates = content_rules.duplicate_check_ids(TOPIC_FILES)
    assert not duplicates, "check ids used more than once: " + ", ".join(
        f"{check_id} ({' and '.join(files)})" for check_id, files in duplicates.items()
    )


# ---------------------------------------------------------------------------
# Each rule fails on a bad file.

GOOD = textwrap.dedent(
    """\
    format = 1
    id = "tablet"
    title = "A tablet"
    intro = "Checks for a tablet. A clean result does not prove the tablet is safe."
    applies_to = ["android"]
    reviewed = {reviewed}
    releases = ["Android 17", "Android 16"]
    {top}

    [[sources]]
    title = "Android Help"
    url = "https://support.google.com/android/"

    [[checks]]
    id = "{first_id}"
    title = "Apps you do not know"
    why = "A spy app can hide behind a plain name."
    steps = ["Open Settings.", "Tap Apps."]
    look_for = ["An app you did not put there."]
    if_found = "{if_found}"
    evidence = "Take a photo of the list."
    minutes = 5
    verified = {{ how = "official", url = "https://g.co/android", checked = {reviewed} }}
    {change}

    [[checks]]
    id = "{second_id}"
    title = "Who can see where you are"
    why = "Sharing your place on a map is an easy way to follow you."
    steps = ["Open Settings.", "Tap Location."]
    look_for = ["A name you do not know."]
    if_found = "Write down the name."
    evidence = "Take a photo of the list."
    minutes = 5
    verified = {{ how = "assumed", checked = {reviewed}, note = "Seen on Android 16 only." }}
    """
)


def make_topic(tmp_path: Path, **fields: str):
    values = {
        "reviewed": TODAY.isoformat(),
        "first_id": "tablet-apps",
        "second_id": "tablet-location",
        "if_found": "Write down the name. Talk to an advisor.",
        "change": "",
        "top": "",
    }
    values.update(fields)
    path = tmp_path / "topic.toml"
    path.write_text(GOOD.format(**values), encoding="utf-8")
    library = load_checklists([path])
    assert not library.problems, "\n".join(map(str, library.problems))
    return library.topics[0]


def findings(topic, rule: str) -> list[str]:
    return [str(f) for f in content_rules.check_topic(topic, TODAY, rules=[rule])]


def test_good_file_passes_every_rule(tmp_path: Path) -> None:
    topic = make_topic(tmp_path)
    assert content_rules.check_topic(topic, TODAY) == []


def test_broken_file_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    text = GOOD.format(
        reviewed=TODAY.isoformat(),
        first_id="tablet-apps",
        second_id="tablet-location",
        if_found="Write it down.",
        change="",
        top="",
    )
    path.write_text(text.replace('steps = ["Open Settings.", "Tap Apps."]\n', "", 1), "utf-8")
    library = load_checklists([path])
    assert library.topics == []
    assert any("steps" in str(p) for p in library.problems)


def test_duplicate_check_ids_across_files_are_found(tmp_path: Path) -> None:
    make_topic(tmp_path)
    other = tmp_path / "other.toml"
    other.write_text(
        (tmp_path / "topic.toml").read_text("utf-8").replace('id = "tablet"', 'id = "tablets"'),
        "utf-8",
    )
    duplicates = content_rules.duplicate_check_ids([tmp_path / "topic.toml", other])
    assert duplicates == {
        "tablet-apps": ["topic.toml", "other.toml"],
        "tablet-location": ["topic.toml", "other.toml"],
    }
    assert content_rules.duplicate_check_ids([other]) == {}


def test_old_review_date_fails(tmp_path: Path) -> None:
    old = TODAY - dt.timedelta(days=19 * 31)
    (message,) = findings(make_topic(tmp_path, reviewed=old.isoformat()), "review-date")
    assert "months ago" in message


def test_review_date_just_inside_the_limit_passes(tmp_path: Path) -> None:
    recent = TODAY - dt.timedelta(days=17 * 30)
    assert findings(make_topic(tmp_path, reviewed=recent.isoformat()), "review-date") == []


def test_future_review_date_fails(tmp_path: Path) -> None:
    future = TODAY + dt.timedelta(days=2)
    (message,) = findings(make_topic(tmp_path, reviewed=future.isoformat()), "review-date")
    assert "future" in message


def test_missing_sources_fail(tmp_path: Path) -> None:
    topic = make_topic(tmp_path)
    bare = dataclasses.replace(topic, sources=())
    messages = findings(bare, "sources")
    assert any("no [[sources]]" in m for m in messages)
    twice = dataclasses.replace(topic, sources=topic.sources * 2)
    assert any("listed twice" in m for m in findings(twice, "sources"))


def test_check_without_steps_fails(tmp_path: Path) -> None:
    topic = make_topic(tmp_path)
    emptied = dataclasses.replace(topic.checks[0], variants=())
    bad = dataclasses.replace(topic, checks=(emptied, topic.checks[1]))
    (message,) = findings(bad, "steps")
    assert "tablet-apps" in message


def test_change_without_caution_fails(tmp_path: Path) -> None:
    topic = make_topic(tmp_path)
    changed = dataclasses.replace(topic.checks[0], changes_something=True, caution="")
    bad = dataclasses.replace(topic, checks=(changed, topic.checks[1]))
    (message,) = findings(bad, "caution")
    assert "tablet-apps" in message


@pytest.mark.parametrize(
    "if_found",
    [
        "Tap Uninstall.",
        "Remove the app.",
        "Do not delete it yet.",
        "Turn location sharing off.",
        "Turn off Bluetooth.",
        "Sign the other phone out.",
        "Change your Google password.",
        "Reset the router.",
        "Stop sharing with them.",
    ],
)
def test_telling_someone_to_change_something_needs_a_caution(tmp_path: Path, if_found) -> None:
    topic = make_topic(tmp_path, if_found=if_found)
    (message,) = findings(topic, "change-words")
    assert "tablet-apps" in message and "caution" in message
    marked = make_topic(
        tmp_path,
        if_found=if_found,
        change='changes_something = true\ncaution = "It may be noticed. Plan first."',
    )
    assert findings(marked, "change-words") == []


def test_looking_is_not_a_change(tmp_path: Path) -> None:
    topic = make_topic(tmp_path, if_found="Write down the name. Sign in later to look again.")
    assert findings(topic, "change-words") == []


@pytest.mark.parametrize(
    "step",
    [
        "Go to myaccount.google.com and sign in.",
        "Sign in to Amazon on a safer device.",
        "If you can sign in, look for Users.",
        "Read the warning above before you sign in.",
        "Use a browser that is already signed in to your account.",
        "Approve the sign-in on your other phone.",
        "Log in on another computer.",
    ],
)
def test_sending_someone_to_sign_in_needs_signs_in(tmp_path: Path, step: str) -> None:
    topic = make_topic(tmp_path, if_found=step)
    (message,) = findings(topic, "signs-in")
    assert "tablet-apps" in message and "signs_in = true" in message
    marked = make_topic(
        tmp_path,
        if_found=step,
        change="signs_in = true",
        top='sign_in_warning = "Signing in on a new device emails your recovery address."',
    )
    assert marked.checks[0].signs_in
    assert findings(marked, "signs-in") == []


def test_a_check_that_signs_in_is_refused_without_the_topics_warning(tmp_path: Path) -> None:
    path = tmp_path / "topic.toml"
    path.write_text(
        GOOD.format(
            reviewed=TODAY.isoformat(),
            first_id="tablet-apps",
            second_id="tablet-location",
            if_found="Write it down.",
            change="signs_in = true",
            top="",
        ),
        encoding="utf-8",
    )
    library = load_checklists([path])
    assert library.topics == []
    assert any("sign_in_warning" in str(p) for p in library.problems)


@pytest.mark.parametrize(
    "text",
    [
        "Other people who can sign in to this computer.",
        "The other person will notice if they cannot sign in.",
        "Do not sign in to find out.",
        "Apps that use Sign in with Apple.",
    ],
)
def test_describing_sign_ins_is_not_sending_someone_to_sign_in(tmp_path: Path, text) -> None:
    assert findings(make_topic(tmp_path, if_found=text), "signs-in") == []


# Account websites: any check whose steps open one of these sends the person to sign in
# (unless their browser already is), so it must carry the topic's sign-in warning.
ACCOUNT_SITES = re.compile(
    r"\b(myaccount\.google\.com|g\.co/passkeys|account\.apple\.com|icloud\.com|"
    r"account\.microsoft\.com|account\.live\.com|outlook\.live\.com|onedrive\.live\.com|"
    r"family\.microsoft\.com|facebook\.com|amazon\.co\.uk)",
    re.IGNORECASE,
)


def test_every_check_that_signs_in_warns_first(shipped) -> None:
    """The issue's safety hole: signing in can alert the other person, so warn before the steps.

    A check is caught two ways: its words send the person to sign in (the signs-in rule), or
    its steps open an account website. Either way it must say signs_in = true, and its topic
    must carry a sign_in_warning naming what that service does when someone signs in.
    """
    caught = []
    for topic in shipped.topics:
        for check in topic.checks:
            steps = " ".join(s for v in check.variants for s in v.steps)
            text = " ".join([steps, check.if_found, check.evidence])
            if ACCOUNT_SITES.search(steps) or content_rules.SIGN_IN_WORDS.search(text):
                caught.append(check.id)
                assert check.signs_in, f"{check.id} sends the person to sign in: signs_in = true"
                assert topic.sign_in_warning, f"{topic.id} needs a sign_in_warning"
            if check.signs_in:
                assert topic.sign_in_warning
    # The Google, Apple and Microsoft web checks are the ones the issue named.
    for check_id in ("google-devices", "apple-app-passwords", "microsoft-security-info"):
        assert check_id in caught
    for topic_id, says in (
        ("apple-account", "map"),
        ("google", "recovery email"),
        ("microsoft", "backup email"),
    ):
        warning = shipped.topic(topic_id).sign_in_warning
        assert says in warning and "advisor" in warning and "already signed in" in warning


@pytest.mark.parametrize(
    ("first_id", "second_id", "expect"),
    [
        ("phone-apps", "phone-location", "family"),
        ("tablet-apps", "tablet-3", "number"),
        ("tablet", "tablet-location", "family"),
    ],
)
def test_badly_named_ids_fail(tmp_path: Path, first_id, second_id, expect) -> None:
    topic = make_topic(tmp_path, first_id=first_id, second_id=second_id)
    messages = findings(topic, "ids")
    assert messages
    assert any(expect in m for m in messages)


def test_family_may_be_the_start_of_a_topic_word(tmp_path: Path) -> None:
    topic = make_topic(tmp_path)
    assert findings(dataclasses.replace(topic, id="tablets"), "ids") == []
    assert findings(dataclasses.replace(topic, id="my-tablets"), "ids") == []
    short = make_topic(tmp_path, first_id="ta-apps", second_id="ta-location")
    assert findings(short, "ids"), "a 2-letter family is too short to say where it belongs"


def test_topic_that_never_says_clean_is_not_proof_fails(tmp_path: Path) -> None:
    topic = make_topic(tmp_path)
    silent = dataclasses.replace(topic, intro="Checks for a tablet.")
    (message,) = findings(silent, "not-proof")
    assert "does not prove" in message
    for sentence in [
        "An empty list does not prove you are safe.",
        "No scan can prove a phone is safe.",
        "A clean result never proves anything.",
    ]:
        assert findings(dataclasses.replace(topic, intro=sentence), "not-proof") == []


def test_hard_text_fails_readability_naming_check_and_score(tmp_path: Path) -> None:
    topic = make_topic(tmp_path)
    hard = dataclasses.replace(
        topic.checks[1],
        why="Geolocation dissemination functionality, if misconfigured, facilitates "
        "unauthorised surveillance of the individual's contemporaneous whereabouts, "
        "constituting considerable organisational vulnerability.",
        if_found="Subsequently, systematically investigate administrative configuration "
        "possibilities, documenting comprehensive identification particulars.",
    )
    bad = dataclasses.replace(topic, checks=(topic.checks[0], hard))
    (message,) = findings(bad, "readability")
    assert "tablet-location" in message
    score = content_rules.reading_ease(content_rules.check_text(hard))
    assert score < content_rules.MIN_READING_EASE
    assert f"{score:.1f}" in message


def test_check_text_covers_every_field_a_person_reads(tmp_path: Path) -> None:
    topic = make_topic(
        tmp_path, change='changes_something = true\ncaution = "Careful now, it can be seen"'
    )
    text = content_rules.check_text(topic.checks[0])
    check = topic.checks[0]
    for part in [check.title, check.why, *check.steps, *check.look_for, check.if_found]:
        assert part.rstrip(".") in text
    assert check.evidence in text and "Careful now, it can be seen." in text


def test_check_content_strict_reports_findings(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(CHECKLISTS / "_intake.toml", folder)
    (folder / "topic.toml").write_text(
        GOOD.format(
            reviewed="2020-01-01",
            first_id="tablet-apps",
            second_id="tablet-location",
            if_found="Remove the app.",
            change="",
            top="",
        ),
        encoding="utf-8",
    )
    plain = run_cli("check-content", str(folder))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    strict = run_cli("check-content", "--strict", str(folder))
    assert strict.returncode == 1
    assert "topic.toml: tablet-apps:" in strict.stdout
    assert "months ago" in strict.stdout


def test_check_content_strict_is_clean_on_shipped_files() -> None:
    result = run_cli("check-content", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------
# docs/content.md is generated from the files and must be current.


def _report_module():
    spec = importlib.util.spec_from_file_location(
        "content_report", ROOT / "scripts" / "content_report.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_content_page_is_up_to_date(shipped) -> None:
    report = _report_module()
    expected = report.render(shipped)
    current = (ROOT / "docs" / "content.md").read_text(encoding="utf-8")
    assert current == expected, f"docs/content.md is out of date. Run: {report.COMMAND}"


def test_content_page_reflects_the_files(tmp_path: Path) -> None:
    report = _report_module()
    make_topic(tmp_path)
    library = load_checklists([tmp_path / "topic.toml"])
    page = report.render(library)
    assert "## A tablet" in page
    assert "`tablet-apps`" in page and "`tablet-location`" in page
    assert "| A tablet | `topic.toml` | android | 2 | 0 |" in page
    checks = library.topics[0].checks
    lowest = min(content_rules.reading_ease(content_rules.check_text(c)) for c in checks)
    assert f"| {lowest:.0f} |" in page
    # Verification, honestly: one check on the maker's page, one assumed; releases and date.
    assert "| 1 / 0 / 1 |" in page
    assert "1 on the maker's page, 0 on another page, 1 assumed" in page
    assert "written for: Android 17, Android 16" in page
    assert f"[maker's page](https://g.co/android), {TODAY.isoformat()}" in page
    assert f"| assumed, {TODAY.isoformat()} |" in page
    assert "## The essentials hour" in page
    changed = dataclasses.replace(library.topics[0], title="A different tablet")
    library.topics[0] = changed
    assert report.render(library) != page


# ---------------------------------------------------------------------------
# The essentials path: one phone, one computer and their accounts fit one hour.


@pytest.mark.parametrize("phone", sorted(content_rules.PHONE_ACCOUNTS))
@pytest.mark.parametrize("computer", sorted(content_rules.COMPUTER_ACCOUNTS))
def test_essentials_for_one_phone_one_computer_and_their_accounts_fit_one_hour(
    shipped, phone: str, computer: str
) -> None:
    """Measured with the app's own rules: every topic those answers bring in counts."""
    path = content_rules.essentials_path(shipped, phone, computer)
    ids = [topic.id for topic, _checks in path]
    assert ids[0] == "before-you-start" and phone in ids and computer in ids
    for wanted in (content_rules.PHONE_ACCOUNTS[phone], content_rules.COMPUTER_ACCOUNTS[computer]):
        assert wanted in ids, f"{wanted} missing from {ids}"
    for topic, checks in path:
        assert all(c.essential for c in checks), f"{topic.id} shows a check that is not essential"
        assert all(c.minutes for c in checks), f"{topic.id}: an essential check has no minutes"
        assert all(c.applies(content_rules.essentials_intake(phone, computer)) for c in checks)
    minutes = sum(c.minutes or 0 for _topic, checks in path for c in checks)
    detail = ", ".join(f"{t.id} {sum(c.minutes or 0 for c in cs)}" for t, cs in path)
    assert minutes <= content_rules.ESSENTIALS_BUDGET_MINUTES, f"{minutes} min: {detail}"


def test_a_check_for_another_device_is_not_shown_unless_it_holds_something(shipped) -> None:
    """An Android user's "Calls and texts" has no iPhone-only checks, until one is answered."""
    from safetycheck.case import Case, Status
    from safetycheck.scope import ScopeRule

    case = Case.new("Android only")
    case.intake = ["android"]
    case.topics = [t.id for t in shipped.topics_for(case.intake)]
    rule = ScopeRule(shipped)
    calls = rule.scope(case).topic("messages-calls")
    assert calls is not None
    shown = {c.id for c in calls.checks}
    assert "messages-google-pairing" in shown and "messages-call-divert" in shown
    assert "messages-text-forwarding" not in shown
    before = rule.progress(case).total
    case.set_answer("messages-text-forwarding", Status.LOOKS_OK)
    calls = rule.scope(case).topic("messages-calls")
    assert calls is not None and "messages-text-forwarding" in {c.id for c in calls.checks}
    assert rule.progress(case).total == before + 1


def test_essentials_minutes_counts_only_essential_checks(tmp_path: Path) -> None:
    topic = make_topic(tmp_path, change="essential = true")
    assert [c.essential for c in topic.checks] == [True, False]
    assert content_rules.essentials_minutes([topic]) == topic.checks[0].minutes == 5


def test_tracker_alerts_and_significant_locations_point_to_each_other(shipped) -> None:
    """Turning Significant Locations off can delay tracker alerts: each check must say so."""
    alerts = shipped.check("tracker-iphone-alerts")
    places = shipped.check("iphone-significant-locations")
    alerts_text = content_rules.check_text(alerts)
    places_text = content_rules.check_text(places)
    assert f'"{places.title}"' in alerts_text
    assert f'"{alerts.title}"' in places_text
    for needed in ("Find My iPhone", "Significant Locations", "Airplane Mode"):
        assert needed in alerts_text
    assert "delay" in alerts_text and "delay" in places_text
