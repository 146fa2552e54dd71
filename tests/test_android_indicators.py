"""Indicator lists: Echap's two formats, the copy that ships, the store and the download."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from pathlib import Path

import pytest
from android_fakes import ECHAP, IOC, WATCHWARE
from conftest import run_cli
from local_https import serve

from safetycheck.android.indicators import (
    CREDIT,
    IndicatorError,
    IndicatorStore,
    bundled_lists,
    load_ioc_yaml,
    load_stix2,
    parse_indicator_file,
)


def stix_bundle(apps: dict[str, dict[str, list[str]]], repeat_ids: bool = True) -> dict:
    """A bundle in the shape Echap's generator publishes (stix2 library output)."""
    objects: list[dict] = []
    n = 0
    for name, indicators in apps.items():
        malware_id = f"malware--{n:08d}-0000-4000-8000-000000000000"
        objects.append(
            {
                "type": "malware",
                "spec_version": "2.1",
                "id": malware_id,
                "created": "2026-06-21T20:40:25.000Z",
                "modified": "2026-06-21T20:40:25.000Z",
                "name": name,
                "description": "Stalkerware applications",
                "is_family": False,
            }
        )
        for key, values in indicators.items():
            for value in values:
                n += 1
                ind_id = f"indicator--{n:08d}-0000-4000-8000-000000000000"
                indicator = {
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": ind_id,
                    "created": "2026-06-21T20:40:25.000Z",
                    "modified": "2026-06-21T20:40:25.000Z",
                    "indicator_types": ["malicious-activity"],
                    "pattern": f"[{key}='{value}']",
                    "pattern_type": "stix",
                    "pattern_version": "2.1",
                    "valid_from": "2026-06-21T20:40:25Z",
                }
                relationship = {
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": f"relationship--{n:08d}-0000-4000-8000-000000000000",
                    "created": "2026-06-21T20:40:25.000Z",
                    "modified": "2026-06-21T20:40:25.000Z",
                    "relationship_type": "indicates",
                    "source_ref": ind_id,
                    "target_ref": malware_id,
                }
                objects += [indicator, relationship]
                if repeat_ids:  # Echap's older generator appended some objects twice
                    objects += [dict(indicator), dict(relationship)]
        n += 1
    return {
        "type": "bundle",
        "id": "bundle--5e5e5e5e-0000-4000-8000-000000000000",
        "objects": objects,
    }


def test_real_ioc_yaml_loads_every_app_and_package() -> None:
    apps = load_ioc_yaml(IOC.read_bytes())
    assert len(apps) == 147
    assert sum(len(a.packages) for a in apps) == 616
    assert len({p.lower() for a in apps for p in a.packages}) == 612
    by_name = {a.name: a for a in apps}
    assert "com.wifi0" in by_name["SpyLive360"].packages
    assert "Copy9" in by_name["TheTruthSpy"].names
    # Two entries write "c2: ip:" instead of "c2: ips:"; their addresses are kept.
    assert "85.10.199.40" in by_name["Ahmyth"].ips
    assert all(len(c) == 40 for a in apps for c in a.certificates)


def test_watchware_yaml_loads_in_the_same_format() -> None:
    apps = load_ioc_yaml(WATCHWARE.read_bytes())
    assert len(apps) == 27
    assert {a.type for a in apps} == {"watchware"}


def test_stix2_bundle_in_published_shape_loads_with_repeated_ids() -> None:
    bundle = stix_bundle(
        {
            "spylive360": {
                "app:id": ["com.wifi0", "com.sl360"],
                "app:cert.sha1": ["74831DFD00000000000000000000000000000000"],
                "domain-name:value": ["spylive360.com"],
                "file:hashes.sha256": ["ab" * 32],
            },
            "mspy": {"app:id": ["com.mspy.lite"]},
        }
    )
    apps, file_format = parse_indicator_file(json.dumps(bundle).encode(), "stalkerware.stix2")
    assert file_format == "stix2"
    by_name = {a.name: a for a in apps}
    assert sorted(by_name["spylive360"].packages) == ["com.sl360", "com.wifi0"]  # no repeats
    assert by_name["spylive360"].certificates == ["74831DFD00000000000000000000000000000000"]
    assert by_name["spylive360"].domains == ["spylive360.com"]
    assert by_name["mspy"].packages == ["com.mspy.lite"]


def test_stix_patterns_with_spaces_and_unknown_types_are_handled() -> None:
    bundle = stix_bundle({"x": {"app:id": ["com.x"]}}, repeat_ids=False)
    bundle["objects"][1]["pattern"] = "[ app:id = 'com.spaced' ]"
    bundle["objects"].append({"type": "x-custom", "id": "x-custom--1"})
    apps = load_stix2(json.dumps(bundle))
    assert apps[0].packages == ["com.spaced"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"- name: A\n  packages: [com.a\n", "YAML mistake near line"),
        (b"just: a mapping\n", "no list of apps"),
        (b"- packages: [com.a]\n", "Entry 1 in this file has no app name"),
        (b'{"type": "bundle", "objects": [', "not a readable STIX"),
        (b'{"type": "report"}', "not a STIX bundle"),
        (b"", "empty"),
        (b"- name: A\n  websites: [a.com]\n", "no app package names"),
    ],
)
def test_malformed_files_get_a_clear_error(content: bytes, expected: str) -> None:
    with pytest.raises(IndicatorError, match=expected):
        parse_indicator_file(content, "list")


def test_bad_import_leaves_the_previous_list_in_place(data_dir: Path, tmp_path: Path) -> None:
    store = IndicatorStore(data_dir)
    first = store.import_file(IOC)
    before = store.path.read_bytes()
    broken = tmp_path / "ioc.yaml"
    broken.write_bytes(IOC.read_bytes()[:5000] + b"\n  - [unclosed\n")
    with pytest.raises(IndicatorError):
        store.import_file(broken)
    assert store.path.read_bytes() == before
    again = store.load()
    assert again is not None and len(again.apps) == len(first.apps) == 147
    assert not list(store.folder.glob(".*.tmp"))


def test_store_keeps_source_date_and_summary(data_dir: Path) -> None:
    store = IndicatorStore(data_dir)
    assert store.load() is None
    assert [lst.label for lst in store.lists()] == [
        "Echap stalkerware indicators",
        "Echap watchware indicators (monitoring apps sold for children or staff)",
    ]
    imported = store.import_file(IOC)
    loaded = store.load()
    assert loaded is not None
    assert loaded.source == "ioc.yaml" and loaded.file_format == "ioc.yaml"
    assert loaded.imported_at == imported.imported_at
    assert len(loaded.sha256) == 64
    assert loaded.summary().startswith("147 known apps, updated on ")


def test_matching_is_case_insensitive_for_packages_and_certificates(data_dir: Path) -> None:
    store = IndicatorStore(data_dir)
    store.import_file(IOC)
    index = store.index()
    assert {m.app.name for m in index.match_package("COM.WIFI0")} == {"SpyLive360"}
    # The imported list replaces the shipped copy of ioc.yaml: one match, not two.
    assert [m.list_label for m in index.match_package("com.wifi0")] == [
        "Echap stalkerware indicators"
    ]
    cert = "31a6ecECD97CF39BC4126B8745CD94A7C30BF81C"
    assert [m.app.name for m in index.match_certificate(cert)] == ["TheTruthSpy"]
    assert [m.app.name for m in index.match_certificate("31:A6:EC:EC" + cert[8:])] == [
        "TheTruthSpy"
    ]
    assert index.match_package("com.whatsapp") == []


def test_shipped_copy_is_echaps_unmodified_files_with_licence_and_source() -> None:
    meta = tomllib.loads((ECHAP / "snapshot.toml").read_text(encoding="utf-8"))
    assert meta["commit"] == "a04c5c1958bff93fec3b1b56edbb412b209f2a38"
    for item in meta["files"]:
        digest = hashlib.sha256((ECHAP / item["name"]).read_bytes()).hexdigest()
        assert digest == item["sha256"], f"{item['name']} differs from the upstream copy"
    licence = (ECHAP / "LICENSE.txt").read_text(encoding="utf-8")
    assert "Attribution 4.0 International" in licence
    source = (ECHAP / "SOURCE.txt").read_text(encoding="utf-8")
    assert meta["commit"] in source and "CC BY 4.0" in source
    assert CREDIT.startswith("Stalkerware indicators by Echap")


def test_shipped_lists_are_the_default_and_dated_by_their_upstream_commit(data_dir: Path) -> None:
    lists = IndicatorStore(data_dir).lists()
    assert [len(lst.apps) for lst in lists] == [147, 27]
    assert all(lst.bundled and lst.dated == dt.date(2026, 6, 21) for lst in lists)
    assert lists[0].summary() == "147 known apps, list of 21 June 2026 (comes with SafetyCheck)"
    # watchware.yaml carries iPhone bundle ids; they are kept for the iPhone scan.
    assert "com.wheremychildren.ios" in {b for a in lists[1].apps for b in a.ios_bundles}
    index = IndicatorStore(data_dir).index()
    assert {m.app.name for m in index.match_package("com.wifi0")} == {"SpyLive360"}


def test_a_list_more_than_six_months_old_says_so_plainly() -> None:
    shipped = bundled_lists()[0]
    assert shipped.age_warning(dt.date(2026, 12, 21)) is None  # exactly six months
    assert shipped.age_in_months(dt.date(2026, 12, 2)) == 5
    warning = shipped.age_warning(dt.date(2026, 12, 22))
    assert warning is not None
    assert "6 months old" in warning and "Update indicators" in warning
    assert "14 months old" in (shipped.age_warning(dt.date(2027, 8, 30)) or "")


def test_cli_show_warns_about_an_old_imported_list(data_dir: Path) -> None:
    store = IndicatorStore(data_dir)
    store.import_file(IOC)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    data["imported_at"] = "2025-01-10T09:00:00+00:00"
    store.path.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("indicators", "show")
    assert result.returncode == 0, result.stderr
    assert "updated on 10 January 2025" in result.stdout
    assert 'Warning: The list "Echap stalkerware indicators" is' in result.stdout
    shown = json.loads(run_cli("indicators", "show", "--json").stdout)
    assert shown["imported"] is True and shown["lists"][0]["stale"] is True


@pytest.fixture
def local_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An HTTPS server on 127.0.0.1 whose certificate this test (and its children) trust."""
    with serve(tmp_path) as site:
        monkeypatch.setenv("SSL_CERT_FILE", str(site.cert_file))
        yield site.base, site.files


def test_update_downloads_from_local_server(data_dir: Path, local_server) -> None:
    base, files = local_server
    files["/ioc.yaml"] = IOC.read_bytes()
    files["/broken.yaml"] = b"<html>Rate limited</html>"
    store = IndicatorStore(data_dir)
    updated = store.update_from_url(f"{base}/ioc.yaml")
    assert len(updated.apps) == 147 and updated.source == f"{base}/ioc.yaml"
    before = store.path.read_bytes()
    plain = base.replace("https://", "http://")
    for bad in (
        f"{base}/broken.yaml",
        f"{base}/missing.yaml",
        "file:///etc/passwd",
        f"{plain}/ioc.yaml",
    ):
        with pytest.raises(IndicatorError):
            store.update_from_url(bad)
        assert store.path.read_bytes() == before


def test_cli_update_uses_the_url_in_settings(data_dir: Path, local_server) -> None:
    from safetycheck.settings import Settings, save_settings

    base, files = local_server
    bundle = stix_bundle({"spylive360": {"app:id": ["com.wifi0"]}})
    files["/stalkerware.stix2"] = json.dumps(bundle).encode()
    save_settings(data_dir, Settings(indicators_url=f"{base}/stalkerware.stix2"))
    result = run_cli("indicators", "update")
    assert result.returncode == 0, result.stderr
    assert "Updated: 1 known app, updated on" in result.stdout
    assert CREDIT in result.stdout


def test_cli_import_and_show(tmp_path: Path) -> None:
    result = run_cli("indicators", "show")
    assert result.returncode == 0
    assert "Echap stalkerware indicators: 147 known apps, list of 21 June 2026" in result.stdout
    assert "come with SafetyCheck" in result.stdout and CREDIT in result.stdout
    shown = json.loads(run_cli("indicators", "show", "--json").stdout)
    assert shown["imported"] is False
    assert [row["shipped_with_safetycheck"] for row in shown["lists"]] == [True, True]
    assert shown["lists"][0]["dated"] == "2026-06-21"
    result = run_cli("indicators", "import", str(IOC))
    assert result.returncode == 0, result.stderr
    assert "Imported: 147 known apps" in result.stdout
    result = run_cli("indicators", "show", "--json")
    data = json.loads(result.stdout)
    assert data["credit"] == CREDIT and data["imported"] is True
    assert data["lists"][0]["apps"] == 147 and data["lists"][0]["packages"] == 612
    assert data["lists"][0]["shipped_with_safetycheck"] is False
    assert data["lists"][1]["apps"] == 27  # the shipped watchware list stays in use
    bad = tmp_path / "bad.stix2"
    bad.write_text('{"type": "bundle", "objects": [}')
    result = run_cli("indicators", "import", str(bad))
    assert result.returncode == 1
    assert "The list you had before is still in use." in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(run_cli("indicators", "show", "--json").stdout)["lists"][0]["apps"] == 147
