"""Read the signing certificates of an APK file, to match Echap's certificate hashes.

Why here and not on the phone: Android has no read-only shell command that prints an
app's certificate digest (``dumpsys package`` shows only a short Java hash code), and
``apksigner`` does not exist on phones.  So the scan copies the APK of an app that did not
come from an app store to a temporary folder, reads its signature here and deletes it.

Two signature kinds are read: the APK Signing Block (schemes v2/v3, Android 7+; see
source.android.com/docs/security/features/apksigning/v2) and the older JAR signature
(``META-INF/*.RSA|DSA|EC``, a PKCS#7 blob read with the ``cryptography`` library).

An app file comes from a phone that may be hostile: stalkerware is built to resist
analysis.  So nothing here trusts the file's own structure.  Only the end of the file (the
zip directory) and the signature are read, each with a size limit, never the whole file;
a signature entry that is encrypted, uses an unknown compression, is larger than a
signature can be, or does not inflate is refused.  Every way a file can be unreadable is
an :class:`ApkError`, which the scan records as one note for that app.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

EOCD_MAGIC = b"PK\x05\x06"
EOCD_SIZE = 22
EOCD_SEARCH = EOCD_SIZE + 0xFFFF  # the record, and the longest comment a zip may have
SIG_BLOCK_MAGIC = b"APK Sig Block 42"
SCHEME_IDS = (0x7109871A, 0xF05368C0, 0x1B93AD61)  # v2, v3, v3.1

# Limits far above any real app (a signing block is a few KB; a JAR signature file
# about 2 KB; a zip directory of 20,000 files about 2 MB).
MAX_SIGNING_BLOCK_BYTES = 16 * 1024 * 1024
MAX_SIGNATURE_FILE_BYTES = 1024 * 1024
MAX_SIGNATURE_FILES = 8
MAX_CENTRAL_DIRECTORY_BYTES = 32 * 1024 * 1024
ZIP64_MARK = 0xFFFFFFFF
ENCRYPTED_FLAG = 0x1


class ApkError(Exception):
    pass


def _length_prefixed(data: bytes, offset: int) -> tuple[bytes, int]:
    if offset + 4 > len(data):
        raise ApkError("truncated length-prefixed value")
    (size,) = struct.unpack_from("<I", data, offset)
    start = offset + 4
    if start + size > len(data):
        raise ApkError("length-prefixed value runs past its container")
    return data[start : start + size], start + size


def _sequence(data: bytes) -> list[bytes]:
    items, offset = [], 0
    while offset < len(data):
        item, offset = _length_prefixed(data, offset)
        items.append(item)
    return items


def _read_at(handle: BinaryIO, offset: int, size: int) -> bytes:
    handle.seek(offset)
    data = handle.read(size)
    if len(data) != size:
        raise ApkError("the file ends too early")
    return data


def _central_directory(handle: BinaryIO) -> tuple[int, int]:
    """Where the zip directory starts and how long it is, from the end record."""
    size = handle.seek(0, 2)
    start = max(0, size - EOCD_SEARCH)
    tail = _read_at(handle, start, size - start)
    eocd = tail.rfind(EOCD_MAGIC)
    if eocd < 0 or eocd + EOCD_SIZE > len(tail):
        raise ApkError("not a zip file")
    cd_size, cd_offset = struct.unpack_from("<II", tail, eocd + 12)
    if ZIP64_MARK in (cd_size, cd_offset):
        raise ApkError("a ZIP64 file, which Android does not install")
    if cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise ApkError("the zip directory is larger than any app's")
    if cd_offset + cd_size > start + eocd:
        raise ApkError("the zip directory runs past its end")
    return cd_offset, cd_size


def signing_block_certificates(handle: BinaryIO) -> list[bytes]:
    """DER certificates from the v2/v3 APK Signing Block, or [] when there is none."""
    cd_offset, _ = _central_directory(handle)
    if cd_offset < 32:
        return []
    footer = _read_at(handle, cd_offset - 24, 24)
    if footer[8:] != SIG_BLOCK_MAGIC:
        return []
    (block_size,) = struct.unpack_from("<Q", footer, 0)
    if not 24 <= block_size <= MAX_SIGNING_BLOCK_BYTES or cd_offset - block_size - 8 < 0:
        raise ApkError("signing block size is wrong")
    pairs = _read_at(handle, cd_offset - block_size, block_size - 24)
    certificates: list[bytes] = []
    offset = 0
    while offset + 12 <= len(pairs):
        (length,) = struct.unpack_from("<Q", pairs, offset)
        (block_id,) = struct.unpack_from("<I", pairs, offset + 8)
        value = pairs[offset + 12 : offset + 8 + length]
        offset += 8 + length
        if block_id not in SCHEME_IDS:
            continue
        signers, _ = _length_prefixed(value, 0)
        for signer in _sequence(signers):
            signed_data, _ = _length_prefixed(signer, 0)
            _digests, after = _length_prefixed(signed_data, 0)
            certs, _ = _length_prefixed(signed_data, after)
            for cert in _sequence(certs):
                if cert not in certificates:
                    certificates.append(cert)
    return certificates


def _signature_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One JAR signature file, refused if it could not be a real one."""
    if info.flag_bits & ENCRYPTED_FLAG:
        raise ApkError(f"{info.filename} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ApkError(f"{info.filename} uses an unknown compression ({info.compress_type})")
    if info.file_size > MAX_SIGNATURE_FILE_BYTES:
        raise ApkError(f"{info.filename} is larger than a signature can be")
    with archive.open(info) as entry:
        data = entry.read(MAX_SIGNATURE_FILE_BYTES + 1)  # never more, whatever it inflates to
    if len(data) > MAX_SIGNATURE_FILE_BYTES:
        raise ApkError(f"{info.filename} is larger than a signature can be")
    return data


def jar_certificates(path: Path) -> list[bytes]:
    """DER certificates from the JAR (v1) signature files in ``META-INF/``."""
    found: list[bytes] = []
    with zipfile.ZipFile(path) as archive:
        signatures = [
            info
            for info in archive.infolist()
            if info.filename.upper().startswith("META-INF/")
            and info.filename.upper().endswith((".RSA", ".DSA", ".EC"))
        ]
        for info in signatures[:MAX_SIGNATURE_FILES]:
            for cert in pkcs7.load_der_pkcs7_certificates(_signature_file(archive, info)):
                der = cert.public_bytes(Encoding.DER)
                if der not in found:
                    found.append(der)
    return found


def certificate_sha1s(path: Path) -> list[str]:
    """Upper-case SHA-1 digests of every signing certificate (the form Echap lists)."""
    try:
        with open(path, "rb") as handle:
            certificates = signing_block_certificates(handle)
        if not certificates:
            certificates = jar_certificates(Path(path))
    except ApkError:
        raise
    # What a damaged or crafted zip can raise once the checks above have passed: a bad
    # checksum or header, data that does not inflate, a certificate that does not parse.
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, ValueError) as exc:
        raise ApkError(f"unreadable APK: {exc}") from exc
    return [hashlib.sha1(c).hexdigest().upper() for c in certificates]
