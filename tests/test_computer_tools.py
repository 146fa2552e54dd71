"""Importing and downloading LOLRMM's list, and the scan using it.

The export (``computer_machines.LOLRMM_EXAMPLE``) is written by us in the shape LOLRMM
publishes; its tools and values are made up.
"""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import ssl
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from computer_machines import LOLRMM_EXAMPLE, build
from conftest import run_cli
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from safetycheck.computer.scan import TOOL, run_scan
from safetycheck.computer.system import recorded_system
from safetycheck.computer.tools import (
    LOLRMM_CREDIT,
    LOLRMM_LABEL,
    ToolListError,
    ToolStore,
    download,
    parse_lolrmm,
)

EXPORT = LOLRMM_EXAMPLE


def test_a_lolrmm_export_becomes_our_tools() -> None:
    tools = parse_lolrmm(json.dumps(EXPORT).encode())
    example = tools[0]
    assert example.id == "lolrmm-example-remote" and example.name == "Example Remote"
    assert example.processes == ["exrem.exe", "ExampleRemote.exe"]
    assert example.paths["windows"] == [
        "C:\\Program Files\\Example Remote\\*",
        "%APPDATA%\\ExRem\\*.cfg",
    ]
    assert example.paths["macos"] == ["/Applications/ExRem.app"]
    assert [log.path for log in example.logs] == ["%ProgramData%\\ExRem\\incoming.log"]
    assert example.registry == ["HKLM\\SOFTWARE\\ExRem"]
    assert example.services == ["ExRem Service"]
    assert example.sources == ["https://example-remote.example"]
    assert example.exact_names and example.list_label == LOLRMM_LABEL
    assert example.what == "Example Remote is a remote administration tool."


def test_one_tool_yaml_file_imports_too() -> None:
    text = "Name: Solo\nDetails:\n  PEMetadata:\n    Filename: solo.exe\n"
    assert parse_lolrmm(text.encode())[0].processes == ["solo.exe"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"{{{ not json: [", "not a readable LOLRMM export"),
        (b"[]", "holds no list of tools"),
        (b'[{"Description": "no name"}]', "has no name"),
        (b'[{"Name": "Empty"}]', "no program names or folders"),
    ],
)
def test_a_bad_export_gets_a_clear_error(content: bytes, expected: str) -> None:
    with pytest.raises(ToolListError, match=expected):
        parse_lolrmm(content)


def test_a_bad_import_leaves_the_previous_list(data_dir: Path, tmp_path: Path) -> None:
    store = ToolStore(data_dir)
    good = tmp_path / "rmm_tools.json"
    good.write_text(json.dumps(EXPORT), encoding="utf-8")
    imported = store.import_file(good)
    assert len(imported.tools) == 2 and imported.sha256
    before = store.path.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text("<html>rate limited</html>", encoding="utf-8")
    with pytest.raises(ToolListError):
        store.import_file(bad)
    assert store.path.read_bytes() == before
    labels = [lst.label for lst in store.lists()]
    assert labels == ["SafetyCheck's own list of remote-access and monitoring tools", LOLRMM_LABEL]
    assert store.lists()[1].credit == LOLRMM_CREDIT


def test_the_scan_uses_an_imported_list_and_credits_it(data_dir: Path, tmp_path: Path) -> None:
    machine = build(tmp_path, "windows-clean")
    files = machine / "files" / "C" / "Program Files" / "Example Remote"
    files.mkdir(parents=True)
    (files / "exrem.exe").write_bytes(b"MZ")
    log = machine / "files" / "C" / "ProgramData" / "ExRem" / "incoming.log"
    log.parent.mkdir(parents=True)
    log.write_text("2026-11-30 21:00 incoming from 203.0.113.7\n")
    store = ToolStore(data_dir)
    store.import_bytes(json.dumps(EXPORT).encode(), "rmm_tools.json")
    result = run_scan(recorded_system(machine), store.lists())
    finding = next(f for f in result.findings if f.product == "Example Remote")
    assert finding.level == TOOL and "LOLRMM" in finding.sure
    assert [entry.path for entry in finding.logs] == ["C:\\ProgramData\\ExRem\\incoming.log"]
    assert LOLRMM_CREDIT in result.credits
    assert not [f for f in result.findings if f.product == "Setup Only"]


# -- the one network use: HTTPS only, tested against 127.0.0.1 -------------------------------


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class _Handler(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}
    redirects: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        if self.path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[self.path])
            self.end_headers()
            return
        body = self.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_server(tmp_path: Path):
    cert_file, key_file = _certificate(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = ssl.create_default_context(cafile=str(cert_file))
    yield f"https://127.0.0.1:{server.server_address[1]}", client, cert_file
    server.shutdown()
    server.server_close()
    _Handler.files.clear()
    _Handler.redirects.clear()


def test_download_over_https_from_a_local_server(data_dir: Path, https_server) -> None:
    base, client, _cert = https_server
    _Handler.files["/api/rmm_tools.json"] = json.dumps(EXPORT).encode()
    _Handler.files["/broken.json"] = b"<html>busy</html>"
    _Handler.redirects["/moved"] = "http://127.0.0.1:1/rmm_tools.json"
    store = ToolStore(data_dir)
    updated = store.download(f"{base}/api/rmm_tools.json", context=client)
    assert len(updated.tools) == 2 and updated.source == f"{base}/api/rmm_tools.json"
    before = store.path.read_bytes()
    for bad in (f"{base}/broken.json", f"{base}/missing.json", f"{base}/moved"):
        with pytest.raises(ToolListError):
            store.download(bad, context=client)
        assert store.path.read_bytes() == before


def test_download_refuses_anything_but_https_and_checks_the_certificate(https_server) -> None:
    base, _client, _cert = https_server
    _Handler.files["/x.json"] = json.dumps(EXPORT).encode()
    for address in (base.replace("https", "http") + "/x.json", "file:///etc/passwd", "ftp://x"):
        with pytest.raises(ToolListError, match="must start with https://"):
            download(address)
    with pytest.raises(ToolListError, match="could not be downloaded"):
        download(f"{base}/x.json")  # our test certificate is not trusted by default


def test_cli_download_import_and_show(data_dir: Path, https_server, tmp_path: Path) -> None:
    base, _client, cert = https_server
    _Handler.files["/rmm_tools.json"] = json.dumps(EXPORT).encode()
    result = run_cli(
        "remote-tools",
        "download",
        "--url",
        f"{base}/rmm_tools.json",
        env={"SSL_CERT_FILE": str(cert)},
    )
    assert result.returncode == 0, result.stderr
    assert "This connects to the internet" in result.stdout
    assert "Updated: 2 tools, updated on" in result.stdout and LOLRMM_CREDIT in result.stdout
    shown = run_cli("remote-tools", "show", "--json")
    rows = json.loads(shown.stdout)["lists"]
    assert [r["tools"] for r in rows][1] == 2 and rows[1]["credit"] == LOLRMM_CREDIT
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    failed = run_cli("remote-tools", "import", str(bad))
    assert failed.returncode == 1
    assert "The list you had before is still in use." in failed.stderr


def test_nothing_is_downloaded_unless_asked(data_dir: Path, tmp_path: Path, no_network) -> None:
    machine = build(tmp_path, "linux-planted")
    run_scan(recorded_system(machine), ToolStore(data_dir).lists())
    assert no_network == []


def test_the_case_record_credits_the_lists_a_computer_scan_used(
    tmp_path: Path, data_dir: Path, library
) -> None:
    """Wherever a list is used, its credit goes too: the printed record included."""
    from report_helpers import flat, pdftotext, settings

    from safetycheck.casework import CaseWork
    from safetycheck.computer.scan import scan_report
    from safetycheck.computer.tools import OUR_CREDIT
    from safetycheck.report.export import export_pdf
    from safetycheck.store import CaseStore

    store = ToolStore(data_dir)
    store.import_bytes(json.dumps(LOLRMM_EXAMPLE).encode(), "rmm_tools.json")
    result = run_scan(recorded_system(build(tmp_path, "windows-planted")), store.lists())
    work = CaseWork(data_dir, library, store=CaseStore(data_dir))
    case = work.create("Case CREDIT")
    plain = flat(pdftotext(export_pdf(case, library, settings(), "record", tmp_path / "a.pdf")))
    assert "LOLRMM" not in plain
    work.record_scan(scan_report(result), [0, 2])
    text = flat(pdftotext(export_pdf(case, library, settings(), "record", tmp_path / "b.pdf")))
    assert "KidLogger is on this computer." in text
    assert flat(OUR_CREDIT) in text and flat(LOLRMM_CREDIT) in text
