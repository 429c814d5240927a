"""The live path on this machine: the provider never crashes, and the Level Zero binding
reports a missing loader as a ProbeError (the seam turns it into "library absent")."""

from __future__ import annotations

import ctypes.util

import pytest

import variant_detect_intel
from variant_detect_runtime import LiveProbe, ProbeError


def test_live_detect_does_not_raise() -> None:
    detection = variant_detect_intel._plugin.detect(LiveProbe())
    assert set(detection.as_profile()) <= {"device_ip"}


@pytest.mark.skipif(ctypes.util.find_library("ze_loader") is not None, reason="Level Zero is installed here")
def test_missing_loader_is_a_probe_error() -> None:
    from variant_detect_intel._native import LevelZero

    with pytest.raises(ProbeError, match="Level Zero"):
        LevelZero("Linux")
