"""What the window says about the storage defects of issue 12 (part B), driven for real.

A case open in another window, an older copy put back in place of a case, and a data
folder that other accounts can change: each is said in plain words, and nothing is lost.
"""

from __future__ import annotations

import os
import shutil

import pytest

from safetycheck.case import Status
from safetycheck.casework import CaseWork
from safetycheck.checklist import Library
from safetycheck.passphrase import set_passphrase
from safetycheck.store import CaseStore

FAST_KDF = {"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1}
PASSPHRASE = "blue kettle under the stairs"


def test_a_case_open_in_another_window_is_said_and_not_opened(ui) -> None:
    case = CaseStore(ui.data_dir).create("IDVA-Open-Elsewhere")
    other = CaseWork(ui.data_dir, Library())  # another window (a second process, in life)
    other.unlock(None)
    other.open(case.id)

    window = ui.start(mode="advisor")
    assert not window.open_case(case.id)
    _title, text = ui.dialogs.told[-1]
    assert "open in another SafetyCheck window" in text
    assert window.session.case is None

    other.close_case()
    assert window.open_case(case.id)
    assert window.session.case is not None and window.session.case.id == case.id


def test_an_older_copy_put_back_is_said_and_opened_only_when_chosen(ui) -> None:
    from conftest import write_settings

    write_settings(ui.data_dir, mode="advisor")
    store = set_passphrase(CaseStore(ui.data_dir), PASSPHRASE, kdf=FAST_KDF)
    case = store.create("IDVA-Rolled-Back")
    case.set_answer("t-start-safe", Status.CONCERN, "first")
    store.save(case)
    case.set_answer("t-start-device", Status.CONCERN, "second")
    store.save(case)
    path = store.path_for(case.id)
    shutil.copy(store.backup_for(path), path)

    def unlock(dialog) -> None:
        dialog.passphrase.setText(PASSPHRASE)
        dialog.open_button.click()

    ui.when_modal(unlock)
    window = ui.start()
    ui.dialogs.queue("ask", 1)  # "Not now"
    assert not window.open_case(case.id)
    _title, text, choices = ui.dialogs.asked[-1]
    assert choices == ["Open this older copy", "Not now"] and "older copy" in text
    assert window.session.case is None

    ui.dialogs.queue("ask", 0)  # "Open this older copy"
    assert window.open_case(case.id)
    opened = window.session.case
    assert opened is not None and "t-start-device" not in opened.answers
    assert opened.answers["t-start-safe"].note == "first"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_data_folder_others_can_change_is_said_at_start(ui) -> None:
    CaseStore(ui.data_dir).create("IDVA-Mine")
    os.chmod(ui.data_dir, 0o777)
    window = ui.start(mode="advisor")
    assert window is not None
    titles = [title for title, _text in ui.dialogs.told]
    assert "About the data folder" in titles
    assert os.stat(ui.data_dir).st_mode & 0o777 == 0o700


def test_a_cut_off_change_asks_for_the_new_passphrase_when_the_old_is_typed(
    ui, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import write_settings

    from safetycheck.passphrase import change_passphrase
    from safetycheck.storage import reencrypt
    from ui.unlock import UnlockDialog

    write_settings(ui.data_dir, mode="advisor")
    store = set_passphrase(CaseStore(ui.data_dir), PASSPHRASE, kdf=FAST_KDF)
    for n in range(3):
        store.create(f"IDVA-{n}")

    class Killed(BaseException):
        pass

    real_write = reencrypt.write_atomic
    written = []

    def write_then_die(*args: object, **kwargs: object) -> None:
        if written:
            raise Killed()
        written.append(1)
        real_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reencrypt, "write_atomic", write_then_die)
    with pytest.raises(Killed):
        change_passphrase(ui.data_dir, PASSPHRASE, "the new one she chose", kdf=FAST_KDF)
    monkeypatch.setattr(reencrypt, "write_atomic", real_write)

    heard = []

    def unlock(dialog) -> None:
        assert isinstance(dialog, UnlockDialog)
        dialog.passphrase.setText(PASSPHRASE)  # the old one
        dialog.open_button.click()
        ui.qtbot.waitUntil(lambda: dialog.problem.isVisible() and dialog.problem.text() != "")
        heard.append(dialog.problem.text())
        assert dialog.isVisible()
        dialog.passphrase.setText("the new one she chose")
        dialog.open_button.click()

    ui.when_modal(unlock)
    window = ui.start()
    assert window is not None
    assert "new passphrase" in heard[0]
    assert sorted(s.reference for s in window.session.work.list_cases()) == [
        "IDVA-0",
        "IDVA-1",
        "IDVA-2",
    ]
