"""The "Trust This Computer" record: find it, make it (only when asked), keep it, forget it.

A pair record is what lets this computer open a session with the phone: a certificate and
key for this computer, one made for the phone, and their root.  Apple's software (Finder,
the Apple Devices app, iTunes) and libimobiledevice keep theirs in the system's store,
which we can read through the USB helper.  When SafetyCheck has to ask the phone itself, it
keeps the record in its own data folder (``iphone/pairing/``, private to this user), not in
the system's store: a portable copy then leaves no record on the computer it ran on, and
"Forget this iPhone" is deleting one file.

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

from safetycheck.durable import write_atomic
from safetycheck.iphone.errors import LockedError, NotTrustedError, TrustTimeoutError
from safetycheck.iphone.lockdown import Lockdown, PendingError
from safetycheck.iphone.text import message
from safetycheck.iphone.usbmux import Usbmux
from safetycheck.paths import ensure_private_dir

PAIRING_FOLDER = Path("iphone") / "pairing"
TRUST_WAIT_SECONDS = 120.0
TRUST_POLL_SECONDS = 1.0
# What the phone needs from a pair record, and what a session needs of ours.
_SESSION_KEYS = ("HostID", "HostCertificate", "HostPrivateKey")


def record_path(data_dir: Path, udid: str) -> Path:
    # The file name does not show the phone's id to someone browsing the folder.
    digest = hashlib.sha256(udid.replace("-", "").lower().encode()).hexdigest()[:24]
    return data_dir / PAIRING_FOLDER / f"{digest}.plist"


def usable(record: object) -> bool:
    return isinstance(record, dict) and all(
        isinstance(record.get(key), (str, bytes)) and record.get(key) for key in _SESSION_KEYS
    )


def load_record(data_dir: Path, mux: Usbmux, udid: str) -> tuple[dict[str, Any], str] | None:
    """Our own record for this phone, else the system's; with where it came from."""
    path = record_path(data_dir, udid)
    if path.is_file():
        try:
            ours = plistlib.loads(path.read_bytes())
        except Exception:
            ours = None
        if isinstance(ours, dict) and usable(ours):
            return ours, "safetycheck"
    system = mux.pair_record(udid)
    if system is not None and usable(system):
        return system, "system"
    return None


def save_record(data_dir: Path, udid: str, record: dict[str, Any]) -> Path:
    path = record_path(data_dir, udid)
    ensure_private_dir(path.parent)
    write_atomic(path, plistlib.dumps(record, fmt=plistlib.FMT_BINARY))
    return path


def forget_record(data_dir: Path, udid: str) -> bool:
    """Delete SafetyCheck's own record for this phone; True if there was one."""
    path = record_path(data_dir, udid)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


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
) -> dict[str, Any]:
    """Ask the phone to trust this computer; wait (bounded, cancellable) for Trust.

    The phone asks only when it is unlocked.  Raises LockedError, TrustDeniedError or
    TrustTimeoutError with a plain sentence.  On success the record is saved in our folder.
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
    save_record(data_dir, lockdown.device.udid, record)
    return record
