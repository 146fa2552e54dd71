"""Talk to the computer's USB helper for iPhones: usbmuxd, or Apple Mobile Device Service.

On macOS and Linux it listens on the Unix socket ``/var/run/usbmuxd`` (on Linux the
``usbmuxd`` package provides it); on Windows, Apple's service (installed with the Apple
Devices app or iTunes) listens on TCP port 27015 of this computer.  libusbmuxd's variable
``USBMUXD_SOCKET_ADDRESS`` (``UNIX:/path`` or ``HOST:PORT``) overrides the place, which is
also how the tests point the scan at a recorded phone.

Messages are usbmuxd's "plist" protocol: a 16-byte little-endian header (length, version 1,
type 8, tag) and an XML property list.  A ``Connect`` turns the connection into a pipe to a
port on the phone.
"""

from __future__ import annotations

import os
import plistlib
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from safetycheck.iphone.errors import (
    LinkBrokenError,
    LinkMissingError,
    NoPhoneError,
    SeveralPhonesError,
    UnpluggedError,
)
from safetycheck.iphone.text import message
from safetycheck.iphone.wire import (
    DEFAULT_TIMEOUT_SECONDS,
    Cancel,
    decode_plist,
    recv_exact,
    send_all,
)

ADDRESS_VARIABLE = "USBMUXD_SOCKET_ADDRESS"
UNIX_SOCKET = "/var/run/usbmuxd"
WINDOWS_ADDRESS = ("127.0.0.1", 27015)
_HEADER = struct.Struct("<IIII")
_VERSION_PLIST = 1
_MESSAGE_PLIST = 8
_RESULT_OK = 0
_RESULT_BAD_DEVICE = 2
_RESULT_REFUSED = 3
PROGRAM_NAME = "SafetyCheck"


@dataclass(frozen=True)
class Address:
    """Where the helper listens: a Unix socket path, or a TCP host and port."""

    path: str | None = None
    host: str = ""
    port: int = 0

    def describe(self) -> str:
        return self.path or f"{self.host}:{self.port}"


def helper_address(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Address:
    env = os.environ if environ is None else environ
    configured = env.get(ADDRESS_VARIABLE, "").strip()
    if configured:
        if configured.upper().startswith("UNIX:"):
            return Address(path=configured[5:])
        host, _, port = configured.rpartition(":")
        if host and port.isdigit():
            return Address(host=host, port=int(port))
        return Address(path=configured)
    if (platform or ("windows" if os.name == "nt" else "posix")) == "windows":
        return Address(host=WINDOWS_ADDRESS[0], port=WINDOWS_ADDRESS[1])
    return Address(path=UNIX_SOCKET)


@dataclass(frozen=True)
class MuxDevice:
    """A phone the helper sees on a USB cable."""

    device_id: int
    udid: str
    connection: str  # "USB" or "Network"


def choose_device(devices: list[MuxDevice], udid: str | None) -> MuxDevice:
    """The one iPhone to read: the one asked for, or the only one on a cable."""
    usb = [d for d in devices if d.connection == "USB"]
    if udid:
        wanted = udid.replace("-", "").lower()
        for device in usb:
            if device.udid.replace("-", "").lower() == wanted:
                return device
        raise NoPhoneError(message("no_such_phone").format(udid=udid))
    if not usb:
        raise NoPhoneError()
    if len(usb) > 1:
        raise SeveralPhonesError()
    return usb[0]


class Usbmux:
    """Requests to the helper; one short connection per request, as libusbmuxd does."""

    def __init__(
        self,
        address: Address | None = None,
        cancel: Cancel | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        platform: str | None = None,
    ) -> None:
        self.address = address or helper_address(platform=platform)
        self.cancel = cancel or Cancel()
        self.timeout = timeout
        self.platform = platform
        self._tag = 0

    def _open(self) -> socket.socket:
        self.cancel.check()
        try:
            if self.address.path is not None:
                if not hasattr(socket, "AF_UNIX"):
                    raise FileNotFoundError(self.address.path)
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                try:
                    sock.connect(self.address.path)
                except OSError:
                    sock.close()
                    raise
            else:
                sock = socket.create_connection(
                    (self.address.host, self.address.port), timeout=self.timeout
                )
        except (FileNotFoundError, ConnectionRefusedError, PermissionError) as exc:
            raise LinkMissingError(message("no_link"), self.platform) from exc
        except TimeoutError as exc:
            raise LinkBrokenError() from exc
        except OSError as exc:
            raise LinkMissingError(message("no_link"), self.platform) from exc
        sock.settimeout(self.timeout)
        self.cancel.watch(sock)
        return sock

    def _send(self, sock: socket.socket, message: Mapping[str, Any]) -> int:
        self._tag += 1
        body = plistlib.dumps(
            {"ClientVersionString": PROGRAM_NAME, "ProgName": PROGRAM_NAME, **message}
        )
        header = _HEADER.pack(_HEADER.size + len(body), _VERSION_PLIST, _MESSAGE_PLIST, self._tag)
        send_all(sock, header + body, self.cancel)
        return self._tag

    def _receive(self, sock: socket.socket) -> dict[str, Any]:
        try:
            length, _version, kind, _tag = _HEADER.unpack(
                recv_exact(sock, _HEADER.size, self.cancel)
            )
            if kind != _MESSAGE_PLIST or not _HEADER.size <= length <= 64 * 1024 * 1024:
                raise LinkBrokenError()
            return decode_plist(recv_exact(sock, length - _HEADER.size, self.cancel))
        except UnpluggedError as exc:
            raise LinkBrokenError() from exc

    def request(self, message: Mapping[str, Any]) -> dict[str, Any]:
        sock = self._open()
        try:
            self._send(sock, message)
            return self._receive(sock)
        finally:
            self.cancel.forget(sock)
            sock.close()

    def devices(self) -> list[MuxDevice]:
        answer = self.request({"MessageType": "ListDevices"})
        found: list[MuxDevice] = []
        seen: set[tuple[str, str]] = set()
        for entry in answer.get("DeviceList", []):
            props = entry.get("Properties", {}) if isinstance(entry, dict) else {}
            udid = str(props.get("SerialNumber", ""))
            connection = str(props.get("ConnectionType", "USB"))
            device_id = entry.get("DeviceID", props.get("DeviceID"))
            if not udid or not isinstance(device_id, int) or (udid, connection) in seen:
                continue
            seen.add((udid, connection))
            found.append(MuxDevice(device_id, udid, connection))
        return found

    def system_buid(self) -> str:
        return str(self.request({"MessageType": "ReadBUID"}).get("BUID", ""))

    def pair_record(self, udid: str) -> dict[str, Any] | None:
        """The pair record Apple's software keeps for this phone, if this computer has one."""
        answer = self.request({"MessageType": "ReadPairRecord", "PairRecordID": udid})
        data = answer.get("PairRecordData")
        if not isinstance(data, bytes):
            return None
        try:
            record = plistlib.loads(data)
        except Exception:
            return None
        return record if isinstance(record, dict) else None

    def connect(self, device: MuxDevice, port: int) -> socket.socket:
        """A socket that is now a pipe to ``port`` on the phone."""
        sock = self._open()
        try:
            # usbmuxd wants the port in network byte order inside the plist integer.
            self._send(
                sock,
                {
                    "MessageType": "Connect",
                    "DeviceID": device.device_id,
                    "PortNumber": socket.htons(port),
                },
            )
            answer = self._receive(sock)
        except BaseException:
            self.cancel.forget(sock)
            sock.close()
            raise
        number = answer.get("Number")
        if answer.get("MessageType") != "Result" or number != _RESULT_OK:
            self.cancel.forget(sock)
            sock.close()
            if number in (_RESULT_BAD_DEVICE, _RESULT_REFUSED):
                raise UnpluggedError()
            raise LinkBrokenError()
        self.cancel.forget(sock)
        return sock
