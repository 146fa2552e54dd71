"""Crafted app files: each is one note, never the end of the scan (issue 12, defect 7).

Before, an APK whose signature entry had the encryption flag, an unknown compression
method or bad deflate data raised out of the certificate reader and every finding was
lost, and a zip bomb took 2 GB of memory.
"""

from __future__ import annotations

import hashlib
import io
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from android_fakes import FakeAdb, build_apk, self_signed_certificate
from cryptography.hazmat.primitives.serialization import Encoding

from safetycheck.android.adb import Adb
from safetycheck.android.apkcert import ApkError, certificate_sha1s
from safetycheck.android.indicators import IndicatorStore
from safetycheck.android.scan import run_scan

SIGNATURE = b"META-INF/CERT.EC"
SERIAL = "5200e5b5f8a3b4a1"
JITSI = "/data/app/~~kP0tq2V1xYyOb7s3Vq0sTQ==/org.jitsi.meet-1nBfWq3kRr9cB4dHfQ2yBg==/base.apk"
FDROID = "/data/app/~~Hc2wPZp0pTz6z2t0VbS0kA==/org.fdroid.fdroid-2m0QbVnY0x7cYb0Qh7bJ3w==/base.apk"


def _signed_apk(compression: int = zipfile.ZIP_STORED) -> bytes:
    """A v1-signed APK (so the zip entries are read), its signature stored or deflated."""
    key, cert = self_signed_certificate()
    raw = build_apk(cert, key, v2=False)
    if compression == zipfile.ZIP_STORED:
        return raw
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), compress_type=compression)
    return out.getvalue()


def _patch_entry(raw: bytes, name: bytes, local_offset: int, central_offset: int, value) -> bytes:
    """Set a 2-byte field of ``name``'s local header and central directory entry."""
    data = bytearray(raw)
    # (signature, where the name's length is, where the name starts, which field)
    for magic, length_at, name_at, field in (
        (b"PK\x03\x04", 26, 30, local_offset),
        (b"PK\x01\x02", 28, 46, central_offset),
    ):
        start = data.find(magic)
        while start >= 0:
            (length,) = struct.unpack_from("<H", data, start + length_at)
            if data[start + name_at : start + name_at + length] == name:
                (old,) = struct.unpack_from("<H", data, start + field)
                struct.pack_into("<H", data, start + field, value(old))
            start = data.find(magic, start + 4)
    return bytes(data)


def encrypted() -> bytes:
    return _patch_entry(_signed_apk(), SIGNATURE, 6, 8, lambda flags: flags | 0x1)


def unknown_compression() -> bytes:
    return _patch_entry(_signed_apk(), SIGNATURE, 8, 10, lambda _method: 99)


def bad_deflate() -> bytes:
    raw = bytearray(_signed_apk(zipfile.ZIP_DEFLATED))
    start = raw.find(b"PK\x03\x04")
    while True:
        (length, extra) = struct.unpack_from("<HH", raw, start + 26)
        if raw[start + 30 : start + 30 + length] == SIGNATURE:
            break
        start = raw.find(b"PK\x03\x04", start + 4)
    data = start + 30 + length + extra
    raw[data : data + 8] = b"\xff" * 8  # a block type that does not exist
    return bytes(raw)


def zip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    """A signature entry that inflates to ``size`` bytes of zeros (about 1,000 times smaller)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("AndroidManifest.xml", b"manifest")
        with archive.open("META-INF/CERT.RSA", "w") as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return out.getvalue()


HOSTILE = {
    "encrypted": encrypted,
    "unknown_compression": unknown_compression,
    "bad_deflate": bad_deflate,
    "zip_bomb": zip_bomb,
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_crafted_apk_is_an_apk_error(tmp_path: Path, kind: str) -> None:
    apk = tmp_path / "app.apk"
    apk.write_bytes(HOSTILE[kind]())
    tracemalloc.start()
    try:
        with pytest.raises(ApkError):
            certificate_sha1s(apk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"reading one app took {peak // 2**20} MiB"


def test_a_huge_app_file_is_not_read_whole(tmp_path: Path) -> None:
    """Only the end of the file (where the zip's directory is) and the signature are read."""
    apk = tmp_path / "big.apk"
    with open(apk, "wb") as handle:
        handle.truncate(256 * 1024 * 1024)  # sparse: costs no disk
    tracemalloc.start()
    try:
        with pytest.raises(ApkError):
            certificate_sha1s(apk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"reading one app took {peak // 2**20} MiB"


def test_an_oversized_signing_block_is_refused(tmp_path: Path) -> None:
    key, cert = self_signed_certificate()
    raw = bytearray(build_apk(cert, key, v1=False))
    magic = raw.rfind(b"APK Sig Block 42")
    struct.pack_into("<Q", raw, magic - 8, 2**40)  # says it is a terabyte long
    apk = tmp_path / "app.apk"
    apk.write_bytes(bytes(raw))
    with pytest.raises(ApkError):
        certificate_sha1s(apk)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_one_crafted_app_is_one_note_and_the_scan_goes_on(
    tmp_path: Path, data_dir: Path, kind: str
) -> None:
    key, cert = self_signed_certificate("Renamed Spy")
    digest = hashlib.sha1(cert.public_bytes(Encoding.DER)).hexdigest().upper()
    lists = tmp_path / "ioc.yaml"
    lists.write_text(
        "- name: RenamedSpy\n  type: stalkerware\n  packages: [com.not.installed]\n"
        f"  certificates: [{digest.lower()}]\n"
    )
    store = IndicatorStore(data_dir)
    store.import_file(lists)
    fake = FakeAdb(tmp_path, "stalkerware")
    fake.add_pull(SERIAL, FDROID, HOSTILE[kind]())
    fake.add_pull(SERIAL, JITSI, build_apk(cert, key))
    result = run_scan(Adb(fake.path), store.index(), work_dir=data_dir / "tmp")
    assert [f.package for f in result.known_stalkerware if f.product == "RenamedSpy"] == [
        "org.jitsi.meet"
    ]
    assert result.app_count > 0
    unread = [p for p in result.problems if "signature of" in p]
    assert len(unread) == 1 and "org.fdroid.fdroid" in unread[0]
