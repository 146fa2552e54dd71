"""The "Trust This Computer" record: find it, make it (only when asked), keep it, forget it.

A pair record is what lets this computer open a session with the phone: a certificate and
key for this computer, one made for the phone, and their root.  Apple's software (Finder,
the Apple Devices app, iTunes) and libimobiledevice keep theirs in the system's store,
which we can read through the USB helper.  When SafetyCheck has to ask the phone itself, it
keeps the record in its own data folder (``iphone/pairing/``, private to this user), not in
the system's store: a portable copy then leaves no record on the computer it ran on, and
"Forget this iPhone" is deleting one file.

The record holds a private key that opens a session with the client's phone, so it is kept
like case data: when the data folder has a passphrase it is sealed with the folder's keys
(``<name>.sealed``, through the codec the case service holds, ``CaseWork.codec``); without
one it is a plain property list (``<name>.plist``), private to this user, as case files are.
A plain record found in a protected folder (kept before the passphrase was set) is sealed
the first time it is read, and one sealed under a key a passphrase change retired is sealed
again under the current key; ``CaseWork`` also does both when the passphrase is set or changed.

Asking the phone (:func:`pair`) is the one request that changes it: the phone adds this
computer to the computers it trusts.  It is sent only when the person pressed the button
(or passed ``--pair``), after being told what it leaves behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import plistlib
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from safetycheck.codec import Codec, CodecError, KeyMissingError, PlainCodec
from safetycheck.crypto import record_key_id
from safetycheck.durable import write_atomic
from safetycheck.iphone.errors import (
    KeyLockedError,
    KeyOtherPassphraseError,
    LockedError,
    NotTrustedError,
    TrustTimeoutError,
)
from safetycheck.iphone.lockdown import Lockdown, PendingError
from safetycheck.iphone.text import message
from safetycheck.iphone.usbmux import Usbmux
from safetycheck.paths import ensure_private_dir

PAIRING_FOLDER = Path("iphone") / "pairing"
TRUST_WAIT_SECONDS = 120.0
TRUST_POLL_SECONDS = 1.0
# What the phone needs from a pair record, and what a session needs of ours.
_SESSION_KEYS = ("HostID", "HostCertificate", "HostPrivateKey")


PLAIN_SUFFIX = ".plist"
SEALED_SUFFIX = ".sealed"
_CONTEXT = b"iphone-pair-record:"


def record_path(data_dir: Path, udid: str) -> Path:
    """Where the record is kept when the data folder has no passphrase."""
    # The file name does not show the phone's id to someone browsing the folder.
    digest = hashlib.sha256(udid.replace("-", "").lower().encode()).hexdigest()[:24]
    return data_dir / PAIRING_FOLDER / f"{digest}{PLAIN_SUFFIX}"


def sealed_path(data_dir: Path, udid: str) -> Path:
    """Where the record is kept, sealed, when the data folder has a passphrase."""
    return record_path(data_dir, udid).with_suffix(SEALED_SUFFIX)


def _context(path: Path) -> bytes:
    # Bound into the seal: a sealed record copied under another phone's name does not open.
    return _CONTEXT + path.stem.encode("ascii")


def _seals(codec: Codec) -> bool:
    return codec.current_key_id is not None


def usable(record: object) -> bool:
    return isinstance(record, dict) and all(
        isinstance(record.get(key), (str, bytes)) and record.get(key) for key in _SESSION_KEYS
    )


def _parse(data: bytes) -> dict[str, Any] | None:
    try:
        record = plistlib.loads(data)
    except Exception:
        return None  # damaged: as if there were none (the person can ask for trust again)
    return record if isinstance(record, dict) and usable(record) else None


def read_record(data_dir: Path, udid: str, codec: Codec | None = None) -> dict[str, Any] | None:
    """SafetyCheck's own record for this phone, or None; ``codec`` is the folder's
    (``CaseWork.codec``), plain when it has no passphrase.

    A protected folder's record is read sealed; a plain one left there is sealed on the way
    (and one sealed under a retired key sealed again).  Raises KeyLockedError when the
    record is sealed and ``codec`` cannot open it, so that a scan never pairs again over a
    record it merely could not read.
    """
    codec = codec or PlainCodec()
    plain, sealed = record_path(data_dir, udid), sealed_path(data_dir, udid)
    if sealed.is_file():
        if not _seals(codec):
            raise KeyLockedError()
        data = sealed.read_bytes()
        try:
            record = _parse(codec.decode(data, context=_context(sealed)))
        except KeyMissingError as exc:
            raise KeyOtherPassphraseError() from exc
        except CodecError:
            record = None
        if record is not None:
            if record_key_id(data) != codec.current_key_id:
                _write_sealed(sealed, record, codec)
            plain.unlink(missing_ok=True)  # a migration that was cut off
            return record
    if not plain.is_file():
        return None
    record = _parse(plain.read_bytes())
    if record is not None and _seals(codec):
        save_record(data_dir, udid, record, codec)
    return record


def load_record(
    data_dir: Path, mux: Usbmux, udid: str, codec: Codec | None = None
) -> tuple[dict[str, Any], str] | None:
    """Our own record for this phone, else the system's; with where it came from."""
    ours = read_record(data_dir, udid, codec)
    if ours is not None:
        return ours, "safetycheck"
    system = mux.pair_record(udid)
    if system is not None and usable(system):
        return system, "system"
    return None


def _write_sealed(path: Path, record: dict[str, Any], codec: Codec) -> None:
    payload = plistlib.dumps(record, fmt=plistlib.FMT_BINARY)
    write_atomic(path, codec.encode(payload, context=_context(path)))


def save_record(
    data_dir: Path, udid: str, record: dict[str, Any], codec: Codec | None = None
) -> Path:
    """Keep ``record``: sealed when ``codec`` seals (then any plain copy is removed)."""
    codec = codec or PlainCodec()
    path = record_path(data_dir, udid)
    ensure_private_dir(path.parent)
    if not _seals(codec):
        write_atomic(path, plistlib.dumps(record, fmt=plistlib.FMT_BINARY))
        return path
    sealed = sealed_path(data_dir, udid)
    _write_sealed(sealed, record, codec)
    path.unlink(missing_ok=True)
    return sealed


def seal_all(data_dir: Path, codec: Codec) -> int:
    """Seal every record in the folder under ``codec``'s current key (a passphrase was set
    or changed); returns how many were rewritten.  Damaged or foreign ones are left alone."""
    folder = data_dir / PAIRING_FOLDER
    if not _seals(codec) or not folder.is_dir():
        return 0
    rewritten = 0
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        if path.suffix == PLAIN_SUFFIX:
            record = _parse(path.read_bytes())
            if record is None:
                continue
            _write_sealed(path.with_suffix(SEALED_SUFFIX), record, codec)
            path.unlink()
            rewritten += 1
        elif path.suffix == SEALED_SUFFIX:
            data = path.read_bytes()
            if record_key_id(data) == codec.current_key_id:
                continue
            try:
                record = _parse(codec.decode(data, context=_context(path)))
            except CodecError:
                continue
            if record is not None:
                _write_sealed(path, record, codec)
                rewritten += 1
    return rewritten


def forget_record(data_dir: Path, udid: str) -> bool:
    """Delete SafetyCheck's own record for this phone (sealed or not); True if there was one."""
    forgot = False
    for path in (record_path(data_dir, udid), sealed_path(data_dir, udid)):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        forgot = True
    return forgot


def _certificate(
    public_key: rsa.RSAPublicKey,
    signer: rsa.RSAPrivateKey,
    *,
    ca: bool,
    key_id: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    empty = x509.Name([])  # lockdown's certificates carry no names
    builder = (
        x509.CertificateBuilder()
        .subject_name(empty)
        .issuer_name(empty)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    if key_id:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_record(device_public_key_pem: bytes, system_buid: str) -> dict[str, Any]:
    """A new pair record: a root, a certificate for this computer, one for the phone's key."""
    device_key = serialization.load_pem_public_key(device_public_key_pem)
    if not isinstance(device_key, rsa.RSAPublicKey):
        raise NotTrustedError(message("bad_key"))
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    host_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate(root_key.public_key(), root_key, ca=True)
    host = _certificate(host_key.public_key(), root_key, ca=False)
    device = _certificate(device_key, root_key, ca=False, key_id=True)
    return {
        "DeviceCertificate": _pem(device),
        "HostCertificate": _pem(host),
        "HostPrivateKey": _key_pem(host_key),
        "RootCertificate": _pem(root),
        "RootPrivateKey": _key_pem(root_key),
        "HostID": str(uuid.uuid4()).upper(),
        "SystemBUID": system_buid,
    }


def pair(
    lockdown: Lockdown,
    data_dir: Path,
    on_waiting: Callable[[str], None] | None = None,
    wait_seconds: float = TRUST_WAIT_SECONDS,
    codec: Codec | None = None,
) -> dict[str, Any]:
    """Ask the phone to trust this computer; wait (bounded, cancellable) for Trust.

    The phone asks only when it is unlocked.  Raises LockedError, TrustDeniedError or
    TrustTimeoutError with a plain sentence.  On success the record is saved in our folder
    (sealed with ``codec`` when the folder has a passphrase).
    """
    public_key = lockdown.get_value(key="DevicePublicKey")
    if not isinstance(public_key, bytes):
        raise NotTrustedError()
    buid = lockdown.mux.system_buid() or str(uuid.uuid4()).upper()
    record = make_record(public_key, buid)
    # Sent to the phone: no host name (the phone would keep this computer's name), only
    # what pairing needs.
    sent = {key: record[key] for key in ("DeviceCertificate", "HostCertificate", "RootCertificate")}
    sent |= {"HostID": record["HostID"], "SystemBUID": buid}
    wifi = lockdown.get_value(key="WiFiAddress")
    if isinstance(wifi, str) and wifi:
        # As Apple's software and pymobiledevice3 send it; the phone's own address, sent back to
        # it, and not kept in our copy of the record.
        sent["WiFiMACAddress"] = wifi
    request = {
        "PairRecord": sent,
        "ProtocolVersion": "2",
        "PairingOptions": {"ExtendedPairingErrors": True},
    }
    deadline = time.monotonic() + wait_seconds
    told = ""
    while True:
        lockdown.cancel.check()
        try:
            answer = lockdown.ask_to_trust(request)
            break
        except PendingError:
            state = "trust_waiting"
        except LockedError:
            # A locked phone says so at once; give the person the same bounded time to unlock.
            state = "locked"
        if state != told and on_waiting is not None:
            on_waiting(message(state))
        told = state
        if time.monotonic() >= deadline:
            raise TrustTimeoutError()
        lockdown.cancel.sleep(TRUST_POLL_SECONDS)
    escrow = answer.get("EscrowBag")
    if isinstance(escrow, bytes):
        record["EscrowBag"] = escrow
    save_record(data_dir, lockdown.device.udid, record, codec)
    return record
