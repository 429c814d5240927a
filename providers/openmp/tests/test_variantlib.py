"""variantlib 0.2.2, the reference plugin runner, loads the openmp provider.

It imports the plugin in a subprocess of its own; ``VARIANT_DETECT_FIXTURE``
reaches it there, so the fixture stands in for the machine. Published files
name ``openmp-variant-provider``, which variantlib would install and import by
that name; these files name our distribution instead (our own answer).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from variantlib.api import VariantDescription, VariantProperty, get_variants_by_priority, validate_variant
from variantlib.models.variant_info import ProviderInfo, VariantInfo
from variantlib.plugins import loader as variantlib_loader

import variant_detect_openmp
from variant_detect_runtime.testing import replay

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures", "linux-x86_64-zen4-libomp-libgomp"))
PLUGIN = variant_detect_openmp._plugin


@pytest.fixture(autouse=True)
def _on_the_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", FIXTURE)
    variantlib_loader.VARIANT_PROVIDER_CACHE_TABLE.clear()  # cached per process, not per environment
    yield
    variantlib_loader.VARIANT_PROVIDER_CACHE_TABLE.clear()


def _configs(method: str) -> dict[str, list[str]]:
    with variantlib_loader.EntryPointPluginLoader() as plugins:
        configs = getattr(plugins, method)()
    assert "openmp" in configs, "entry point 'openmp' not found in group variant_plugins"
    return {c.name: list(c.values) for c in configs["openmp"].configs}


def test_entry_point_gives_the_replayed_profile() -> None:
    assert (
        _configs("get_supported_configs")
        == replay(PLUGIN, FIXTURE).as_profile()
        == {"provider": ["gnu", "llvm", "intel"]}
    )


def test_all_configs_through_the_entry_point() -> None:
    assert _configs("get_all_configs") == {"provider": ["gnu", "intel", "llvm"]}


def test_ranking_a_file_that_names_our_distribution() -> None:
    # install-time plugin, no plugin-api: variantlib imports the module named after the requirement.
    variants_json = {
        "default-priorities": {"namespace": ["openmp"]},
        "providers": {"openmp": {"requires": [PLUGIN.distribution]}},
        "variants": {
            "gomp": {"openmp": {"provider": ["gnu"]}},
            "iomp5": {"openmp": {"provider": ["intel"]}},
            "libomp": {"openmp": {"provider": ["llvm"]}},
        },
    }
    ranked = [v.label for v in get_variants_by_priority(variants_json=variants_json)]
    assert ranked == ["gomp", "libomp", "iomp5", "null"]


def _build_info() -> VariantInfo:
    return VariantInfo(
        namespace_priorities=["openmp"],
        providers={"openmp": ProviderInfo(requires=[PLUGIN.distribution], plugin_api="variant_detect_openmp")},
    )


@pytest.mark.parametrize(("value", "valid"), [("gnu", True), ("intel", True), ("llvm", True), ("msvc", False)])
def test_building_a_variant_validates_through_get_all_configs(value: str, valid: bool) -> None:
    # What a build backend does before writing a variant wheel (variantlib's validate_variant).
    desc = VariantDescription([VariantProperty("openmp", "provider", value)])
    result = validate_variant(desc, _build_info())
    assert result.results == {VariantProperty("openmp", "provider", value): valid}
