"""Read the signing certificates of an APK file, to match Echap's certificate hashes.

Why here and not on the phone: Android has no read-only shell command that prints an
app's certificate digest (``dumpsys package`` shows only a short Java hash code), and
``apksigner`` does not exist on phones.  So the scan copies the APK of an app that did not
come from an app store to a temporary folder, reads its signature here and deletes it.

Two signature kinds are read: the APK Signing Block (schemes v2/v3, Android 7+; see
source.android.com/docs/security/features/apksigning/v2) and the older JAR signature
(``META-INF/*.RSA|DSA|EC``, a PKCS#7 blob read with the ``cryptography`` library).
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

EOCD_MAGIC = b"PK\x05\x06"
SIG_BLOCK_MAGIC = b"APK Sig Block 42"
SCHEME_IDS = (0x7109871A, 0xF05368C0, 0x1B93AD61)  # v2, v3, v3.1


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


def signing_block_certificates(raw: bytes) -> list[bytes]:
    """DER certificates from the v2/v3 APK Signing Block, or [] when there is none."""
    eocd = raw.rfind(EOCD_MAGIC, max(0, len(raw) - 65557))
    if eocd < 0 or eocd + 22 > len(raw):
        raise ApkError("not a zip file")
    (cd_offset,) = struct.unpack_from("<I", raw, eocd + 16)
    if cd_offset < 32 or raw[cd_offset - 16 : cd_offset] != SIG_BLOCK_MAGIC:
        return []
    (block_size,) = struct.unpack_from("<Q", raw, cd_offset - 24)
    start = cd_offset - block_size - 8
    if start < 0:
        raise ApkError("signing block size is wrong")
    pairs = raw[start + 8 : cd_offset - 24]
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


def jar_certificates(path: Path) -> list[bytes]:
    """DER certificates from the JAR (v1) signature files in ``META-INF/``."""
    found: list[bytes] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            upper = name.upper()
            if upper.startswith("META-INF/") and upper.endswith((".RSA", ".DSA", ".EC")):
                for cert in pkcs7.load_der_pkcs7_certificates(archive.read(name)):
                    der = cert.public_bytes(Encoding.DER)
                    if der not in found:
                        found.append(der)
    return found


def certificate_sha1s(path: Path) -> list[str]:
    """Upper-case SHA-1 digests of every signing certificate (the form Echap lists)."""
    raw = Path(path).read_bytes()
    try:
        certificates = signing_block_certificates(raw)
        if not certificates:
            certificates = jar_certificates(Path(path))
    except (zipfile.BadZipFile, struct.error, ValueError) as exc:
        raise ApkError(f"unreadable APK: {exc}") from exc
    return [hashlib.sha1(c).hexdigest().upper() for c in certificates]
