"""The computer scan's parts: matching, the tool list and its checks, the format readers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from computer_machines import build, lnk, tcc_db

from safetycheck.computer.browsers import grants_all_sites
from safetycheck.computer.macos import tcc_rows
from safetycheck.computer.matching import ToolIndex, normalise_path
from safetycheck.computer.model import AUTOSTART, INSTALLED, PROCESS, SERVICE, Item
from safetycheck.computer.system import FileSystem, RecordedRegistry, recorded_system
from safetycheck.computer.tools import (
    MONITORING,
    REMOTE_ACCESS,
    Tool,
    ToolList,
    ToolListError,
    load_our_list,
    validate_our_list,
)
from safetycheck.computer.windows import lnk_target, parse_ps_date, parse_tasks, program_of
from safetycheck.paths import assets_dir


def _list(*tools: Tool) -> ToolList:
    return ToolList(list(tools), "test list", "test", "credit")


def _tool(tool_id: str, **fields) -> Tool:
    return Tool(
        id=tool_id,
        name=fields.pop("name", tool_id),
        kind=REMOTE_ACCESS,
        list_label="test list",
        **fields,
    )


def test_exact_names_wildcards_and_folders_match() -> None:
    anydesk = _tool(
        "anydesk",
        processes=["AnyDesk.exe"],
        services=["AnyDesk"],
        paths={"windows": ["%ProgramFiles(x86)%\\AnyDesk-*", "C:\\Tools\\AnyDesk"]},
    )
    screen = _tool("sc", services=["ScreenConnect Client (*)"], identifiers=["com.x.*"])
    loose = _tool("loose", paths={"windows": ["*teamviewer*"]})
    index = ToolIndex(
        [_list(anydesk, screen, loose)],
        "windows",
        expand=lambda p: p.replace("%ProgramFiles(x86)%", "C:\\Program Files (x86)"),
    )

    def ids(item: Item) -> list[str]:
        return sorted(m.tool.id for m in index.match_item(item))

    assert ids(Item(PROCESS, "anydesk.EXE")) == ["anydesk"]
    assert ids(Item(SERVICE, "ScreenConnect Client (a1b2c3)")) == ["sc"]
    assert ids(Item(AUTOSTART, "x", identifier="com.x.agent")) == ["sc"]
    assert ids(Item(INSTALLED, "Y", path="C:\\Program Files (x86)\\AnyDesk-acme\\a.exe")) == [
        "anydesk"
    ]
    assert ids(Item(INSTALLED, "Y", path="c:/tools/anydesk/sub/x.exe")) == ["anydesk"]
    assert ids(Item(INSTALLED, "Y", path="C:\\Tools\\AnyDeskOther")) == []  # not the folder
    assert ids(Item(INSTALLED, "Y", path="D:\\my-teamviewer-copy\\tv.exe")) == ["loose"]
    assert ids(Item(PROCESS, "notepad.exe", path="C:\\Windows\\notepad.exe")) == []


def test_program_names_our_list_by_prefix_imported_lists_exactly() -> None:
    ours = _tool("tv", names=["TeamViewer"])
    imported = _tool("box", names=["Box"], exact_names=True)
    index = ToolIndex([_list(ours, imported)], "windows")
    assert [m.tool.id for m in index.match_item(Item(INSTALLED, "TeamViewer 15"))] == ["tv"]
    assert [m.tool.id for m in index.match_item(Item(INSTALLED, "Box"))] == ["box"]
    assert index.match_item(Item(INSTALLED, "Box Drive Tools")) == []
    assert index.match_item(Item(INSTALLED, "TeamViewers Club")) == []


def test_product_words_match_whole_words_anywhere() -> None:
    spy = Tool(id="spyrix", name="Spyrix", kind=MONITORING, list_label="t", words=["spyrix"])
    index = ToolIndex([_list(spy)], "windows")
    assert index.match_item(Item(AUTOSTART, "spm", path="C:\\ProgramData\\Spyrix\\spm.exe"))
    assert index.match_item(Item(INSTALLED, "Spyrix Free Keylogger"))
    assert not index.match_item(Item(INSTALLED, "Spyrixx Tools"))


def test_common_program_names_from_imported_lists_are_ignored() -> None:
    generic = _tool("generic", processes=["setup.exe", "gsrv.exe"], exact_names=True)
    index = ToolIndex([_list(generic)], "windows", ignore_names=["setup.exe"])
    assert not index.match_item(Item(PROCESS, "setup.exe"))
    assert index.match_item(Item(PROCESS, "gsrv.exe"))


def test_normalise_path_is_one_form_for_every_system() -> None:
    assert normalise_path('"C:\\Program Files\\\\X\\"') == "c:/program files/x"
    assert normalise_path("/Applications/X.app/") == "/applications/x.app"


def test_our_list_is_valid_sourced_and_dated() -> None:
    our = load_our_list()
    assert our.updated is not None and our.updated.date() == dt.date(2026, 12, 2)
    kinds = {t.kind for t in our.tools}
    assert kinds == {MONITORING, REMOTE_ACCESS}
    assert sum(t.kind == MONITORING for t in our.tools) >= 15
    for tool in our.tools:
        assert tool.sources and all(s.startswith("https://") for s in tool.sources), tool.id
        assert tool.what.endswith("."), tool.id
    ids = {t.id for t in our.tools}
    assert {"anydesk", "teamviewer", "rustdesk", "chrome-remote-desktop", "spyrix"} <= ids
    readme = (assets_dir() / "computer" / "README.md").read_text(encoding="utf-8")
    assert "LOLRMM" in readme and "Apache" in readme and "2026-12-02" in readme


def test_list_mistakes_name_the_entry_and_the_field() -> None:
    data = {
        "label": "x",
        "reviewed": dt.date(2026, 12, 2),
        "tools": [
            {
                "id": "ok",
                "name": "OK",
                "kind": "remote-access",
                "what": "A tool.",
                "names": ["OK"],
                "sources": ["https://example.org"],
            },
            {
                "id": "Bad Id",
                "name": "",
                "kind": "virus",
                "what": "",
                "sources": ["http://x"],
                "paths": {"amiga": ["x"]},
            },
            {
                "id": "ok",
                "name": "Dup",
                "kind": "monitoring",
                "what": "Dup.",
                "names": ["Dup"],
                "sources": ["https://example.org"],
            },
        ],
    }
    problems = validate_our_list(data, "tools.toml")
    text = "\n".join(problems)
    assert "tools.toml: tool 2 (Bad Id): 'id'" in text
    assert "'kind' should be one of" in text and "'name' is missing" in text
    assert "'sources' should list at least one https:// page" in text
    assert "'paths.amiga' is not a platform" in text
    assert "tool 3 (ok): 'id' is used twice" in text
    assert not [p for p in problems if "tool 1 " in p]


def test_a_broken_list_file_raises_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "tools.toml"
    bad.write_text('label = "x"\nreviewed = 2026-12-02\n[[tools]]\nid = "a"\n', encoding="utf-8")
    with pytest.raises(ToolListError, match="tool 1"):
        load_our_list(bad)


def test_all_sites_permission_is_recognised() -> None:
    for pattern in ("<all_urls>", "*://*/*", "https://*/*", "http://*/"):
        assert grants_all_sites(pattern), pattern
    for pattern in ("https://*.google.com/*", "storage", "file:///*", "https://mail.example/*"):
        assert not grants_all_sites(pattern), pattern


def test_chrome_message_names_and_switched_off_extensions(tmp_path: Path) -> None:
    folder = build(tmp_path, "linux-clean")
    base = folder / "files/home/sam/.config/google-chrome/Default/Extensions/abc/2.0_0"
    (base / "_locales/en").mkdir(parents=True)
    (base / "manifest.json").write_text(
        json.dumps(
            {
                "name": "__MSG_appName__",
                "default_locale": "en",
                "version": "2.0",
                "content_scripts": [{"matches": ["<all_urls>"], "js": ["c.js"]}],
            }
        )
    )
    (base / "_locales/en/messages.json").write_text(json.dumps({"APPNAME": {"message": "Notes"}}))
    from safetycheck.computer.scan import run_scan
    from safetycheck.computer.tools import ToolStore

    result = run_scan(recorded_system(folder), ToolStore(tmp_path / "d").lists())
    extension = next(e for e in result.reading.extensions if e.id == "abc")
    assert extension.name == "Notes" and extension.all_sites and extension.enabled is None
    ublock = next(e for e in result.reading.extensions if e.id.startswith("uBlock"))
    assert ublock.enabled is False and ublock.all_sites
    titles = [f.title for f in result.findings]
    assert "Notes (Google Chrome) can read and change every website you visit." in titles
    assert "Browser add-on: uBlock Origin (Firefox)." in titles  # switched off: for the record


def test_windows_shortcut_target_is_read() -> None:
    data = lnk("C:\\Program Files\\Tool\\tool.exe")
    assert lnk_target(data) == "C:\\Program Files\\Tool\\tool.exe"
    assert lnk_target(b"not a shortcut") == ""
    assert lnk_target(data[:0x50]) == ""


def test_scheduled_tasks_xml_is_parsed_and_entities_refused() -> None:
    output = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<Tasks>\n  <!-- \\Folder\\Job -->\n'
        '  <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">'
        "<Settings><Enabled>false</Enabled></Settings><Actions><Exec><Command>c.exe</Command>"
        "</Exec></Actions></Task>\n</Tasks>\n"
    )
    tasks = parse_tasks(output)
    assert [name for name, _ in tasks] == ["\\Folder\\Job"]
    assert tasks[0][1].find("./Actions/Exec/Command").text == "c.exe"
    assert parse_tasks('<!DOCTYPE x [<!ENTITY a "b">]>' + output) == []


def test_command_lines_and_powershell_dates() -> None:
    assert program_of('"C:\\A B\\x.exe" /y') == "C:\\A B\\x.exe"
    assert program_of("C:\\A B\\x.exe /y") == "C:\\A B\\x.exe"
    assert program_of("rundll32.exe shell32.dll,Control_RunDLL") == "rundll32.exe"
    assert parse_ps_date("/Date(1764662400000)/") == dt.datetime(2025, 12, 2, 8, tzinfo=dt.UTC)
    assert parse_ps_date("2025-12-02T08:00:00Z") == dt.datetime(2025, 12, 2, 8, tzinfo=dt.UTC)
    assert parse_ps_date(None) is None and parse_ps_date("never") is None


def test_recorded_registry_reads_like_winreg() -> None:
    registry = RecordedRegistry(
        {
            "keys": {
                "HKLM\\SOFTWARE\\A\\B": {"Name": "x", "Flags": {"hex": "0300"}, "List": ["a", "b"]},
                "HKLM\\SOFTWARE\\Secret": {"_denied": True},
            }
        }
    )
    assert registry.subkeys("hklm\\software") == ["A", "Secret"]
    assert registry.values("HKLM\\software\\a\\b") == {
        "Name": "x",
        "Flags": b"\x03\x00",
        "List": ["a", "b"],
    }
    assert registry.values("HKLM\\SOFTWARE\\A") == {}
    with pytest.raises(FileNotFoundError):
        registry.values("HKLM\\SOFTWARE\\Missing")
    with pytest.raises(PermissionError):
        registry.subkeys("HKLM\\SOFTWARE\\Secret")


def test_windows_paths_are_found_without_regard_to_case(tmp_path: Path) -> None:
    (tmp_path / "C" / "Program Files" / "Tool").mkdir(parents=True)
    (tmp_path / "C" / "Program Files" / "Tool" / "a.txt").write_text("x")
    fs = FileSystem(tmp_path, windows=True, denied=["C:\\Secret"])
    assert fs.read_text("c:\\PROGRAM FILES\\tool\\A.TXT") == "x"
    assert fs.list_dir("C:\\Program Files") == ["Tool"]
    with pytest.raises(PermissionError):
        fs.list_dir("C:\\secret\\inner")
    with pytest.raises(FileNotFoundError):
        fs.local("C:\\..\\etc")


def test_tcc_database_is_read_from_memory_both_schemas() -> None:
    rows = tcc_rows(
        tcc_db(
            [
                ("kTCCServiceScreenCapture", "com.x", 2, 1700000000),
                ("kTCCServiceAccessibility", "com.y", 0, 1700000000),
            ]
        )
    )
    assert rows == [
        ("kTCCServiceScreenCapture", "com.x", True, 1700000000),
        ("kTCCServiceAccessibility", "com.y", False, 1700000000),
    ]
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE access (service TEXT, client TEXT, client_type INT, allowed INT)")
    db.execute("INSERT INTO access VALUES ('kTCCServiceAccessibility', 'com.z', 0, 1)")
    db.commit()
    old = bytes(db.serialize())
    assert tcc_rows(old) == [("kTCCServiceAccessibility", "com.z", True, None)]
