"""Interop: variantlib 0.2.2 loads the opencl plugin in its subprocess and ranks
wheels designed as docs/providers/opencl.md describes."""

from __future__ import annotations

import os

import pytest
from variantlib.api import get_variants_by_priority
from variantlib.plugins.loader import PluginLoader
from variantlib.variants_json import VariantsJson

import variant_detect_opencl
from variant_detect_runtime.testing import replay

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))


def variants_json() -> dict[str, object]:
    # The example wheels of the docs page: kernels needing an OpenCL >= 2.0 GPU,
    # kernels tuned for NVIDIA GPUs, any OpenCL 1.2 GPU, and an any-device build.
    return {
        "default-priorities": {"namespace": ["opencl"]},
        "providers": {"opencl": {"requires": ["variant-detect-opencl"], "plugin-api": "variant_detect_opencl"}},
        "variants": {
            "null": {},
            "cl20gpu": {"opencl": {"gpu_version": ["2.0"]}},
            "nvgpu": {"opencl": {"gpu_vendor": ["nvidia"], "gpu_version": ["1.2"]}},
            "cl12gpu": {"opencl": {"gpu_version": ["1.2"]}},
            "cl12any": {"opencl": {"version": ["1.2"]}},
        },
    }


# By hand, from each fixture's expected.json and the PEP 825 order (a variant
# matching a higher-priority feature first; more matched features first).
EXPECTED = {
    "linux-x86_64-zen4-opencl-nvidia-rtx4090": ["nvgpu", "cl12gpu", "cl12any", "null"],
    "linux-x86_64-zen3-opencl-amd-rx6800xt": ["cl20gpu", "cl12gpu", "cl12any", "null"],
    "linux-x86_64-alderlake-opencl-intel-uhd770": ["cl12gpu", "cl12any", "null"],
    "linux-x86_64-zen4-kvm-opencl-pocl": ["cl12any", "null"],
    "linux-x86_64-generic-opencl-no-icd": ["null"],
    "linux-x86_64-generic-opencl-icd-crash": ["null"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variantlib_ranking(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", os.path.join(FIXTURES, name))
    ranked = get_variants_by_priority(variants_json=variants_json())
    assert [v.label for v in ranked] == EXPECTED[name]


def test_variantlib_configs_equal_replayed_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    path = os.path.join(FIXTURES, "linux-x86_64-raptorlake-opencl-nvidia-intel")
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", path)
    with PluginLoader(variant_info=VariantsJson(variants_json()), include_aot_plugins=True) as loader:
        configs = loader.get_supported_configs()["opencl"]
    got = {c.name: list(c.values) for c in configs.configs}
    assert got == replay(variant_detect_opencl._plugin, path).as_profile()
    assert [c.multi_value for c in configs.configs] == [False, True, True, False]
