"""The iPhone scan's parts: the read-only guards, the helper's address, profiles, indicators."""

from __future__ import annotations

import datetime as dt
import plistlib
from pathlib import Path

import pytest
from iphone_fakes import FakeUsbmuxd, sign_profile

from safetycheck.android.indicators import (
    IndicatorIndex,
    IndicatorList,
    bundled_folder,
    load_ioc_yaml,
    parse_indicator_file,
)
from safetycheck.iphone import errors, services
from safetycheck.iphone.lockdown import MC_INSTALL, Lockdown
from safetycheck.iphone.pairing import load_record
from safetycheck.iphone.parse import parse_profiles, parse_provisioning
from safetycheck.iphone.provisioning import (
    DEVELOPER,
    ENTERPRISE,
    ProfileFormatError,
    read_profile,
    signed_content,
)
from safetycheck.iphone.usbmux import Address, Usbmux, choose_device, helper_address

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "data" / "iphone"


@pytest.fixture
def managed(tmp_path):
    fake = FakeUsbmuxd(tmp_path, "managed")
    yield fake, Usbmux(Address(path=fake.path), timeout=5.0)
    fake.close()


def _session(mux: Usbmux, tmp_path: Path) -> Lockdown:
    device = choose_device(mux.devices(), None)
    lockdown = Lockdown(mux, device, tmp_path / "tmp")
    found = load_record(tmp_path, mux, device.udid)
    assert found is not None and found[1] == "system"
    lockdown.start_session(found[0], mux.system_buid())
    return lockdown


@pytest.mark.parametrize("request_name", ["SetValue", "RemoveValue", "Unpair", "EnterRecovery"])
def test_lockdown_refuses_requests_that_change_the_phone(managed, tmp_path, request_name):
    fake, mux = managed
    with _session(mux, tmp_path) as lockdown:
        with pytest.raises(errors.NotReadOnlyError):
            lockdown.request(request_name, {"Key": "DeviceName", "Value": "x"})
        with pytest.raises(errors.NotReadOnlyError):
            lockdown.start_service("com.apple.afc")
    assert fake.written() == []
    assert request_name not in fake.requests("lockdown")


@pytest.mark.parametrize(
    ("service", "message"),
    [
        (MC_INSTALL, {"RequestType": "RemoveProfile", "ProfileIdentifier": b"x"}),
        (MC_INSTALL, {"RequestType": "EraseDevice"}),
        ("com.apple.mobile.installation_proxy", {"Command": "Uninstall"}),
        ("com.apple.misagent", {"MessageType": "Remove", "ProfileID": "x"}),
    ],
)
def test_services_refuse_operations_that_change_the_phone(managed, tmp_path, service, message):
    fake, mux = managed
    with _session(mux, tmp_path) as lockdown:
        channel = lockdown.start_service(service)
        try:
            with pytest.raises(errors.NotReadOnlyError):
                services.send_read_only(channel, service, message)
        finally:
            channel.close()
    assert fake.written() == []


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "posix", Address(path="/var/run/usbmuxd")),
        ({}, "windows", Address(host="127.0.0.1", port=27015)),
        ({"USBMUXD_SOCKET_ADDRESS": "UNIX:/tmp/mux"}, "posix", Address(path="/tmp/mux")),
        (
            {"USBMUXD_SOCKET_ADDRESS": "127.0.0.1:27016"},
            "windows",
            Address(host="127.0.0.1", port=27016),
        ),
    ],
)
def test_where_the_usb_helper_listens(environ, platform, expected):
    assert helper_address(environ, platform) == expected


# -- provisioning profiles ------------------------------------------------------------------


def _inner(**changes) -> bytes:
    data = plistlib.loads(
        (RECORDED / "enterprise_watchware/provisioning/brightstar-enterprise.plist").read_bytes()
    )
    data.update(changes)
    return plistlib.dumps(data)


def test_provisioning_profile_is_read_from_its_cms_wrapper():
    inner = _inner()
    blob = sign_profile(inner)
    assert blob.startswith(b"\x30") and signed_content(blob) == inner
    profile = read_profile(blob)
    assert profile.kind == ENTERPRISE
    assert profile.team == "Bright Star Trading Co., Ltd." and profile.team_id == "7QX3BK5R2M"
    assert f"{profile.expires:%Y-%m-%d}" == "2027-03-14"


def test_a_development_profile():
    inner = _inner(
        ProvisionsAllDevices=False,
        ProvisionedDevices=["00008101-000B1C2D3E4F001E"],
        Entitlements={"get-task-allow": True},
    )
    profile = read_profile(sign_profile(inner))
    assert profile.kind == DEVELOPER and profile.device_count == 1


def test_ber_indefinite_lengths_are_read_too():
    """Some CMS writers use BER's indefinite lengths and split octet strings into chunks."""
    inner = plistlib.dumps({"Name": "x", "TeamName": "Example"})

    def indefinite(tag: int, *children: bytes) -> bytes:
        return bytes([tag, 0x80]) + b"".join(children) + b"\x00\x00"

    def tlv(tag: int, content: bytes) -> bytes:
        size = len(content)
        length = bytes([size]) if size < 128 else bytes([0x82]) + size.to_bytes(2, "big")
        return bytes([tag]) + length + content

    chunks = indefinite(0x24, tlv(0x04, inner[:40]), tlv(0x04, inner[40:]))
    encap = indefinite(
        0x30, tlv(0x06, bytes.fromhex("2a864886f70d010701")), indefinite(0xA0, chunks)
    )
    signed = indefinite(0x30, tlv(0x02, b"\x01"), tlv(0x31, b""), encap, tlv(0x31, b""))
    blob = indefinite(
        0x30, tlv(0x06, bytes.fromhex("2a864886f70d010702")), indefinite(0xA0, signed)
    )
    assert signed_content(blob) == inner


def test_damaged_profiles_are_counted_not_fatal():
    good = sign_profile(_inner())
    profiles, unreadable = parse_provisioning(
        {"Status": 0, "Payload": [good, b"\x30\x05junk", "x"]}
    )
    assert len(profiles) == 1 and unreadable == 2
    with pytest.raises(ProfileFormatError):
        read_profile(b"not a profile at all")


def test_profiles_keep_the_phone_s_order_and_skip_inactive_ones():
    answer = plistlib.loads((RECORDED / "managed/MCInstall-GetProfileList.plist").read_bytes())
    answer["ProfileManifest"]["com.example.homeit.proxy"]["IsActive"] = False
    (mdm,) = parse_profiles(answer)
    assert mdm.is_mdm and mdm.organisation == "Home IT" and mdm.removal_disallowed


# -- indicators -----------------------------------------------------------------------------


def test_echap_ios_bundles_are_read_and_matched_case_insensitively():
    apps = load_ioc_yaml((bundled_folder() / "watchware.yaml").read_bytes())
    qustodio = next(a for a in apps if a.name == "Qustodio")
    assert qustodio.ios_bundles == [
        "com.qustodio.par.qustodio-family-parental-control-app",
        "com.qustodio.mdm.app.family.pro",
    ]
    listed = IndicatorList(apps, "watchware.yaml", "Echap watchware")
    index = IndicatorIndex([IndicatorList.from_dict(listed.to_dict())])  # survives storing
    (match,) = index.match_bundle("COM.Life360.SafetyMap")
    assert match.app.name == "Life360" and match.by == "app id"
    assert index.match_bundle("com.life360.android.safetymapd") == []  # Android ids stay Android


def test_a_list_with_only_iphone_ids_can_be_imported():
    apps, _format = parse_indicator_file(
        b"- name: OnlyIOS\n  type: watchware\n  ios_bundles: [com.example.watch]\n"
    )
    assert apps[0].ios_bundles == ["com.example.watch"]


# -- the fast property-list reader ---------------------------------------------------------


def test_fast_plist_reader_gives_what_plistlib_gives():
    from safetycheck.iphone import plist

    files = sorted(RECORDED.rglob("*.plist"))
    assert len(files) >= 13
    for path in files:
        data = path.read_bytes()
        assert plist.loads(data) == plistlib.loads(data), path.name
    tricky = {
        "": "",
        "amp & < > ' \" é 漢字 \U0001f600": ["", {"": {}}, []],
        "numbers": [0, -1, 2**63 - 1, -(2**63), 1.5, -0.0],
        "flags": [True, False],
        "data": [b"", b"\x00\xff" * 100],
        "date": dt.datetime(2027, 3, 14, 9, 12, 40),
        "  spaced  ": "  kept  \n",
    }
    data = plistlib.dumps(tricky)
    assert plist.loads(data) == plistlib.loads(data) == tricky
    binary = plistlib.dumps(tricky, fmt=plistlib.FMT_BINARY)
    assert plist.loads(binary) == tricky
    hex_int = b"<?xml version='1.0'?><plist version='1.0'><integer>0x1F</integer></plist>"
    assert plist.loads(hex_int) == plistlib.loads(hex_int) == 31


def test_fast_plist_reader_refuses_what_plistlib_refuses():
    from safetycheck.iphone import plist

    entity = (
        b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaa">]>'
        b"<plist version='1.0'><string>&a;</string></plist>"
    )
    with pytest.raises(plistlib.InvalidFileException):
        plist.loads(entity)
    with pytest.raises(Exception):  # noqa: B017 - whatever plistlib raises for junk
        plist.loads(b"<plist><dict><key>a</key></dict></plist>")
