"""Bytes on the wire: exact reads with a time limit, a cancel switch, plist messages, TLS.

Every read and write here has a time limit, so a phone or helper that stops answering costs
at most ``timeout`` seconds per step, and every blocking call can be cut short from another
thread with :meth:`Cancel.cancel` (it shuts the open sockets down, which wakes a blocked
``recv`` at once).  Lockdown and its services frame each message as a 4-byte big-endian
length followed by a property list; that framing lives here, once.
"""

from __future__ import annotations

import os
import plistlib
import socket
import ssl
import struct
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from safetycheck.iphone import plist
from safetycheck.iphone.errors import CancelledError, NoAnswerError, TooLongError, UnpluggedError
from safetycheck.paths import ensure_private_dir

DEFAULT_TIMEOUT_SECONDS = 15.0
# No answer from lockdown or its services is anywhere near this; a bigger length is a
# broken stream, not a message to allocate memory for.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class Cancel:
    """A switch another thread can flip to stop a reading at once."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._deadline: float | None = None

    def start_deadline(self, seconds: float) -> None:
        """From now on, every read fails once ``seconds`` have passed (TooLongError)."""
        self._deadline = time.monotonic() + seconds

    def clear_deadline(self) -> None:
        self._deadline = None

    def check_deadline(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise TooLongError()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def check(self) -> None:
        if self._event.is_set():
            raise CancelledError()

    def sleep(self, seconds: float) -> None:
        """Wait, unless cancelled first (then raise)."""
        if self._event.wait(seconds):
            raise CancelledError()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)
        if self._event.is_set():
            self.cancel()

    def forget(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)


def recv_exact(sock: socket.socket, size: int, cancel: Cancel) -> bytes:
    """Read exactly ``size`` bytes, or raise the plain error for what went wrong."""
    chunks: list[bytes] = []
    left = size
    while left:
        cancel.check()
        cancel.check_deadline()
        try:
            chunk = sock.recv(min(left, 1 << 20))
        except TimeoutError as exc:
            cancel.check()
            raise NoAnswerError() from exc
        except OSError as exc:
            cancel.check()
            raise UnpluggedError() from exc
        if not chunk:
            cancel.check()
            raise UnpluggedError()
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def send_all(sock: socket.socket, data: bytes, cancel: Cancel) -> None:
    cancel.check()
    try:
        sock.sendall(data)
    except TimeoutError as exc:
        cancel.check()
        raise NoAnswerError() from exc
    except OSError as exc:
        cancel.check()
        raise UnpluggedError() from exc


def decode_plist(data: bytes) -> dict[str, Any]:
    try:
        value = plist.loads(data)
    except Exception as exc:  # plistlib raises several types for damaged input
        raise UnpluggedError() from exc
    if not isinstance(value, dict):
        raise UnpluggedError()
    return value


class PlistSocket:
    """One connection to lockdown or a service: length-prefixed plists, TLS when asked."""

    def __init__(
        self, sock: socket.socket, cancel: Cancel, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self.sock = sock
        self.cancel = cancel
        sock.settimeout(timeout)
        cancel.watch(sock)

    def send(self, message: Mapping[str, Any]) -> None:
        body = plistlib.dumps(dict(message))
        send_all(self.sock, struct.pack(">I", len(body)) + body, self.cancel)

    def recv(self, timeout: float | None = None) -> dict[str, Any]:
        if timeout is not None:
            self.sock.settimeout(timeout)
        (size,) = struct.unpack(">I", recv_exact(self.sock, 4, self.cancel))
        if size > MAX_MESSAGE_BYTES:
            raise UnpluggedError()
        return decode_plist(recv_exact(self.sock, size, self.cancel))

    def start_tls(self, certificate_pem: bytes, key_pem: bytes, work_dir: Path) -> None:
        """Switch this connection to TLS, showing the phone our pairing certificate.

        The phone's own certificate is not checked: lockdown's certificates have no chain to
        verify against (the phone's was made by the pairing computer).  What proves this
        computer to the phone is our certificate and key from the pair record.
        """
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        # Pair records made by Apple's own software may be signed with SHA-1; OpenSSL's
        # default security level would refuse to present them.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with _key_file(certificate_pem, key_pem, work_dir) as path:
            context.load_cert_chain(str(path))
        self.cancel.forget(self.sock)
        timeout = self.sock.gettimeout()
        try:
            wrapped = context.wrap_socket(self.sock, server_side=False)
        except TimeoutError as exc:
            self.cancel.check()
            raise NoAnswerError() from exc
        except (ssl.SSLError, OSError) as exc:
            self.cancel.check()
            raise UnpluggedError() from exc
        wrapped.settimeout(timeout)
        self.sock = wrapped
        self.cancel.watch(wrapped)

    def close(self) -> None:
        self.cancel.forget(self.sock)
        try:
            self.sock.close()
        except OSError:
            pass


@contextmanager
def _key_file(certificate_pem: bytes, key_pem: bytes, work_dir: Path) -> Iterator[Path]:
    """Python's TLS reads keys only from files: a private file that lives for one call."""
    ensure_private_dir(work_dir)
    path = work_dir / f"tls-{uuid.uuid4().hex}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(certificate_pem.rstrip(b"\n") + b"\n" + key_pem)
        yield path
    finally:
        try:
            path.unlink()
        except OSError:
            pass
