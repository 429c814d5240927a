"""x86_64 provider: fixtures, parsing, overrides, tables."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

import variant_detect_x86_64
from variant_detect_runtime import ReplayProbe
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay
from variant_detect_x86_64 import _parse, _table
from variant_detect_x86_64._provider import parse_level_cap

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_x86_64.__file__), "data")
PLUGIN = variant_detect_x86_64._plugin

# The 57 feature names the wheelnext x86-64 provider (provider-variant-x86-64,
# plugin.py) emits; wheels built against it must validate against our
# get_all_configs(), so every one of them must be in our table.
WHEELNEXT_NAMES = [
    "avx_vnni",
    "cppc",
    "ibrs_enhanced",
    "tsc_adjust",
    "flush_l1d",
    "movdir64b",
    "movdiri",
    "avx512_bf16",
    "avx512_bitalg",
    "avx512_vbmi2",
    "avx512_vnni",
    "avx512_vp2intersect",
    "avx512_vpopcntdq",
    "avx512ifma",
    "avx512vbmi",
    "rdpid",
    "sha_ni",
    "vaes",
    "vpclmulqdq",
    "clwb",
    "clzero",
    "avx512bw",
    "avx512cd",
    "avx512dq",
    "avx512f",
    "avx512vl",
    "clflushopt",
    "gfni",
    "rdseed",
    "xsavec",
    "xsaveopt",
    "adx",
    "avx2",
    "avx",
    "bmi2",
    "bmi1",
    "abm",
    "f16c",
    "fma",
    "movbe",
    "xsave",
    "rdrand",
    "aes",
    "pclmulqdq",
    "sse4a",
    "fsgsbase",
    "sse4_2",
    "sse4_1",
    "ssse3",
    "sse3",
    "cx16",
    "lahf_lm",
    "popcnt",
    "sse2",
    "sse",
    "mmx",
]

X86_FIXTURES = fixture_dirs(FIXTURES, "x86_64")


def test_enough_fixtures_span_every_level() -> None:
    levels = set()
    for fixture in X86_FIXTURES:
        with open(os.path.join(fixture, "expected.json")) as handle:
            profile = json.load(handle)["profile"].get("x86_64")
        if profile:
            levels.add(profile["level"][0])
    assert levels == {"v1", "v2", "v3", "v4"}
    assert len([f for f in X86_FIXTURES if "generic" not in f]) >= 9


@pytest.mark.parametrize("fixture", X86_FIXTURES, ids=os.path.basename)
def test_fixture(fixture: str) -> None:
    check_fixture(PLUGIN, fixture)


def test_table_matches_schema() -> None:
    with open(os.path.join(DATA, "x86_64.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "x86_64.schema.json")) as handle:
        schema = json.load(handle)
    jsonschema.validate(table, schema)
    names = [row["name"] for row in table["extensions"]]
    assert len(names) == len(set(names)), "duplicate extension rows"


def test_psabi_table_facts() -> None:
    tables = _table.load()
    assert tables.level_names() == ["v1", "v2", "v3", "v4"]
    # archspec's x86_64_v2 list omits SSE3; the psABI requires it.
    assert "pni" in dict(tables.levels)["v2"]
    assert {"abm", "movbe", "xsave"} <= dict(tables.levels)["v3"]


def test_all_configs_cover_wheelnext_names_and_levels() -> None:
    configs = PLUGIN.get_all_configs()
    names = [c.name for c in configs]
    assert names[0] == "level"
    assert configs[0].values == ["v4", "v3", "v2", "v1"]
    assert set(WHEELNEXT_NAMES) <= set(names)
    assert all(c.values == ["on"] for c in configs[1:])


def test_supported_is_subset_of_all() -> None:
    everything = {(c.name, v) for c in PLUGIN.get_all_configs() for v in c.values}
    tables = _table.load()
    by_prefix_rule = set()
    for fixture in X86_FIXTURES:
        detection = replay(PLUGIN, fixture)
        flags = {name for name, _values, _multi in detection.features}
        # Flags the ISA prefix rule reports cannot be listed ahead of time (docs/providers/x86_64.md).
        new = set(_parse.new_isa_flags(frozenset(flags), tables))
        by_prefix_rule |= new
        for name, values, _multi in detection.features:
            if name not in new:
                assert {(name, v) for v in values} <= everything, fixture
    assert {"avx_vnni_int8", "avx_ne_convert"} <= by_prefix_rule  # linux-x86_64-arrowlake-rx9070


@pytest.mark.parametrize(
    ("value", "expected"),
    [("v3", 2), ("3", 2), ("x86-64-v2", 1), ("x86_64_v4", 3), (" V1 ", 0), ("v7", None), ("", None)],
)
def test_parse_level_cap(value: str, expected: int | None) -> None:
    assert parse_level_cap(value, ["v1", "v2", "v3", "v4"]) == expected


def test_level_cap_override_limits_level_and_extensions() -> None:
    fixture = os.path.join(FIXTURES, "linux-x86_64-sapphirerapids")
    detection = replay(PLUGIN, fixture, env={"VARIANT_DETECT_X86_64_LEVEL": "v3"})
    profile = detection.as_profile()
    assert profile["level"] == ["v3", "v2", "v1"]
    assert "avx2" in profile and "fma" in profile
    # Not guaranteed by a generic v3 machine, so gone from a capped profile:
    for name in ("avx512f", "amx_tile", "avx_vnni", "sha_ni", "aes"):
        assert name not in profile
    assert detection.overrides[0]["variable"] == "VARIANT_DETECT_X86_64_LEVEL"


def test_level_cap_above_detected_changes_nothing() -> None:
    fixture = os.path.join(FIXTURES, "linux-x86_64-haswell")
    plain = replay(PLUGIN, fixture).features
    capped = replay(PLUGIN, fixture, env={"VARIANT_DETECT_X86_64_LEVEL": "v4"})
    assert capped.features == plain
    assert capped.overrides == []


def test_bad_level_cap_is_a_warning() -> None:
    fixture = os.path.join(FIXTURES, "linux-x86_64-haswell")
    detection = replay(PLUGIN, fixture, env={"VARIANT_DETECT_X86_64_LEVEL": "fast"})
    assert detection.as_profile()["level"][0] == "v3"
    assert any("VARIANT_DETECT_X86_64_LEVEL" in w and "'fast'" in w for w in detection.warnings)


def _cpuinfo_fixture(tmp_path: os.PathLike[str], text: bytes, name: str = "linux-x86_64-test") -> str:
    root = os.path.join(tmp_path, name)
    os.makedirs(os.path.join(root, "sysroot", "proc"))
    with open(os.path.join(root, "sysroot", "proc", "cpuinfo"), "wb") as handle:
        handle.write(text)
    return root


def test_megabyte_flags_line_is_rejected(tmp_path: os.PathLike[str]) -> None:
    text = b"processor\t: 0\nflags\t\t: " + b"avx2 " * 210_000 + b"\n\n"
    detection = replay(PLUGIN, _cpuinfo_fixture(tmp_path, text))
    assert detection.features == []
    assert any("/proc/cpuinfo" in w and "longer than" in w for w in detection.warnings)


def test_long_but_complete_first_block_on_a_huge_host(tmp_path: os.PathLike[str]) -> None:
    with open(os.path.join(FIXTURES, "linux-x86_64-haswell", "sysroot", "proc", "cpuinfo"), "rb") as h:
        block = h.read().split(b"\n\n")[0] + b"\n\n"
    detection = replay(PLUGIN, _cpuinfo_fixture(tmp_path, block * 400))  # ~900 KiB, 800 "CPUs"
    assert detection.as_profile()["level"][0] == "v3"


def test_flags_line_too_long_for_a_kernel(tmp_path: os.PathLike[str]) -> None:
    text = b"processor\t: 0\nflags\t\t: " + b"sse " * 5000 + b"\n\n"
    detection = replay(PLUGIN, _cpuinfo_fixture(tmp_path, text))
    assert detection.features == []
    assert any("no kernel writes" in w for w in detection.warnings)


def test_empty_flags_line(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _cpuinfo_fixture(tmp_path, b"processor\t: 0\nflags\t\t:\n\n"))
    assert detection.features == []
    assert any("flags line is empty" in w for w in detection.warnings)


def test_block_without_flags(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _cpuinfo_fixture(tmp_path, b"processor\t: 0\nvendor_id\t: X\n\n"))
    assert any("no 'flags' line" in w for w in detection.warnings)


def test_old_cpu_without_v1_gets_no_level_but_keeps_extensions(tmp_path: os.PathLike[str]) -> None:
    # An i686-class flag set reported by a 64-bit kernel in an emulator: no syscall/cx8.
    text = b"processor\t: 0\nflags\t\t: fpu mmx sse sse2 cmov\n\n"
    detection = replay(PLUGIN, _cpuinfo_fixture(tmp_path, text))
    profile = detection.as_profile()
    assert "level" not in profile
    assert profile == {"sse2": ["on"], "sse": ["on"], "mmx": ["on"]}
    assert any("x86-64-v1 needs" in m for _f, _s, m in detection.explanations)


def test_not_x86_machine_gives_nothing_without_warning(tmp_path: os.PathLike[str]) -> None:
    text = b"processor\t: 0\nFeatures\t: fp asimd\n\n"
    detection = replay(PLUGIN, _cpuinfo_fixture(tmp_path, text, name="linux-aarch64-test"))
    assert detection.features == [] and detection.warnings == []


def test_other_os_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "macos-x86_64-test")
    os.makedirs(root)
    detection = replay(PLUGIN, root)
    assert detection.features == []
    assert any("Darwin" in w for w in detection.warnings)


def test_parse_is_pure_first_block_only() -> None:
    text = b"processor : 0\nflags : fpu sse sse2\n\nprocessor : 1\nflags : avx512f\n\n"
    assert _parse.parse_flags(text) == frozenset({"fpu", "sse", "sse2"})


def test_disable_switch(tmp_path: os.PathLike[str]) -> None:
    fixture = os.path.join(FIXTURES, "linux-x86_64-haswell")
    detection = PLUGIN.detect(ReplayProbe(fixture, overrides={"VARIANT_DETECT_DISABLE": "nvidia,x86_64"}))
    assert detection.features == []
    assert detection.overrides[0]["variable"] == "VARIANT_DETECT_DISABLE"


def test_module_is_a_plugin_by_itself() -> None:
    for name in ("get_supported_configs", "get_all_configs", "namespace", "all_properties_compatible"):
        assert name in dir(variant_detect_x86_64)
    assert variant_detect_x86_64.namespace == "x86_64"
    assert variant_detect_x86_64.all_properties_compatible is False
