"""opencl provider: fixtures, version/vendor/type rules, ICD discovery, isolation, overrides."""

from __future__ import annotations

import json
import os
import shutil
import sys

import jsonschema
import pytest

import variant_detect_opencl
from variant_detect_opencl import _native, _parse, _table
from variant_detect_runtime import LibraryCallError, ProbeError, ProbeTimeout, Report
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_opencl.__file__), "data")
PLUGIN = variant_detect_opencl._plugin
OCL_FIXTURES = fixture_dirs(FIXTURES, "opencl")
NVIDIA = "linux-x86_64-zen4-opencl-nvidia-rtx4090"


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


@pytest.mark.parametrize("path", OCL_FIXTURES, ids=os.path.basename)
def test_fixture(path: str) -> None:
    check_fixture(PLUGIN, path)


def test_fixtures_cover_the_issue() -> None:
    names = " ".join(os.path.basename(p) for p in OCL_FIXTURES)
    for needle in ("nvidia", "amd", "intel", "pocl", "no-icd", "icd-broken", "icd-crash", "icd-hang"):
        assert needle in names


def test_table_matches_schema() -> None:
    with open(os.path.join(DATA, "opencl.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "opencl.schema.json")) as handle:
        jsonschema.validate(table, json.load(handle))
    for row in table["vendors"]:
        assert row["hex"] == hex(row["vendor_id"])
    versions = [tuple(map(int, v["version"].split("."))) for v in table["versions"]]
    assert versions == sorted(versions, reverse=True)


def test_supported_is_subset_of_all() -> None:
    everything = {(c.name, v) for c in PLUGIN.get_all_configs() for v in c.values}
    for path in OCL_FIXTURES:
        for name, values, _multi in replay(PLUGIN, path).features:
            assert {(name, v) for v in values} <= everything, path


@pytest.mark.parametrize(
    ("text", "prefix", "expected"),
    [
        ("OpenCL 3.0 CUDA 12.8.97", "OpenCL", (3, 0)),
        ("OpenCL 2.0 ", "OpenCL", (2, 0)),
        ("OpenCL C 1.2 PoCL", "OpenCL C", (1, 2)),
        ("OpenCL C 1.2 ", "OpenCL", None),
        ("OpenCL 3", "OpenCL", None),
        ("OpenCL x.y", "OpenCL", None),
        (None, "OpenCL", None),
        (30, "OpenCL", None),
    ],
)
def test_parse_version(text: object, prefix: str, expected: tuple[int, int] | None) -> None:
    assert _parse.parse_version(text, prefix) == expected


@pytest.mark.parametrize(
    ("version", "c_version", "expected"),
    [
        ((3, 0), (1, 2), ["3.0", "1.2", "1.1", "1.0"]),
        ((3, 0), (3, 0), ["3.0", "2.2", "2.1", "2.0", "1.2", "1.1", "1.0"]),
        ((3, 0), None, ["3.0", "1.2", "1.1", "1.0"]),
        ((2, 1), (2, 0), ["2.1", "2.0", "1.2", "1.1", "1.0"]),
        ((1, 2), (1, 2), ["1.2", "1.1", "1.0"]),
        ((4, 0), (1, 2), ["3.0", "1.2", "1.1", "1.0"]),
    ],
)
def test_supported_versions(version: tuple[int, int], c_version: tuple[int, int] | None, expected: list[str]) -> None:
    device = _parse.Device("p", "d", "gpu", vendor_id=0, version=version, c_version=c_version)
    assert _parse.supported_versions(device, _table.load()) == expected


@pytest.mark.parametrize(
    ("bits", "platform", "name", "kind"),
    [
        (4, "NVIDIA CUDA", "RTX", "gpu"),
        (5, "NVIDIA CUDA", "RTX", "gpu"),  # GPU | DEFAULT
        (2, "Intel(R) OpenCL", "i9", "cpu"),
        (6, "odd", "x", "cpu"),  # CPU wins over GPU when both bits are set
        (8, "Intel(R) FPGA", "fpga", "accelerator"),
        (16, "custom", "x", None),
        # PoCL's CPU driver is a CPU device even if its bits claimed otherwise.
        (4, "Portable Computing Language", "pthread-AMD EPYC", "cpu"),
        (4, "Portable Computing Language", "cpu-haswell-Intel Xeon", "cpu"),
        (4, "Portable Computing Language", "NVIDIA GeForce RTX 4090", "gpu"),  # pocl-cuda
    ],
)
def test_device_kind(bits: int, platform: str, name: str, kind: str | None) -> None:
    assert _parse.device_kind(bits, platform, name, _table.load()) == kind


# -- ICD discovery ------------------------------------------------------------------


def _copy(tmp_path: os.PathLike[str], name: str, env: dict[str, str] | None = None) -> str:
    root = os.path.join(tmp_path, name)
    shutil.copytree(fixture(name), root)
    if env is not None:
        with open(os.path.join(root, "env.json"), "w") as handle:
            json.dump(env, handle)
    return root


def test_ocl_icd_vendors_directory_replaces_the_default(tmp_path: os.PathLike[str]) -> None:
    root = _copy(tmp_path, NVIDIA, {"OCL_ICD_VENDORS": "/opt/vendors"})
    shutil.move(os.path.join(root, "sysroot", "etc", "OpenCL", "vendors"), os.path.join(root, "sysroot", "opt"))
    assert replay(PLUGIN, root).as_profile()["gpu_vendor"] == ["nvidia"]


def test_ocl_icd_vendors_pointing_nowhere_means_no_opencl_query(tmp_path: os.PathLike[str]) -> None:
    # A bare .icd name is looked up in /etc/OpenCL/vendors; a missing one is an unreadable ICD.
    root = _copy(tmp_path, NVIDIA, {"OCL_ICD_VENDORS": "missing.icd"})
    detection = replay(PLUGIN, root)
    assert any("missing.icd" in w for w in detection.warnings)


def test_ocl_icd_vendors_single_file(tmp_path: os.PathLike[str]) -> None:
    root = _copy(tmp_path, NVIDIA, {"OCL_ICD_VENDORS": "nvidia.icd"})
    assert replay(PLUGIN, root).as_profile()["gpu_version"][0] == "3.0"


def test_khronos_ocl_icd_filenames_counts_as_an_icd(tmp_path: os.PathLike[str]) -> None:
    root = _copy(tmp_path, NVIDIA, {"OCL_ICD_FILENAMES": "/usr/lib/libnvidia-opencl.so.1"})
    shutil.rmtree(os.path.join(root, "sysroot"))
    assert replay(PLUGIN, root).as_profile()["device_type"] == ["gpu"]


def test_no_icd_never_asks_the_library(tmp_path: os.PathLike[str]) -> None:
    root = _copy(tmp_path, NVIDIA)
    shutil.rmtree(os.path.join(root, "sysroot"))
    detection = replay(PLUGIN, root)  # calls.json still answers, but must not be asked
    assert detection.features == [] and detection.warnings == []


# -- bad answers ------------------------------------------------------------------------


def _with_calls(tmp_path: os.PathLike[str], calls: list[dict[str, object]]) -> str:
    root = _copy(tmp_path, NVIDIA)
    with open(os.path.join(root, "calls.json"), "w") as handle:
        json.dump({"libraries": {"opencl": {"calls": calls}}}, handle)
    return root


@pytest.mark.parametrize("count", [4294967295, -3, "2", None, 65])
def test_absurd_platform_count(tmp_path: os.PathLike[str], count: object) -> None:
    detection = replay(PLUGIN, _with_calls(tmp_path, [{"function": "clGetPlatformIDs", "args": [], "result": count}]))
    assert detection.features == []
    assert any("opencl: clGetPlatformIDs: reported" in w for w in detection.warnings), detection.warnings


def test_broken_device_is_skipped_others_kept(tmp_path: os.PathLike[str]) -> None:
    with open(os.path.join(fixture(NVIDIA), "calls.json")) as handle:
        calls = json.load(handle)["libraries"]["opencl"]["calls"]
    calls[0]["result"] = 2
    second = [dict(c, args=[1, *c["args"][1:]]) for c in calls[1:]]
    for call in second:
        if call["function"] == "clGetDeviceInfo" and call["args"][2] == 0x102F:
            call["result"] = "garbage"
        if call["function"] == "clGetDeviceInfo" and call["args"][2] == 0x1001:
            call["result"] = 0x1002
    detection = replay(PLUGIN, _with_calls(tmp_path, calls + second))
    assert detection.as_profile()["gpu_vendor"] == ["nvidia"]
    assert any("platform 1" in w and "'garbage'" in w for w in detection.warnings)


def test_device_info_error_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    with open(os.path.join(fixture(NVIDIA), "calls.json")) as handle:
        calls = json.load(handle)["libraries"]["opencl"]["calls"]
    for call in calls:
        if call["function"] == "clGetDeviceInfo" and call["args"][2] == 0x1000:
            del call["result"]
            call["error"] = {"code": -33, "name": "CL_INVALID_DEVICE"}
    detection = replay(PLUGIN, _with_calls(tmp_path, calls))
    assert detection.features == []
    assert any("CL_INVALID_DEVICE" in w and "clGetDeviceInfo" in w for w in detection.warnings)


# -- overrides ---------------------------------------------------------------------------


def test_gpu_override_on_a_machine_without_opencl() -> None:
    env = {"VARIANT_DETECT_OPENCL_GPU_VERSION": "2.0", "VARIANT_DETECT_OPENCL_GPU_VENDOR": "amd"}
    detection = replay(PLUGIN, fixture("linux-x86_64-generic-opencl-no-icd"), env=env)
    assert detection.as_profile() == {
        "gpu_version": ["2.0", "1.2", "1.1", "1.0"],
        "gpu_vendor": ["amd"],
        "device_type": ["gpu"],
        "version": ["2.0", "1.2", "1.1", "1.0"],
    }
    assert {o["variable"] for o in detection.overrides} == set(env)


def test_gpu_override_keeps_cpu_devices() -> None:
    env = {"VARIANT_DETECT_OPENCL_GPU_VERSION": "1.2"}
    detection = replay(PLUGIN, fixture("linux-x86_64-zen4-kvm-opencl-pocl"), env=env)
    assert detection.as_profile()["device_type"] == ["gpu", "cpu"]
    assert detection.as_profile()["version"] == ["3.0", "1.2", "1.1", "1.0"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [("VARIANT_DETECT_OPENCL_GPU_VERSION", "2"), ("VARIANT_DETECT_OPENCL_GPU_VENDOR", "NVIDIA Corp")],
)
def test_bad_override_is_a_warning(variable: str, value: str) -> None:
    plain = replay(PLUGIN, fixture(NVIDIA))
    detection = replay(PLUGIN, fixture(NVIDIA), env={variable: value})
    assert detection.features == plain.features
    assert any(variable in w for w in detection.warnings)


# -- the isolated live binding -------------------------------------------------------------


def _child(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Make IsolatedOpenCL run *code* instead of the real query."""
    import subprocess

    real = subprocess.run

    def fake(argv: list[str], **kwargs: object) -> object:
        return real([sys.executable, "-c", code], **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", fake)


def test_isolated_binding_answers_from_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [
        {"function": "clGetPlatformIDs", "args": [], "result": 1},
        {"function": "clGetDeviceIDs", "args": [0], "error": {"code": -1, "name": ""}},
    ]
    _child(monkeypatch, f"import sys; sys.stdout.write({json.dumps({'calls': calls})!r})")
    binding = _native.IsolatedOpenCL(timeout=30)
    assert binding.clGetPlatformIDs() == 1
    with pytest.raises(LibraryCallError) as info:
        binding.clGetDeviceIDs(0)
    assert info.value.name == "CL_DEVICE_NOT_FOUND"
    with pytest.raises(ProbeError):
        binding.clGetPlatformInfo(0, 0x0902)


def test_isolated_binding_survives_a_crashing_icd(monkeypatch: pytest.MonkeyPatch) -> None:
    _child(monkeypatch, "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    with pytest.raises(ProbeError, match="SIGSEGV"):
        _native.IsolatedOpenCL(timeout=30)


def test_isolated_binding_bounds_a_hanging_icd(monkeypatch: pytest.MonkeyPatch) -> None:
    _child(monkeypatch, "import time; time.sleep(30)")
    with pytest.raises(ProbeTimeout):
        _native.IsolatedOpenCL(timeout=0.5)


def test_isolated_binding_reports_a_missing_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    _child(monkeypatch, 'import sys; sys.stdout.write(\'{"load_error": "libOpenCL.so.1: cannot open"}\')')
    with pytest.raises(ProbeError, match="cannot load opencl"):
        _native.IsolatedOpenCL(timeout=30)


def test_parse_is_pure() -> None:
    from variant_detect_runtime import ReplayProbe

    raw = PLUGIN.collect(ReplayProbe(fixture("linux-x86_64-raptorlake-opencl-nvidia-intel"), {}), Report("opencl"))
    first = _parse.parse(raw, _table.load(), Report("opencl"))
    assert first == _parse.parse(raw, _table.load(), Report("opencl"))
    assert [name for name, _values, _multi in first] == ["gpu_version", "gpu_vendor", "device_type", "version"]


def test_module_is_a_plugin_by_itself() -> None:
    for name in ("get_supported_configs", "get_all_configs", "namespace", "all_properties_compatible"):
        assert name in dir(variant_detect_opencl)
    assert variant_detect_opencl.namespace == "opencl"
