"""Entry-point discovery without importlib.metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from variant_detect._discovery import find_plugins, find_plugins_slow, normalize, parse_entry_points


def dist(site: Path, dirname: str, entry_points: str | None) -> None:
    meta = site / dirname
    meta.mkdir(parents=True)
    (meta / "METADATA").write_text("Name: x\n")
    if entry_points is not None:
        (meta / "entry_points.txt").write_text(entry_points)


def test_parse_entry_points_reads_only_our_group() -> None:
    text = "[console_scripts]\nx = a:b\n\n[variant_plugins]\n# comment\nx86_64 = pkg.mod:plugin\nnvidia=pkg2\n"
    assert list(parse_entry_points(text)) == [("x86_64", "pkg.mod:plugin"), ("nvidia", "pkg2")]


def test_find_plugins_first_distribution_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    dist(first, "variant_detect_toy-1.0.dist-info", "[variant_plugins]\ntoy = toy_a:plugin\n")
    dist(second, "Variant_Detect.Toy-2.0.dist-info", "[variant_plugins]\ntoy = toy_b:plugin\n")
    dist(second, "other-3.0.dist-info", "[variant_plugins]\nother = other_mod\n")
    dist(second, "plain-1.0.dist-info", None)
    dist(second, "legacy-0.1-py3.11.egg-info", "[variant_plugins]\nlegacy = legacy_mod\n")
    found = find_plugins([str(first), str(second), str(tmp_path / "missing")])
    assert [(e.namespace, e.value, e.distribution, e.version) for e in found] == [
        ("toy", "toy_a:plugin", "variant-detect-toy", "1.0"),
        ("legacy", "legacy_mod", "legacy", "0.1"),
        ("other", "other_mod", "other", "3.0"),
    ]


def test_normalize() -> None:
    assert normalize("Variant_Detect..X86-64") == "variant-detect-x86-64"


def test_fast_scan_agrees_with_importlib_metadata() -> None:
    pytest.importorskip("variant_detect_x86_64", reason="needs the x86_64 provider installed")
    fast = {(e.namespace, e.value, e.distribution, e.version) for e in find_plugins()}
    slow = {(e.namespace, e.value, e.distribution, e.version) for e in find_plugins_slow()}
    assert fast == slow
    assert ("x86_64", "variant_detect_x86_64", "variant-detect-x86-64", "0.1.0") in fast


def test_entry_point_loads_the_provider_object() -> None:
    pytest.importorskip("variant_detect_x86_64", reason="needs the x86_64 provider installed")
    entry = next(e for e in find_plugins() if e.namespace == "x86_64")
    import variant_detect_x86_64

    assert entry.load() is variant_detect_x86_64._plugin
