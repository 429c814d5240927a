"""The ctypes Level Zero binding against a stand-in ``libze_loader.so.1`` compiled here.

No Level Zero is installed on the test machines, so a tiny C library with the
three entry points the binding calls (``zeInitDrivers``, ``zeDeviceGet``,
``zeDeviceGetProperties``; structure layouts from the Level Zero spec's ze_api.h)
answers two devices. The binding runs in a child interpreter with
``LD_LIBRARY_PATH`` pointing at it, as the probe seam's isolated child would.
Skipped where no C compiler is available.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FAKE = r"""
#include <stdint.h>
#include <string.h>
typedef struct { uint32_t stype; void *pNext; uint32_t flags; } init_desc;
typedef struct { uint32_t stype; void *pNext; uint32_t ipVersion; } ip_ext;
typedef struct {
    uint32_t stype; void *pNext; uint32_t type, vendorId, deviceId, flags, subdeviceId, coreClockRate;
    uint64_t maxMemAllocSize; uint32_t a, b, c, d, e, f, g; uint64_t timerResolution;
    uint32_t h, i; uint8_t uuid[16]; char name[256];
} props;
static int driver;
static const uint32_t ids[2] = {0x56A0, 0xE20B};
static const uint32_t ips[2] = {0x030DC008, 0x05004000};
int FAIL_INIT = 0;
int zeInitDrivers(uint32_t *count, void **drivers, init_desc *desc) {
    if (FAIL_INIT || !desc || desc->stype != 0x00020021 || desc->flags != 1) return 0x78000001;
    if (drivers && *count >= 1) drivers[0] = &driver;
    *count = 1; return 0;
}
int zeDeviceGet(void *drv, uint32_t *count, void **devices) {
    if (drv != &driver) return 0x78000004;
    if (devices) { for (uint32_t k = 0; k < *count && k < 2; k++) devices[k] = (void *)&ids[k]; }
    *count = 2; return 0;
}
int zeDeviceGetProperties(void *dev, props *p) {
    if (p->stype != 0x3) return 0x78000004;
    int k = (const uint32_t *)dev - ids;
    p->vendorId = 0x8086; p->deviceId = ids[k];
    ip_ext *ext = (ip_ext *)p->pNext;
    if (!ext || ext->stype != 0x1000f) return 0x78000004;
    ext->ipVersion = ips[k]; return 0;
}
"""

CHILD = """
import json
from variant_detect_intel._native import LevelZero
print(json.dumps(LevelZero("Linux").device_ips()))
"""


@pytest.fixture(scope="module")
def fake_loader(tmp_path_factory: pytest.TempPathFactory, c_compiler: list[str]) -> Path:
    folder = tmp_path_factory.mktemp("ze")
    (folder / "fake_ze.c").write_text(FAKE)
    library = folder / "libze_loader.so.1"
    subprocess.run([*c_compiler, "-shared", "-fPIC", "-o", str(library), str(folder / "fake_ze.c")], check=True)
    return folder


def test_binding_reads_vendor_device_and_ip_version(fake_loader: Path) -> None:
    env = {**os.environ, "LD_LIBRARY_PATH": str(fake_loader)}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [[0x8086, 0x56A0, 0x030DC008], [0x8086, 0xE20B, 0x05004000]]


def test_binding_names_a_failing_init(fake_loader: Path) -> None:
    child = (
        "import ctypes, json\n"
        "from variant_detect_intel._native import LevelZero\n"
        "from variant_detect_runtime import LibraryCallError\n"
        "ze = LevelZero('Linux')\n"
        "ctypes.c_int.in_dll(ze._lib, 'FAIL_INIT').value = 1\n"
        "try:\n    ze.device_ips()\n"
        "except LibraryCallError as exc:\n    print(json.dumps([exc.function, exc.code, exc.name]))\n"
    )
    env = {**os.environ, "LD_LIBRARY_PATH": str(fake_loader)}
    out = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == ["zeInitDrivers", 0x78000001, "ZE_RESULT_ERROR_UNINITIALIZED"]
