"""The one way SafetyCheck fetches a file from the internet, and only when asked by name.

Two lists can be updated from the web (Echap's stalkerware indicators, LOLRMM's remote
tools).  Both go through :func:`download`, so the rules are kept in one place:

* https:// only, with the system's certificate checks: a list fetched over http://, or
  from a server nobody vouches for, could be changed on the way by anyone on the network
  (to hide one app, or to fill the list with noise);
* a redirect is followed only to another https:// address;
* a size cap, checked against the announced length before reading and again while
  reading, so a wrong address cannot fill the disk or the memory;
* a time limit for each wait and for the whole download, so a server that answers one
  byte at a time cannot hold the page busy for ever;
* every failure is a :class:`DownloadError` with one plain sentence (never a traceback).

The callers add what is true for them (``The list you had before is still in use.``).
"""

from __future__ import annotations

import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

TIMEOUT_SECONDS = 30.0
#: The whole download, however the server trickles it.
TOTAL_SECONDS = 120.0
_CHUNK_BYTES = 64 * 1024


class DownloadError(Exception):
    """A download did not happen or was stopped; the message is one plain sentence."""


NOT_HTTPS = (
    "The address must start with https://. An address with http:// can be changed on the "
    "way by anyone on the network, so SafetyCheck does not use it."
)
REDIRECTED = "The download was sent on to an address that is not https://, so it was stopped."
FAILED = "The file could not be downloaded. Check the internet connection and the address."
TOO_LARGE = "The downloaded file is far too large to be the list asked for, so it was not used."
TOO_SLOW = "The download took too long, so it was stopped."


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another https:// address."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_https(newurl):
            raise DownloadError(REDIRECTED)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def is_https(url: str) -> bool:
    return urllib.parse.urlparse(url).scheme.lower() == "https"


def download(
    url: str,
    *,
    max_bytes: int,
    timeout: float = TIMEOUT_SECONDS,
    total_seconds: float = TOTAL_SECONDS,
    context: ssl.SSLContext | None = None,
) -> bytes:
    """The bytes at ``url`` (see the module notes for the rules).

    ``context`` defaults to the system's checks (``ssl.create_default_context``, which reads
    ``SSL_CERT_FILE``); a test may pass one that trusts its own server, never a weaker one.
    """
    if not is_https(url):
        raise DownloadError(NOT_HTTPS)
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context or ssl.create_default_context()),
        _HttpsOnlyRedirects(),
    )
    request = urllib.request.Request(url, headers={"User-Agent": "SafetyCheck"})
    deadline = time.monotonic() + total_seconds
    try:
        with opener.open(request, timeout=timeout) as response:
            announced = response.headers.get("Content-Length")
            if announced is not None and announced.strip().isdigit():
                if int(announced) > max_bytes:
                    raise DownloadError(TOO_LARGE)
            parts: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise DownloadError(TOO_SLOW)
                part = response.read1(_CHUNK_BYTES)
                if not part:
                    break
                size += len(part)
                if size > max_bytes:
                    raise DownloadError(TOO_LARGE)
                parts.append(part)
    except DownloadError:
        raise
    except (OSError, ValueError, urllib.error.URLError) as exc:
        # URLError is an OSError; listed for the reader.  ValueError: a malformed address.
        raise DownloadError(FAILED) from exc
    return b"".join(parts)
