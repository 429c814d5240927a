"""tpu provider: fixtures, uv's detection rules one by one, the override, the table."""

from __future__ import annotations

import json
import os
from importlib.metadata import version

import jsonschema
import pytest

import variant_detect_tpu
from variant_detect_runtime import ReplayProbe
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay
from variant_detect_tpu._provider import FORCE_ENV

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_tpu.__file__), "data")
PLUGIN = variant_detect_tpu._plugin
ENV = FORCE_ENV
OUR_FIXTURES = fixture_dirs(FIXTURES, "tpu")
PRESENT = {"present": ["true"]}
ABSENT = {"present": ["false"]}
# uv 0.13.9, crates/uv-distribution/src/variant/tpu.rs, TPU_DEVICE_IDS, in its order.
UV_DEVICE_IDS = ["0x0027", "0x0056", "0x005e", "0x0062", "0x0063", "0x006f", "0x0076", "0x0083", "0x007c"]


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def test_the_issue_fixtures_exist() -> None:
    assert {os.path.basename(f) for f in OUR_FIXTURES} >= {
        "linux-x86_64-skylakex-tpu_v3",
        "linux-x86_64-zen-tpu_v4",
        "linux-x86_64-zen4-tpu_v6e",
        "linux-x86_64-sapphirerapids-no-tpu",
    }


@pytest.mark.parametrize("fixture_dir", OUR_FIXTURES, ids=os.path.basename)
def test_fixture(fixture_dir: str) -> None:
    check_fixture(PLUGIN, fixture_dir)
    assert os.path.exists(os.path.join(fixture_dir, "sysroot", "proc", "cpuinfo")), "a whole machine has its CPU"


def _machine(
    tmp_path: os.PathLike[str],
    devices: dict[str, dict[str, bytes]],
    name: str = "linux-x86_64-test",
    errors: dict[str, str] | None = None,
) -> str:
    root = os.path.join(tmp_path, name)
    os.makedirs(os.path.join(root, "sysroot"))
    for slot, attributes in devices.items():
        directory = os.path.join(root, "sysroot", "sys", "bus", "pci", "devices", slot)
        os.makedirs(directory)
        for attribute, data in attributes.items():
            with open(os.path.join(directory, attribute), "wb") as handle:
                handle.write(data)
    if errors:
        with open(os.path.join(root, "file_errors.json"), "w", encoding="utf-8") as handle:
            json.dump(errors, handle)
    return root


def one(vendor: bytes, device: bytes) -> dict[str, dict[str, bytes]]:
    return {"0000:00:05.0": {"vendor": vendor, "device": device}}


@pytest.mark.parametrize("device_id", UV_DEVICE_IDS)
def test_every_device_id_of_uvs_list_is_a_tpu(tmp_path: os.PathLike[str], device_id: str) -> None:
    root = _machine(tmp_path, one(b"0x1ae0\n", device_id.encode() + b"\n"))
    assert replay(PLUGIN, root).as_profile() == PRESENT


@pytest.mark.parametrize(
    ("vendor", "device", "expected"),
    [
        (b"0x1ae0", b"0x0063", PRESENT),  # no newline: trimmed either way
        (b"  0x1ae0 \n", b"\t0x0063\n", PRESENT),  # whitespace trimmed, as uv's trim()
        (b"0x1AE0\n", b"0x0063\n", ABSENT),  # uv compares case-sensitively
        (b"0x1ae0\n", b"0x0042\n", ABSENT),  # gVNIC: Google, not a TPU
        (b"0x10de\n", b"0x0063\n", ABSENT),  # a TPU's device id under another vendor
        (b"0x1ae00\n", b"0x0063\n", ABSENT),  # exact comparison, not a prefix
    ],
)
def test_vendor_and_device_are_compared_as_uv_does(
    tmp_path: os.PathLike[str], vendor: bytes, device: bytes, expected: dict[str, list[str]]
) -> None:
    assert replay(PLUGIN, _machine(tmp_path, one(vendor, device))).as_profile() == expected


def test_unreadable_devices_are_skipped(tmp_path: os.PathLike[str]) -> None:
    devices = {
        "0000:00:04.0": {"vendor": b"0x1ae0\n", "device": b"0x005e\n"},
        "0000:00:05.0": {"vendor": b"\xff\xfe\n", "device": b"0x005e\n"},
        "0000:00:06.0": {"device": b"0x005e\n"},
    }
    errors = {"/sys/bus/pci/devices/0000:00:04.0/device": "EACCES"}
    detection = replay(PLUGIN, _machine(tmp_path, devices, errors=errors))
    assert detection.as_profile() == ABSENT
    assert any("0000:00:04.0/device: cannot read" in w for w in detection.warnings)
    assert any("0000:00:05.0/vendor: not UTF-8" in w for w in detection.warnings)
    devices["0000:00:07.0"] = {"vendor": b"0x1ae0\n", "device": b"0x006f\n"}
    assert replay(PLUGIN, _machine(tmp_path, devices, name="linux-x86_64-b", errors=errors)).as_profile() == PRESENT


def test_no_pci_bus_is_absent_without_warning(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _machine(tmp_path, {}))
    assert detection.as_profile() == ABSENT and detection.warnings == []


def test_unlistable_pci_bus_is_absent_with_a_warning(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _machine(tmp_path, one(b"0x1ae0", b"0x0063"), errors={"/sys/bus/pci/devices": "EACCES"}))
    assert detection.as_profile() == ABSENT
    assert any("/sys/bus/pci/devices: cannot list" in w for w in detection.warnings)


def test_other_systems_answer_false_without_reading(tmp_path: os.PathLike[str]) -> None:
    # uv looks on Linux only; a macOS fixture holding a (nonsensical) TPU entry still says false.
    detection = replay(PLUGIN, _machine(tmp_path, one(b"0x1ae0", b"0x0063"), name="macos-arm64-test"))
    assert detection.as_profile() == ABSENT and detection.warnings == []


# -- TPU_VARIANT_PROVIDER_FORCE_PRESENT, exactly as uv reads it ----------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "warned"),
    [
        ("1", PRESENT, False),
        ("true", PRESENT, False),
        ("TRUE", PRESENT, False),
        ("Yes", PRESENT, False),
        ("YES", PRESENT, False),
        ("0", ABSENT, False),
        ("false", ABSENT, False),
        ("no", ABSENT, False),
        ("", ABSENT, True),  # set but empty: uv reads it as forced, and absent
        (" 1", ABSENT, True),  # uv does not trim
        ("on", ABSENT, True),
        ("2", ABSENT, True),
        ("tru\u0435", ABSENT, True),  # a Cyrillic e: not ASCII "true"
    ],
)
def test_override_decides_alone(value: str, expected: dict[str, list[str]], warned: bool) -> None:
    for name in ("linux-x86_64-zen4-tpu_v6e", "linux-x86_64-sapphirerapids-no-tpu"):
        detection = replay(PLUGIN, fixture(name), env={ENV: value})
        assert detection.as_profile() == expected, (name, value)
        assert detection.overrides[0]["variable"] == ENV
        assert any(ENV in w for w in detection.warnings) is warned


def test_override_warning_is_bounded() -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-zen4-tpu_v6e"), env={ENV: "x" * 10000})
    assert detection.as_profile() == ABSENT
    assert all(len(w) < 300 for w in detection.warnings)


def test_override_applies_off_linux_and_skips_sysfs(tmp_path: os.PathLike[str]) -> None:
    assert replay(PLUGIN, _machine(tmp_path, {}, name="macos-arm64-test"), env={ENV: "1"}).as_profile() == PRESENT
    # An unlistable bus is not even looked at when the override decides.
    root = _machine(tmp_path, {}, name="linux-x86_64-b", errors={"/sys/bus/pci/devices": "EACCES"})
    detection = replay(PLUGIN, root, env={ENV: "yes"})
    assert detection.as_profile() == PRESENT and detection.warnings == []


def test_disable_switch() -> None:
    probe = ReplayProbe(fixture("linux-x86_64-zen4-tpu_v6e"), overrides={"VARIANT_DETECT_DISABLE": "tpu"})
    assert PLUGIN.detect(probe).features == []


# -- the table, the plugin ---------------------------------------------------------------------


def test_table_matches_schema_and_uvs_list() -> None:
    with open(os.path.join(DATA, "tpu.json"), encoding="utf-8") as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "tpu.schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(table, schema)
    assert table["vendor"]["id"] == "0x1ae0"
    assert [row["id"] for row in table["devices"]] == UV_DEVICE_IDS


def test_all_configs() -> None:
    configs = PLUGIN.get_all_configs()
    assert isinstance(configs, list)  # variantlib 0.2.2 rejects a tuple
    assert [(c.name, c.values, c.multi_value) for c in configs] == [("present", ["true", "false"], False)]


def test_stands_in_for_the_version_uv_vendors() -> None:
    assert PLUGIN.stands_in_for == ("tpu-variant-provider==0.1.0",)
    assert not hasattr(PLUGIN, "standin"), "our own answer is the published one: no separate stand-in"


def test_module_is_a_plugin_by_itself() -> None:
    # PEP 850: the entry point names the module; its public names are the plugin API alone.
    module = variant_detect_tpu
    assert {n for n in dir(module) if not n.startswith("_")} == {
        "all_properties_compatible",
        "get_all_configs",
        "get_supported_configs",
        "namespace",
    }
    assert module.namespace == "tpu"
    assert module.all_properties_compatible is False


def test_version_matches_the_distribution() -> None:
    assert version(PLUGIN.distribution) == PLUGIN.version


def test_nothing_on_stdout(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", fixture("linux-x86_64-zen4-tpu_v6e"))
    assert [(c.name, c.values) for c in variant_detect_tpu.get_supported_configs()] == [("present", ["true"])]
    assert capfd.readouterr().out == ""
