"""The uv builtin stand-in (aarch64-variant-provider 0.2.0): uv's own test vectors, and fixtures.

Vectors from uv 0.13.9's ``crates/uv-distribution/src/variant/aarch64.rs`` tests (facts, restated).
"""

from __future__ import annotations

from pathlib import Path

from variant_detect_aarch64 import _plugin as plugin
from variant_detect_aarch64._standin import uv_apple_version, uv_linux_version
from variant_detect_runtime import ReplayProbe

FIXTURES = Path(__file__).resolve().parents[3] / "hw_fixtures"
ALL = (1 << 64) - 1
N1, COBALT, AMPERE_ONE = (0x41, 0xD0C), (0x6D, 0xD49), (0xC0, 0xAC3)


def test_uv_vectors() -> None:
    assert uv_linux_version([AMPERE_ONE], ALL) == 4  # 8.4a
    assert uv_linux_version([COBALT], ALL ^ (1 << 20)) == 3  # a masked 8.4 hwcap: 8.3a
    assert uv_linux_version([COBALT, N1], ALL) == 2  # the lowest core's ceiling: 8.2a
    assert uv_linux_version([], ALL) == 0  # no core known: 8a


def test_apple_brands() -> None:
    assert uv_apple_version("Apple M4 Pro") == 4
    assert uv_apple_version("Apple A17") == 0


def test_version_only_on_fixtures() -> None:
    standin = plugin.standin("aarch64-variant-provider==0.2.0")
    rpi4 = standin.detect(ReplayProbe(str(FIXTURES / "linux-aarch64-cortex_a72-rpi4")))
    assert rpi4.features == [("version", ("8a",), False)]  # Cortex-A72 is not in uv's core list
    # Neoverse V2 allows 8.4a, but this RHEL 9 kernel hides PAC (AT_HWCAP bits 30, 31): uv stops at 8.2a
    grace = standin.detect(ReplayProbe(str(FIXTURES / "linux-aarch64-neoverse_v2-grace-rhel9")))
    assert grace.features == [("version", ("8.2a", "8.1a", "8a"), False)]


def test_ampereone_quirks() -> None:
    # AmpereOne (implementer 0xc0) is in uv's core list (8.4a) but not in archspec 0.2.5's vendor
    # table: provider-variant-aarch64 falls back to the generic target and answers `8a` alone.
    probe = str(FIXTURES / "linux-aarch64-ampereone")
    uv = plugin.standin("aarch64-variant-provider==0.2.0").detect(ReplayProbe(probe))
    assert uv.features == [("version", ("8.4a", "8.3a", "8.2a", "8.1a", "8a"), False)]
    archspec = plugin.standin("provider-variant-aarch64==0.0.1.post2").detect(ReplayProbe(probe))
    assert archspec.features == [("version", ("8a",), False)]
    own = plugin.detect(ReplayProbe(probe))
    assert own.features[0][1][0] != "8a" and len(own.features) > 1
