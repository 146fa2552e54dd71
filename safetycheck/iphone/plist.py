"""Decode the phone's XML property lists about 2.5 times faster than ``plistlib``.

``plistlib`` calls back into Python for every XML element; the app list of a phone with 400
apps is about 0.4 MB of XML and 40,000 elements, which took most of the 50 ms budget for
parsing and matching.  Here expat builds the element tree in C (``xml.etree.ElementTree``)
and one short Python walk turns it into the same values ``plistlib.loads`` gives (tested
against it).  Binary property lists, entity declarations and anything unusual go to
``plistlib`` itself, which either reads them or refuses them the usual way.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import plistlib
import xml.etree.ElementTree as ET
from typing import Any

_BINARY_MAGIC = b"bplist00"


class _Unusual(Exception):
    """Something the fast path does not handle; plistlib decides."""


def _value(element: ET.Element) -> Any:
    tag = element.tag
    if tag == "string":
        return element.text or ""
    if tag == "dict":
        result: dict[str, Any] = {}
        children = list(element)
        if len(children) % 2:
            raise _Unusual()
        for key, value in zip(children[::2], children[1::2], strict=True):
            if key.tag != "key":
                raise _Unusual()
            result[key.text or ""] = _value(value)
        return result
    if tag == "array":
        return [_value(child) for child in element]
    if tag == "true":
        return True
    if tag == "false":
        return False
    if tag == "integer":
        raw = (element.text or "").strip()
        return int(raw, 16) if raw.lower().startswith(("0x", "-0x")) else int(raw)
    if tag == "real":
        return float(element.text or "")
    if tag == "data":
        try:
            return base64.b64decode((element.text or "").encode("ascii"))
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise _Unusual() from exc
    if tag == "date":
        try:
            return dt.datetime.strptime((element.text or "").strip(), "%Y-%m-%dT%H:%M:%SZ")
        except ValueError as exc:
            raise _Unusual() from exc
    raise _Unusual()


def loads(data: bytes) -> Any:
    """The value in an XML or binary property list (as ``plistlib.loads``)."""
    if data.startswith(_BINARY_MAGIC) or b"<!ENTITY" in data:
        return plistlib.loads(data)
    try:
        root = ET.fromstring(data)
        if root.tag != "plist" or len(root) != 1:
            raise _Unusual()
        return _value(root[0])
    except (_Unusual, ET.ParseError, ValueError, TypeError):
        return plistlib.loads(data)
