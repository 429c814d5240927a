"""The uv builtin stand-in (x86-64-variant-provider 0.2.1): uv's own test vectors, and the resolver path.

Vectors from uv 0.13.9's ``crates/uv-distribution/src/variant/x86_64.rs`` tests (facts, restated).
"""

from __future__ import annotations

from pathlib import Path

from variant_detect_runtime import ReplayProbe
from variant_detect_x86_64 import _plugin as plugin
from variant_detect_x86_64._standin import uv_cpuid_level, uv_level

FIXTURES = Path(__file__).resolve().parents[3] / "hw_fixtures"


def test_linux_flags_v3() -> None:
    flags = "cx16 lahf_lm popcnt pni ssse3 sse4_1 sse4_2 avx avx2 bmi1 bmi2 f16c fma abm movbe"
    assert uv_level(frozenset(flags.split())) == 3


def test_macos_flags_v3() -> None:
    flags = "CX16 LAHF POPCNT SSE3 SSSE3 SSE4.1 SSE4.2 AVX1.0 AVX2.0 BMI1 BMI2 F16C FMA LZCNT MOVBE"
    assert uv_level(frozenset(flags.split())) == 3


def test_avx512_needs_the_os_to_enable_its_state() -> None:
    leaves = {
        (1, 0): [0x00A10F10, 0x00100800, 0xFFFA3203, 0x178BFBFF],
        (7, 0): [0x00000001, 0xF1BF07AB, 0x00405F46, 0x00000010],
        (0x80000001, 0): [0x00A10F10, 0x00000000, 0x004003F3, 0x2FD3FBFF],
    }
    assert uv_cpuid_level(leaves, 0x6) == 3
    assert uv_cpuid_level(leaves, 0xE6) == 4


def test_no_flags_is_v1_and_no_cpuinfo_is_v2() -> None:
    assert uv_level(frozenset()) == 1
    standin = plugin.standin("x86-64-variant-provider==0.2.1")
    no_cpuinfo = standin.detect(ReplayProbe(str(FIXTURES / "linux-x86_64-generic-no-cpuinfo")))
    assert no_cpuinfo.features == [("level", ("v2", "v1"), False)]


def test_level_only_and_no_xsave_needed() -> None:
    standin = plugin.standin("x86-64-variant-provider==0.2.1")
    haswell = standin.detect(ReplayProbe(str(FIXTURES / "linux-x86_64-haswell")))
    assert haswell.features == [("level", ("v3", "v2", "v1"), False)]
    core2 = standin.detect(ReplayProbe(str(FIXTURES / "linux-x86_64-core2")))
    assert core2.features == [("level", ("v1",), False)]
