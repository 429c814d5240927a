"""This machine, live: our level agrees with archspec's answer for the same CPU."""

from __future__ import annotations

import os

import pytest

import variant_detect_x86_64
from variant_detect_runtime import LiveProbe

live_x86_linux = pytest.mark.skipif(
    not (hasattr(os, "uname") and os.uname().sysname == "Linux" and os.uname().machine == "x86_64"),
    reason="needs a Linux x86-64 machine",
)


@live_x86_linux
def test_live_level_agrees_with_archspec() -> None:
    archspec_cpu = pytest.importorskip("archspec.cpu")
    generic = archspec_cpu.host().generic.name  # e.g. "x86_64_v3"
    detection = variant_detect_x86_64._plugin.detect(LiveProbe())
    assert detection.warnings == []
    assert f"x86_64_{detection.as_profile()['level'][0]}" == generic


@live_x86_linux
def test_live_psabi_flags_are_what_archspec_sees() -> None:
    archspec_cpu = pytest.importorskip("archspec.cpu")
    host = archspec_cpu.host()
    profile = variant_detect_x86_64._plugin.detect(LiveProbe()).as_profile()
    # archspec's `in` answers for its own target's feature list; a generic
    # x86_64_vN target only knows the psABI flags, so compare those.
    for name in ("avx512f", "avx512bw", "avx2", "fma", "bmi2", "movbe", "sse4_2", "popcnt"):
        assert (name in profile) == (name in host), name
