"""The probe seam: replay from fixtures, live answers with timeouts."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from variant_detect_runtime import (
    FixtureError,
    LibraryCallError,
    LiveProbe,
    ProbeError,
    ProbeTimeout,
    ReplayProbe,
    is_override_variable,
)


def make_fixture(root: Path, name: str = "linux-x86_64-test", **files: object) -> str:
    fixture = root / name
    fixture.mkdir()
    for rel, content in files.items():
        path = fixture / rel.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(fixture)


def test_missing_fixture_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="does not exist"):
        ReplayProbe(str(tmp_path / "nope"))


def test_sysroot_files_listing_and_access(tmp_path: Path) -> None:
    fixture = make_fixture(tmp_path, **{"sysroot__proc__cpuinfo": b"processor : 0\n", "sysroot__dev__kfd": b""})
    probe = ReplayProbe(fixture, overrides={})
    assert probe.read_bytes("/proc/cpuinfo") == b"processor : 0\n"
    assert probe.read_bytes("/proc/cpuinfo", limit=3) == b"proc"  # limit + 1 bytes
    assert probe.listdir("/dev") == ["kfd"]
    assert probe.access("/dev/kfd", write=True)
    assert not probe.exists("/dev/nvidia0")
    with pytest.raises(FileNotFoundError):
        probe.read_bytes("/proc/driver/nvidia/version")


def test_paths_cannot_escape_the_sysroot(tmp_path: Path) -> None:
    fixture = make_fixture(tmp_path, **{"sysroot__etc__x": "x"})
    (tmp_path / "secret").write_text("s")
    probe = ReplayProbe(fixture, overrides={})
    with pytest.raises(ProbeError, match="escapes"):
        probe.read_bytes("/../../secret")
    with pytest.raises(ProbeError, match="absolute"):
        probe.read_bytes("relative/path")


def test_windows_paths_map_into_the_sysroot(tmp_path: Path) -> None:
    fixture = make_fixture(tmp_path, "windows-amd64-test", **{"sysroot__Windows__System32__nvml.dll": b"MZ"})
    probe = ReplayProbe(fixture, overrides={})
    assert probe.exists("C:\\Windows\\System32\\nvml.dll")
    assert probe.identity.system == "Windows"


def test_paths_with_colons_map_into_the_sysroot(tmp_path: Path) -> None:
    # PCI slot names hold colons: only a Windows drive's colon is special.
    fixture = make_fixture(tmp_path, **{"sysroot__sys__bus__pci__devices__0000:00:04.0__vendor": "0x1ae0\n"})
    probe = ReplayProbe(fixture, overrides={})
    assert probe.listdir("/sys/bus/pci/devices") == ["0000:00:04.0"]
    assert probe.read_bytes("/sys/bus/pci/devices/0000:00:04.0/vendor") == b"0x1ae0\n"


def test_recorded_file_errors(tmp_path: Path) -> None:
    fixture = make_fixture(
        tmp_path, **{"sysroot__dev__kfd": b"", "file_errors.json": {"/dev/kfd": "EACCES", "/proc/x": "EIO"}}
    )
    probe = ReplayProbe(fixture, overrides={})
    assert probe.exists("/dev/kfd") and not probe.access("/dev/kfd")
    with pytest.raises(PermissionError):
        probe.read_bytes("/dev/kfd")
    with pytest.raises(OSError, match="Input/output"):
        probe.read_bytes("/proc/x")


def test_identity_from_name_and_from_machine_json(tmp_path: Path) -> None:
    assert ReplayProbe(make_fixture(tmp_path, "linux-aarch64-n1"), overrides={}).identity.machine == "aarch64"
    assert ReplayProbe(make_fixture(tmp_path, "odd-name"), overrides={}).identity.machine == "unknown"
    fixture = make_fixture(tmp_path, "x", **{"machine.json": {"system": "Darwin", "machine": "arm64"}})
    identity = ReplayProbe(fixture, overrides={}).identity
    assert (identity.system, identity.machine) == ("Darwin", "arm64")


def test_malformed_json_names_file_and_field(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match=r"env\.json"):
        ReplayProbe(make_fixture(tmp_path, "a", **{"env.json": "{not json"}), overrides={})
    with pytest.raises(FixtureError, match=r"machine\.json: field 'system' must be a str, got int"):
        ReplayProbe(make_fixture(tmp_path, "b", **{"machine.json": {"system": 3}}), overrides={})
    with pytest.raises(FixtureError, match="'CUDA_VISIBLE_DEVICES'"):
        ReplayProbe(make_fixture(tmp_path, "c", **{"env.json": {"CUDA_VISIBLE_DEVICES": 0}}), overrides={})


def test_environment_is_the_fixtures_plus_user_overrides_only(tmp_path: Path) -> None:
    fixture = make_fixture(tmp_path, **{"env.json": {"CUDA_VISIBLE_DEVICES": "0", "NV_X_FORCE_Y": "fixture"}})
    real = {
        "CUDA_VISIBLE_DEVICES": "7",  # the developer's shell: must not leak in
        "HOME": "/root",
        "NV_X_FORCE_Y": "user",  # explicit overrides apply on top
        "VARIANT_DETECT_X86_64_LEVEL": "v2",
        "VARIANT_DETECT_FIXTURE": "/elsewhere",
    }
    probe = ReplayProbe(fixture, overrides=real)
    assert probe.getenv("CUDA_VISIBLE_DEVICES") == "0"
    assert probe.getenv("HOME") is None
    assert probe.getenv("NV_X_FORCE_Y") == "user"
    assert probe.getenv("VARIANT_DETECT_X86_64_LEVEL") == "v2"
    assert probe.getenv("VARIANT_DETECT_FIXTURE") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("VARIANT_DETECT_DISABLE", True),
        ("NV_VARIANT_PROVIDER_FORCE_SM_ARCH", True),
        ("AMD_VARIANT_PROVIDER_GFX_ARCH", True),
        ("VARIANT_DETECT_FIXTURE", False),
        ("CUDA_VISIBLE_DEVICES", False),
    ],
)
def test_override_variables(name: str, expected: bool) -> None:
    assert is_override_variable(name) is expected


def test_commands_replay(tmp_path: Path) -> None:
    commands = [
        {"argv": ["rocminfo"], "returncode": 0, "stdout": "gfx942\n"},
        {"argv": ["bad"], "returncode": 1, "stdout_base64": "/w==", "stderr": "x"},
        {"argv": ["slow"], "hang": True},
        {"argv": ["gone"], "error": "No such file or directory"},
    ]
    probe = ReplayProbe(make_fixture(tmp_path, **{"commands.json": commands}), overrides={})
    assert probe.run(["rocminfo"]).stdout == b"gfx942\n"
    result = probe.run(["bad"])
    assert (result.returncode, result.stdout, result.stderr) == (1, b"\xff", b"x")
    with pytest.raises(ProbeTimeout):
        probe.run(["slow"])
    with pytest.raises(FileNotFoundError):
        probe.run(["gone"])
    with pytest.raises(FileNotFoundError):
        probe.run(["never-recorded"])


def test_library_calls_replay(tmp_path: Path) -> None:
    calls = {
        "libraries": {
            "nvml": {
                "load": "ok",
                "calls": [
                    {"function": "nvmlSystemGetDriverVersion", "args": [], "result": "580.65.06"},
                    {"function": "nvmlDeviceGetCudaComputeCapability", "args": [0], "result": [9, 0]},
                    {"function": "nvmlDeviceGetMigMode", "args": [0], "error": {"code": 3, "name": "NOT_SUPPORTED"}},
                    {"function": "nvmlDeviceGetCount_v2", "args": [], "hang": True},
                ],
            },
            "cuda": {"load": {"error": "libcuda.so.1: cannot open shared object file"}},
        }
    }
    probe = ReplayProbe(make_fixture(tmp_path, **{"calls.json": calls}), overrides={})
    nvml = probe.library("nvml", lambda: pytest.fail("loaders never run on replay"))
    assert nvml.call("nvmlSystemGetDriverVersion") == "580.65.06"
    assert nvml.call("nvmlDeviceGetCudaComputeCapability", 0) == [9, 0]
    with pytest.raises(LibraryCallError) as info:
        nvml.call("nvmlDeviceGetMigMode", 0)
    assert (info.value.code, info.value.name) == (3, "NOT_SUPPORTED")
    with pytest.raises(ProbeTimeout):
        nvml.call("nvmlDeviceGetCount_v2")
    with pytest.raises(ProbeError, match="not recorded"):
        nvml.call("nvmlDeviceGetCudaComputeCapability", 1)
    with pytest.raises(ProbeError, match="cannot open shared object"):
        probe.library("cuda", object).call("cuDriverGetVersion")
    with pytest.raises(ProbeError, match="not present in fixture"):
        probe.library("opencl", object).call("clGetPlatformIDs")


class _Binding:
    def answer(self, x: int) -> int:
        return x * 2

    def wedge(self) -> None:
        time.sleep(5)

    def fail(self) -> None:
        raise LibraryCallError("fail", 18, "NVML_ERROR_LIB_RM_VERSION_MISMATCH")


def test_live_library_calls_are_bounded() -> None:
    probe = LiveProbe()
    lib = probe.library("toy", _Binding)
    assert lib.call("answer", 21) == 42
    started = time.perf_counter()
    with pytest.raises(ProbeTimeout, match=r"toy\.wedge did not return within 0\.2 s"):
        lib.call("wedge", timeout=0.2)
    assert time.perf_counter() - started < 2
    with pytest.raises(LibraryCallError) as info:
        lib.call("fail")
    assert info.value.code == 18


def test_live_library_load_failure_is_a_probe_error_every_time() -> None:
    attempts = []

    def loader() -> object:
        attempts.append(1)
        raise OSError("libnvidia-ml.so.1: cannot open shared object file")

    lib = LiveProbe().library("nvml", loader)
    for _ in range(2):
        with pytest.raises(ProbeError, match="cannot load nvml"):
            lib.call("nvmlInit_v2")
    assert attempts == [1]  # a failed dlopen is not retried within a run


def test_live_commands_are_bounded() -> None:
    probe = LiveProbe()
    assert probe.run([sys.executable, "-c", "print('hi')"]).stdout.strip() == b"hi"
    with pytest.raises(ProbeTimeout):
        probe.run([sys.executable, "-c", "import time; time.sleep(5)"], timeout=0.3)


def test_live_files(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"abcdef")
    probe = LiveProbe()
    assert probe.read_bytes(str(target), limit=2) == b"abc"
    assert probe.listdir(str(tmp_path)) == ["f"]
    assert probe.exists(str(target)) and probe.access(str(target))
    assert probe.identity.system == os.uname().sysname
