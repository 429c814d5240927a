"""Contract tests: every installed provider, through the real consumer.

variantlib 0.2.2 loads our plugins the way an installer would (entry points,
its own subprocess, JSON on stdout) and must see exactly what
``variant-detect --json`` reports, on every fixture.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("variant_detect_x86_64", reason="needs the x86_64 provider installed")
from variantlib.api import get_variants_by_priority
from variantlib.plugins.loader import EntryPointPluginLoader

from variant_detect._discovery import find_plugins
from variant_detect._profile import build_profile
from variant_detect_runtime import LiveProbe, ReplayProbe

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted(p for p in (ROOT / "hw_fixtures").iterdir() if (p / "expected.json").exists())
INSTALLED = sorted({e.namespace for e in find_plugins()})


def test_our_providers_are_installed() -> None:
    assert "x86_64" in INSTALLED


def _variantlib_configs(monkeypatch: pytest.MonkeyPatch, fixture: Path, method: str) -> dict[str, dict[str, list[str]]]:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", str(fixture))
    with EntryPointPluginLoader() as loader:
        configs = getattr(loader, method)()
    return {ns: {c.name: list(c.values) for c in cfg.configs} for ns, cfg in configs.items()}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_variantlib_sees_what_variant_detect_reports(monkeypatch: pytest.MonkeyPatch, fixture: Path) -> None:
    ours = build_profile(ReplayProbe(str(fixture), overrides={})).as_json()["profile"]
    theirs = _variantlib_configs(monkeypatch, fixture, "get_supported_configs")
    assert theirs == ours
    for namespace in ours:  # key order is priority order: compare it too
        assert list(theirs[namespace]) == list(ours[namespace])


def test_all_configs_cover_every_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    everything = _variantlib_configs(monkeypatch, FIXTURES[0], "get_all_configs")
    assert set(everything) == set(INSTALLED)
    for fixture in FIXTURES:
        profile = build_profile(ReplayProbe(str(fixture), overrides={})).as_json()["profile"]
        for namespace, features in profile.items():
            for name, values in features.items():
                if namespace == "x86_64" and name not in everything[namespace] and _by_isa_prefix_rule(name, values):
                    continue
                assert set(values) <= set(everything[namespace][name]), (fixture.name, namespace, name)


def _by_isa_prefix_rule(name: str, values: list[str]) -> bool:
    """x86_64 reports kernel flags no table row names yet by a prefix rule; get_all_configs() cannot list them
    ahead of time (docs/providers/x86_64.md). linux-x86_64-arrowlake-rx9070 has four."""
    from variant_detect_x86_64 import _table

    return values == ["on"] and name.startswith(_table.load().isa_prefixes)


def _x86_variants_json() -> dict[str, object]:
    variants: dict[str, object] = {f"x86_64_{v}": {"x86_64": {"level": [v]}} for v in ("v1", "v2", "v3", "v4")}
    variants["x86_64_v3_avx512_bf16"] = {"x86_64": {"level": ["v3"], "avx512_bf16": ["on"]}}
    variants["null"] = {}
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": ["x86_64"]},
        # No plugin-api: variantlib imports the module variant_detect_x86_64 itself.
        "providers": {"x86_64": {"requires": ["variant-detect-x86-64"]}},
        "variants": variants,
    }


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("linux-x86_64-core2", ["x86_64_v1", "null"]),
        ("linux-x86_64-nehalem", ["x86_64_v2", "x86_64_v1", "null"]),
        ("linux-x86_64-haswell", ["x86_64_v3", "x86_64_v2", "x86_64_v1", "null"]),
        ("linux-x86_64-zen4", ["x86_64_v4", "x86_64_v3_avx512_bf16", "x86_64_v3", "x86_64_v2", "x86_64_v1", "null"]),
        ("linux-x86_64-generic-cpuinfo-garbage", ["null"]),
    ],
)
def test_variantlib_ranks_with_our_detection(
    monkeypatch: pytest.MonkeyPatch, fixture: str, expected: list[str]
) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", str(ROOT / "hw_fixtures" / fixture))
    ranked = [v.label for v in get_variants_by_priority(variants_json=_x86_variants_json())]
    assert ranked == expected


def test_live_machine_ranks_by_its_own_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VARIANT_DETECT_FIXTURE", raising=False)
    profile = build_profile(LiveProbe(), ["x86_64"]).as_json()["profile"]
    ranked = [v.label for v in get_variants_by_priority(variants_json=_x86_variants_json())]
    assert ranked[-1] == "null"
    if "x86_64" in profile:  # an x86-64 Linux host; elsewhere only the null variant fits
        assert ranked[0] == f"x86_64_{profile['x86_64']['level'][0]}"
    else:
        assert ranked == ["null"]


def test_fixture_variable_reaches_variantlibs_subprocess(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", str(tmp_path / "missing"))
    with pytest.raises(Exception, match="does not exist"):  # PluginError carrying our FixtureError
        get_variants_by_priority(variants_json=_x86_variants_json())
    assert os.environ["VARIANT_DETECT_FIXTURE"].endswith("missing")
