"""A recorded iPhone behind a fake usbmuxd, on a real Unix socket (see data/iphone/README.md).

The scan talks to it exactly as to a real computer's USB helper: usbmuxd's plist protocol,
``Connect`` to port 62078, lockdown's length-prefixed plists, a real TLS session with the
pair record's certificates (the fake phone checks that the client presents the host
certificate signed by the record's root), services on their own ports with TLS, and the
recorded answers from ``tests/data/iphone/<scenario>/``.  This is the lowest layer we can
fake honestly: everything from the socket up is the code that runs against a real phone.

Every request is logged (``FakeUsbmuxd.log``) so tests can prove that a scan only sent
read-only requests.  A request with no recording gets the error a phone gives for an
unknown request, so something unexpected is caught.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import plistlib
import socket
import ssl
import struct
import tempfile
import threading
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
RECORDINGS = HERE / "data" / "iphone"
LOCKDOWN_PORT = 62078

READ_ONLY = {
    "usbmuxd": {"ListDevices", "ReadBUID", "ReadPairRecord", "Connect"},
    "lockdown": {"QueryType", "GetValue", "StartSession", "StopSession", "StartService"},
    "com.apple.mobile.installation_proxy": {"Browse"},
    "com.apple.mobile.MCInstall": {"GetProfileList", "GetCloudConfiguration"},
    "com.apple.misagent": {"CopyAll"},
}


# -- keys and certificates (made once per test run: RSA keys are slow to make) ----------


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(subject_key: Any, signer: rsa.RSAPrivateKey, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(x509.Name([]))
        .public_key(subject_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(signer, hashes.SHA256())
    )


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@functools.cache
def device_key() -> rsa.RSAPrivateKey:
    """The fake phone's own key (a real phone makes one at activation)."""
    return _key()


@functools.cache
def system_record() -> dict[str, Any]:
    """A pair record as Apple's software would keep it, made here independently of the scan."""
    root_key, host_key = _key(), _key()
    root = _cert(root_key.public_key(), root_key, ca=True)
    pem = serialization.Encoding.PEM
    return {
        "DeviceCertificate": _cert(device_key().public_key(), root_key, False).public_bytes(pem),
        "HostCertificate": _cert(host_key.public_key(), root_key, False).public_bytes(pem),
        "HostPrivateKey": _pem_key(host_key),
        "RootCertificate": root.public_bytes(pem),
        "RootPrivateKey": _pem_key(root_key),
        "HostID": "5E1D8A2C-7F0B-4C3A-9E61-2B7D4F9A0C11",
        "SystemBUID": "A1B2C3D4-0000-4000-8000-00000000B01D",
    }


@functools.cache
def profile_signer() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Provisioning Profile Signer")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert, key


def sign_profile(inner: bytes) -> bytes:
    """Wrap a provisioning profile's plist in CMS SignedData, as a .mobileprovision is."""
    cert, key = profile_signer()
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(inner)
        .add_signer(cert, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


# -- the recorded phone -------------------------------------------------------------------


@dataclass
class FakePhone:
    udid: str
    device_id: int
    folder: Path
    spec: dict[str, Any]
    # HostID -> (the host's certificate, the certificate the phone shows), both PEM
    trusted_hosts: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    pair_polls: int = 0

    @property
    def locked(self) -> bool:
        return bool(self.spec.get("locked"))

    def values(self) -> dict[str, Any]:
        return plistlib.loads((self.folder / self.spec["values"]).read_bytes())

    def answer_file(self, name: str) -> Any:
        return plistlib.loads((self.folder / name).read_bytes())


class FakeUsbmuxd:
    """usbmuxd on a Unix socket, with the phones of one recorded scenario behind it."""

    def __init__(self, tmp: Path, scenario: str, **overrides: Any) -> None:
        self.folder = RECORDINGS / scenario
        config = tomllib.loads((self.folder / "scenario.toml").read_text(encoding="utf-8"))
        # AF_UNIX paths are short (about 100 bytes): pytest's tmp paths can be longer.
        self._dir = Path(tempfile.mkdtemp(prefix="mux-", dir="/tmp"))
        self.path = str(self._dir / "usbmuxd")
        self.log: list[dict[str, Any]] = []
        self.system_records: dict[str, dict[str, Any]] = {}
        self.phones: list[FakePhone] = []
        for spec in config.get("phones", []):
            spec = {**copy.deepcopy(spec), **overrides}
            phone = FakePhone(spec["udid"], spec["device_id"], self.folder, spec)
            if spec.get("system_pair_record", True):
                record = system_record()
                self.system_records[phone.udid] = dict(record)
                if not spec.get("forgotten"):
                    phone.trusted_hosts[record["HostID"]] = (
                        record["HostCertificate"],
                        record["DeviceCertificate"],
                    )
            self.phones.append(phone)
        self._ports: dict[int, tuple[FakePhone, str, tuple[bytes, bytes]]] = {}
        self._next_port = 49152
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(16)
        self._open: list[socket.socket] = []
        self._closing = False
        threading.Thread(target=self._accept, daemon=True, name="fake-usbmuxd").start()

    @property
    def address(self) -> str:
        return f"UNIX:{self.path}"

    def close(self) -> None:
        self._closing = True
        try:
            self._server.close()
        except OSError:
            pass
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        for item in self._dir.iterdir():
            item.unlink()
        self._dir.rmdir()

    def requests(self, to: str) -> list[str]:
        return [entry["op"] for entry in self.log if entry["to"] == to]

    def written(self) -> list[dict[str, Any]]:
        """Every logged request that is not on the read-only lists (should be empty)."""
        return [e for e in self.log if e["op"] not in READ_ONLY.get(e["to"], set())]

    def _note(self, to: str, op: object, **extra: Any) -> None:
        with self._lock:
            self.log.append({"to": to, "op": str(op), **extra})

    # -- usbmuxd ---------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closing:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self._open.append(conn)
            threading.Thread(target=self._serve_mux, args=(conn,), daemon=True).start()

    def _serve_mux(self, conn: socket.socket) -> None:
        try:
            header = _recv(conn, 16)
            length, _version, _kind, tag = struct.unpack("<IIII", header)
            request = plistlib.loads(_recv(conn, length - 16))
            op = request.get("MessageType")
            self._note("usbmuxd", op)
            if op == "ListDevices":
                if any(p.spec.get("hang_list") for p in self.phones):
                    # A helper that never answers: only Cancel (or the time limit) ends it.
                    while not self._closing and conn.recv(1):
                        pass
                    return
                entries = [self._device_entry(p) for p in self.phones]
                for p in self.phones:
                    if p.spec.get("also_wifi"):  # the same phone, also seen over Wi-Fi sync
                        entry = self._device_entry(p)
                        entry["DeviceID"] = entry["Properties"]["DeviceID"] = p.device_id + 100
                        entry["Properties"]["ConnectionType"] = "Network"
                        entries.append(entry)
                self._mux_reply(conn, tag, {"DeviceList": entries})
            elif op == "ReadBUID":
                self._mux_reply(conn, tag, {"BUID": system_record()["SystemBUID"]})
            elif op == "ReadPairRecord":
                record = self.system_records.get(request.get("PairRecordID", ""))
                if record is None:
                    self._mux_reply(conn, tag, {"MessageType": "Result", "Number": 2})
                else:
                    self._mux_reply(conn, tag, {"PairRecordData": plistlib.dumps(record)})
            elif op == "Connect":
                phone = next((p for p in self.phones if p.device_id == request["DeviceID"]), None)
                port = socket.ntohs(request["PortNumber"])
                if phone is None:
                    self._mux_reply(conn, tag, {"MessageType": "Result", "Number": 2})
                    return
                self._mux_reply(conn, tag, {"MessageType": "Result", "Number": 0})
                if port == LOCKDOWN_PORT:
                    self._serve_lockdown(conn, phone)
                else:
                    self._serve_service(conn, port)
            else:
                self._mux_reply(conn, tag, {"MessageType": "Result", "Number": 1})
        except (OSError, ssl.SSLError, EOFError, struct.error):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _device_entry(self, phone: FakePhone) -> dict[str, Any]:
        return {
            "DeviceID": phone.device_id,
            "MessageType": "Attached",
            "Properties": {
                "ConnectionSpeed": 480000000,
                "ConnectionType": "USB",
                "DeviceID": phone.device_id,
                "LocationID": 336592896 + phone.device_id,
                "ProductID": 4776,
                "SerialNumber": phone.udid,
                "USBSerialNumber": phone.udid.replace("-", ""),
            },
        }

    @staticmethod
    def _mux_reply(conn: socket.socket, tag: int, message: dict[str, Any]) -> None:
        body = plistlib.dumps(message)
        conn.sendall(struct.pack("<IIII", 16 + len(body), 1, 8, tag) + body)

    # -- lockdown --------------------------------------------------------------------------

    def _tls_server(self, conn: socket.socket, host: tuple[bytes, bytes]) -> ssl.SSLSocket:
        """Server-side TLS as the phone: its key, and the device certificate it was given.

        The client must present the host certificate the phone was given when it trusted
        that host (and prove it holds its key), as a real phone requires.  OpenSSL will not
        build a chain through lockdown's nameless certificates, so the host certificate
        itself is the trust anchor here.
        """
        host_pem, device_cert = host
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.verify_mode = ssl.CERT_REQUIRED
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
        context.load_verify_locations(cadata=host_pem.decode())
        with tempfile.NamedTemporaryFile("wb", dir=self._dir, delete=False) as handle:
            handle.write(device_cert + b"\n" + _pem_key(device_key()))
            name = handle.name
        try:
            context.load_cert_chain(name)
        finally:
            Path(name).unlink()
        return context.wrap_socket(conn, server_side=True)

    def _serve_lockdown(self, conn: socket.socket, phone: FakePhone) -> None:
        sock: socket.socket = conn
        session: tuple[bytes, bytes] | None = None
        while True:
            try:
                request = _recv_plist(sock)
            except (EOFError, OSError, ssl.SSLError):
                return
            op = request.get("Request")
            self._note(
                "lockdown",
                op,
                domain=request.get("Domain"),
                key=request.get("Key"),
                service=request.get("Service"),
            )
            reply: dict[str, Any] = {"Request": op}
            if op == "QueryType":
                reply["Type"] = "com.apple.mobile.lockdown"
            elif op == "GetValue":
                reply.update(self._get_value(phone, request, session is not None))
            elif op == "StartSession":
                host = request.get("HostID")
                if host not in phone.trusted_hosts:
                    reply["Error"] = "InvalidHostID"
                else:
                    session = phone.trusted_hosts[host]
                    reply.update({"SessionID": str(uuid.uuid4()).upper(), "EnableSessionSSL": True})
                    _send_plist(sock, reply)
                    sock = self._tls_server(sock, session)
                    with self._lock:
                        self._open.append(sock)
                    continue
            elif op == "StopSession":
                pass
            elif op == "StartService":
                name = request.get("Service", "")
                if session is None:
                    reply["Error"] = "InvalidHostID"
                elif phone.locked:
                    reply["Error"] = "PasswordProtected"
                elif name == phone.spec.get("refuse") or name not in READ_ONLY:
                    reply["Error"] = "InvalidService"
                else:
                    with self._lock:
                        port = self._next_port
                        self._next_port += 1
                        self._ports[port] = (phone, name, session)
                    reply.update({"Service": name, "Port": port, "EnableServiceSSL": True})
            elif op == "Pair":
                reply.update(self._pair(phone, request))
            else:
                reply["Error"] = "InvalidRequest"
            _send_plist(sock, reply)

    def _get_value(
        self, phone: FakePhone, request: dict[str, Any], in_session: bool
    ) -> dict[str, Any]:
        domain, key = request.get("Domain"), request.get("Key")
        values = phone.values()
        if domain is None and key == "DevicePublicKey":
            pem = (
                device_key()
                .public_key()
                .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
            )
            return {"Key": key, "Value": pem}
        if not in_session:
            # Without a session lockdown gives only a few values (enough to pair).
            basic = {
                k: values[k]
                for k in ("ProductType", "ProductVersion", "UniqueDeviceID")
                if k in values
            }
            if key is None:
                return {"Value": basic}
            return {"Key": key, "Value": basic[key]} if key in basic else {"Error": "MissingValue"}
        if domain is None and key is None:
            return {"Value": values}
        settings = phone.spec.get("settings", {})
        name = f"{domain}/{key}"
        if name in settings:
            return {"Domain": domain, "Key": key, "Value": settings[name]}
        return {"Domain": domain, "Key": key, "Error": "MissingValue"}

    def _pair(self, phone: FakePhone, request: dict[str, Any]) -> dict[str, Any]:
        trust = phone.spec.get("trust", "accept")
        if phone.locked:
            return {"Error": "PasswordProtected"}
        if phone.pair_polls < int(phone.spec.get("pending_polls", 0)):
            phone.pair_polls += 1
            return {"Error": "PairingDialogResponsePending"}
        if trust == "deny":
            return {"Error": "UserDeniedPairing"}
        if trust == "never":
            return {"Error": "PairingDialogResponsePending"}
        record = request["PairRecord"]
        # The phone keeps the host's root; it will present the device certificate it was given.
        device_cert = x509.load_pem_x509_certificate(record["DeviceCertificate"])
        mine = (
            device_key()
            .public_key()
            .public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        theirs = device_cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if mine != theirs:
            return {"Error": "InvalidPairRecord"}
        phone.trusted_hosts[record["HostID"]] = (
            record["HostCertificate"],
            record["DeviceCertificate"],
        )
        return {"EscrowBag": b"\x00fake-escrow-bag"}

    # -- services --------------------------------------------------------------------------

    def _serve_service(self, conn: socket.socket, port: int) -> None:
        phone, name, host = self._ports.pop(port)
        sock = self._tls_server(conn, host)
        with self._lock:
            self._open.append(sock)
        field_name = {
            "com.apple.mobile.installation_proxy": "Command",
            "com.apple.mobile.MCInstall": "RequestType",
            "com.apple.misagent": "MessageType",
        }[name]
        answers = phone.spec.get("answers", {})
        while True:
            try:
                request = _recv_plist(sock)
            except (EOFError, OSError, ssl.SSLError):
                return
            op = request.get(field_name)
            self._note(name, op, options=request.get("ClientOptions"))
            if phone.spec.get("hang") == name:
                # A service that never answers: wait until the client gives up.
                try:
                    sock.recv(1)
                except OSError:
                    pass
                return
            if name == "com.apple.mobile.installation_proxy" and op == "Browse":
                messages = [m for f in answers.get("browse", []) for m in phone.answer_file(f)]
                for number, message in enumerate(messages):
                    if phone.spec.get("unplug") == name and number == 1:
                        self.phones.remove(phone)  # gone from the device list too
                        sock.close()
                        return
                    _send_plist(sock, message)
            elif name == "com.apple.mobile.MCInstall" and op == "GetProfileList":
                _send_plist(sock, phone.answer_file(answers["profiles"]))
            elif name == "com.apple.mobile.MCInstall" and op == "GetCloudConfiguration":
                _send_plist(sock, phone.answer_file(answers["cloud"]))
            elif name == "com.apple.misagent" and op == "CopyAll":
                blobs = [
                    sign_profile((self.folder / f).read_bytes())
                    for f in answers.get("provisioning", [])
                ]
                _send_plist(sock, {"Status": 0, "Payload": blobs})
            else:
                _send_plist(sock, {"Error": "UnknownCommand", "Status": "Error"})


def _recv(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _recv_plist(sock: socket.socket) -> dict[str, Any]:
    (size,) = struct.unpack(">I", _recv(sock, 4))
    return plistlib.loads(_recv(sock, size))


def _send_plist(sock: socket.socket, message: dict[str, Any]) -> None:
    body = plistlib.dumps(message)
    sock.sendall(struct.pack(">I", len(body)) + body)
