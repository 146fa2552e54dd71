"""The case file format, read and written here and nowhere else.

A case file has three lines::

    SAFETYCHECK-CASE <format> <codec>
    <header record>     reference, times and the progress counts, small
    <body record>       the whole case

Each record goes through the codec named in the first line (``plain`` or
``aes256gcm``), bound to its place (``<case id>:header``, ``<case id>:body``) so a
record moved to another case or line does not open.  Listing reads only the
first two lines, so a list of 500 cases stays fast however many answers each holds.

Each save is numbered: the header and the body both hold ``"save": {"n": <count>,
"rev": <random id>}``, the same in both.  A file made of the header of one save and
the body of another is refused as damaged; the count lets the save log
(``safetycheck.storage.ledger``) notice a case put back to an older copy of itself.
Files written before the count existed have none, and are read as they are.

A damaged file set aside while a passphrase was being set is sealed whole::

    SAFETYCHECK-SEALED 1 <codec>
    <the original bytes, as one record>
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safetycheck import case_json
from safetycheck.case import Case, Coverage, Progress, parse_time
from safetycheck.codec import Codec, CodecError, KeyMissingError, PlainCodec
from safetycheck.schema import SCHEMA_VERSION, NewerSchemaError

MAGIC = b"SAFETYCHECK-CASE"
SEALED_MAGIC = b"SAFETYCHECK-SEALED"
FILE_FORMAT = 1

#: Everything that means "these bytes are not a readable case file".
UNREADABLE = (CodecError, ValueError, KeyError, TypeError)


@dataclass(frozen=True)
class Revision:
    """Which save wrote a file: its number (1, 2, 3 ... per case) and a random id."""

    n: int
    rev: str

    @classmethod
    def after(cls, n: int) -> Revision:
        return cls(n + 1, secrets.token_hex(8))

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "rev": self.rev}

    @classmethod
    def from_field(cls, value: object) -> Revision | None:
        """The ``save`` field as stored (None when the file is older than the field)."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("bad save field")
        n, rev = value.get("n"), value.get("rev")
        if type(n) is not int or n < 1 or not isinstance(rev, str):
            raise ValueError("bad save field")
        return cls(n, rev)


@dataclass(frozen=True)
class Header:
    """The first record: what the case list shows without reading the body."""

    reference: str
    created: dt.datetime | None
    updated: dt.datetime | None
    coverage: Coverage
    revision: Revision | None = None


class MixedSavesError(CodecError):
    """The header and the body of a file come from two different saves."""


class NotSealedError(CodecError):
    """A plaintext case file in a folder protected with a passphrase.

    Nobody who knows the passphrase writes one (every save there is sealed), so it was
    put there by someone else, or copied in from an unprotected folder.  It is never
    believed, and never sealed as if it were genuine (issue 12).
    """


class Codecs:
    """Which codec opens a record, given the codec the file's first line names.

    In a protected folder only sealed files are read: a plaintext one is refused
    (:class:`NotSealedError`), except while a first passphrase is being set
    (``accept_plain``), when sealing the folder's plaintext files is the whole point.
    A sealed file in a folder without keys is a passphrase problem, never damage.
    This is the one place that decides which files a store accepts.
    """

    def __init__(self, codec: Codec, *, accept_plain: bool = False) -> None:
        self.codec = codec
        self.accept_plain = accept_plain or codec.name == PlainCodec.name

    def for_name(self, name: str) -> Codec:
        if name == self.codec.name:
            return self.codec
        if name == PlainCodec.name:
            if self.accept_plain:
                return PlainCodec()
            raise NotSealedError("the file is not sealed with this folder's passphrase")
        raise KeyMissingError(
            "This case is protected with a passphrase. Unlock SafetyCheck to open it."
        )


def _tag(codec: Codec) -> bytes:
    return MAGIC + b" " + str(FILE_FORMAT).encode() + b" " + codec.name.encode() + b"\n"


def _parse_tag(line: bytes) -> tuple[int, str]:
    parts = line.strip().split(b" ")
    if len(parts) != 3 or parts[0] != MAGIC:
        raise CodecError("not a SafetyCheck case file")
    version = int(parts[1])
    if version > FILE_FORMAT:
        raise NewerSchemaError(version)
    return version, parts[2].decode("ascii", "replace")


def _contexts(case_id: str) -> tuple[bytes, bytes]:
    return f"{case_id}:header".encode(), f"{case_id}:body".encode()


class CaseFileWriter:
    """Turns a case into file bytes; keeps each answer's JSON between saves (``case_json``)."""

    def __init__(self) -> None:
        self._encoder = case_json.CaseEncoder()

    def encode(
        self,
        case: Case,
        coverage: Coverage | None,
        codec: Codec,
        revision: Revision | None = None,
    ) -> bytes:
        coverage = coverage or Coverage(Progress(), "")
        extra: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        if revision is not None:
            extra["save"] = revision.to_dict()
        header = {
            "id": case.id,
            "reference": case.reference,
            "created": case.created.isoformat(),
            "updated": case.updated.isoformat(),
            "progress": coverage.progress.to_dict(),
            "rule": coverage.rule,
            **extra,
        }
        body = self._encoder.body(case, extra)
        return _join(codec, case.id, case_json.dumps(header).encode(), body.encode())


def _join(codec: Codec, case_id: str, header: bytes, body: bytes) -> bytes:
    header_context, body_context = _contexts(case_id)
    return b"".join(
        (
            _tag(codec),
            codec.encode(header, context=header_context),
            b"\n",
            codec.encode(body, context=body_context),
            b"\n",
        )
    )


def read_header(path: Path, case_id: str, codecs: Codecs) -> Header:
    """The header of the file at ``path``, reading only its first two lines."""
    with open(path, "rb") as handle:
        tag = handle.readline()
        line = handle.readline()
    _, codec_name = _parse_tag(tag)
    if not line.endswith(b"\n"):
        raise CodecError("the file is incomplete")
    codec = codecs.for_name(codec_name)
    return _header(json.loads(codec.decode(line[:-1], context=_contexts(case_id)[0])), case_id)


def _header(data: object, case_id: str) -> Header:
    if not isinstance(data, dict) or data.get("id") != case_id:
        raise CodecError("the file does not hold this case")
    return Header(
        reference=data["reference"],
        created=parse_time(data.get("created")),
        updated=parse_time(data.get("updated")),
        coverage=Coverage(Progress.from_dict(data.get("progress") or {}), data.get("rule", "")),
        revision=Revision.from_field(data.get("save")),
    )


@dataclass(frozen=True)
class Decoded:
    """A whole case file, read: the stored dict (not yet upgraded) and its header."""

    body: dict[str, Any]
    header: Header

    @property
    def revision(self) -> Revision | None:
        return self.header.revision


def decode(raw: bytes, case_id: str, codecs: Codecs) -> Decoded:
    """Read a whole case file; raises one of :data:`UNREADABLE` when it cannot be.

    Both records are opened, and must come from one save (:class:`MixedSavesError`).
    """
    lines = raw.split(b"\n")
    if len(lines) < 3 or lines[-1] != b"":
        raise CodecError("the file is incomplete")
    _, codec_name = _parse_tag(lines[0])
    codec = codecs.for_name(codec_name)
    header_context, body_context = _contexts(case_id)
    header = _header(json.loads(codec.decode(lines[1], context=header_context)), case_id)
    data = json.loads(codec.decode(lines[2], context=body_context))
    if not isinstance(data, dict) or data.get("id") != case_id:
        raise CodecError("the file does not hold this case")
    if Revision.from_field(data.pop("save", None)) != header.revision:
        raise MixedSavesError("the header and the body come from different saves")
    return Decoded(data, header)


def decode_body(raw: bytes, case_id: str, codecs: Codecs) -> dict[str, Any]:
    """The body of a whole case file, as the stored dict (not yet upgraded)."""
    return decode(raw, case_id, codecs).body


def is_complete(raw: bytes, case_id: str, codecs: Codecs) -> bool:
    """Whether ``raw`` is a whole, readable file of this case (a cut-off save's temp file)."""
    try:
        decode(raw, case_id, codecs)
    except (*UNREADABLE, NewerSchemaError):
        return False
    return True


def reseal(raw: bytes, case_id: str, codecs: Codecs) -> bytes | None:
    """``raw`` rewritten under ``codecs.codec`` and its current key; None if nothing to do.

    None also for a file written by a newer SafetyCheck (left exactly as it is) and
    for one sealed with a key this folder does not hold (not ours to touch).  Raises
    one of :data:`UNREADABLE` for a damaged file.
    """
    from safetycheck.crypto import record_key_id  # only when re-encrypting: not at start-up

    lines = raw.split(b"\n")
    if len(lines) != 4 or lines[3] != b"":
        raise CodecError("the file is incomplete")
    try:
        _, codec_name = _parse_tag(lines[0])
        target = codecs.codec
        current = target.current_key_id
        if codec_name == target.name and all(record_key_id(line) == current for line in lines[1:3]):
            return None
        codec = codecs.for_name(codec_name)
        header_context, body_context = _contexts(case_id)
        header = codec.decode(lines[1], context=header_context)
        body = codec.decode(lines[2], context=body_context)
    except (NewerSchemaError, KeyMissingError):
        return None
    return _join(target, case_id, header, body)


def looks_sealed(head: bytes) -> bool:
    """Whether a file starting with ``head`` was sealed with a passphrase.

    A case file whose first line names a codec other than ``plain``, a damaged file
    sealed whole, or an attachment (sealed in chunks, or whole by older versions).
    Used to tell that a folder is protected even when its key file is gone.
    """
    from safetycheck.crypto import RECORD_PREFIX
    from safetycheck.storage.chunked import PREFIX as CHUNKED_PREFIX

    if head.startswith((SEALED_MAGIC + b" ", RECORD_PREFIX, CHUNKED_PREFIX)):
        return True
    if head.startswith(MAGIC + b" "):
        parts = head.split(b"\n", 1)[0].strip().split(b" ")
        return len(parts) == 3 and parts[2] != PlainCodec.name.encode()
    return False


def seal_whole(raw: bytes, codec: Codec) -> bytes | None:
    """A damaged file sealed whole, so nothing readable stays; None if sealed already."""
    if codec.name == PlainCodec.name:
        return None
    if raw.startswith(SEALED_MAGIC + b" ") or raw.startswith(_tag(codec)):
        return None  # sealed already, or a damaged encrypted case: ciphertext either way
    return b"".join(
        (
            SEALED_MAGIC + b" 1 " + codec.name.encode() + b"\n",
            codec.encode(raw, context=b"damaged"),
            b"\n",
        )
    )


def unseal_whole(raw: bytes, codecs: Codecs) -> bytes:
    """The original bytes of a file in ``damaged/`` (as is, when it was never sealed)."""
    if not raw.startswith(SEALED_MAGIC + b" "):
        return raw
    tag, _, rest = raw.partition(b"\n")
    codec_name = tag.split(b" ")[-1].decode("ascii", "replace")
    return codecs.for_name(codec_name).decode(rest.rstrip(b"\n"), context=b"damaged")
