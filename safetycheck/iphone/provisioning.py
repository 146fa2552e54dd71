"""Read a provisioning profile: a property list wrapped in a CMS (PKCS#7) signature.

misagent hands over each installed profile as the signed file (``.mobileprovision``).  The
property list inside is the signed content (``SignedData.encapContentInfo.eContent``); a
small DER reader takes it out, so no signature library is needed.  Checking Apple's
signature would need Apple's certificates and proves nothing useful here: the phone has
already accepted the profile, and what matters is who it is from and what it allows.
"""

from __future__ import annotations

import datetime as dt
import plistlib
from dataclasses import dataclass
from typing import Any

_SEQUENCE = 0x30
_OCTET_STRING = 0x04
_CONSTRUCTED_OCTET_STRING = 0x24
_CONTEXT_0 = 0xA0
_OID = 0x06
_SIGNED_DATA_OID = bytes.fromhex("2a864886f70d010702")  # 1.2.840.113549.1.7.2

ENTERPRISE = "enterprise"
DEVELOPER = "developer"
AD_HOC = "ad hoc"
OTHER = "other"


class ProfileFormatError(ValueError):
    pass


def _read_tlv(data: bytes, offset: int) -> tuple[int, int, int, int]:
    """(tag, start of content, end of content, end of element) at ``offset``.

    An indefinite length (BER) gives ``end of content`` = -1; the caller walks children.
    """
    if offset + 2 > len(data):
        raise ProfileFormatError("truncated")
    tag = data[offset]
    if tag & 0x1F == 0x1F:
        raise ProfileFormatError("long tags are not used in CMS")
    first = data[offset + 1]
    start = offset + 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        return tag, start, -1, -1
    else:
        count = first & 0x7F
        if count > 4 or start + count > len(data):
            raise ProfileFormatError("bad length")
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    end = start + length
    if end > len(data):
        raise ProfileFormatError("truncated")
    return tag, start, end, end


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """The elements inside a constructed element (definite or indefinite length)."""
    found = []
    offset = start
    while (end == -1 and data[offset : offset + 2] != b"\x00\x00") or (end != -1 and offset < end):
        tag, cstart, cend, after = _read_tlv(data, offset)
        if cend == -1:
            inner = _children(data, cstart, -1)
            after = (inner[-1][3] if inner else cstart) + 2
            cend = after - 2
        found.append((tag, cstart, cend, after))
        offset = after
        if offset > len(data):
            raise ProfileFormatError("truncated")
    return found


def _octets(data: bytes, tag: int, start: int, end: int) -> bytes:
    if tag == _OCTET_STRING:
        return data[start:end]
    if tag == _CONSTRUCTED_OCTET_STRING:
        return b"".join(_octets(data, *child[:3]) for child in _children(data, start, end))
    raise ProfileFormatError("not an octet string")


def signed_content(data: bytes) -> bytes:
    """The content a CMS SignedData signs (its eContent), from DER or BER bytes."""
    tag, start, end, _ = _read_tlv(data, 0)
    if tag != _SEQUENCE:
        raise ProfileFormatError("not CMS")
    info = _children(data, start, end)
    if len(info) < 2 or info[0][0] != _OID or data[info[0][1] : info[0][2]] != _SIGNED_DATA_OID:
        raise ProfileFormatError("not SignedData")
    explicit = _children(data, info[1][1], info[1][2])
    if not explicit or explicit[0][0] != _SEQUENCE:
        raise ProfileFormatError("bad SignedData")
    signed = _children(data, explicit[0][1], explicit[0][2])
    # version, digestAlgorithms, encapContentInfo, ...
    if len(signed) < 3 or signed[2][0] != _SEQUENCE:
        raise ProfileFormatError("bad SignedData")
    encap = _children(data, signed[2][1], signed[2][2])
    if len(encap) < 2 or encap[1][0] != _CONTEXT_0:
        raise ProfileFormatError("no signed content")
    inner = _children(data, encap[1][1], encap[1][2])
    if not inner:
        raise ProfileFormatError("no signed content")
    return _octets(data, *inner[0][:3])


@dataclass(frozen=True)
class ProvisioningProfile:
    name: str
    team: str
    team_id: str
    app_id_name: str
    uuid: str
    kind: str  # ENTERPRISE, DEVELOPER, AD_HOC or OTHER
    expires: dt.datetime | None
    device_count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "team": self.team,
            "team_id": self.team_id,
            "app_id_name": self.app_id_name,
            "uuid": self.uuid,
            "kind": self.kind,
            "expires": self.expires.isoformat() if self.expires else None,
            "device_count": self.device_count,
        }


def _plist_inside(blob: bytes) -> dict[str, Any]:
    try:
        content = signed_content(blob)
    except (ProfileFormatError, IndexError):
        # Not the CMS we expect: fall back to the property list's own markers.
        start = blob.find(b"<?xml")
        stop = blob.find(b"</plist>", start)
        if start < 0 or stop < 0:
            raise ProfileFormatError("no property list inside") from None
        content = blob[start : stop + len(b"</plist>")]
    try:
        value = plistlib.loads(content)
    except Exception as exc:
        raise ProfileFormatError("damaged property list") from exc
    if not isinstance(value, dict):
        raise ProfileFormatError("not a profile")
    return value


def read_profile(blob: bytes) -> ProvisioningProfile:
    data = _plist_inside(blob)
    entitlements = data.get("Entitlements")
    entitlements = entitlements if isinstance(entitlements, dict) else {}
    devices = data.get("ProvisionedDevices")
    device_count = len(devices) if isinstance(devices, list) else 0
    if data.get("ProvisionsAllDevices") is True:
        kind = ENTERPRISE
    elif entitlements.get("get-task-allow") is True:
        kind = DEVELOPER
    elif device_count:
        kind = AD_HOC
    else:
        kind = OTHER
    team_ids = data.get("TeamIdentifier")
    team_id = str(team_ids[0]) if isinstance(team_ids, list) and team_ids else ""
    expires = data.get("ExpirationDate")
    if isinstance(expires, dt.datetime) and expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)  # plist dates are UTC
    return ProvisioningProfile(
        name=str(data.get("Name", "")),
        team=str(data.get("TeamName", "")),
        team_id=team_id,
        app_id_name=str(data.get("AppIDName", "")),
        uuid=str(data.get("UUID", "")),
        kind=kind,
        expires=expires if isinstance(expires, dt.datetime) else None,
        device_count=device_count,
    )
