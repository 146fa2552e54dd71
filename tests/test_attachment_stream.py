"""Attachments are copied, sealed, read and re-sealed a piece at a time (issue 12, defect 9).

A FIFO hung the copy for ever and a 1 GB file needed 4.8 GB of memory once encrypted.
Now only ordinary files are taken, up to a limit said in plain words, and a sealed file
is a series of chunks that cannot be reordered, cut short or extended unnoticed.
"""

from __future__ import annotations

import io
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from safetycheck.codec import CodecError, KeyMissingError
from safetycheck.crypto import RECORD_PREFIX, AesGcmCodec, Keyring
from safetycheck.passphrase import change_passphrase, open_store, set_passphrase
from safetycheck.storage import attachments, chunked
from safetycheck.store import CaseStore, StoreError

FAST_KDF = {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}
PASSPHRASE = "correct horse battery"
KEY = bytes(range(32))
KEY_ID = "0123456789abcdef"
CONTEXT = b"case:file"


def _seal(data: bytes, chunk: int = 64, context: bytes = CONTEXT) -> bytes:
    pieces = [data[i : i + 7] for i in range(0, len(data), 7)] or [b""]
    return b"".join(chunked.seal(pieces, KEY, KEY_ID, context=context, chunk_bytes=chunk))


def _open(sealed: bytes, context: bytes = CONTEXT) -> bytes:
    return b"".join(chunked.open_sealed(io.BytesIO(sealed), {KEY_ID: KEY}, context=context))


def _chunks(sealed: bytes, chunk: int = 64) -> tuple[bytes, list[bytes]]:
    body = sealed[chunked.HEADER_BYTES :]
    size = chunk + chunked.TAG_BYTES
    return sealed[: chunked.HEADER_BYTES], [body[i : i + size] for i in range(0, len(body), size)]


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 200, 256])
def test_any_size_comes_back_exactly(size: int) -> None:
    data = os.urandom(size)
    sealed = _seal(data)
    assert sealed.startswith(b"sc2:" + KEY_ID.encode() + b":")
    assert _open(sealed) == data


def test_a_changed_byte_anywhere_is_refused() -> None:
    sealed = _seal(os.urandom(200))
    for position in range(len(chunked.PREFIX) + chunked.KEY_ID_CHARS + 1, len(sealed)):
        changed = bytearray(sealed)
        changed[position] ^= 0x01
        with pytest.raises(CodecError):
            _open(bytes(changed))


def test_chunks_cannot_be_reordered_dropped_repeated_or_cut() -> None:
    sealed = _seal(os.urandom(64 * 4 + 10))
    header, parts = _chunks(sealed)
    assert len(parts) == 5
    attempts = {
        "swapped": [parts[1], parts[0], *parts[2:]],
        "middle dropped": [parts[0], *parts[2:]],
        "last dropped (cut at a chunk boundary)": parts[:-1],
        "repeated": [*parts[:2], parts[1], *parts[2:]],
        "extra chunk after the last": [*parts, parts[0]],
        "last cut short": [*parts[:-1], parts[-1][:-3]],
    }
    for name, pieces in attempts.items():
        with pytest.raises(CodecError):
            _open(header + b"".join(pieces))
            pytest.fail(f"{name}: accepted")


def test_a_chunk_from_another_file_or_place_is_refused() -> None:
    data = os.urandom(64 * 3)
    header, parts = _chunks(_seal(data))
    _, other = _chunks(_seal(data))  # same content, same key: another salt
    with pytest.raises(CodecError):
        _open(header + parts[0] + other[1] + parts[2])
    with pytest.raises(CodecError):
        _open(_seal(data, context=b"case:another-file"))
    with pytest.raises(KeyMissingError):
        b"".join(chunked.open_sealed(io.BytesIO(_seal(data)), {"f" * 16: KEY}, context=CONTEXT))


def test_a_header_claiming_huge_chunks_is_damage_not_an_allocation() -> None:
    sealed = bytearray(_seal(b"hello"))
    offset = len(chunked.PREFIX) + chunked.KEY_ID_CHARS + 1
    sealed[offset : offset + 4] = (2**31).to_bytes(4, "big")
    with pytest.raises(CodecError):
        _open(bytes(sealed))


# -- the store ---------------------------------------------------------------------------


def _protected(data_dir: Path) -> CaseStore:
    return set_passphrase(CaseStore(data_dir), PASSPHRASE, kdf=FAST_KDF)


def _stored_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "attachments"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_protected_attachment_is_sealed_in_chunks_and_reads_back(
    data_dir: Path, tmp_path: Path
) -> None:
    store = _protected(data_dir)
    case = store.create("Case A")
    data = b"SECRET-PHOTO-BYTES " * 200_000  # about 3.8 MB: several chunks
    source = tmp_path / "photo.jpg"
    source.write_bytes(data)
    attachment = store.add_attachment(case, source)
    [stored] = _stored_files(data_dir)
    raw = stored.read_bytes()
    assert raw.startswith(b"sc2:") and b"SECRET-PHOTO" not in raw
    assert attachment.size == len(data)
    assert store.read_attachment(case, attachment) == data
    assert b"".join(store.attachment_chunks(case, attachment)) == data
    pieces = list(store.attachment_chunks(case, attachment))
    assert len(pieces) == 4 and max(map(len, pieces)) == chunked.CHUNK_BYTES


def test_a_fifo_is_refused_at_once_instead_of_hanging(data_dir: Path, tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    store = CaseStore(data_dir)
    case = store.create("Case A")
    fifo = tmp_path / "looks-like-a-photo.jpg"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attach() -> None:
        try:
            store.add_attachment(case, fifo)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=attach, daemon=True)
    worker.start()
    worker.join(20)  # a guard against a hang, not a timing
    if worker.is_alive():  # unblock the reader so the test run can end
        with open(fifo, "wb"):
            pass
        pytest.fail("attaching a FIFO hung")
    assert outcome and isinstance(outcome[0], StoreError)
    assert "not an ordinary file" in str(outcome[0])
    assert _stored_files(data_dir) == []


@pytest.mark.parametrize("name", ["folder", "device"])
def test_folders_and_devices_are_refused(data_dir: Path, tmp_path: Path, name: str) -> None:
    store = CaseStore(data_dir)
    case = store.create("Case A")
    if name == "folder":
        source = tmp_path / "pictures"
        source.mkdir()
    else:
        source = Path("/dev/zero")
        if not source.exists():
            pytest.skip("no /dev/zero here")
    with pytest.raises(StoreError, match="not an ordinary file"):
        store.add_attachment(case, source)


def test_a_file_over_the_limit_is_refused_in_plain_words(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _protected(data_dir)
    case = store.create("Case A")
    source = tmp_path / "video.mp4"
    source.write_bytes(b"x" * 5000)
    monkeypatch.setattr(attachments, "MAX_BYTES", 4999)
    with pytest.raises(StoreError, match="larger than 2 GB"):
        store.add_attachment(case, source)
    assert _stored_files(data_dir) == []  # no temp file left behind either


def test_a_file_that_grows_past_the_limit_while_copied_is_refused(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CaseStore(data_dir)
    case = store.create("Case A")
    source = tmp_path / "growing.log"
    source.write_bytes(b"x" * 100)
    real_open = attachments.open_regular

    def open_then_grow(path: Path) -> tuple[int, os.stat_result]:
        opened = real_open(path)
        with path.open("ab") as more:
            more.write(b"y" * 5000)
        return opened

    monkeypatch.setattr(attachments, "open_regular", open_then_grow)
    monkeypatch.setattr(attachments, "MAX_BYTES", 1000)
    with pytest.raises(StoreError, match="larger than 2 GB"):
        store.add_attachment(case, source)
    assert _stored_files(data_dir) == []


def test_sealing_a_large_file_keeps_memory_small(data_dir: Path, tmp_path: Path) -> None:
    store = _protected(data_dir)
    case = store.create("Case A")
    source = tmp_path / "video.mp4"
    size = 48 * chunked.CHUNK_BYTES
    with source.open("wb") as out:
        for _ in range(48):
            out.write(os.urandom(chunked.CHUNK_BYTES))
    tracemalloc.start()
    try:
        attachment = store.add_attachment(case, source)
        total = sum(len(piece) for piece in store.attachment_chunks(case, attachment))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size == attachment.size
    assert peak < 8 * chunked.CHUNK_BYTES  # a whole-file seal needed over 2x the size


def test_an_attachment_sealed_whole_by_an_older_version_still_reads_and_is_rewritten_in_chunks(
    data_dir: Path, tmp_path: Path
) -> None:
    store = _protected(data_dir)
    case = store.create("Case A")
    source = tmp_path / "old.png"
    source.write_bytes(b"old single-shot record")
    attachment = store.add_attachment(case, source)
    [stored] = _stored_files(data_dir)
    # What versions before the chunked format wrote: one sc1: record of the whole file.
    stored.write_bytes(
        store.codec.encode(b"old single-shot record", context=f"{case.id}:{stored.name}".encode())
    )
    assert stored.read_bytes().startswith(RECORD_PREFIX)
    assert store.read_attachment(case, attachment) == b"old single-shot record"

    change_passphrase(data_dir, PASSPHRASE, "green door at the end", kdf=FAST_KDF)
    reopened = open_store(data_dir, "green door at the end").store
    assert stored.read_bytes().startswith(b"sc2:")
    assert attachments.stored_key_id(stored)[1] == reopened.codec.current_key_id
    assert reopened.read_attachment(case, attachment) == b"old single-shot record"


def test_setting_a_passphrase_seals_plain_attachments_in_chunks(
    data_dir: Path, tmp_path: Path
) -> None:
    store = CaseStore(data_dir)
    case = store.create("Case A")
    source = tmp_path / "note.txt"
    source.write_bytes(b"PLAIN-ATTACHMENT " * 100_000)
    attachment = store.add_attachment(case, source)
    protected = set_passphrase(store, PASSPHRASE, kdf=FAST_KDF)
    [stored] = _stored_files(data_dir)
    raw = stored.read_bytes()
    assert raw.startswith(b"sc2:") and b"PLAIN-ATTACHMENT" not in raw
    assert protected.read_attachment(case, attachment) == source.read_bytes()


def test_a_damaged_sealed_attachment_is_a_plain_message_and_kept(
    data_dir: Path, tmp_path: Path
) -> None:
    store = _protected(data_dir)
    case = store.create("Case A")
    source = tmp_path / "photo.jpg"
    source.write_bytes(os.urandom(3 * chunked.CHUNK_BYTES))
    attachment = store.add_attachment(case, source)
    [stored] = _stored_files(data_dir)
    raw = bytearray(stored.read_bytes())
    raw[-100] ^= 0xFF
    stored.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match="damaged"):
        store.read_attachment(case, attachment)
    before = stored.read_bytes()
    change_passphrase(data_dir, PASSPHRASE, "green door at the end", kdf=FAST_KDF)
    assert stored.read_bytes() == before  # damage is kept as it was, never half-rewritten
    assert not [p for p in stored.parent.iterdir() if p.name.endswith(".tmp")]


def test_destroy_overwrites_and_removes(data_dir: Path, tmp_path: Path) -> None:
    store = _protected(data_dir)
    case = store.create("Case A")
    source = tmp_path / "mistake.jpg"
    source.write_bytes(b"must not exist" * 1000)
    attachment = store.add_attachment(case, source)
    store.destroy_attachment(case, attachment)
    assert _stored_files(data_dir) == []
    with pytest.raises(StoreError, match="missing"):
        store.read_attachment(case, attachment)


def test_keys_come_from_the_codec_keyring() -> None:
    keyring = Keyring.new()
    codec = AesGcmCodec(keyring)
    current, ring = attachments._keys(codec)  # type: ignore[misc]
    assert current == keyring.current and ring == keyring.keys


def test_a_plain_attachment_is_read_a_piece_at_a_time(data_dir: Path, tmp_path: Path) -> None:
    store = CaseStore(data_dir)
    case = store.create("Case A")
    source = tmp_path / "video.mp4"
    source.write_bytes(os.urandom(3 * chunked.CHUNK_BYTES + 5))
    attachment = store.add_attachment(case, source)
    pieces = list(store.attachment_chunks(case, attachment))
    assert len(pieces) == 4 and b"".join(pieces) == source.read_bytes()
