"""The one download path (``safetycheck.download``), against a real HTTPS server on 127.0.0.1."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from local_https import serve

from safetycheck.download import (
    FAILED,
    NOT_HTTPS,
    REDIRECTED,
    TOO_LARGE,
    TOO_SLOW,
    DownloadError,
    download,
)

BODY = b"x" * 5000


def _trusting(site) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(site.cert_file))


def test_https_with_a_trusted_certificate_is_read_whole(tmp_path: Path) -> None:
    with serve(tmp_path) as site:
        site.files["/list"] = BODY
        site.files["/unannounced"] = BODY
        site.unannounced.add("/unannounced")
        site.redirects["/moved"] = f"{site.base}/list"
        for path in ("/list", "/unannounced", "/moved"):
            assert download(site.base + path, max_bytes=len(BODY), context=_trusting(site)) == BODY


def test_the_system_trust_store_is_used_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(tmp_path) as site:
        site.files["/list"] = BODY
        with pytest.raises(DownloadError, match="could not be downloaded"):
            download(f"{site.base}/list", max_bytes=10**6)  # a certificate nobody vouches for
        monkeypatch.setenv("SSL_CERT_FILE", str(site.cert_file))
        assert download(f"{site.base}/list", max_bytes=10**6) == BODY


def test_anything_but_https_is_refused_before_connecting(tmp_path: Path) -> None:
    with serve(tmp_path, https=False) as site:
        site.files["/list"] = BODY
        for address in (f"{site.base}/list", "file:///etc/passwd", "ftp://example.org/x", "x"):
            with pytest.raises(DownloadError) as caught:
                download(address, max_bytes=10**6)
            assert str(caught.value) == NOT_HTTPS
        assert site.requests == []


def test_a_redirect_to_http_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    with serve(tmp_path, https=False) as plain, serve(tmp_path / "s") as site:
        plain.files["/list"] = BODY
        site.redirects["/moved"] = f"{plain.base}/list"
        with pytest.raises(DownloadError) as caught:
            download(f"{site.base}/moved", max_bytes=10**6, context=_trusting(site))
        assert str(caught.value) == REDIRECTED
        assert plain.requests == []


def test_too_large_is_refused_whether_announced_or_not(tmp_path: Path) -> None:
    with serve(tmp_path) as site:
        site.files["/big"] = BODY
        site.files["/big-unannounced"] = BODY
        site.unannounced.add("/big-unannounced")
        for path in ("/big", "/big-unannounced"):
            with pytest.raises(DownloadError) as caught:
                download(site.base + path, max_bytes=len(BODY) - 1, context=_trusting(site))
            assert str(caught.value) == TOO_LARGE


def test_a_server_that_trickles_is_stopped_at_the_total_limit(tmp_path: Path) -> None:
    with serve(tmp_path) as site:
        site.files["/slow"] = b"y" * 400
        site.trickle["/slow"] = 0.02  # 8 seconds for the whole file, each byte well in time
        with pytest.raises(DownloadError) as caught:
            download(
                f"{site.base}/slow",
                max_bytes=10**6,
                timeout=5,
                total_seconds=0.3,
                context=_trusting(site),
            )
        assert str(caught.value) == TOO_SLOW


def test_a_missing_file_or_a_closed_port_is_one_plain_sentence(tmp_path: Path) -> None:
    with serve(tmp_path) as site:
        for address in (f"{site.base}/missing", "https://127.0.0.1:1/list"):
            with pytest.raises(DownloadError) as caught:
                download(address, max_bytes=10**6, context=_trusting(site))
            assert str(caught.value) == FAILED


def test_both_list_updates_use_this_path(tmp_path: Path, data_dir: Path) -> None:
    from safetycheck.android.indicators import IndicatorError, IndicatorStore
    from safetycheck.computer.tools import ToolListError, ToolStore

    with serve(tmp_path) as site:
        site.files["/big"] = b"z" * (60 * 1024 * 1024)  # past both lists' caps
        big = f"{site.base}/big"
        with pytest.raises(IndicatorError, match=r"far too large.*still in use"):
            IndicatorStore(data_dir).update_from_url(big, context=_trusting(site))
        with pytest.raises(ToolListError, match=r"far too large.*still in use"):
            ToolStore(data_dir).download(big, context=_trusting(site))
        assert site.requests == ["/big", "/big"]
