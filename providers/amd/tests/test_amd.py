"""amd provider: fixtures, KFD decoding, visibility, overrides, tables."""

from __future__ import annotations

import json
import os
import shutil

import jsonschema
import pytest

import variant_detect_amd
from variant_detect_amd import _formats, _parse, _table
from variant_detect_amd._provider import AMDProvider
from variant_detect_runtime import ReplayProbe, Report
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_amd.__file__), "data")
PLUGIN = variant_detect_amd._plugin
AMD_FIXTURES = fixture_dirs(FIXTURES, "amd")

# amd-variant-provider 0.0.2 get_all_configs (plugin.py): every value a wheel
# built against it may carry must validate against our get_all_configs().
WHEELNEXT_GFX = ["gfx900", "gfx906", "gfx908", "gfx90a", "gfx942", "gfx1030", "gfx1100", "gfx1101", "gfx1102"]
WHEELNEXT_GFX += ["gfx1200", "gfx1201"]
WHEELNEXT_ROCM = [f"7.{i}" for i in range(10, -1, -1)] + ["6.4", "6.3"]
# The 14 targets of PyTorch 2.10's rocm7.0/rocm7.1 variants (variant-repack configs).
TORCH_210_GFX = [*WHEELNEXT_GFX, "gfx1150", "gfx1151", "gfx950"]


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


@pytest.mark.parametrize("path", AMD_FIXTURES, ids=os.path.basename)
def test_fixture(path: str) -> None:
    check_fixture(PLUGIN, path)


def test_fixtures_cover_the_issue() -> None:
    targets = set()
    for path in AMD_FIXTURES:
        with open(os.path.join(path, "expected.json")) as handle:
            targets |= set(json.load(handle)["profile"].get("amd", {}).get("gfx_arch", []))
    assert {"gfx942", "gfx90a", "gfx950", "gfx908", "gfx906", "gfx1100", "gfx1151", "gfx1201", "gfx1030"} <= targets
    assert len(AMD_FIXTURES) >= 12


def test_table_matches_schema_and_rule() -> None:
    with open(os.path.join(DATA, "amd.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "amd.schema.json")) as handle:
        schema = json.load(handle)
    jsonschema.validate(table, schema)
    tables = _table.from_json(table)
    names = [row["name"] for row in table["targets"]]
    assert len(names) == len(set(names))
    for row in table["targets"]:
        assert _parse.decode_gfx(row["kfd"], tables) == (row["name"], row["name"]), row
    versions = [tuple(map(int, v.split("."))) for v in tables.rocm_versions]
    assert versions == sorted(versions, reverse=True), "rocm_versions must be highest first"


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (90010, "gfx90a"),
        (90012, "gfx90c"),
        (90402, "gfx942"),
        (90500, "gfx950"),
        (110000, "gfx1100"),
        (110501, "gfx1151"),
        (120001, "gfx1201"),
        (100300, "gfx1030"),
        (90006, "gfx906"),
    ],
)
def test_kfd_decoding_hex_digit_quirk(value: int, name: str) -> None:
    assert _parse.decode_gfx(value, _table.load())[0] == name


@pytest.mark.parametrize("value", [0, 5, 91234, 91600, 130000, 4294967295])
def test_kfd_decoding_rejects_garbage(value: int) -> None:
    assert _parse.decode_gfx(value, _table.load())[0] is None


def test_all_configs_superset_of_wheelnext_and_torch() -> None:
    configs = {c.name: c for c in PLUGIN.get_all_configs()}
    assert set(TORCH_210_GFX) <= set(configs["gfx_arch"].values)
    assert configs["gfx_arch"].multi_value is True
    assert list(configs["rocm_version"].values[: len(WHEELNEXT_ROCM)]) == WHEELNEXT_ROCM
    assert configs["rocm_version"].multi_value is False


def test_supported_is_subset_of_all() -> None:
    everything = {(c.name, v) for c in PLUGIN.get_all_configs() for v in c.values}
    for path in AMD_FIXTURES:
        for name, values, _multi in replay(PLUGIN, path).features:
            assert {(name, v) for v in values} <= everything, path


def test_no_kfd_means_nothing_and_no_warning(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "linux-x86_64-plain")
    os.makedirs(os.path.join(root, "sysroot", "opt", "rocm", ".info"))
    with open(os.path.join(root, "sysroot", "opt", "rocm", ".info", "version"), "w") as handle:
        handle.write("7.0.0-1\n")
    detection = replay(PLUGIN, root)
    assert detection.features == [] and detection.warnings == []


def test_other_os_gives_nothing(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "windows-amd64-test")
    os.makedirs(root)
    detection = replay(PLUGIN, root)
    assert detection.features == [] and detection.warnings == []


# -- overrides ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH": "gfx1100"}, {"gfx_arch": ["gfx1100"], "rocm_version": ["7.0"]}),
        (
            {"AMD_VARIANT_PROVIDER_GFX_ARCH": "gfx90a; gfx942"},
            {"gfx_arch": ["gfx90a", "gfx942"], "rocm_version": ["7.0"]},
        ),
        ({"AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION": "6.4.0"}, {"gfx_arch": ["gfx942"], "rocm_version": ["6.4"]}),
        ({"AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION": "6.3"}, {"gfx_arch": ["gfx942"], "rocm_version": ["6.3"]}),
        ({"AMD_VARIANT_PROVIDER_ROCM_VERSION": "7.1.1-20"}, {"gfx_arch": ["gfx942"], "rocm_version": ["7.1"]}),
        (
            {"AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION": "6.4.0", "AMD_VARIANT_PROVIDER_ROCM_VERSION": "6.3.0"},
            {"gfx_arch": ["gfx942"], "rocm_version": ["6.4"]},
        ),
    ],
)
def test_force_variables(env: dict[str, str], expected: dict[str, list[str]]) -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-zen4-mi300x"), env=env)
    assert detection.as_profile() == expected
    assert detection.warnings == []
    assert {o["variable"] for o in detection.overrides} <= set(env)
    assert detection.overrides


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION", "7"),
        ("AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION", "latest"),
        ("AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION", "7.0.0.0"),
        ("AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION", "99.1"),
        ("AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH", "navi31"),
        ("AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH", "GFX-9000, ;"),
    ],
)
def test_bad_force_value_is_a_warning_not_a_crash(variable: str, value: str) -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-zen4-mi300x"), env={variable: value})
    assert detection.as_profile() == {"gfx_arch": ["gfx942"], "rocm_version": ["7.0"]}
    assert any(variable in w for w in detection.warnings)
    assert detection.overrides == []


def test_force_without_gpu(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "linux-x86_64-builder")
    os.makedirs(os.path.join(root, "sysroot", "opt", "rocm", ".info"))
    with open(os.path.join(root, "sysroot", "opt", "rocm", ".info", "version"), "w") as handle:
        handle.write("6.4.1-83\n")
    forced = replay(PLUGIN, root, env={"AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH": "gfx942,gfx90a:xnack+"})
    assert forced.as_profile() == {"gfx_arch": ["gfx942", "gfx90a"], "rocm_version": ["6.4"]}
    only_version = replay(PLUGIN, root, env={"AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION": "7.0"})
    assert only_version.as_profile() == {"rocm_version": ["7.0"]}


def test_forced_release_without_a_usable_gpu_names_the_detected_one() -> None:
    """The GPUs are there but /dev/kfd is not: ROCm 7.0 is found, not reported, and replaced."""
    path = fixture("linux-x86_64-zen4-mi300x-container-no-kfd")
    assert replay(PLUGIN, path).as_profile() == {}
    forced = replay(PLUGIN, path, env={"AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION": "6.3"})
    assert forced.as_profile() == {"rocm_version": ["6.3"]}
    assert [o["effect"] for o in forced.overrides] == ["rocm_version = 6.3 (detected: 7.0)"]
    bad = replay(PLUGIN, path, env={"AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION": "latest"})
    assert bad.as_profile() == {}
    assert bad.overrides == []


# -- visibility -------------------------------------------------------------------------

MIXED = "linux-x86_64-zen4-w7900-w6800-mixed"


def with_env(tmp_path: os.PathLike[str], name: str, env: dict[str, str]) -> str:
    """A copy of fixture *name* whose env.json holds *env* (only override variables
    leak from the real environment into a replay; these are machine state)."""
    root = os.path.join(tmp_path, name)
    shutil.copytree(fixture(name), root)
    with open(os.path.join(root, "env.json"), "w") as handle:
        json.dump(env, handle)
    return root


@pytest.mark.parametrize(
    ("env", "gfx"),
    [
        ({"ROCR_VISIBLE_DEVICES": "0"}, ["gfx1100"]),
        ({"ROCR_VISIBLE_DEVICES": "GPU-5d4c3b2a1908f7e6"}, ["gfx1030"]),
        ({"ROCR_VISIBLE_DEVICES": "GPU-5D4C"}, ["gfx1030"]),
        ({"HIP_VISIBLE_DEVICES": "1"}, ["gfx1030"]),
        ({"CUDA_VISIBLE_DEVICES": "0"}, ["gfx1100"]),
        ({"HIP_VISIBLE_DEVICES": "1", "CUDA_VISIBLE_DEVICES": "0"}, ["gfx1030"]),
        # HIP indexes into what ROCr left: ROCr keeps only node 2, HIP's 0 is that GPU.
        ({"ROCR_VISIBLE_DEVICES": "1", "HIP_VISIBLE_DEVICES": "0"}, ["gfx1030"]),
        ({"ROCR_VISIBLE_DEVICES": "1,0"}, ["gfx1030", "gfx1100"]),
    ],
)
def test_visibility(tmp_path: os.PathLike[str], env: dict[str, str], gfx: list[str]) -> None:
    detection = replay(PLUGIN, with_env(tmp_path, MIXED, env))
    assert detection.as_profile()["gfx_arch"] == gfx


def test_visibility_hides_all_and_is_reported(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, with_env(tmp_path, MIXED, {"ROCR_VISIBLE_DEVICES": ""}))
    assert detection.features == []
    assert detection.overrides[0]["variable"] == "ROCR_VISIBLE_DEVICES"


def test_visibility_stops_at_a_bad_entry(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, with_env(tmp_path, MIXED, {"HIP_VISIBLE_DEVICES": "1,7,0"}))
    assert detection.as_profile()["gfx_arch"] == ["gfx1030"]
    assert any("HIP_VISIBLE_DEVICES" in w and "'7'" in w for w in detection.warnings)


# -- bad input ----------------------------------------------------------------------------


def _node_fixture(tmp_path: os.PathLike[str], properties: bytes, version: bytes | None = b"6.4.0\n") -> str:
    root = os.path.join(tmp_path, "linux-x86_64-test")
    node = os.path.join(root, "sysroot", "sys", "class", "kfd", "kfd", "topology", "nodes", "1")
    os.makedirs(node)
    with open(os.path.join(node, "properties"), "wb") as handle:
        handle.write(properties)
    os.makedirs(os.path.join(root, "sysroot", "dev", "dri"))
    for device in ("dev/kfd", "dev/dri/renderD128"):
        open(os.path.join(root, "sysroot", device), "w").close()
    if version is not None:
        os.makedirs(os.path.join(root, "sysroot", "opt", "rocm", ".info"))
        with open(os.path.join(root, "sysroot", "opt", "rocm", ".info", "version"), "wb") as handle:
            handle.write(version)
    return root


@pytest.mark.parametrize(
    ("properties", "needle"),
    [
        (b"simd_count 4\ngfx_target_version 0\ndrm_render_minor 128\n", "gfx_target_version is 0"),
        (b"simd_count 4\ngfx_target_version -90402\ndrm_render_minor 128\n", "no numeric gfx_target_version"),
        (b"simd_count 4\ngfx_target_version 99999999999999999999999\n", "no numeric gfx_target_version"),
        (b"\xff\xfe\x00garbage", "not '<key> <unsigned integer>'"),
        (b"gfx_target_version 130000\ndrm_render_minor 128\n", "not in the table of known targets"),
        (b"gfx_target_version " + b"9" * 20_000 + b"\n", "no numeric gfx_target_version"),
    ],
)
def test_bad_properties(tmp_path: os.PathLike[str], properties: bytes, needle: str) -> None:
    detection = replay(PLUGIN, _node_fixture(tmp_path, properties))
    assert detection.features == []
    assert any(needle in w and "nodes/1/properties" in w for w in detection.warnings), detection.warnings


def test_render_node_missing_hides_the_gpu(tmp_path: os.PathLike[str]) -> None:
    root = _node_fixture(tmp_path, b"simd_count 4\ngfx_target_version 90402\ndrm_render_minor 129\n")
    detection = replay(PLUGIN, root)
    assert detection.features == []
    assert any("/dev/dri" in w for w in detection.warnings)


@pytest.mark.parametrize("version", [b"", b"\x00\x01", b"7\n", b"seven.zero\n", b"0.0.0\n", b"7.0" * 200])
def test_bad_version_file(tmp_path: os.PathLike[str], version: bytes) -> None:
    root = _node_fixture(tmp_path, b"simd_count 4\ngfx_target_version 90402\ndrm_render_minor 128\n", version)
    detection = replay(PLUGIN, root)
    assert detection.as_profile() == {"gfx_arch": ["gfx942"]}
    assert any("/opt/rocm/.info/version" in w for w in detection.warnings), detection.warnings


def test_rocm_path_wins_over_opt_rocm(tmp_path: os.PathLike[str]) -> None:
    root = _node_fixture(tmp_path, b"simd_count 4\ngfx_target_version 90402\ndrm_render_minor 128\n", b"6.3.0\n")
    os.makedirs(os.path.join(root, "sysroot", "opt", "rocm-7.0.2", ".info"))
    with open(os.path.join(root, "sysroot", "opt", "rocm-7.0.2", ".info", "version"), "w") as handle:
        handle.write("7.0.2-56\n")
    with open(os.path.join(root, "env.json"), "w") as handle:
        json.dump({"ROCM_PATH": "/opt/rocm-7.0.2/"}, handle)
    detection = replay(PLUGIN, root)
    assert detection.as_profile()["rocm_version"] == ["7.0"]


def test_hip_version_decoding() -> None:
    assert _formats.split_hip_version(60241133) == [6, 2, 41133]
    assert _formats.split_hip_version(70051831) == [7, 0, 51831]


def test_library_fallback_through_hip(tmp_path: os.PathLike[str]) -> None:
    root = _node_fixture(tmp_path, b"simd_count 4\ngfx_target_version 90402\ndrm_render_minor 128\n", None)
    calls = {
        "libraries": {
            "rocm-core": {"load": {"error": "librocm-core.so.1: cannot open shared object file"}},
            "hip": {"calls": [{"function": "hipRuntimeGetVersion", "args": [], "result": 60443483}]},
        }
    }
    with open(os.path.join(root, "calls.json"), "w") as handle:
        json.dump(calls, handle)
    detection = replay(PLUGIN, root)
    assert detection.as_profile() == {"gfx_arch": ["gfx942"], "rocm_version": ["6.4"]}


def test_parse_is_pure() -> None:
    probe = ReplayProbe(fixture("linux-x86_64-zen4-mi300x"), overrides={})
    raw = AMDProvider().collect(probe, Report("amd"))
    first = _parse.parse(raw, _table.load(), Report("amd"))
    assert first == _parse.parse(raw, _table.load(), Report("amd"))
    assert first == [("gfx_arch", ("gfx942",), True), ("rocm_version", ("7.0",), False)]


def test_module_is_a_plugin_by_itself() -> None:
    for name in ("get_supported_configs", "get_all_configs", "namespace", "all_properties_compatible"):
        assert name in dir(variant_detect_amd)
    assert variant_detect_amd.namespace == "amd"
