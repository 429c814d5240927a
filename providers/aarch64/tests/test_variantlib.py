"""variantlib 0.2.2 loads the aarch64 plugin in its own subprocess, as an installer would.

This host is x86-64; ``VARIANT_DETECT_FIXTURE`` turns it into an aarch64 machine
inside variantlib's plugin subprocess.
"""

from __future__ import annotations

import os

import pytest
from variantlib.api import get_variants_by_priority
from variantlib.plugins.loader import EntryPointPluginLoader

import variant_detect_aarch64
from variant_detect_runtime.testing import replay

FIXTURES = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "hw_fixtures"))


def _variants_json() -> dict[str, object]:
    variants: dict[str, object] = {
        "armv9_sve2": {"aarch64": {"version": ["9.0a"], "sve2": ["on"]}},
        "armv86": {"aarch64": {"version": ["8.6a"]}},
        "armv82": {"aarch64": {"version": ["8.2a"]}},
        "armv8": {"aarch64": {"version": ["8a"]}},
        "sme": {"aarch64": {"sme": ["on"]}},
        "null": {},
    }
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": ["aarch64"]},
        # No plugin-api: variantlib imports the module variant_detect_aarch64 itself.
        "providers": {"aarch64": {"requires": ["variant-detect-aarch64"]}},
        "variants": variants,
    }


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("linux-aarch64-graviton4", ["armv9_sve2", "armv82", "armv8", "null"]),
        ("linux-aarch64-ampereone", ["armv86", "armv82", "armv8", "null"]),
        ("macos-arm64-m4", ["armv86", "armv82", "armv8", "sme", "null"]),
        ("linux-aarch64-cortex_a72-rpi4", ["armv8", "null"]),
        ("linux-x86_64-haswell", ["null"]),
    ],
)
def test_variantlib_ranks_with_our_detection(
    monkeypatch: pytest.MonkeyPatch, fixture: str, expected: list[str]
) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", os.path.join(FIXTURES, fixture))
    ranked = [v.label for v in get_variants_by_priority(variants_json=_variants_json())]
    assert ranked == expected


@pytest.mark.parametrize("fixture", ["linux-aarch64-neoverse_v2-grace-rhel9", "windows-arm64-snapdragon_x_elite"])
def test_entry_point_loader_sees_the_replayed_profile(monkeypatch: pytest.MonkeyPatch, fixture: str) -> None:
    path = os.path.join(FIXTURES, fixture)
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", path)
    with EntryPointPluginLoader() as loader:
        configs = loader.get_supported_configs()
    theirs = {c.name: list(c.values) for c in configs["aarch64"].configs}
    ours = replay(variant_detect_aarch64._plugin, path).as_profile()
    assert theirs == ours
    assert list(theirs) == list(ours)
