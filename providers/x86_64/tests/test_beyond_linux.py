"""x86_64 beyond Linux: macOS sysctl, Rosetta 2, Windows CPUID+XGETBV, BSD, 32-bit interpreters."""

from __future__ import annotations

import json
import os
import sys

import jsonschema
import pytest

import variant_detect_x86_64
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay
from variant_detect_x86_64 import _beyond, _table

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_x86_64.__file__), "data")
PLUGIN = variant_detect_x86_64._plugin
BEYOND = [f for f in fixture_dirs(FIXTURES, "x86_64") if not os.path.basename(f).startswith("linux-")]


def test_fixtures_cover_every_os() -> None:
    names = {os.path.basename(f).split("-")[0] for f in BEYOND}
    assert {"macos", "windows", "freebsd"} <= names


@pytest.mark.parametrize("fixture", BEYOND, ids=os.path.basename)
def test_fixture(fixture: str) -> None:
    check_fixture(PLUGIN, fixture)


def test_table_matches_schema() -> None:
    with open(os.path.join(DATA, "beyond.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "beyond.schema.json")) as handle:
        jsonschema.validate(table, json.load(handle))
    flags = [row["flag"] for row in table["cpuid"]]
    assert len(flags) == len(set(flags))
    every_name = {n for names in table["darwin"]["sysctl"].values() for n in names.values()}
    assert every_name <= set(flags) | {"nx", "lm"}, "a Darwin name maps to a flag CPUID cannot give"


def test_every_level_flag_has_a_cpuid_row() -> None:
    from variant_detect_x86_64 import _table

    rows = {row["flag"] for row in _table.load_beyond()["cpuid"]}
    for name, flags in _table.load().levels:
        assert flags <= rows, name


def test_no_xcr0_means_no_avx() -> None:
    fixture = os.path.join(FIXTURES, "windows-amd64-skylakex-xcr0-no-avx512")
    detection = replay(PLUGIN, fixture)
    assert detection.as_profile()["level"][0] == "v3"
    assert any("XCR0 0x7" in message for _f, _s, message in detection.explanations)


def test_linux_path_imports_nothing_beyond() -> None:
    for name in list(sys.modules):
        if name.startswith("variant_detect_x86_64._beyond") or name == "variant_detect_x86_64._native":
            del sys.modules[name]
    replay(PLUGIN, os.path.join(FIXTURES, "linux-x86_64-haswell"))
    assert "variant_detect_x86_64._beyond" not in sys.modules
    assert "variant_detect_x86_64._native" not in sys.modules


@pytest.mark.hardware
@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and os.uname().machine == "x86_64" and os.path.exists("/proc/cpuinfo")),
    reason="needs a Linux x86-64 host to compare CPUID with the kernel's flags",
)
def test_live_cpuid_stub_agrees_with_the_kernel() -> None:
    """The CPUID+XGETBV stub (the Windows/BSD source) read on this host gives the kernel's flags."""
    from variant_detect_runtime import LiveProbe, Report
    from variant_detect_x86_64 import _beyond_probe

    raw = _beyond_probe.BeyondSources()
    _beyond_probe._collect_cpuid(LiveProbe(), raw)
    assert raw.cpuid_error is None
    ours = _beyond.flags_from_cpuid(raw, Report("x86_64"))
    with open("/proc/cpuinfo") as handle:
        block = handle.read().split("\n\n")[0]
    kernel = set(next(line for line in block.splitlines() if line.startswith("flags")).split(":", 1)[1].split())
    known = {row["flag"] for row in _table.load_beyond()["cpuid"]}
    # The kernel may hide a flag CPUID has (clearcpuid=, errata), never the reverse.
    assert (kernel & known) <= ours
