"""variantlib 0.2.2, the real consumer, runs our provider in its own subprocess on our fixtures."""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest
from variantlib.api import get_variants_by_priority
from variantlib.plugins.loader import DictPluginLoader

import variant_detect_nvidia
from variant_detect_runtime.testing import replay

sys.path.insert(0, os.path.dirname(__file__))
from nvidia_testing import FORCE_CUDA, FORCE_SM, fixture

_CU126_SM = ["50_real", "60_real", "70_real", "75_real", "80_real", "86_real", "90_real"]
_CU128_SM = ["100_real", "120_real", "75_real", "80_real", "86_real", "90_real"]


def pytorch_variants_json() -> dict[str, Any]:
    """Shaped like PyTorch 2.8's published one (wheelnext/variant-repack
    configs/torch-2.8/torch-2.8.0-variants.json at 30bf6b6), declaring our provider."""
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": ["nvidia"]},
        "providers": {"nvidia": {"requires": ["variant-detect-nvidia"]}},
        "variants": {
            "null": {},
            "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"], "sm_arch": _CU126_SM}},
            "cu128": {"nvidia": {"cuda_version_lower_bound": ["12.8"], "sm_arch": _CU128_SM}},
            "cu129": {"nvidia": {"cuda_version_lower_bound": ["12.9"], "sm_arch": [*_CU128_SM, "120_virtual"]}},
        },
    }


@pytest.fixture(autouse=True)
def _no_force_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (FORCE_CUDA, FORCE_SM):
        monkeypatch.delenv(name, raising=False)


def test_variantlib_loader_sees_our_replayed_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    path = fixture("linux-x86_64-zen4-rtxa6000-rtx4090")
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", path)
    with DictPluginLoader(plugin_apis={"nvidia": "variant_detect_nvidia"}) as loader:
        configs = loader.get_supported_configs()
    (config,) = configs.values()
    got = {c.name: list(c.values) for c in config.configs}
    assert got == replay(variant_detect_nvidia._plugin, path).as_profile()
    assert [c.multi_value for c in config.configs] == [False, False, True]


# What PyTorch intends: the newest CUDA build whose minimum driver this machine
# meets and which carries code for its GPU; the CPU build (null) otherwise.
PYTORCH_PICKS = {
    "linux-x86_64-broadwell-v100": [],  # CUDA 12.2 driver: below every build's bound
    "linux-x86_64-cascadelake-t4": [],  # 12.4
    "linux-x86_64-zen2-a100": ["cu128", "cu126"],
    "linux-x86_64-zen3-rtx3090": ["cu129", "cu128", "cu126"],
    "linux-aarch64-cortex_a78ae-jetson_orin": ["cu126"],  # 8.7 runs 86_real code; driver 12.6
    "linux-x86_64-alderlake-rtx4090": ["cu129", "cu128", "cu126"],
    "linux-x86_64-alderlake-rtx4090-wsl2": ["cu129", "cu128", "cu126"],
    "windows-amd64-zen4-rtx4090": ["cu129", "cu128", "cu126"],
    "linux-x86_64-sapphirerapids-h100": ["cu129", "cu128", "cu126"],
    "linux-x86_64-sapphirerapids-h100-mig": ["cu129", "cu128", "cu126"],
    "linux-x86_64-emeraldrapids-h200": ["cu128", "cu126"],
    "linux-x86_64-emeraldrapids-b200": ["cu129", "cu128"],  # no 100_real in cu126
    "linux-x86_64-zen5-rtx5090": ["cu128"],  # 12.0 needs cu128+, driver is 12.8
    "linux-x86_64-zen4-rtxa6000-rtx4090": ["cu128", "cu126"],
    "linux-x86_64-zen4-rtx4090-compat-804": [],  # really a 12.2 driver
    "linux-x86_64-generic-nvidia-no-driver": [],
}


@pytest.mark.parametrize(("name", "picks"), PYTORCH_PICKS.items(), ids=list(PYTORCH_PICKS))
def test_pytorch_variants_rank_as_intended(monkeypatch: pytest.MonkeyPatch, name: str, picks: list[str]) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", fixture(name))
    ranked = [v.label for v in get_variants_by_priority(variants_json=pytorch_variants_json())]
    assert ranked == [*picks, "null"]
