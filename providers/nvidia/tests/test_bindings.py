"""The ctypes bindings and the live probe path, against stand-in NVML/libcuda built here.

No GPU is needed: a C compiler builds two tiny shared libraries exporting the
functions (with NVML's and CUDA's C signatures) that the provider calls. This
checks argument and result passing through ctypes, error-code conversion and
the live probe's timeout, which fixture replay cannot reach.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import variant_detect_nvidia
from variant_detect_nvidia import _native, _probe
from variant_detect_runtime import Library, LibraryCallError, LiveProbe, ProbeError

pytestmark = pytest.mark.skipif(os.name != "posix", reason="builds POSIX shared libraries")

FAKE_NVML = r"""
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
typedef void *nvmlDevice_t;
typedef struct {
    char busIdLegacy[16]; unsigned domain, bus, device, pciDeviceId, pciSubSystemId; char busId[32];
} pci_t;
static int devs[2] = {0, 1};
int nvmlInitWithFlags(unsigned int flags) {
    if (getenv("FAKE_NVML_HANG")) sleep(3);
    if (getenv("FAKE_NVML_INIT_ERROR")) return atoi(getenv("FAKE_NVML_INIT_ERROR"));
    return flags == 1 ? 0 : 2;
}
int nvmlSystemGetDriverVersion(char *v, unsigned int n) { snprintf(v, n, "580.65.06"); return 0; }
int nvmlSystemGetCudaDriverVersion_v2(int *v) { *v = 13000; return 0; }
int nvmlDeviceGetCount_v2(unsigned int *c) { *c = 2; return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *h) { if (i >= 2) return 2; *h = &devs[i]; return 0; }
int nvmlDeviceGetCudaComputeCapability(nvmlDevice_t h, int *major, int *minor) {
    *major = *(int *)h ? 9 : 8; *minor = *(int *)h ? 0 : 6; return 0;
}
int nvmlDeviceGetUUID(nvmlDevice_t h, char *u, unsigned int n) { snprintf(u, n, "GPU-%08d-aaaa", *(int *)h); return 0; }
int nvmlDeviceGetPciInfo_v3(nvmlDevice_t h, pci_t *p) {
    snprintf(p->busId, 32, "00000000:%02X:00.0", 0x17 + *(int *)h); return 0;
}
int nvmlDeviceGetMigMode(nvmlDevice_t h, unsigned *c, unsigned *p) { return 3; }
"""

FAKE_CUDA = r"""
int cuDriverGetVersion(int *v) { *v = 12080; return 0; }
int cuInit(unsigned int flags) { return flags == 0 ? 0 : 1; }
int cuDeviceGetCount(int *c) { *c = 1; return 0; }
int cuDeviceGet(int *d, int ordinal) { if (ordinal >= 1) return 101; *d = ordinal; return 0; }
int cuDeviceGetAttribute(int *v, int attribute, int device) {
    if (attribute == 75) *v = 8; else if (attribute == 76) *v = 7; else return 1;
    return 0;
}
"""


def _build(cc: list[str], tmp: Path, name: str, source: str) -> str:
    (tmp / f"{name}.c").write_text(source)
    target = tmp / f"{name}.so"
    subprocess.run([*cc, "-shared", "-fPIC", "-o", str(target), str(tmp / f"{name}.c")], check=True)
    return str(target)


@pytest.fixture(scope="module")
def libs(tmp_path_factory: pytest.TempPathFactory, c_compiler: list[str]) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("fake-driver")
    return {
        "nvml": _build(c_compiler, tmp, "libfakenvml", FAKE_NVML),
        "cuda": _build(c_compiler, tmp, "libfakecuda", FAKE_CUDA),
    }


def test_nvml_binding(libs: dict[str, str]) -> None:
    nvml = _native.Nvml(["/nonexistent/libnvidia-ml.so.1", libs["nvml"]])
    nvml.nvmlInitWithFlags(1)  # raises on an error code
    assert nvml.nvmlSystemGetDriverVersion() == "580.65.06"
    assert nvml.nvmlSystemGetCudaDriverVersion_v2() == 13000
    assert nvml.nvmlDeviceGetCount_v2() == 2
    assert nvml.nvmlDeviceGetCudaComputeCapability(0) == [8, 6]
    assert nvml.nvmlDeviceGetCudaComputeCapability(1) == [9, 0]
    assert nvml.nvmlDeviceGetUUID(1) == "GPU-00000001-aaaa"
    assert nvml.nvmlDeviceGetPciInfo(1) == "00000000:18:00.0"
    with pytest.raises(LibraryCallError) as error:
        nvml.nvmlDeviceGetCudaComputeCapability(5)  # the handle call fails: reported under the asked call
    assert (error.value.function, error.value.code) == ("nvmlDeviceGetCudaComputeCapability", 2)
    with pytest.raises(LibraryCallError) as error:
        nvml.nvmlDeviceGetMigMode(0)
    assert error.value.code == 3
    with pytest.raises(LibraryCallError) as error:  # not exported by the stand-in: as on an old driver
        nvml.nvmlSystemGetCudaDriverVersion()
    assert error.value.code == 13


def test_cuda_binding(libs: dict[str, str]) -> None:
    cuda = _native.Cuda([libs["cuda"]])
    assert cuda.cuDriverGetVersion() == 12080
    cuda.cuInit(0)
    assert cuda.cuDeviceGetCount() == 1
    assert [cuda.cuDeviceGetAttribute(75, 0), cuda.cuDeviceGetAttribute(76, 0)] == [8, 7]
    with pytest.raises(LibraryCallError) as error:
        cuda.cuDeviceGetAttribute(75, 3)
    assert (error.value.function, error.value.code) == ("cuDeviceGet", 101)


def test_missing_library_is_a_probe_error() -> None:
    with pytest.raises(ProbeError, match="cannot load NVML"):
        _native.Nvml(["/nonexistent/libnvidia-ml.so.1"])


class FakeDriverProbe(LiveProbe):
    """This machine, but with an NVIDIA driver's files and the stand-in libraries."""

    def __init__(self, libs: dict[str, str], files: dict[str, bytes]) -> None:
        super().__init__()
        self._libs = libs
        self._files = files

    def read_bytes(self, path: str, limit: int = 1 << 20) -> bytes:
        if path in self._files:
            return self._files[path][: limit + 1]
        raise FileNotFoundError(path)

    def exists(self, path: str) -> bool:
        return path in self._files

    def listdir(self, path: str) -> list[str]:
        return sorted(p[5:] for p in self._files if path == "/dev" and p.startswith("/dev/"))

    def library(self, name: str, loader: Any, threaded: bool = True, isolate: Any = None) -> Library:
        """The provider's library, from the stand-in's path; isolated as the provider asks."""
        path = self._libs[name]
        assert isolate is not None and isolate[0] == f"variant_detect_nvidia._native:{name.capitalize()}"
        isolate = (isolate[0], [[path]])
        return super().library(
            name, lambda: _native.Nvml([path]) if name == "nvml" else _native.Cuda([path]), threaded, isolate
        )


DRIVER_FILES = {
    "/proc/driver/nvidia/version": b"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.65.06  Release\n",
    "/dev/nvidiactl": b"",
    "/dev/nvidia0": b"",
    "/dev/nvidia1": b"",
}


def test_live_path_end_to_end(libs: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NV_VARIANT_PROVIDER_FORCE_SM_ARCH", raising=False)
    detection = variant_detect_nvidia._plugin.detect(FakeDriverProbe(libs, DRIVER_FILES))
    profile = detection.as_profile()
    assert profile["cuda_version_lower_bound"][0] == "13.0"
    assert profile["sm_arch"] == ["90_real", "90_virtual"]
    assert detection.warnings == []


def test_live_visible_devices_by_uuid(libs: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-00000000")
    detection = variant_detect_nvidia._plugin.detect(FakeDriverProbe(libs, DRIVER_FILES))
    assert detection.as_profile()["sm_arch"][0] == "86_real"


def test_live_nvml_failure_falls_back_to_libcuda(libs: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_NVML_INIT_ERROR", "9")  # NVML_ERROR_DRIVER_NOT_LOADED
    detection = variant_detect_nvidia._plugin.detect(FakeDriverProbe(libs, DRIVER_FILES))
    assert detection.as_profile()["cuda_version_lower_bound"][0] == "12.8"
    assert detection.as_profile()["sm_arch"][0] == "87_real"
    assert any("NVML_ERROR_DRIVER_NOT_LOADED" in w for w in detection.warnings)


def test_live_hang_is_bounded(libs: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_NVML_HANG", "1")
    monkeypatch.setattr(_probe, "INIT_TIMEOUT", 0.2)
    detection = variant_detect_nvidia._plugin.detect(FakeDriverProbe(libs, DRIVER_FILES))
    assert detection.features == []
    assert any("nvmlInitWithFlags" in w and "did not return within 0.2 s" in w for w in detection.warnings)


def test_live_nvml_crashing_on_load_is_a_warning(libs: dict[str, str], tmp_path: Path, c_compiler: list[str]) -> None:
    """NVML is loaded in the probe's isolated child: its segfault is a warning, and
    libcuda, asked next, is loaded in a fresh child and still answers."""
    (tmp_path / "crash.c").write_text(
        "#include <signal.h>\n__attribute__((constructor)) static void boom(void) { raise(SIGSEGV); }\n"
    )
    crash = tmp_path / "libcrashnvml.so"
    subprocess.run([*c_compiler, "-shared", "-fPIC", "-o", str(crash), str(tmp_path / "crash.c")], check=True)
    detection = variant_detect_nvidia._plugin.detect(FakeDriverProbe({**libs, "nvml": str(crash)}, DRIVER_FILES))
    assert detection.as_profile()["cuda_version_lower_bound"][0] == "12.8"
    assert any("nvml" in w and "crashed with SIGSEGV while loading nvml" in w for w in detection.warnings), (
        detection.warnings
    )
