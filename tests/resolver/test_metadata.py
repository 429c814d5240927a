"""Reading variants.json / variant.json in every schema found in the wild, and refusing bad ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from variant_detect._exit import BadInput, MetadataError
from variant_detect._resolver import _combine, _metadata
from variant_detect_runtime import Feature

NV_REQ = "nvidia-variant-provider>=0.0.1,<1.0.0"
NV_API = "nvidia_variant_provider.plugin:NvidiaVariantPlugin"


def _v002() -> dict[str, Any]:
    """Shaped like the pre-PEP v0.0.2 files (torch 2.8/2.9 era): legacy null label, plugin-use."""
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.0.2.json",
        "default-priorities": {"namespace": ["nvidia", "priority"], "property": {"priority": {"order": ["1", "2"]}}},
        "providers": {
            "nvidia": {"requires": [NV_REQ], "plugin-api": NV_API, "enable-if": "platform_system == 'Linux'"},
            "priority": {"plugin-use": "none"},
        },
        "variants": {
            "00000000": {},
            "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.0"], "sm_arch": ["80_real", "90_real"]}},
            "cu129": {"nvidia": {"cuda_version_lower_bound": ["12.9"]}, "priority": {"order": ["1"]}},
        },
    }


def _v003() -> dict[str, Any]:
    """Shaped like v0.0.3 (torch 2.10): install-time false + top-level static-properties."""
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.0.3.json",
        "default-priorities": {"namespace": ["nvidia", "amd", "priority"], "feature": {"nvidia": ["sm_arch"]}},
        "providers": {
            "nvidia": {"requires": [NV_REQ], "plugin-api": NV_API, "install-time": True},
            "amd": {"requires": ["amd-variant-provider>=0.0.2,<1.0.0"], "enable-if": "platform_system == 'Linux'"},
            "priority": {"install-time": False, "requires": []},
        },
        "static-properties": {"priority": {"order": ["1", "2", "3"]}},
        "variants": {
            "null": {},
            "cuda12.8": {"nvidia": {"cuda_version_lower_bound": ["12.0"]}, "priority": {"order": ["2"]}},
            "rocm7.0": {"amd": {"gfx_arch": ["gfx1100", "gfx942"], "rocm_version": ["7.0"]}},
        },
    }


def _v020() -> dict[str, Any]:
    """variantlib 0.2.2's output: provider static-properties + feature-order."""
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": ["x86_64", "blas_lapack"]},
        "providers": {
            "x86_64": {"requires": ["x86-64-variant-provider>=0.2,<0.3"], "optional": False},
            "blas_lapack": {
                "static-properties": {"provider": ["openblas", "mkl"], "omp": ["gnu", "intel"]},
                "feature-order": ["omp", "provider"],
            },
        },
        "variants": {"v3_mkl": {"x86_64": {"level": ["v3"]}, "blas_lapack": {"provider": ["mkl"]}}},
    }


def _pep825() -> dict[str, Any]:
    """PEP 825 v0.1.1: no providers table at all."""
    return {
        "$schema": "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json",
        "default-priorities": {"namespace": ["x86_64"]},
        "variants": {"x86_64_v3": {"x86_64": {"level": ["v3"]}}, "null": {}},
    }


def test_v002_plugin_use_none_takes_values_from_property_priorities() -> None:
    meta = _metadata.parse(_v002(), "torch-2.9.0-variants.json")
    assert meta.providers["priority"].static == [Feature("order", ("1", "2"))]
    assert meta.providers["nvidia"].static is None
    assert meta.providers["nvidia"].enable_if == "platform_system == 'Linux'"
    assert meta.has_null()
    assert meta.used_namespaces() == ["nvidia", "priority"]


def test_v003_install_time_false_uses_top_level_static_properties() -> None:
    meta = _metadata.parse(_v003(), "torch-2.10.0-variants.json")
    assert meta.providers["priority"].static == [Feature("order", ("1", "2", "3"))]
    assert meta.feature_priorities == {"nvidia": ["sm_arch"]}
    assert meta.providers["amd"].requires == ["amd-variant-provider>=0.0.2,<1.0.0"]


def test_v020_feature_order_orders_static_features() -> None:
    meta = _metadata.parse(_v020(), "v.json")
    assert meta.providers["blas_lapack"].static == [
        Feature("omp", ("gnu", "intel")),
        Feature("provider", ("openblas", "mkl")),
    ]


def test_pep825_without_providers() -> None:
    meta = _metadata.parse(_pep825(), "v.json")
    assert meta.providers == {}
    assert list(meta.variants) == ["x86_64_v3", "null"]


def _error(data: Any, source: str = "pkg-1.0-variants.json") -> str:
    with pytest.raises(MetadataError) as info:
        _metadata.parse(data, source)
    message = str(info.value)
    assert message.startswith(source + ":")
    return message


def test_unknown_top_level_key_is_named() -> None:
    data = _v020()
    data["extra"] = 1
    assert "extra: unknown key" in _error(data)


def test_unknown_provider_key_names_the_path() -> None:
    data = _v020()
    data["providers"]["x86_64"]["plugin_api"] = "x:y"
    assert "providers.x86_64.plugin_api: unknown key" in _error(data)


def _skipped(data: Any) -> dict[str, str]:
    """Parse a file with per-variant defects: the rest stays, the bad ones are recorded."""
    meta = _metadata.parse(data, "pkg-1.0-variants.json")
    assert "x86_64_v3" in meta.variants  # the good variant still ranks
    return meta.skipped


@pytest.mark.parametrize("label", ["X86", "a-b", "a b", "", "../x"])
def test_bad_labels_skip_that_variant(label: str) -> None:
    data = _pep825()
    data["variants"][label] = {"x86_64": {"level": ["v1"]}}
    skipped = _skipped(data)
    assert "a label matching [0-9a-z._]+" in skipped[label]
    meta = _metadata.parse(data, "pkg-1.0-variants.json")
    assert repr(label) in meta.skip_warnings()[0]


def test_bad_value_skips_that_variant_naming_key_expected_and_got() -> None:
    data = _pep825()
    data["variants"]["x86_64_v2"] = {"x86_64": {"level": ["V2"]}}
    assert (
        _skipped(data)["x86_64_v2"]
        == "variants.x86_64_v2.x86_64.level[0]: expected a value matching [a-z0-9_.]+, got 'V2'"
    )


@pytest.mark.parametrize(
    ("props", "where"),
    [
        ({"x86_64": {"level": [{"a": 1}]}}, "variants.bad.x86_64.level[0]: expected a value"),
        ({"x86_64": {"level": "v2"}}, "variants.bad.x86_64.level: expected a non-empty list"),
        ({"x86_64": {"level": [2]}}, "variants.bad.x86_64.level[0]: expected a value"),
        ({"x86_64": ["level"]}, "variants.bad.x86_64: expected a JSON object of features"),
        ([1], "variants.bad: expected a JSON object"),
        ({"x86_64": {"level": []}}, "variants.bad.x86_64.level: expected a non-empty list"),
        ({"x86_64": {"level": ["v2", "v2"]}}, "variants.bad.x86_64.level: expected each value once"),
    ],
)
def test_wrong_json_type_in_a_variant_skips_it(props: object, where: str) -> None:
    """Issue 16: ``"level": [{"a": 1}]`` was a TypeError traceback."""
    data = _pep825()
    data["variants"]["bad"] = props
    assert _skipped(data)["bad"].startswith(where)


def test_null_label_with_properties_is_skipped_and_other_empty_labels_allowed() -> None:
    data = _pep825()
    data["variants"]["null"] = {"x86_64": {"level": ["v1"]}}
    assert "reserved" in _skipped(data)["null"]
    data = _pep825()
    data["variants"]["empty"] = {}  # PEP 825 reserves 'null' for no properties; it does not forbid this
    assert _metadata.parse(data, "f").variants["empty"] == {}


def test_undeclared_namespace_skips_that_variant() -> None:
    data = _pep825()
    data["variants"]["gpu"] = {"nvidia": {"sm_arch": ["90_real"]}}
    assert _skipped(data)["gpu"] == "variants.gpu.nvidia: namespace not declared in default-priorities.namespace"


def test_feature_order_must_list_the_static_features() -> None:
    data = _v020()
    data["providers"]["blas_lapack"]["feature-order"] = ["omp"]
    assert "providers.blas_lapack.feature-order" in _error(data)


def test_requires_and_static_together_is_refused() -> None:
    data = _v020()
    data["providers"]["blas_lapack"]["requires"] = ["blas-lapack-variant-provider"]
    assert "either requires or static-properties" in _error(data)


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text('{"variants": {')
    with pytest.raises(MetadataError, match=r"pkg-1.0-variants.json: not valid JSON"):
        _metadata.load(str(path))


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text(json.dumps(_pep825()))
    monkeypatch.setenv(_metadata.MAX_BYTES_ENV, "100")
    with pytest.raises(MetadataError, match=r"over the limit of 100 bytes"):
        _metadata.load(str(path))
    monkeypatch.setenv(_metadata.MAX_BYTES_ENV, "lots")
    with pytest.raises(BadInput, match="expected a number of bytes"):
        _metadata.load(str(path))


def test_default_limit_is_above_the_benchmark_file() -> None:
    # tests/benchmarks/ranking.py writes 100,000 variants in about 20 MB.
    assert _metadata.DEFAULT_MAX_BYTES >= 10 * 20 << 20


def test_same_label_different_properties_in_two_files() -> None:
    a = _metadata.parse(_pep825(), "index-a/pkg-1.0-variants.json")
    other = _pep825()
    other["variants"]["x86_64_v3"] = {"x86_64": {"level": ["v4"]}}
    b = _metadata.parse(other, "index-b/pkg-1.0-variants.json")
    with pytest.raises(MetadataError) as info:
        _combine.merge(a, b)
    message = str(info.value)
    assert "index-b/pkg-1.0-variants.json: variants.x86_64_v3" in message
    assert "x86_64 :: level :: v4" in message
    assert "index-a/pkg-1.0-variants.json" in message


def test_merge_unions_labels_when_they_agree() -> None:
    a = _metadata.parse(_pep825(), "a")
    other = _pep825()
    other["variants"] = {"x86_64_v2": {"x86_64": {"level": ["v2"]}}, "x86_64_v3": {"x86_64": {"level": ["v3"]}}}
    _combine.merge(a, _metadata.parse(other, "b"))
    assert sorted(a.variants) == ["null", "x86_64_v2", "x86_64_v3"]


def test_wheel_variant_json_must_agree_with_index() -> None:
    index = _metadata.parse(_pep825(), "pkg-1.0-variants.json")
    wheel_data = _pep825()
    wheel_data["variants"] = {"x86_64_v3": {"x86_64": {"level": ["v4"]}}}
    wheel = _metadata.parse(wheel_data, "pkg.whl!pkg-1.0.dist-info/variant.json")
    with pytest.raises(MetadataError, match=r"wheel says .*v4.*index file .* says .*v3"):
        _combine.check_wheel_agrees(index, wheel, "x86_64_v3")
    wheel_data["variants"] = {"x86_64_v3": {"x86_64": {"level": ["v3"]}}}
    _combine.check_wheel_agrees(index, _metadata.parse(wheel_data, "w"), "x86_64_v3")
