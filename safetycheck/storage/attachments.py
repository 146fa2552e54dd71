"""Files copied into a case's evidence log, so the evidence stays if the original goes.

Each is stored under a random name in ``attachments/<case id>/``, sealed with the
store's codec and bound to its place (``<case id>:<name>``).
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from safetycheck.case import Attachment
from safetycheck.codec import Codec, CodecError, PlainCodec
from safetycheck.durable import write_atomic
from safetycheck.storage.errors import StoreError, plain_os_error, saving
from safetycheck.storage.folder import CaseFolder


def _context(case_id: str, stored_as: str) -> bytes:
    return f"{case_id}:{stored_as}".encode()


def add(folder: CaseFolder, codec: Codec, case_id: str, source: Path) -> Attachment:
    try:
        content = Path(source).read_bytes()
    except OSError as exc:
        raise StoreError(plain_os_error(exc, Path(source))) from exc
    target = folder.attachment_dir(case_id)
    folder.ensure(folder.attachments_dir)
    folder.ensure(target)
    stored_as = secrets.token_hex(16)
    sealed = codec.encode(content, context=_context(case_id, stored_as))
    with saving(target):
        write_atomic(target / stored_as, sealed, platform=folder.platform)
    return Attachment(
        original_name=Path(source).name,
        stored_as=stored_as,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def read(folder: CaseFolder, codec: Codec, case_id: str, attachment: Attachment) -> bytes:
    from safetycheck.crypto import record_key_id

    raw = (folder.attachment_dir(case_id) / attachment.stored_as).read_bytes()
    if codec.name == PlainCodec.name:
        if record_key_id(raw) is not None:
            raise StoreError("This file is protected with a passphrase. Unlock SafetyCheck.")
        return raw
    return codec.decode(raw, context=_context(case_id, attachment.stored_as))


def reseal(folder: CaseFolder, codec: Codec, case_id: str, path: Path) -> bool:
    """Rewrite one attachment under the current key; False when there was nothing to do."""
    from safetycheck.crypto import record_key_id

    raw = path.read_bytes()
    key_id = record_key_id(raw)
    if key_id is not None and key_id == codec.current_key_id:
        return False
    context = _context(case_id, path.name)
    if key_id is None:
        content = raw  # written while the folder had no passphrase
    else:
        try:
            content = codec.decode(raw, context=context)
        except CodecError:
            return False  # damaged or foreign, and sealed already: nothing readable in it
    with saving(path.parent):
        write_atomic(path, codec.encode(content, context=context), platform=folder.platform)
    return True
