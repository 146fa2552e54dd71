"""Parsers of adb and shell output, against the recordings and AOSP's printed formats."""

from __future__ import annotations

from android_fakes import RECORDINGS

from safetycheck.android import parse


def _read(scenario: str, name: str) -> str:
    return (RECORDINGS / scenario / name).read_text(encoding="utf-8")


def test_devices_list_states_and_details() -> None:
    text = (
        "* daemon not running; starting now at tcp:5037\n"
        "* daemon started successfully\n"
        + _read("two_devices", "devices.txt")
        + "emulator-5554\toffline\n"
        + "R58M12ABCDE            unauthorized usb:1-1 transport_id:3\n"
        + "0123456789ABCDEF       no permissions (missing udev rules? user is in the plugdev "
        "group); see [http://developer.android.com/tools/device.html] usb:1-2 transport_id:4\n"
    )
    devices = parse.parse_devices(text)
    assert [(d.serial, d.state) for d in devices] == [
        ("33081FDH2000AB", "device"),
        ("5200e5b5f8a3b4a1", "device"),
        ("emulator-5554", "offline"),
        ("R58M12ABCDE", "unauthorized"),
        ("0123456789ABCDEF", "no permissions"),
    ]
    assert devices[0].model == "Pixel 7" and devices[0].details["product"] == "panther"
    assert devices[0].ready and not devices[3].ready
    assert parse.parse_devices(_read("no_device", "devices.txt")) == []


def test_package_list_with_paths_installers_and_uids() -> None:
    packages = parse.parse_package_list(_read("stalkerware", "pm-list-packages.txt"))
    wifi0 = packages[0]
    assert wifi0.name == "com.wifi0"
    assert wifi0.path.endswith("com.wifi0-q-C29yRZYy55N91XTD2EoA==/base.apk")  # "=" in path
    assert wifi0.installer == "com.android.packageinstaller" and wifi0.uid == 10155
    overlay = next(p for p in packages if p.name == "org.lineageos.overlay.accent.black")
    assert overlay.installer is None and overlay.path.startswith("/product/")
    # Older releases without -f or -U.
    plain = parse.parse_package_list("package:com.a  installer=com.android.vending\npackage:b.c\n")
    assert [(p.name, p.installer, p.uid) for p in plain] == [
        ("com.a", "com.android.vending", None),
        ("b.c", None, None),
    ]


def test_settings_and_component_lists() -> None:
    assert parse.parse_setting("null\n") is None
    assert parse.parse_setting("1\n") == "1"
    value = parse.parse_setting(_read("clean", "secure-enabled_notification_listeners.txt"))
    assert [parse.component_package(c) for c in parse.parse_component_list(value)] == [
        "com.google.android.apps.nexuslauncher",
        "com.android.systemui",
    ]
    assert parse.parse_component_list(None) == []


def test_appops_query_output() -> None:
    assert parse.parse_appops_query("No operations.\n") == []
    assert parse.parse_appops_query("org.fdroid.fdroid\ncom.android.chrome\n") == [
        "org.fdroid.fdroid",
        "com.android.chrome",
    ]


def test_device_policy_real_transcript_and_older_formats() -> None:
    managed = parse.parse_device_policy(_read("managed", "dumpsys-device_policy.txt"))
    assert managed.device_owner == "com.hmdm.launcher"
    assert managed.admins == ["com.hmdm.launcher/.AdminReceiver"]
    # "Packages subject to suspension" lists are not admins.
    assert "com.google.android.youtube" not in managed.admin_packages
    legacy = (
        "Current Device Policy Manager state:\n"
        "  Profile Owner (User 10): \n"
        "    admin=ComponentInfo{com.work.mdm/com.work.mdm.Admin}\n"
        "    name=Work\n"
        "  Enabled Device Admins (User 0, provisioningState: 0):\n"
        "    ComponentInfo{com.legacy.admin/com.legacy.admin.Receiver}:\n"
        "      uid=10001\n"
        "  Enabled Device Admins (User 10, provisioningState: 3):\n"
        "    com.work.mdm/.Admin:\n"
        "      uid=1010123\n"
        "  mPasswordOwner=-1\n"
    )
    policy = parse.parse_device_policy(legacy)
    assert policy.device_owner is None
    assert policy.profile_owners == ["com.work.mdm"]
    assert policy.admin_packages == ["com.legacy.admin", "com.work.mdm"]
    assert parse.parse_device_policy("") == parse.DevicePolicy()


def test_getprop() -> None:
    props = parse.parse_getprop(_read("stalkerware", "getprop.txt"))
    assert props["ro.product.model"] == "SM-A520F"
    assert props["ro.build.version.release"] == "11"
