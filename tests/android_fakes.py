"""Helpers for the Android tests: a fake ``adb`` on disk, and small real APK files."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import stat
import struct
import sys
import zipfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
RECORDINGS = HERE / "data" / "adb"
FAKE_ADB = HERE / "fake_adb.py"


# The copy of Echap's lists that ships with SafetyCheck (assets/indicators/echap/SOURCE.txt).
# Tests that "import" or "download" a list use these same bytes.
ECHAP = HERE.parent / "assets" / "indicators" / "echap"
IOC = ECHAP / "ioc.yaml"
WATCHWARE = ECHAP / "watchware.yaml"

# Shell commands that change a phone: the scan must never send any of them.
WRITE_WORDS = (
    "uninstall",
    "install",
    "settings put",
    "settings delete",
    "pm disable",
    "pm clear",
    "pm grant",
    "pm revoke",
    "appops set",
    "am ",
    "rm ",
    "dpm ",
    "reboot",
)


class FakeAdb:
    """A copy of the recordings in a temp folder and an executable ``adb`` that replays one."""

    def __init__(self, tmp: Path, scenario: str, delay: float = 0.0) -> None:
        self.root = tmp / "recordings"
        if not self.root.exists():
            shutil.copytree(RECORDINGS, self.root)
        self.scenario = self.root / scenario
        self.bin = tmp / "bin"
        self.bin.mkdir(exist_ok=True)
        self.path = self.bin / "adb"
        self.path.write_text(
            "#!/bin/sh\n"
            + (f"sleep {delay}\n" if delay else "")
            + f'exec "{sys.executable}" "{FAKE_ADB}" "{self.scenario}" "$@"\n',
            encoding="utf-8",
        )
        self.path.chmod(self.path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def calls(self) -> list[list[str]]:
        log = self.scenario / "calls.jsonl"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]

    def shell_commands(self) -> list[str]:
        return [" ".join(c[3:]) for c in self.calls() if len(c) > 2 and c[2] == "shell"]

    def add_pull(self, serial: str, remote: str, content: bytes) -> None:
        """Serve ``content`` for ``adb -s SERIAL pull REMOTE``."""
        name = f"pulled-{len(list(self.scenario.glob('pulled-*')))}.apk"
        (self.scenario / name).write_bytes(content)
        config = self.scenario / "scenario.toml"
        text = config.read_text(encoding="utf-8")
        header = f"[phones.{serial}.pull]"
        if not text.rstrip().rsplit("\n[", 1)[-1].startswith(header[1:]):
            text += f"\n{header}\n"  # a later pull adds a line to the same (last) table
        text += f'"{remote}" = "{name}"\n'
        config.write_text(text, encoding="utf-8")


def self_signed_certificate(common_name: str = "Example Spy Ltd"):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _lp(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data


def build_apk(cert, key, *, v1: bool = True, v2: bool = True) -> bytes:
    """A tiny but structurally real APK: a zip with a JAR signature and/or a v2 block.

    The v2 block carries the certificate in the published layout (signers > signed data >
    digests, certificates); its digests and signature are not valid, which does not matter
    here: the scan reads which certificate signed the app, it does not verify the app.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("AndroidManifest.xml", b"\x03\x00\x08\x00fake manifest")
        archive.writestr("classes.dex", b"dex\n035\x00")
        if v1:
            signed = (
                pkcs7.PKCS7SignatureBuilder()
                .set_data(b"Signature-Version: 1.0\r\n\r\n")
                .add_signer(cert, key, hashes.SHA256())
                .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
            )
            archive.writestr("META-INF/CERT.SF", b"Signature-Version: 1.0\r\n\r\n")
            archive.writestr("META-INF/CERT.EC", signed)
    raw = buffer.getvalue()
    if not v2:
        return raw
    der = cert.public_bytes(serialization.Encoding.DER)
    signed_data = _lp(b"") + _lp(_lp(der)) + _lp(b"")
    signer = _lp(signed_data) + _lp(b"") + _lp(b"")
    value = _lp(_lp(signer))
    pair = struct.pack("<QI", len(value) + 4, 0x7109871A) + value
    size = len(pair) + 8 + 16
    block = struct.pack("<Q", size) + pair + struct.pack("<Q", size) + b"APK Sig Block 42"
    eocd = raw.rfind(b"PK\x05\x06")
    (cd_offset,) = struct.unpack_from("<I", raw, eocd + 16)
    new_eocd = bytearray(raw[eocd:])
    struct.pack_into("<I", new_eocd, 16, cd_offset + len(block))
    return raw[:cd_offset] + block + raw[cd_offset:eocd] + bytes(new_eocd)
