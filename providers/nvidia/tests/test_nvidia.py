"""nvidia provider: fixtures, value lists, overrides, tables, cost guards."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest

import variant_detect_nvidia
from variant_detect_nvidia import _decode, _table
from variant_detect_runtime import ReplayProbe
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay

sys.path.insert(0, os.path.dirname(__file__))
from nvidia_testing import FIXTURES, FORCE_CUDA, FORCE_SM, fixture, lower, sm, upper

PLUGIN = variant_detect_nvidia._plugin
DATA = os.path.join(os.path.dirname(variant_detect_nvidia.__file__), "data")
NVIDIA_FIXTURES = fixture_dirs(FIXTURES, "nvidia")


@pytest.fixture(autouse=True)
def _no_force_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (FORCE_CUDA, FORCE_SM, "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("path", NVIDIA_FIXTURES, ids=os.path.basename)
def test_fixture(path: str) -> None:
    check_fixture(PLUGIN, path)


def test_fixtures_span_every_generation() -> None:
    top_cc = set()
    for path in NVIDIA_FIXTURES:
        with open(os.path.join(path, "expected.json")) as handle:
            profile = json.load(handle)["profile"].get("nvidia")
        if profile and "sm_arch" in profile:
            top_cc.add(profile["sm_arch"][0])
    assert {
        "70_real",
        "75_real",
        "80_real",
        "86_real",
        "87_real",
        "89_real",
        "90_real",
        "100_real",
        "120_real",
    } <= top_cc
    assert len(NVIDIA_FIXTURES) >= 23


def test_fixture_readmes_say_where_the_bytes_come_from() -> None:
    for path in NVIDIA_FIXTURES:
        with open(os.path.join(path, "README.md")) as handle:
            text = handle.read()
        assert "derived from public" in text and "no GPU machine" in text, path


def test_table_matches_schema() -> None:
    with open(os.path.join(DATA, "nvidia.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "nvidia.schema.json")) as handle:
        schema = json.load(handle)
    jsonschema.validate(table, schema)
    branches = [row["branch"] for row in table["driver_branches"]]
    assert branches == sorted(set(branches))


@pytest.mark.parametrize(
    ("branch", "cuda"),
    [(535, (12, 2)), (550, (12, 4)), (570, (12, 8)), (575, (12, 9)), (580, (13, 0)), (581, (13, 0)), (470, (11, 4))],
)
def test_driver_branch_table(branch: int, cuda: tuple[int, int]) -> None:
    assert _table.load().native_cuda(branch) == cuda


def test_branch_table_does_not_guess_beyond_its_newest_row() -> None:
    tables = _table.load()
    assert tables.native_cuda(tables.branches[-1][0] + 10) is None
    assert tables.native_cuda(300) is None


def test_all_configs_equal_the_reference_shape() -> None:
    configs = PLUGIN.get_all_configs()
    assert [c.name for c in configs] == ["cuda_version_lower_bound", "cuda_version_upper_bound", "sm_arch"]
    assert [c.multi_value for c in configs] == [False, False, True]
    umd = configs[0].values
    assert len(umd) == 110 and umd[:3] == ["15.20", "15.19", "15.18"] and umd[-2:] == ["11.0", "11"]
    assert configs[1].values == umd
    assert len(configs[2].values) == 160
    assert configs[2].values[0] == "129_real" and configs[2].values[80] == "129_virtual"
    assert configs[2].values[-1] == "50_virtual"


def test_supported_is_subset_of_all() -> None:
    everything = {(c.name, v) for c in PLUGIN.get_all_configs() for v in c.values}
    for path in NVIDIA_FIXTURES:
        for name, values, _multi in replay(PLUGIN, path).features:
            assert {(name, v) for v in values} <= everything, path


EMPTY = "linux-x86_64-generic-nvidia-no-driver"


@pytest.mark.parametrize(
    ("cuda", "cc"),
    [
        ((12, 6), (6, 0)),
        ((12, 8), (9, 0)),
        ((12, 9), (8, 9)),
        ((13, 0), (10, 0)),
        ((13, 0), (12, 0)),
        ((11, 0), (5, 0)),
    ],
)
def test_forced_lists_are_the_reference_lists(cuda: tuple[int, int], cc: tuple[int, int]) -> None:
    env = {FORCE_CUDA: f"{cuda[0]}.{cuda[1]}", FORCE_SM: f"{cc[0]}.{cc[1]}"}
    detection = replay(PLUGIN, fixture(EMPTY), env=env)
    assert detection.as_profile() == {
        "cuda_version_lower_bound": lower(*cuda),
        "cuda_version_upper_bound": upper(*cuda),
        "sm_arch": sm(*cc),
    }
    assert [o["variable"] for o in detection.overrides] == [FORCE_CUDA, FORCE_SM]


def test_force_wins_over_detection_and_is_not_range_checked() -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-sapphirerapids-h100"), env={FORCE_CUDA: "16.2"})
    profile = detection.as_profile()
    # As the reference: 16.x has no upper bound left and a lower bound that starts above 15.20.
    assert list(profile) == ["cuda_version_lower_bound", "sm_arch"]
    assert profile["cuda_version_lower_bound"][:3] == ["16.2", "16.1", "16.0"]
    assert profile["sm_arch"] == ["90_real", "90_virtual"]


def test_forced_sm_alone_needs_a_cuda_version() -> None:
    assert replay(PLUGIN, fixture(EMPTY), env={FORCE_SM: "9.0"}).features == []
    forced = replay(PLUGIN, fixture("linux-x86_64-zen2-a100"), env={FORCE_SM: "12.0"})
    assert forced.as_profile()["sm_arch"] == ["120_real", "120_virtual"]
    assert forced.as_profile()["cuda_version_lower_bound"][0] == "12.8"


def test_forced_cuda_alone_on_a_machine_without_gpu_gives_bounds_only() -> None:
    profile = replay(PLUGIN, fixture(EMPTY), env={FORCE_CUDA: "12"}).as_profile()
    assert profile == {"cuda_version_lower_bound": lower(12, 0), "cuda_version_upper_bound": upper(12, 0)}


@pytest.mark.parametrize("value", ["R580", "twelve", "12.x", ""])
def test_bad_forced_cuda_is_a_warning_and_detection_goes_on(value: str) -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-zen2-a100"), env={FORCE_CUDA: value})
    assert detection.as_profile()["cuda_version_lower_bound"][0] == "12.8"
    if value:
        assert any(FORCE_CUDA in w and repr(value) in w for w in detection.warnings)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        (FORCE_CUDA, "12.999999999"),  # the reference would list ~10**9 values and exhaust memory
        (FORCE_CUDA, "12.99999"),  # 100,023 values in the reference
        (FORCE_CUDA, "100.0"),
        (FORCE_SM, "9.999999999"),
        (FORCE_SM, "100.0"),
    ],
)
def test_forced_numbers_beyond_the_bound_are_a_warning_and_ignored(variable: str, value: str) -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-zen2-a100"), env={variable: value})
    profile = detection.as_profile()
    assert profile["cuda_version_lower_bound"][0] == "12.8" and profile["sm_arch"] == sm(8, 0)
    assert any(variable in w and "at most 99" in w for w in detection.warnings)
    assert detection.overrides == []


def test_the_largest_forced_values_give_bounded_lists() -> None:
    detection = replay(PLUGIN, fixture(EMPTY), env={FORCE_CUDA: "99.99", FORCE_SM: "99.99"})
    profile = detection.as_profile()
    assert profile["cuda_version_lower_bound"][:2] == ["99.99", "99.98"]
    assert len(profile["cuda_version_lower_bound"]) == 100 + 1 + (99 - 11) * 22
    assert len(profile["sm_arch"]) == 101 and "cuda_version_upper_bound" not in profile


@pytest.mark.parametrize("value", ["9", "sm_90", "9.0a"])
def test_bad_forced_sm_is_a_warning(value: str) -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-zen2-a100"), env={FORCE_SM: value})
    assert detection.as_profile()["sm_arch"] == sm(8, 0)
    assert any(FORCE_SM in w for w in detection.warnings)


def test_forced_old_sm_warns_and_drops_sm_arch() -> None:
    detection = replay(PLUGIN, fixture(EMPTY), env={FORCE_CUDA: "11.4", FORCE_SM: "3.7"})
    assert list(detection.as_profile()) == ["cuda_version_lower_bound", "cuda_version_upper_bound"]
    assert any("3.7" in w and "5.0" in w for w in detection.warnings)


def test_both_forced_probe_nothing() -> None:
    # The hanging fixture would warn if anything were asked.
    detection = replay(
        PLUGIN, fixture("linux-x86_64-sapphirerapids-h100-nvml-hang"), env={FORCE_CUDA: "12.9", FORCE_SM: "8.9"}
    )
    assert detection.warnings == []
    assert detection.as_profile()["sm_arch"] == sm(8, 9)


def test_disable_switch() -> None:
    probe = ReplayProbe(fixture("linux-x86_64-sapphirerapids-h100"), overrides={"VARIANT_DETECT_DISABLE": "nvidia"})
    detection = PLUGIN.detect(probe)
    assert detection.features == []
    assert detection.overrides[0]["variable"] == "VARIANT_DETECT_DISABLE"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("580.65.06", (580, 65, 6)),
        ("470.256.02", (470, 256, 2)),
        ("581.57", (581, 57)),
        ("R580", None),
        ("580", None),
        ("580.65.06.1", None),
        ("\x00\xff", None),
        ("", None),
    ],
)
def test_parse_driver_version(text: str, expected: tuple[int, ...] | None) -> None:
    assert _decode.parse_driver_version(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(13000, (13, 0)), (12090, (12, 9)), (11040, (11, 4)), (0, None), (-1, None), ("13000", None)],
)
def test_decode_cuda_version(value: object, expected: tuple[int, int] | None) -> None:
    assert _decode.decode_cuda_version(value) == expected


def test_proc_driver_version_both_module_flavours() -> None:
    open_line = b"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.65.06  Release Build  (x@y)  Sun\n"
    closed_line = b"NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.261.03  Tue Jul  1 00:00:00 UTC 2025\n"
    assert _decode.proc_driver_version(open_line) == "580.65.06"
    assert _decode.proc_driver_version(closed_line) == "535.261.03"
    assert _decode.proc_driver_version(b"garbage\n") is None


def test_module_is_a_plugin_by_itself() -> None:
    for name in ("get_supported_configs", "get_all_configs", "namespace", "all_properties_compatible"):
        assert name in dir(variant_detect_nvidia)
    assert variant_detect_nvidia.namespace == "nvidia"


def test_no_driver_imports_no_binding_and_no_ctypes() -> None:
    """On this driverless machine the live path loads nothing heavy (checked in a fresh interpreter)."""
    heavy = ("ctypes", "pynvml", "variant_detect_nvidia._native", "variant_detect_nvidia._table")
    code = (
        f"HEAVY = {(*heavy, 'variant_detect_nvidia._parse', 'variant_detect_nvidia._answers')!r}\n"
        "import sys, variant_detect_nvidia as m\n"
        "d = m._plugin.detect()\n"
        "assert d.features == [] and d.warnings == [], (d.features, d.warnings)\n"
        "bad = [n for n in HEAVY if n in sys.modules]\n"
        "assert not bad, bad\n"
    )
    if os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidiactl"):
        pytest.skip("this machine has an NVIDIA driver")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NV_VARIANT", "VARIANT_DETECT"))}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
