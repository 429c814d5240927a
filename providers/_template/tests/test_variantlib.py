"""variantlib 0.2.2, the reference plugin runner, loads this provider.

It imports the plugin in a subprocess of its own; ``VARIANT_DETECT_FIXTURE``
reaches it there, so the fixture stands in for the hardware.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from variant_detect_runtime.testing import replay
from variantlib.api import get_variants_by_priority
from variantlib.plugins import loader as variantlib_loader

import variant_detect_fictional_hw

HERE = os.path.dirname(os.path.abspath(__file__))
DEEPTHOUGHT = os.path.join(os.path.dirname(HERE), "fixtures", "linux-x86_64-generic-deepthought")
PLUGIN = variant_detect_fictional_hw._plugin
NAMESPACE = PLUGIN.namespace


@pytest.fixture(autouse=True)
def _on_the_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", DEEPTHOUGHT)
    # variantlib caches answers per process, keyed without the environment.
    variantlib_loader.VARIANT_PROVIDER_CACHE_TABLE.clear()
    yield
    variantlib_loader.VARIANT_PROVIDER_CACHE_TABLE.clear()


def _configs(method: str) -> dict[str, list[str]]:
    with variantlib_loader.EntryPointPluginLoader() as plugins:
        configs = getattr(plugins, method)()
    assert NAMESPACE in configs, f"entry point {NAMESPACE!r} not found in group variant_plugins"
    return {c.name: list(c.values) for c in configs[NAMESPACE].configs}


def test_entry_point_gives_the_replayed_profile() -> None:
    theirs = _configs("get_supported_configs")
    ours = replay(PLUGIN, DEEPTHOUGHT).as_profile()
    assert theirs == ours
    assert list(theirs) == list(ours)  # feature order is priority order


def test_all_configs_through_the_entry_point() -> None:
    assert _configs("get_all_configs") == {c.name: list(c.values) for c in PLUGIN.get_all_configs()}


def test_ranking_a_variants_json() -> None:
    # No plugin-api: variantlib imports the module named after the requirement,
    # whose module-level functions are the plugin.
    variants_json = {
        "default-priorities": {"namespace": [NAMESPACE]},
        "providers": {NAMESPACE: {"requires": [PLUGIN.distribution]}},
        "variants": {
            "hal": {NAMESPACE: {"architecture": ["hal"]}},
            "tars_cc30": {NAMESPACE: {"architecture": ["tars"], "compute_capability": ["3.0"]}},
            "deepthought": {NAMESPACE: {"architecture": ["deepthought"]}},
            "deepthought_cc32": {NAMESPACE: {"architecture": ["deepthought"], "compute_capability": ["3.2"]}},
        },
    }
    ranked = [v.label for v in get_variants_by_priority(variants_json=variants_json)]
    # cc 3.2 is beyond the device's 3.1; null is always appended last.
    assert ranked == ["deepthought", "tars_cc30", "hal", "null"]
