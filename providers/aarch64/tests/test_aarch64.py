"""aarch64 provider: fixtures, parsing, version inference, overrides, tables."""

from __future__ import annotations

import json
import os
import struct

import jsonschema
import pytest

import variant_detect_aarch64
from variant_detect_aarch64 import _parse, _table, _version
from variant_detect_aarch64._provider import VERSION_ENV
from variant_detect_runtime import ReplayProbe, Report
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_aarch64.__file__), "data")
PLUGIN = variant_detect_aarch64._plugin
AARCH64_FIXTURES = fixture_dirs(FIXTURES, "aarch64")

# The feature names the wheelnext aarch64 provider (provider-variant-aarch64,
# plugin.py all_features) can emit; two of its entries are run-together typos
# ("btiecv", "asimdrdmatomics") that archspec never reports, so they are left
# out here and their halves checked instead.
WHEELNEXT_NAMES = [
    "sve2",
    "flagm2",
    "frint",
    "sb",
    "bti",
    "ecv",
    "paca",
    "pacg",
    "ssbs",
    "asimdfhm",
    "bf16",
    "dcpodp",
    "dgh",
    "dit",
    "flagm",
    "i8mm",
    "ilrcpc",
    "jscvt",
    "rng",
    "sha3",
    "sha512",
    "svebf16",
    "svei8mm",
    "uscat",
    "asimddp",
    "lrcpc",
    "asimdhp",
    "dcpop",
    "fcma",
    "fphp",
    "sve",
    "asimdrdm",
    "atomics",
    "aes",
    "asimd",
    "cpuid",
    "crc32",
    "evtstrm",
    "fp",
    "pmull",
    "sha1",
    "sha2",
]
WHEELNEXT_VERSIONS = ["9.0a", "8.5a", "8.4a", "8.3a", "8.2a", "8.1a", "8a"]


def test_enough_machines() -> None:
    real = [f for f in AARCH64_FIXTURES if "generic" not in os.path.basename(f)]
    assert len([f for f in real if os.path.basename(f).startswith("linux-")]) >= 10
    assert {"macos-arm64-m1", "macos-arm64-m2", "macos-arm64-m3", "macos-arm64-m4"} <= {
        os.path.basename(f) for f in real
    }
    assert any(os.path.basename(f).startswith("windows-") for f in real)


@pytest.mark.parametrize("fixture", AARCH64_FIXTURES, ids=os.path.basename)
def test_fixture(fixture: str) -> None:
    check_fixture(PLUGIN, fixture)


@pytest.mark.parametrize(("table", "schema"), [("aarch64", "aarch64.schema"), ("cores", "cores.schema")])
def test_tables_match_schema(table: str, schema: str) -> None:
    with open(os.path.join(DATA, f"{table}.json")) as handle:
        data = json.load(handle)
    with open(os.path.join(DATA, f"{schema}.json")) as handle:
        jsonschema.validate(data, json.load(handle))


def test_table_is_consistent() -> None:
    tables = _table.load()
    names = [e.name for e in tables.extensions]
    assert len(names) == len(set(names))
    bits = [(e.register, e.bit) for e in tables.extensions]
    assert len(bits) == len(set(bits)), "two extensions on one hwcap bit"
    seen: set[str] = set()
    for level in reversed(tables.levels):  # parents come later in preference order
        assert set(level.parents) <= seen, level.name
        assert level.requires <= tables.extension_names, level.name
        seen.add(level.name)
    cores = _table.load_cores()
    assert all(core.version in tables.by_name for core in cores.by_midr.values())


def test_all_configs_match_wheelnext() -> None:
    configs = PLUGIN.get_all_configs()
    assert configs[0].name == "version"
    values = list(configs[0].values)
    # wheelnext's values appear, in wheelnext's relative order.
    assert [v for v in values if v in WHEELNEXT_VERSIONS] == WHEELNEXT_VERSIONS
    assert set(WHEELNEXT_NAMES) <= {c.name for c in configs}
    assert all(c.values == ["on"] for c in configs[1:])


def test_supported_is_subset_of_all() -> None:
    everything = {(c.name, v) for c in PLUGIN.get_all_configs() for v in c.values}
    for fixture in AARCH64_FIXTURES:
        for name, values, _multi in replay(PLUGIN, fixture).features:
            assert {(name, v) for v in values} <= everything, fixture


# -- version inference ------------------------------------------------------------------


def _versions(features: set[str], core: str | None = None) -> list[str]:
    tables = _table.load()
    report = Report("aarch64")
    cores = [_table.Core("test core", core, "test")] if core else None
    core_set = _version.core_versions(cores, features, tables, report, "test") if cores else None
    return _version.combine(_version.proven(features, tables), core_set, tables, report, "test")


V85 = set(
    [
        "fp",
        "asimd",
        "atomics",
        "asimdrdm",
        "crc32",
        "dcpop",
        "jscvt",
        "fcma",
        "lrcpc",
        "paca",
        "pacg",
        "asimddp",
        "dit",
        "uscat",
        "ilrcpc",
        "flagm",
    ]
) | set(["sb", "frint", "flagm2", "dcpodp", "bti"])


def test_partial_order_86_is_not_below_90() -> None:
    assert _versions(V85 | {"sve", "sve2"}) == ["9.0a", "8.5a", "8.4a", "8.3a", "8.2a", "8.1a", "8a"]
    assert _versions(V85 | {"i8mm", "bf16", "ecv"})[0] == "8.6a"
    both = _versions(V85 | {"sve", "sve2", "i8mm", "bf16", "ecv"})
    assert both[:3] == ["9.0a", "8.6a", "8.5a"]
    assert _versions(V85 | {"sve", "sve2", "i8mm", "bf16", "ecv", "wfxt"})[:3] == ["9.2a", "9.0a", "8.6a"]


def test_sme_without_sve2_is_not_v9() -> None:
    # Apple M4: SME/SME2 but no SVE; a -march=armv9-a wheel would use SVE2.
    assert _versions(V85 | {"i8mm", "bf16", "ecv", "wfxt", "sme", "sme2"}, core="8.6a")[0] == "8.6a"


def test_core_raises_but_never_past_os_enabled_state() -> None:
    v84_no_pac = V85 - {"paca", "pacg", "sb", "frint", "flagm2", "dcpodp", "bti"}
    assert _versions(v84_no_pac)[0] == "8.2a"
    assert _versions(v84_no_pac, core="8.4a")[0] == "8.4a"
    # A 9.0 core whose kernel does not enable SVE: 8.5 at most, never 9.0.
    assert _versions(V85, core="9.0a")[0] == "8.5a"


def test_features_above_core_win_with_a_warning() -> None:
    tables = _table.load()
    report = Report("aarch64")
    core = _version.core_versions([_table.Core("x", "8.2a", "t")], V85, tables, report, "src")
    assert _version.combine(_version.proven(V85, tables), core, tables, report, "src")[0] == "8.5a"
    assert any("above what the core table" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8.2a", "8.2a"),
        ("8.2", "8.2a"),
        ("v8.4a", "8.4a"),
        ("armv9-a", "9.0a"),
        ("9", "9.0a"),
        ("8", "8a"),
        ("armv8.6-a", "8.6a"),
        ("8.7", None),
        ("fast", None),
    ],
)
def test_parse_cap(value: str, expected: str | None) -> None:
    assert _version.parse_cap(value, _table.load().level_names()) == expected


def test_version_cap_limits_version_and_extensions() -> None:
    fixture = os.path.join(FIXTURES, "linux-aarch64-graviton4")
    detection = replay(PLUGIN, fixture, env={VERSION_ENV: "8.2a"})
    profile = detection.as_profile()
    assert profile["version"] == ["8.2a", "8.1a", "8a"]
    assert {"atomics", "dcpop", "asimd"} <= set(profile)
    for name in ("sve2", "sve", "i8mm", "bti", "asimddp", "aes"):
        assert name not in profile
    assert detection.overrides[0]["variable"] == VERSION_ENV


def test_version_cap_above_detected_changes_nothing() -> None:
    fixture = os.path.join(FIXTURES, "linux-aarch64-graviton2")
    capped = replay(PLUGIN, fixture, env={VERSION_ENV: "9.0a"})
    assert capped.features == replay(PLUGIN, fixture).features
    assert capped.overrides == []


def test_bad_version_cap_is_a_warning() -> None:
    detection = replay(PLUGIN, os.path.join(FIXTURES, "linux-aarch64-graviton2"), env={VERSION_ENV: "v10z"})
    assert detection.as_profile()["version"][0] == "8.2a"
    assert any(VERSION_ENV in w and "'v10z'" in w for w in detection.warnings)


# -- parsing --------------------------------------------------------------------------------


def _auxv(pairs: list[tuple[int, int]]) -> bytes:
    return b"".join(struct.pack("<QQ", a, b) for a, b in pairs)


def test_parse_auxv() -> None:
    data = _auxv([(6, 4096), (16, 0b11), (26, 2), (0, 0)])
    assert _parse.parse_auxv(data) == {6: 4096, 16: 3, 26: 2}
    with pytest.raises(_parse.SourceError, match="truncated"):
        _parse.parse_auxv(data[:-3])
    with pytest.raises(_parse.SourceError, match="no AT_NULL"):
        _parse.parse_auxv(data[:-16])


def test_interpreter_check() -> None:
    header64 = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HH", 3, 183)
    header32 = b"\x7fELF\x01\x01\x01" + bytes(9) + struct.pack("<HH", 2, 40)
    assert _parse.interpreter_is_aarch64(header64) is True
    assert _parse.interpreter_is_aarch64(header32) is False
    assert _parse.interpreter_is_aarch64(b"garbage") is None
    assert _parse.interpreter_is_aarch64(None) is None


def test_midr_from_sysfs() -> None:
    assert _parse.midrs_from_sysfs({"cpu0": b"0x00000000413fd0c1\n"}) == {(0x41, 0xD0C)}


def test_big_little_takes_the_weaker_core() -> None:
    tables, cores, report = _table.load(), _table.load_cores(), Report("aarch64")
    known = _parse._known([(0x41, 0xD05), (0x41, 0xD4F)], cores, "t", report)  # A55 + Neoverse V2
    assert known is not None
    assert _version.core_versions(known, V85 | {"sve", "sve2"}, tables, report, "t") == {"8.2a", "8.1a", "8a"}


def test_unknown_core_gives_features_only() -> None:
    assert _parse._known([(0x99, 0x123)], _table.load_cores(), "t", Report("aarch64")) is None


def test_brand_lookup() -> None:
    cores = _table.load_cores()
    assert cores.lookup_brand("Apple M4 Max").name == "Apple M4"  # type: ignore[union-attr]
    assert cores.lookup_brand("Apple M10") is None


def test_not_aarch64_gives_nothing_without_warning() -> None:
    detection = replay(PLUGIN, os.path.join(FIXTURES, "linux-x86_64-haswell"))
    assert detection.features == [] and detection.warnings == []


def test_disable_switch() -> None:
    fixture = os.path.join(FIXTURES, "linux-aarch64-graviton2")
    detection = PLUGIN.detect(ReplayProbe(fixture, overrides={"VARIANT_DETECT_DISABLE": "aarch64"}))
    assert detection.features == []


def test_module_is_a_plugin_by_itself() -> None:
    for name in ("get_supported_configs", "get_all_configs", "namespace", "all_properties_compatible"):
        assert name in dir(variant_detect_aarch64)
    assert variant_detect_aarch64.namespace == "aarch64"
