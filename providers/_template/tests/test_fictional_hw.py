"""fictional_hw provider: fixtures, parsing, overrides, tables, the plugin protocol.

<REPLACE ME>: keep the structure, replace the facts with your device's.
"""

from __future__ import annotations

import json
import os
from importlib.metadata import version

import jsonschema
import pytest
from variant_detect_runtime import ReplayProbe
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay

import variant_detect_fictional_hw
from variant_detect_fictional_hw import _parse, _table
from variant_detect_fictional_hw._probe import ATTRIBUTE_LIMIT
from variant_detect_fictional_hw._provider import ARCHITECTURE_ENV

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
DATA = os.path.join(os.path.dirname(variant_detect_fictional_hw.__file__), "data")
PLUGIN = variant_detect_fictional_hw._plugin
NAMESPACE = PLUGIN.namespace
ENV = ARCHITECTURE_ENV
OUR_FIXTURES = fixture_dirs(FIXTURES, NAMESPACE)
DEEPTHOUGHT = os.path.join(FIXTURES, "linux-x86_64-generic-deepthought")


def test_fixtures_are_found() -> None:
    assert len(OUR_FIXTURES) >= 3


@pytest.mark.parametrize("fixture", OUR_FIXTURES, ids=os.path.basename)
def test_fixture(fixture: str) -> None:
    check_fixture(PLUGIN, fixture)


def test_table_matches_schema() -> None:
    with open(os.path.join(DATA, f"{NAMESPACE}.json"), encoding="utf-8") as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, f"{NAMESPACE}.schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.validate(table, schema)
    names = [row["name"] for row in table["architectures"]]
    assert len(names) == len(set(names)), "an architecture is listed twice"
    aliases = [alias for row in table["architectures"] for alias in row["driver_names"]]
    assert len(aliases) == len(set(aliases)), "a driver name maps to two architectures"
    capabilities = [_parse.capability_key(row["name"]) for row in table["compute_capabilities"]]
    assert capabilities == sorted(set(capabilities)), "capabilities must be unique, lowest first"


def test_every_fixture_is_within_all_configs() -> None:
    everything = {(c.name, v) for c in PLUGIN.get_all_configs() for v in c.values}
    for fixture in OUR_FIXTURES:
        for name, values, _multi in replay(PLUGIN, fixture).features:
            assert {(name, v) for v in values} <= everything, fixture


def test_all_configs() -> None:
    configs = PLUGIN.get_all_configs()
    assert isinstance(configs, list)  # variantlib 0.2.2 rejects a tuple
    assert [c.name for c in configs] == ["architecture", "compute_capability"]
    assert configs[0].values[0] == "deepthought"
    assert configs[1].values[0] == "3.2"
    assert configs[1].values[-1] == "1.0"


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"3.1\n", (3, 1)), (b"10.0", (10, 0)), (b" 2.1 \n", (2, 1))],
)
def test_parse_capability(data: bytes, expected: tuple[int, int]) -> None:
    assert _parse.parse_capability(data) == expected


@pytest.mark.parametrize("data", [b"fast\n", b"3", b"3.", b".1", b"3.1.2", b"1234.0", b"", b"\xff\xfe", b"3.x"])
def test_parse_capability_rejects(data: bytes) -> None:
    with pytest.raises(_parse.FormatError):
        _parse.parse_capability(data)


def test_parse_architecture_uses_the_driver_names() -> None:
    tables = _table.load()
    assert _parse.parse_architecture(b"HAL9000\n", tables) == "hal"
    with pytest.raises(_parse.FormatError, match="unknown architecture 'Marvin'"):
        _parse.parse_architecture(b"Marvin\n", tables)


def _device_fixture(tmp_path: os.PathLike[str], attributes: dict[str, bytes], name: str = "linux-x86_64-test") -> str:
    root = os.path.join(tmp_path, name)
    device = os.path.join(root, "sysroot", "sys", "class", NAMESPACE, "fhw0")
    os.makedirs(device)
    for attribute, data in attributes.items():
        with open(os.path.join(device, attribute), "wb") as handle:
            handle.write(data)
    return root


def test_unknown_architecture_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _device_fixture(tmp_path, {"architecture": b"Marvin\n", "compute_capability": b"2.0\n"}))
    assert detection.as_profile() == {"compute_capability": ["2.0", "1.1", "1.0"]}
    assert any("architecture: unknown architecture 'Marvin'" in w for w in detection.warnings)


def test_missing_attribute_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _device_fixture(tmp_path, {"architecture": b"TARS\n"}))
    assert detection.as_profile() == {"architecture": ["tars", "hal"]}
    assert any(w.endswith("fhw0/compute_capability: not present") for w in detection.warnings)


def test_attribute_longer_than_a_page_is_rejected(tmp_path: os.PathLike[str]) -> None:
    garbage = b"3.1" + b" " * ATTRIBUTE_LIMIT
    detection = replay(PLUGIN, _device_fixture(tmp_path, {"architecture": b"TARS\n", "compute_capability": garbage}))
    assert "compute_capability" not in detection.as_profile()
    assert any("longer than" in w for w in detection.warnings)


def test_capability_newer_than_the_table(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _device_fixture(tmp_path, {"compute_capability": b"4.0\n", "architecture": b"TARS"}))
    assert detection.as_profile()["compute_capability"][0] == "3.2"
    assert any("newer than the table" in message for _f, _s, message in detection.explanations)


def test_unreadable_class_directory_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    root = _device_fixture(tmp_path, {"architecture": b"TARS\n"})
    with open(os.path.join(root, "file_errors.json"), "w", encoding="utf-8") as handle:
        json.dump({f"/sys/class/{NAMESPACE}": "EACCES"}, handle)
    detection = replay(PLUGIN, root)
    assert detection.features == []
    assert any("cannot list" in w for w in detection.warnings)


def test_other_os_gives_nothing_without_warning(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _device_fixture(tmp_path, {"architecture": b"TARS\n"}, name="macos-arm64-test"))
    assert detection.features == [] and detection.warnings == []


def test_override_forces_the_architecture() -> None:
    detection = replay(PLUGIN, DEEPTHOUGHT, env={ENV: "TARS"})
    profile = detection.as_profile()
    assert profile["architecture"] == ["tars", "hal"]
    assert profile["compute_capability"][0] == "3.1"  # untouched
    assert detection.overrides[0]["variable"] == ENV


def test_override_applies_without_a_device() -> None:
    detection = replay(PLUGIN, os.path.join(FIXTURES, "linux-x86_64-generic"), env={ENV: "hal"})
    assert detection.as_profile() == {"architecture": ["hal"]}


def test_bad_override_is_a_warning() -> None:
    detection = replay(PLUGIN, DEEPTHOUGHT, env={ENV: "marvin"})
    assert detection.as_profile()["architecture"][0] == "deepthought"
    assert any(ENV in w and "'marvin'" in w for w in detection.warnings)
    assert detection.overrides == []


def test_disable_switch() -> None:
    detection = PLUGIN.detect(ReplayProbe(DEEPTHOUGHT, overrides={"VARIANT_DETECT_DISABLE": NAMESPACE}))
    assert detection.features == []


def test_nothing_on_stdout(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    # variantlib reads the plugin's answer as JSON on stdout: a stray print corrupts it.
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", DEEPTHOUGHT)
    configs = variant_detect_fictional_hw.get_supported_configs()
    assert isinstance(configs, list)
    assert [c.name for c in configs] == ["architecture", "compute_capability"]
    assert capfd.readouterr().out == ""


def test_module_is_a_plugin_by_itself() -> None:
    for name in ("get_supported_configs", "get_all_configs", "namespace", "all_properties_compatible"):
        assert name in dir(variant_detect_fictional_hw)
    assert variant_detect_fictional_hw.namespace == NAMESPACE
    assert variant_detect_fictional_hw.all_properties_compatible is False


def test_version_matches_the_distribution() -> None:
    assert version(PLUGIN.distribution) == PLUGIN.version
