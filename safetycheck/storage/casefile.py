"""The case file format, read and written here and nowhere else.

A case file has three lines::

    SAFETYCHECK-CASE <format> <codec>
    <header record>     reference, times and the progress counts, small
    <body record>       the whole case

Each record goes through the codec named in the first line (``plain`` or
``aes256gcm``), bound to its place (``<case id>:header``, ``<case id>:body``) so a
record moved to another case or line does not open.  Listing reads only the
first two lines, so a list of 500 cases stays fast however many answers each holds.

A damaged file set aside while a passphrase was being set is sealed whole::

    SAFETYCHECK-SEALED 1 <codec>
    <the original bytes, as one record>
"""

from __future__ import annotations

import datetime as dt
import json
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
class Header:
    """The first record: what the case list shows without reading the body."""

    reference: str
    created: dt.datetime | None
    updated: dt.datetime | None
    coverage: Coverage


class Codecs:
    """Which codec opens a record, given the codec the file's first line names.

    A plain file in a protected folder is read (and sealed by its next save); a sealed
    file in a folder without keys is a passphrase problem, never damage.  This is the
    one place that decides which files a store accepts.
    """

    def __init__(self, codec: Codec) -> None:
        self.codec = codec

    def for_name(self, name: str) -> Codec:
        if name == self.codec.name:
            return self.codec
        if name == PlainCodec.name:
            return PlainCodec()
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

    def encode(self, case: Case, coverage: Coverage | None, codec: Codec) -> bytes:
        coverage = coverage or Coverage(Progress(), "")
        header = {
            "id": case.id,
            "reference": case.reference,
            "created": case.created.isoformat(),
            "updated": case.updated.isoformat(),
            "progress": coverage.progress.to_dict(),
            "rule": coverage.rule,
            "schema_version": SCHEMA_VERSION,
        }
        body = self._encoder.body(case, {"schema_version": SCHEMA_VERSION})
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
    data = json.loads(codec.decode(line[:-1], context=_contexts(case_id)[0]))
    if data.get("id") != case_id:
        raise CodecError("the file does not hold this case")
    return Header(
        reference=data["reference"],
        created=parse_time(data.get("created")),
        updated=parse_time(data.get("updated")),
        coverage=Coverage(Progress.from_dict(data.get("progress") or {}), data.get("rule", "")),
    )


def decode_body(raw: bytes, case_id: str, codecs: Codecs) -> dict[str, Any]:
    """The body of a whole case file, as the stored dict (not yet upgraded)."""
    lines = raw.split(b"\n")
    if len(lines) < 3 or lines[-1] != b"":
        raise CodecError("the file is incomplete")
    _, codec_name = _parse_tag(lines[0])
    codec = codecs.for_name(codec_name)
    data = json.loads(codec.decode(lines[2], context=_contexts(case_id)[1]))
    if not isinstance(data, dict) or data.get("id") != case_id:
        raise CodecError("the file does not hold this case")
    return data


def is_complete(raw: bytes, case_id: str, codecs: Codecs) -> bool:
    """Whether ``raw`` is a whole, readable file of this case (a cut-off save's temp file)."""
    try:
        decode_body(raw, case_id, codecs)
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
