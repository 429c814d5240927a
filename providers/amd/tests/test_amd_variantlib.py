"""Interop: variantlib 0.2.2 loads our plugin in its own subprocess and ranks
a variants.json shaped like PyTorch's published ROCm variants."""

from __future__ import annotations

import os

import pytest
from variantlib.api import get_variants_by_priority
from variantlib.plugins.loader import PluginLoader
from variantlib.variants_json import VariantsJson

import variant_detect_amd
from variant_detect_runtime.testing import replay

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))

# Target lists of PyTorch's published variants (wheelnext/variant-repack,
# configs/torch-2.9 for rocm6.3/6.4 and configs/torch-2.10 for rocm7.0/7.1).
GFX_29 = ["gfx1030", "gfx1100", "gfx1101", "gfx1102", "gfx1200", "gfx1201", "gfx900", "gfx906", "gfx908", "gfx90a"]
GFX_29 += ["gfx942"]
GFX_210 = sorted([*GFX_29, "gfx1150", "gfx1151", "gfx950"])


def torch_like_variants_json() -> dict[str, object]:
    def rocm(gfx: list[str], version: str) -> dict[str, object]:
        return {"amd": {"gfx_arch": gfx, "rocm_version": [version]}}

    return {
        "default-priorities": {"namespace": ["amd"]},
        "providers": {
            "amd": {"requires": ["variant-detect-amd"], "plugin-api": "variant_detect_amd"},
        },
        "variants": {
            "null": {},
            "rocm6.3": rocm(GFX_29, "6.3"),
            "rocm6.4": rocm(GFX_29, "6.4"),
            "rocm7.0": rocm(GFX_210, "7.0"),
            "rocm7.1": rocm(GFX_210, "7.1"),
        },
    }


# Written by hand from each fixture's expected.json: a variant is kept when the
# machine's ROCm release equals its rocm_version and one of its targets is present.
EXPECTED_RANKING = {
    "linux-x86_64-zen4-mi300x": ["rocm7.0", "null"],
    "linux-x86_64-zen4-mi300x-container-no-kfd": ["null"],
    "linux-x86_64-zen4-mi300x-rocm-version-unreadable": ["rocm7.0", "null"],
    "linux-x86_64-zen3-mi250x": ["rocm6.4", "null"],
    "linux-x86_64-zen3-mi250x-no-topology": ["rocm6.4", "null"],
    "linux-x86_64-zen5-mi355x": ["rocm7.1", "null"],
    "linux-x86_64-zen2-mi100": ["rocm6.3", "null"],
    "linux-x86_64-zen2-radeonvii": ["null"],  # ROCm 6.2: no torch variant built for it
    "linux-x86_64-zen4-rx7900xtx": ["rocm6.4", "null"],
    "linux-x86_64-zen4-rx7900xtx-no-rocm": ["null"],
    "linux-x86_64-zen4-rx7900xtx-kfd-garbage": ["null"],
    "linux-x86_64-zen5-strixhalo-gfx1151": ["rocm7.0", "null"],
    "linux-x86_64-arrowlake-rx9070": ["rocm7.0", "null"],
    "linux-x86_64-zen4-w7900-w6800-mixed": ["rocm6.4", "null"],
    "linux-x86_64-zen4-w7900-w6800-rocr-visible": ["rocm6.4", "null"],
}


def test_every_amd_fixture_has_a_ranking() -> None:
    from variant_detect_runtime.testing import fixture_dirs

    assert {os.path.basename(p) for p in fixture_dirs(FIXTURES, "amd")} == set(EXPECTED_RANKING)


@pytest.mark.parametrize("name", sorted(EXPECTED_RANKING))
def test_variantlib_ranks_torch_like_variants(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", os.path.join(FIXTURES, name))
    ranked = get_variants_by_priority(variants_json=torch_like_variants_json())
    assert [v.label for v in ranked] == EXPECTED_RANKING[name]


def test_forced_version_reaches_the_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", os.path.join(FIXTURES, "linux-x86_64-zen4-mi300x"))
    monkeypatch.setenv("AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION", "6.4.0")
    ranked = get_variants_by_priority(variants_json=torch_like_variants_json())
    assert [v.label for v in ranked] == ["rocm6.4", "null"]


def test_variantlib_configs_equal_replayed_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    path = os.path.join(FIXTURES, "linux-x86_64-zen4-w7900-w6800-mixed")
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", path)
    with PluginLoader(variant_info=VariantsJson(torch_like_variants_json()), include_aot_plugins=True) as loader:
        configs = loader.get_supported_configs()["amd"]
        everything = loader.get_all_configs()["amd"]
    got = {c.name: list(c.values) for c in configs.configs}
    assert got == replay(variant_detect_amd._plugin, path).as_profile()
    assert [c.multi_value for c in configs.configs] == [True, False]
    assert "gfx950" in next(c.values for c in everything.configs if c.name == "gfx_arch")
