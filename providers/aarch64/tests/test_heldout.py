"""Held-out machines: answers checked against the vendor's documented architecture.

Two sets, neither used to build the tables or the fixtures' expectations:

* real ``/proc/cpuinfo`` captures shipped inside the archspec wheel
  (``archspec/json/tests/targets``), read at test time, never copied here;
* a few real-world-like machines written below from vendor documents.

For each: the version equals the vendor's documented architecture version
(mapped to the archspec generic targets), never exceeds it, and is never
below what the reported features prove.
"""

from __future__ import annotations

import os

import pytest

import variant_detect_aarch64
from variant_detect_aarch64 import _table, _version
from variant_detect_runtime.testing import replay

PLUGIN = variant_detect_aarch64._plugin

# archspec target file -> version the vendor documents for that core.
ARCHSPEC_TARGETS = {
    "linux-amazon-cortex_a72": "8a",  # AWS Graviton (A72): Armv8.0-A
    "linux-amazon-neoverse_n1": "8.2a",  # Arm Neoverse N1 TRM: Armv8.2-A
    "linux-amazon-neoverse_v1": "8.4a",  # Arm Neoverse V1 TRM: Armv8.4-A
    "linux-rhel8-neoverse_v1": "8.4a",
    "linux-asahi-m1": "8.4a",  # LLVM apple-a14/m1: Armv8.4-A (no BTI)
    "linux-asahi-m2": "8.6a",  # LLVM apple-a15/m2: Armv8.6-A
    "linux-centos7-thunderx2": "8.1a",  # Marvell ThunderX2: Armv8.1-A
    "linux-rhel9-neoverse_n2": "9.0a",  # Arm Neoverse N2 TRM: Armv9.0-A
    "linux-ubuntu22.04-neoverse_n2": "9.0a",
    "linux-rhel9-neoverse_v2": "9.0a",  # Arm Neoverse V2 TRM: Armv9.0-A
    "linux-ubuntu22.04-neoverse_v2": "9.0a",
    "linux-unknown-neoverse_v2": "9.0a",
    "linux-rocky8-a64fx": "8.2a",  # Fujitsu A64FX: Armv8.2-A + SVE
    "linux-ubuntu22.04-ampere1": "8.6a",  # AmpereOne: Armv8.6-A
    "linux-ubuntu22.04-ampere1a": "8.6a",
    "linux-ubuntu24.04-neoverse_v3ae": "9.2a",  # Arm Neoverse V3AE TRM: Armv9.2-A
    "linux-ubuntu26.04-olympus": "9.2a",  # NVIDIA Olympus (Vera): Armv9.2-A
}


def _archspec_dir() -> str | None:
    try:
        import archspec
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(archspec.__file__), "json", "tests", "targets")
    return path if os.path.isdir(path) else None


def _fixture(tmp_path: os.PathLike[str], cpuinfo: bytes) -> str:
    root = os.path.join(tmp_path, "linux-aarch64-heldout")
    os.makedirs(os.path.join(root, "sysroot", "proc"))
    with open(os.path.join(root, "sysroot", "proc", "cpuinfo"), "wb") as handle:
        handle.write(cpuinfo)
    return root


def _check(fixture: str, documented: str) -> None:
    tables = _table.load()
    detection = replay(PLUGIN, fixture)
    profile = detection.as_profile()
    versions = profile["version"]
    features = {name for name in profile if name != "version"}
    assert versions[0] == documented, (versions, detection.explanations)
    assert set(versions) <= tables.closure(documented), "above what the hardware implements"
    assert _version.proven(features, tables) <= set(versions), "below what the features prove"


@pytest.mark.parametrize("name", sorted(ARCHSPEC_TARGETS))
def test_archspec_captures(tmp_path: os.PathLike[str], name: str) -> None:
    directory = _archspec_dir()
    if directory is None or not os.path.exists(os.path.join(directory, name)):
        pytest.skip("archspec's target captures are not installed")
    with open(os.path.join(directory, name), "rb") as handle:
        _check(_fixture(tmp_path, handle.read()), ARCHSPEC_TARGETS[name])


def _block(features: str, implementer: str, part: str) -> bytes:
    return (
        f"processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: {features}\nCPU implementer\t: {implementer}\n"
        f"CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: {part}\nCPU revision\t: 1\n\n"
    ).encode()


MACHINES = {
    # Raspberry Pi 5 (BCM2712, Cortex-A76): Armv8.2-A.
    "rpi5": (
        _block(
            "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp",
            "0x41",
            "0xd0b",
        ),
        "8.2a",
    ),
    # Microsoft Azure Cobalt 100 (Neoverse N2 r0p0, own implementer 0x6d): Armv9.0-A, kernel without PAC.
    "cobalt100": (
        _block(
            "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma "
            "lrcpc dcpop sha3 asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm ssbs sb dcpodp sve2 "
            "flagm2 frint svei8mm svebf16 i8mm bf16",
            "0x6d",
            "0xd49",
        ),
        "9.0a",
    ),
    # HiSilicon Kunpeng 920 (TSV110): Armv8.2-A.
    "kunpeng920": (
        _block(
            "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma "
            "dcpop asimddp asimdfhm",
            "0x48",
            "0xd01",
        ),
        "8.2a",
    ),
    # Rockchip RK3588: 4x Cortex-A76 + 4x Cortex-A55, both Armv8.2-A.
    "rk3588": (
        _block(
            "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp",
            "0x41",
            "0xd05",
        )
        + _block("fp asimd", "0x41", "0xd0b"),
        "8.2a",
    ),
}


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_real_world_like_machines(tmp_path: os.PathLike[str], name: str) -> None:
    cpuinfo, documented = MACHINES[name]
    _check(_fixture(tmp_path, cpuinfo), documented)
