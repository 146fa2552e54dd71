"""An evidence bundle's record, laid out in a helper process while the files stream.

The helper is a real process here (``spawn``, as on every system); the tests require it
(``tests/conftest.py``) unless they test what happens without it.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.platypus import Paragraph
from test_evidence_log import filled

from safetycheck.casework import CaseWork
from safetycheck.evidence import record_helper
from safetycheck.evidence.bundle import Stopped
from safetycheck.evidence.capture import NewFile
from safetycheck.evidence.check import LogCheck
from safetycheck.evidence.record_helper import (
    HELPER_ENV,
    HelperFailed,
    RecordHere,
    RecordInHelper,
    RecordJob,
)
from safetycheck.evidence.verify import verify_bundle
from safetycheck.frozen_helper import is_helper_start, run_if_helper


def pictures_case(work: CaseWork, tmp_path: Path, entries: int = 12) -> None:
    """Pictures (drawn), a file named like one that is not (listed), notes, over pages."""
    filled(work, tmp_path)
    fake = tmp_path / "not really.png"
    fake.write_bytes(b"these bytes are no picture at all" * 50)
    for number in range(entries):
        photo = tmp_path / f"screen {number}.png"  # each its own, so each is drawn apart
        Image.new("RGB", (40 + number, 30), (10 * number, 80, 160)).save(photo)
        files = [NewFile(photo, "screenshot"), NewFile(fake, "saved-file", "person")]
        work.add_evidence(f"Messages on her phone, day {number}", "Phone, Messages", files=files)


def record_of(bundle: Path) -> bytes:
    with zipfile.ZipFile(bundle) as archive:
        return archive.read("record.pdf")


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pictures_drawn(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def caught_makers(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every record maker the export starts, to look at (or stop) its helper."""
    makers: list[object] = []
    real_start = record_helper.start

    def start(*args: object, **kwargs: object) -> object:
        maker = real_start(*args, **kwargs)  # type: ignore[arg-type]
        makers.append(maker)
        return maker

    monkeypatch.setattr(record_helper, "start", start)
    return makers


def test_the_helpers_record_is_the_record_made_here(
    work: CaseWork, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pictures_case(work, tmp_path)
    makers = caught_makers(monkeypatch)
    work.export_evidence(out / "helper.zip")
    assert isinstance(makers[-1], RecordInHelper) and makers[-1].working
    monkeypatch.setenv(HELPER_ENV, "off")
    work.export_evidence(out / "here.zip")
    assert type(makers[-1]) is RecordHere
    helper, here = record_of(out / "helper.zip"), record_of(out / "here.zip")
    assert pages_text(helper) == pages_text(here)
    # 13 real pictures drawn (one in the first entry, one in each of 12 more); the file
    # named .png that is no picture is listed, never drawn.
    assert pictures_drawn(helper) == pictures_drawn(here) == 13
    text = "\n".join(pages_text(helper))
    assert "not really.png" in text and "day 11" in text
    assert "unchanged since they were recorded" in text
    assert verify_bundle(out / "helper.zip").ok


def test_the_log_headings_are_printed_on_every_page_it_goes_on_to(
    work: CaseWork, tmp_path: Path, out: Path
) -> None:
    pictures_case(work, tmp_path, entries=30)
    work.export_evidence(out / "b.zip")
    pages = pages_text(record_of(out / "b.zip"))
    with_rows = [i for i, text in enumerate(pages) if re.search(r"day \d+", text)]
    assert len(with_rows) >= 3  # the log goes over several pages
    for index in with_rows:
        assert re.search(r"No\.\s*When\s*What\s*Attachment", pages[index]), index
    for text in pages:  # never twice on a page (the top of a page and a table's own)
        assert len(re.findall(r"No\.\s*When\s*What\s*Attachment", text)) <= 1
    # The log starts where its heading is, with its first entry (as one long table would),
    # never its heading alone at the foot of a page.
    start = next(i for i, text in enumerate(pages) if "Evidence log" in text)
    assert "Unknown app on her phone" in pages[start]


def test_a_helper_that_stops_leaves_the_record_to_be_made_here(
    work: CaseWork, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed (or out of memory) halfway: the bundle is still made, with the same record."""
    pictures_case(work, tmp_path)
    monkeypatch.setenv(HELPER_ENV, "")  # the ordinary setting: try the helper, fall back
    real_start = record_helper.start
    makers: list[RecordInHelper] = []

    def start_then_kill(*args: object, **kwargs: object) -> object:
        maker = real_start(*args, **kwargs)  # type: ignore[arg-type]
        assert isinstance(maker, RecordInHelper)
        maker._process.kill()
        maker._process.join()
        makers.append(maker)
        return maker

    monkeypatch.setattr(record_helper, "start", start_then_kill)
    result = work.export_evidence(out / "b.zip")
    assert result.check.ok
    assert not makers[0].working and makers[0].failure
    monkeypatch.setattr(record_helper, "start", real_start)
    monkeypatch.setenv(HELPER_ENV, "off")
    work.export_evidence(out / "here.zip")
    assert pages_text(record_of(out / "b.zip")) == pages_text(record_of(out / "here.zip"))
    assert verify_bundle(out / "b.zip").ok


def test_a_required_helper_that_stops_is_an_error_and_leaves_nothing(
    work: CaseWork, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(work, tmp_path)
    real_start = record_helper.start

    def start_then_kill(*args: object, **kwargs: object) -> object:
        maker = real_start(*args, **kwargs)  # type: ignore[arg-type]
        assert isinstance(maker, RecordInHelper)
        maker._process.kill()
        return maker

    monkeypatch.setattr(record_helper, "start", start_then_kill)
    with pytest.raises(HelperFailed):
        work.export_evidence(out / "b.zip")
    assert list(out.iterdir()) == []


def test_a_stopped_export_ends_its_helper(
    work: CaseWork, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pictures_case(work, tmp_path)
    makers = caught_makers(monkeypatch)
    asked = []

    def stop_after_a_few() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(Stopped):
        work.export_evidence(out / "b.zip", should_stop=stop_after_a_few)
    maker = makers[-1]
    assert isinstance(maker, RecordInHelper)
    assert not maker._process.is_alive()
    assert list(out.iterdir()) == []
    assert multiprocessing.active_children() == []


def test_off_never_starts_a_helper(work: CaseWork, tmp_path: Path) -> None:
    filled(work, tmp_path)
    assert work.case is not None
    job = RecordJob(work.case, work.library, work.settings, True, "a4")
    assert type(record_helper.start(job, work, {HELPER_ENV: "off"})) is RecordHere
    maker = record_helper.start(job, work, {HELPER_ENV: "require"})
    try:
        assert isinstance(maker, RecordInHelper)
    finally:
        maker.close()
    assert not maker._process.is_alive()


def test_the_helper_waits_only_until_the_exporter_has_gone() -> None:
    """Its exporting process gone (Quick Exit, a crash): no wait lasts, nothing hangs."""
    from safetycheck.evidence.record_helper import _Arriving

    receiving, sending = multiprocessing.Pipe(duplex=False)
    arriving = _Arriving(receiving)
    sending.send(("thumbnail", "a", None))
    sending.close()
    arriving.listen()  # returns: the other end has gone

    class Named:
        stored_as, original_name = "b", "b.jpg"

    assert arriving.thumbnail(None, Named()) is None  # type: ignore[arg-type]
    with pytest.raises(HelperFailed):
        arriving.result()


def test_the_check_arrives_last_and_ends_every_wait() -> None:
    from safetycheck.evidence.record_helper import _Arriving

    receiving, sending = multiprocessing.Pipe(duplex=False)
    arriving = _Arriving(receiving)
    check = LogCheck(entries=1, records=1, head="ab" * 32)
    sending.send(("check", check))
    arriving.listen()
    assert arriving.result() == check


@pytest.mark.parametrize(
    ("argv", "helper"),
    [
        (["safetycheck"], False),
        (["safetycheck", "export", "C1", "-c", "x"], False),
        (["safetycheck", "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"], True),
        (
            [
                "safetycheck",
                "-B",
                "-s",
                "-c",
                "from multiprocessing.resource_tracker import main;main(5)",
            ],
            True,
        ),
        (["safetycheck", "-c"], False),
    ],
)
def test_the_built_program_knows_when_it_is_its_own_helper(argv: list[str], helper: bool) -> None:
    assert is_helper_start(argv) is helper


def test_from_source_the_helper_arguments_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the built program hands itself to multiprocessing (from source, Python does)."""
    called = []
    monkeypatch.setattr(multiprocessing, "freeze_support", lambda: called.append(1))
    monkeypatch.delattr("sys.frozen", raising=False)
    run_if_helper(["main.py", "--multiprocessing-fork", "pipe_handle=7"])
    assert called == []
    monkeypatch.setattr("sys.frozen", True, raising=False)
    run_if_helper(["safetycheck", "export", "C1"])
    assert called == []
    run_if_helper(["safetycheck", "--multiprocessing-fork", "pipe_handle=7"])
    assert called == [1]


def test_a_later_flowable_is_made_when_the_layout_reaches_it(tmp_path: Path) -> None:
    from safetycheck.report.layout import Later, PageFurniture, build, new_page, para

    made: list[str] = []

    def make() -> Paragraph:
        made.append("made")
        return para("Made when reached", "body")

    story = [para("First page", "body"), new_page(), Later(make), Later(make)]
    target = io.BytesIO()
    build(
        target,
        story,
        page_size="a4",
        title="t",
        furniture=PageFurniture("header", "printed", "Page {page} of {pages}"),
    )
    assert made == ["made", "made"]
    pages = pages_text(target.getvalue())
    assert "Made when reached" not in pages[0]
    assert pages[1].count("Made when reached") == 2


def test_a_helper_that_never_answers_leaves_the_record_to_be_made_here(
    work: CaseWork, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped but alive (security software can suspend a process): the wait ends."""
    import os
    import signal

    filled(work, tmp_path)
    monkeypatch.setenv(HELPER_ENV, "")
    monkeypatch.setattr(RecordInHelper, "answer_within", 1.0)
    real_start = record_helper.start
    makers: list[RecordInHelper] = []

    def start_then_suspend(*args: object, **kwargs: object) -> object:
        maker = real_start(*args, **kwargs)  # type: ignore[arg-type]
        assert isinstance(maker, RecordInHelper)
        os.kill(maker._process.pid, signal.SIGSTOP)
        makers.append(maker)
        return maker

    monkeypatch.setattr(record_helper, "start", start_then_suspend)
    result = work.export_evidence(out / "b.zip")
    assert result.check.ok and verify_bundle(out / "b.zip").ok
    assert "did not answer" in makers[0].failure
    assert not makers[0]._process.is_alive()
    assert "Unknown app on her phone" in "\n".join(pages_text(record_of(out / "b.zip")))


def test_a_record_too_long_to_print_is_refused_before_any_file_streams(
    work: CaseWork, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Said plainly and at once, as the record alone would say it; no helper is started."""
    from safetycheck.case import Status
    from safetycheck.report import ReportError
    from safetycheck.user_text import MAX_CHARS

    filled(work, tmp_path)
    check = work.library.topics[0].checks[0].id
    work.set_answer(check, Status.CONCERN, "a short note")
    assert work.case is not None
    work.case.answers[check].note = "word " * MAX_CHARS  # an old file, from before the limit
    makers = caught_makers(monkeypatch)
    streamed: list[str] = []
    real_chunks = work.store.attachment_chunks
    monkeypatch.setattr(
        work.store,
        "attachment_chunks",
        lambda case, attachment: (
            streamed.append(attachment.stored_as) or real_chunks(case, attachment)
        ),
    )
    with pytest.raises(ReportError, match="too long to print"):
        work.export_evidence(out / "b.zip")
    assert makers == [] and streamed == []
    assert list(out.iterdir()) == []


def test_a_record_refused_in_the_helper_is_refused_plainly(work: CaseWork, tmp_path: Path) -> None:
    """Should the helper itself refuse (it checks again), the person hears the same words."""
    from safetycheck.report import ReportError
    from safetycheck.user_text import MAX_CHARS

    filled(work, tmp_path)
    assert work.case is not None
    shown = work.case
    shown.evidence[0].records[0].content["what"] = "word " * MAX_CHARS  # type: ignore[index]
    job = RecordJob(shown, work.library, work.settings, True, "a4")
    maker = record_helper.start(job, work, {HELPER_ENV: "require"})
    with pytest.raises(ReportError, match="too long to print"):
        maker.finish(LogCheck(entries=4, records=1, head="ab" * 32))
    maker.close()


def test_a_helper_that_cannot_start_leaves_the_record_to_be_made_here(
    work: CaseWork, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused at the start (security software, no processes left): the bundle is made."""
    import multiprocessing.context

    filled(work, tmp_path)
    monkeypatch.setenv(HELPER_ENV, "")

    def refuse(self: object) -> None:
        raise OSError("not allowed to start a process")

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", refuse)
    makers = caught_makers(monkeypatch)
    result = work.export_evidence(out / "b.zip")
    assert type(makers[0]) is RecordHere
    assert result.check.ok and verify_bundle(out / "b.zip").ok
    monkeypatch.setenv(HELPER_ENV, "require")
    with pytest.raises(OSError, match="not allowed"):
        work.export_evidence(out / "c.zip")
    assert sorted(p.name for p in out.iterdir()) == ["b.zip"]
