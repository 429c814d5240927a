"""variantlib 0.2.2, the reference plugin runner, loads the tpu provider.

It imports the plugin in a subprocess of its own; ``VARIANT_DETECT_FIXTURE``
reaches it there, so the fixture stands in for the machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from variantlib.api import get_variants_by_priority
from variantlib.plugins import loader as variantlib_loader

import variant_detect_tpu
from variant_detect_runtime.testing import replay

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
PLUGIN = variant_detect_tpu._plugin


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    variantlib_loader.VARIANT_PROVIDER_CACHE_TABLE.clear()  # cached per process, not per environment
    yield
    variantlib_loader.VARIANT_PROVIDER_CACHE_TABLE.clear()


def _configs(method: str) -> dict[str, list[str]]:
    with variantlib_loader.EntryPointPluginLoader() as plugins:
        configs = getattr(plugins, method)()
    assert "tpu" in configs, "entry point 'tpu' not found in group variant_plugins"
    return {c.name: list(c.values) for c in configs["tpu"].configs}


@pytest.mark.parametrize(
    ("name", "expected"), [("linux-x86_64-zen-tpu_v4", ["true"]), ("linux-x86_64-sapphirerapids-no-tpu", ["false"])]
)
def test_entry_point_gives_the_replayed_profile(
    monkeypatch: pytest.MonkeyPatch, name: str, expected: list[str]
) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", os.path.join(FIXTURES, name))
    assert _configs("get_supported_configs") == replay(PLUGIN, os.path.join(FIXTURES, name)).as_profile()
    assert _configs("get_supported_configs") == {"present": expected}


def test_all_configs_through_the_entry_point() -> None:
    assert _configs("get_all_configs") == {"present": ["true", "false"]}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("linux-x86_64-zen4-tpu_v6e", ["tpu", "null"]), ("linux-x86_64-sapphirerapids-no-tpu", ["cpu", "null"])],
)
def test_ranking_a_file_that_names_our_distribution(
    monkeypatch: pytest.MonkeyPatch, name: str, expected: list[str]
) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", os.path.join(FIXTURES, name))
    variants_json = {
        "default-priorities": {"namespace": ["tpu"]},
        "providers": {"tpu": {"requires": [PLUGIN.distribution]}},
        "variants": {"cpu": {"tpu": {"present": ["false"]}}, "tpu": {"tpu": {"present": ["true"]}}},
    }
    assert [v.label for v in get_variants_by_priority(variants_json=variants_json)] == expected
