"""Quality rules for checklist content, beyond what the loader needs to show a file.

The loader (:mod:`safetycheck.checklist`) refuses files the app cannot show.  These
rules catch content the app *can* show but should not ship: a stale review date, a
check that tells someone to delete something without a caution, text too hard to
read in a crisis, ids that look like they will be renumbered.  Each rule returns
plain ``Finding`` records so the tests, ``check-content --strict`` and reviewers
read the same words.

Readability uses ``textstat`` (a test/authoring dependency), imported only when
asked for, so the app itself never needs it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from safetycheck.checklist import Check, Library, Topic

# A review older than this is out of date: phone and app menus move about twice a year.
MAX_REVIEW_AGE_MONTHS = 18
# Flesch reading ease: 60-70 is "plain English"; people read this in crisis.
MIN_READING_EASE = 60.0

# Words in steps or "if found" that mean the person may change something.  A check
# that says them must be marked ``changes_something = true`` and carry a caution,
# even when the text says "do not ... yet": the action is on the table.
CHANGE_WORDS = re.compile(
    r"""\b(
        remov(e|es|ed|ing)
      | delet(e|es|ed|ing)
      | uninstall\w*
      | turn(s|ed|ing)?\s+(\w+\s+){0,3}off
      | switch(es|ed|ing)?\s+(\w+\s+){0,3}off
      | disabl(e|es|ed|ing)
      | sign(s|ed|ing)?\s+(\w+\s+){0,3}out
      | log(s|ged|ging)?\s+(\w+\s+){0,3}out
      | change\w*\s+(\w+\s+){0,3}(password|passcode|pin)s?
      | reset\w*
      | unlink\w*
      | revok\w*
      | stop(s|ped|ping)?\s+sharing
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)


# Words that send the person to sign in somewhere ("Go to myaccount.google.com and sign in",
# "Sign in to Amazon on a safer device", "If you can sign in, look ..."). Describing other
# people's sign-ins ("other people who can sign in to this computer") is not a match: only
# text that asks the reader to sign in, or to approve a sign-in code on another device.
SIGN_IN_WORDS = re.compile(
    r"""(
        \b(and|then|or|please|first)\s+(sign|log)[ -]?in\b
      | (^|[.!?]\s+)(sign|log)[ -]?in\b
      | \bif\s+you\s+(can|are\s+able\s+to)\s+(sign|log)[ -]?in\b
      | \bif\s+you\s+are\s+(signed|logged)[ -]?in\b
      | \bwhether\s+you\s+can\s+(sign|log)[ -]?in\b
      | \bbefore\s+you\s+(sign|log)[ -]?in\b
      | \bthat\s+is\s+already\s+(signed|logged)[ -]?in\b
      | \b(sign|log)[ -]?in\s+(again\s+)?(on|from)\s+(a|an|another|the|your)\b
      | \b(approve|allow)\s+(the|a)\s+sign[ -]?in\b
      | \bcode\s+(sent\s+)?(to|on)\s+(your|another|a)\s+(other\s+|trusted\s+)?(phone|device)
    )""",
    re.IGNORECASE | re.VERBOSE,
)


# "Leads, not verdicts": each topic must say, somewhere, that a clean result proves nothing.
NOT_PROOF = re.compile(r"\b(not|never|no\w*|cannot|can't)\s+(\w+\s+){0,3}prov(e|es|ing)\b", re.I)


@dataclass(frozen=True)
class Finding:
    """One quality problem, naming the topic and (when it has one) the check."""

    topic: str
    check: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.topic}: {self.check}" if self.check else self.topic
        return f"{where}: {self.message}"


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (negative if ``later`` is sooner)."""
    months = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    if later.day < earlier.day:
        months -= 1
    return months


def review_due(topic: Topic) -> dt.date:
    """The day a topic's review runs out (its ``reviewed`` date plus 18 months)."""
    month_index = topic.reviewed.month - 1 + MAX_REVIEW_AGE_MONTHS
    year, month = topic.reviewed.year + month_index // 12, month_index % 12 + 1
    day = min(topic.reviewed.day, 28)
    return dt.date(year, month, day)


def check_text(check: Check) -> str:
    """All the words a person reads for one check, as one piece of prose.

    Items without an end mark get a full stop so a list of steps counts as
    sentences, not one endless sentence.
    """
    parts = [
        check.title,
        check.why,
        *(step for variant in check.variants for step in variant.steps),
        *check.look_for,
        check.if_found,
        check.evidence,
        check.caution,
    ]
    sentences = []
    for part in parts:
        part = part.strip()
        if part:
            sentences.append(part if part[-1] in ".?!:" else part + ".")
    return " ".join(sentences)


def reading_ease(text: str) -> float:
    """Flesch reading ease of ``text`` (higher is easier)."""
    import textstat

    return float(textstat.flesch_reading_ease(text))


# ---------------------------------------------------------------------------
# The rules.  Each takes a topic (and today's date) and yields findings.


def rule_review_date(topic: Topic, today: dt.date) -> Iterable[Finding]:
    if topic.reviewed > today:
        yield Finding(
            topic.id,
            "",
            "review-date",
            f"'reviewed' is {topic.reviewed}, which is in the future (today is {today})",
        )
    elif months_between(topic.reviewed, today) >= MAX_REVIEW_AGE_MONTHS:
        yield Finding(
            topic.id,
            "",
            "review-date",
            f"'reviewed' is {topic.reviewed}, more than {MAX_REVIEW_AGE_MONTHS} months ago: "
            "check every step again, then update 'reviewed', 'releases' and each check's "
            "'verified'",
        )


def rule_sources(topic: Topic, today: dt.date) -> Iterable[Finding]:
    if not topic.sources:
        yield Finding(topic.id, "", "sources", "no [[sources]]: say where the facts come from")
    seen: set[str] = set()
    for source in topic.sources:
        if not source.url.startswith("https://"):
            yield Finding(topic.id, "", "sources", f"source '{source.title}' is not https")
        if source.url in seen:
            yield Finding(topic.id, "", "sources", f"source {source.url} is listed twice")
        seen.add(source.url)


def rule_verified(topic: Topic, today: dt.date) -> Iterable[Finding]:
    """A check's verification date is a real day someone looked: not in the future."""
    for check in topic.checks:
        if check.verified and check.verified.checked > today:
            yield Finding(
                topic.id,
                check.id,
                "verified",
                f"'verified' says checked = {check.verified.checked}, which is in the future",
            )


def rule_steps(topic: Topic, today: dt.date) -> Iterable[Finding]:
    for check in topic.checks:
        if not check.variants or any(not v.steps for v in check.variants):
            yield Finding(topic.id, check.id, "steps", "has no steps")


def rule_caution(topic: Topic, today: dt.date) -> Iterable[Finding]:
    for check in topic.checks:
        if check.changes_something and not check.caution.strip():
            yield Finding(
                topic.id, check.id, "caution", "changes_something = true but no 'caution'"
            )


def rule_change_words(topic: Topic, today: dt.date) -> Iterable[Finding]:
    """Heuristic: telling someone to delete, reset or sign out is a change, and needs a caution."""
    for check in topic.checks:
        text = " ".join([*(s for v in check.variants for s in v.steps), check.if_found])
        match = CHANGE_WORDS.search(text)
        if match and not (check.changes_something and check.caution.strip()):
            yield Finding(
                topic.id,
                check.id,
                "change-words",
                f"its steps or 'if_found' say '{match.group(0)}', so it needs "
                "changes_something = true and a 'caution'",
            )


def rule_signs_in(topic: Topic, today: dt.date) -> Iterable[Finding]:
    """A check that sends someone to sign in says so, so the app warns before the steps.

    Signing in can alert the other person (Apple shows a map on every trusted device; Google
    and Microsoft email the recovery address), so ``signs_in = true`` shows the topic's
    ``sign_in_warning`` first. The loader already refuses a topic that lacks the warning.
    """
    for check in topic.checks:
        parts = [*(s for v in check.variants for s in v.steps), check.if_found, check.evidence]
        for part in parts:
            match = SIGN_IN_WORDS.search(part)
            if match and not check.signs_in:
                yield Finding(
                    topic.id,
                    check.id,
                    "signs-in",
                    f"its text says '{match.group(0).strip(' .')}', which sends the person to sign "
                    "in: mark it signs_in = true (the topic then needs a 'sign_in_warning')",
                )
                break


def rule_ids(topic: Topic, today: dt.date) -> Iterable[Finding]:
    """Check ids start with the topic's family word and do not end in a number.

    The family is the first word of the check id (``android`` in
    ``android-accessibility``).  It must be one of the words of the topic id, or
    the start of one (``trackers`` allows ``tracker-``, ``windows`` allows
    ``win-``), and every check in a topic shares it, so
    an id says where it belongs.  A trailing number (``social-3``) would tempt
    someone to renumber ids, which breaks saved answers.
    """
    words = topic.id.split("-")
    families = {check.id.split("-")[0] for check in topic.checks}
    for check in topic.checks:
        family, _, rest = check.id.partition("-")
        fits = any(w == family or (len(family) >= 3 and w.startswith(family)) for w in words)
        if not fits or not rest:
            yield Finding(
                topic.id,
                check.id,
                "ids",
                "id should be '<family>-<name>', where the family is a word of the topic id "
                "(or the start of one, 3 letters or more) "
                f"'{topic.id}'",
            )
        elif re.search(r"-\d+$", check.id):
            yield Finding(
                topic.id, check.id, "ids", "id ends in a number: use a name that says what it is"
            )
    if len(families) > 1:
        yield Finding(
            topic.id,
            "",
            "ids",
            f"checks use more than one id prefix ({', '.join(sorted(families))}): use one",
        )


def rule_not_proof(topic: Topic, today: dt.date) -> Iterable[Finding]:
    """A topic must say once that an empty list or a clean scan does not prove safety."""
    texts = [topic.intro, *(check_text(check) for check in topic.checks)]
    if not any(NOT_PROOF.search(text) for text in texts):
        yield Finding(
            topic.id,
            "",
            "not-proof",
            "nowhere says that a clean result does not prove safety: add a sentence like "
            "'An empty list does not prove that no one else has access.'",
        )


def rule_readability(topic: Topic, today: dt.date) -> Iterable[Finding]:
    for check in topic.checks:
        score = reading_ease(check_text(check))
        if score < MIN_READING_EASE:
            yield Finding(
                topic.id,
                check.id,
                "readability",
                f"Flesch reading ease {score:.1f} is below {MIN_READING_EASE:.0f}: "
                "use shorter sentences and shorter words",
            )


RULES: dict[str, Callable[[Topic, dt.date], Iterable[Finding]]] = {
    "review-date": rule_review_date,
    "sources": rule_sources,
    "verified": rule_verified,
    "steps": rule_steps,
    "caution": rule_caution,
    "change-words": rule_change_words,
    "signs-in": rule_signs_in,
    "ids": rule_ids,
    "not-proof": rule_not_proof,
    "readability": rule_readability,
}


def check_topic(
    topic: Topic, today: dt.date | None = None, rules: Iterable[str] | None = None
) -> list[Finding]:
    """Run the named rules (all by default) on one topic."""
    today = today or dt.date.today()
    findings: list[Finding] = []
    for name in rules or RULES:
        findings.extend(RULES[name](topic, today))
    return findings


# The appointment's "most important checks first" path: one phone, one computer and the
# accounts they sign in with ticked in "What you have". Everything the app then shows with
# "most important first" (Before you start, and every topic those answers bring in, such as
# calls and texts) must fit one hour.
ESSENTIALS_BUDGET_MINUTES = 60
PHONE_ACCOUNTS: dict[str, str] = {"android": "google", "iphone": "apple-account"}
COMPUTER_ACCOUNTS: dict[str, str] = {"windows": "microsoft", "mac": "apple-account"}


def essentials_intake(phone: str, computer: str) -> list[str]:
    """The "What you have" answers of the essentials path."""
    ids = [phone, computer, PHONE_ACCOUNTS[phone], COMPUTER_ACCOUNTS[computer]]
    return list(dict.fromkeys(ids))


def essentials_path(library: Library, phone: str, computer: str) -> list[tuple[Topic, list[Check]]]:
    """What the app shows, topic by topic, with "most important first" for this intake.

    Asked of the app's own rules (the topics an intake brings in, the scope rule and the
    essentials view), not of a list kept here, so the hour is the hour a person will see.
    """
    from safetycheck import essentials
    from safetycheck.case import Case
    from safetycheck.scope import ScopeRule

    case = Case.new("Essentials hour")
    case.intake = essentials_intake(phone, computer)
    case.topics = [t.id for t in library.topics_for(case.intake)]
    case.checks_shown = essentials.ESSENTIALS
    shown = essentials.view(ScopeRule(library).scope(case), case)
    return [(part.topic, list(part.checks)) for part in shown.topics]


def essentials_minutes(topics: Iterable[Topic]) -> int:
    """Minutes of the essential checks of these topics (a check without minutes counts 0)."""
    return sum(c.minutes or 0 for t in topics for c in t.checks if c.essential)


def duplicate_check_ids(paths: Iterable[Path]) -> dict[str, list[str]]:
    """Check ids used more than once across raw topic files: id -> the file names using it.

    Read straight from the TOML, not through the loader, because the loader refuses the
    second file quietly; here both files are named, so a writer knows which id to rename.
    """
    owners: dict[str, list[str]] = {}
    for path in paths:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        counts = Counter(
            c.get("id") for c in data.get("checks", []) if isinstance(c, dict) and c.get("id")
        )
        for check_id, count in counts.items():
            owners.setdefault(str(check_id), []).extend([Path(path).name] * count)
    return {check_id: files for check_id, files in owners.items() if len(files) > 1}
