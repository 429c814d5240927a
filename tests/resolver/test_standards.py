"""PEP 825 and PEP 850 as they read now: one test per rule of docs/standards.md."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from variant_detect._exit import EXIT_BAD_INPUT, EXIT_OK, MetadataError
from variant_detect._resolver import _combine, _metadata, _schema
from variant_detect_runtime import Feature

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "hw_fixtures"
PUBLISHED = Path(__file__).with_name("data") / "published"
HASWELL = str(FIXTURES / "linux-x86_64-haswell")


def run_cli(command: str, *argv: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from variant_detect._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([command, *argv])
    return status, out.getvalue(), err.getvalue()


def pep850() -> dict[str, Any]:
    return {
        "$schema": _schema.PEP850,
        "default-priorities": {"namespace": ["x86_64", "blas_lapack"]},
        "providers": {
            "x86_64": {"requires": ["x86-64-variant-provider>=0.2,<0.3"]},
            "blas_lapack": {"static-properties": {"provider": ["openblas", "mkl"]}},
        },
        "variants": {
            "null": {},
            "v3": {"x86_64": {"level": ["v3"]}},
            "v2": {"x86_64": {"level": ["v2"]}},
            "v3_mkl": {"x86_64": {"level": ["v3"]}, "blas_lapack": {"provider": ["mkl"]}},
        },
    }


def write(tmp_path: Path, data: object, name: str = "pkg-1.0-variants.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def refused(data: object) -> MetadataError:
    with pytest.raises(MetadataError) as info:
        _metadata.parse(data, "pkg-1.0-variants.json")
    assert str(info.value).startswith("pkg-1.0-variants.json: ")
    return info.value


# -- PEP 825 "Variant metadata": versions ----------------------------------------------


@pytest.mark.parametrize("version", ["v9.0.0", "v1.0.0"])
def test_schema_major_version_not_supported_is_refused(tmp_path: Path, version: str) -> None:
    data = pep850()
    data["$schema"] = f"https://variants-schema.wheelnext.dev/peps/825/{version}.json"
    status, _out, err = run_cli("rank", write(tmp_path, data), "--fixture", HASWELL)
    assert status == EXIT_BAD_INPUT
    assert f"pkg-1.0-variants.json: $schema: {data['$schema']} is major version" in err


@pytest.mark.parametrize("url", ["peps/825/v0.1.2.json", "peps/850/v0.3.0.json", "v0.0.9.json"])
def test_schema_unknown_draft_version_is_refused(url: str) -> None:
    data = pep850()
    data["$schema"] = "https://variants-schema.wheelnext.dev/" + url
    assert "a draft version (0.x) this tool does not know" in str(refused(data))


def test_schema_newer_minor_of_supported_major_is_accepted() -> None:
    supported = frozenset({("850", (1, 0, 0))})
    assert _schema.accepts("850", (1, 0, 0), supported)
    assert _schema.accepts("850", (1, 3, 0), supported)  # SHOULD accept a newer minor
    assert not _schema.accepts("850", (2, 0, 0), supported)  # MUST reject an unknown major
    assert not _schema.accepts("825", (1, 0, 0), supported)


@pytest.mark.parametrize(
    "url",
    [
        _schema.PEP825,
        _schema.PEP850,
        "https://variants-schema.wheelnext.dev/peps/826/v0.2.0.json",
        "https://variants-schema.wheelnext.dev/v0.0.2.json",
        "https://variants-schema.wheelnext.dev/v0.0.3.json",
        "https://variants-schema.wheelnext.dev/v0.2.0.json",
    ],
)
def test_schema_known_versions_are_read(url: str) -> None:
    data = pep850()
    data["$schema"] = url
    assert sorted(_metadata.parse(data, "f").variants) == ["null", "v2", "v3", "v3_mkl"]


@pytest.mark.parametrize("url", ["https://example.org/schema.json", 3, "https://variants-schema.wheelnext.dev/x.json"])
def test_schema_unknown_url_is_refused(url: object) -> None:
    data = pep850()
    data["$schema"] = url
    assert refused(data).key == "$schema"


# -- removed keys ----------------------------------------------------------------------


def _with_removed(data: dict[str, Any], key: str) -> str:
    """Put one removed key where it used to live; return its key path."""
    if key in ("feature", "property"):
        data["default-priorities"][key] = {}
        return f"default-priorities.{key}"
    if key == "static-properties":
        data[key] = {}
        return key
    data["providers"]["x86_64"][key] = {"enable-if": "os_name == 'posix'", "install-time": True, "plugin-use": "all"}[
        key
    ]
    return f"providers.x86_64.{key}"


@pytest.mark.parametrize("key", ["feature", "property", "static-properties", "enable-if", "install-time", "plugin-use"])
def test_removed_keys_are_errors_under_pep_schemas(key: str) -> None:
    data = pep850()
    where = _with_removed(data, key)
    error = refused(data)
    assert error.key == where
    assert "removed by PEP 825/850" in str(error)
    data["$schema"] = "https://variants-schema.wheelnext.dev/v0.0.3.json"  # pre-PEP: still their old meaning
    _metadata.parse(data, "f")


# -- PEP 850 "Provider information" ----------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ({"requires": ["a"], "static-properties": {"provider": ["x"]}}, "providers.blas_lapack"),
        ({"optional": True}, "providers.blas_lapack"),
        ({"builtin": "abi_dependency", "requires": ["a"]}, "providers.blas_lapack"),
        ({"static-properties": {"provider": ["x"]}, "plugin-api": "a:b"}, "providers.blas_lapack.plugin-api"),
        ({"requires": []}, "providers.blas_lapack.requires"),
    ],
)
def test_pep850_provider_is_exactly_one_kind(entry: dict[str, Any], where: str) -> None:
    data = pep850()
    data["providers"]["blas_lapack"] = entry
    assert refused(data).key == where


def test_pep850_each_kind_may_be_optional() -> None:
    data = pep850()
    data["providers"]["blas_lapack"]["optional"] = True
    data["providers"]["x86_64"]["optional"] = False
    assert _metadata.parse(data, "f").providers["blas_lapack"].optional


def test_pep850_feature_order_required_for_several_static_features() -> None:
    data = pep850()
    data["providers"]["blas_lapack"]["static-properties"]["omp"] = ["gnu"]
    assert refused(data).key == "providers.blas_lapack.feature-order"
    data["providers"]["blas_lapack"]["feature-order"] = ["omp", "provider"]
    spec = _metadata.parse(data, "f").providers["blas_lapack"]
    assert spec.static == [Feature("omp", ("gnu",)), Feature("provider", ("openblas", "mkl"))]


def test_pep850_providers_match_the_namespace_list() -> None:
    data = pep850()
    del data["providers"]["blas_lapack"]
    assert refused(data).key == "providers.blas_lapack"
    data = pep850()
    data["providers"]["cuda"] = {"requires": ["x"]}
    assert refused(data).key == "default-priorities.namespace"
    data = pep850()
    del data["providers"]
    assert refused(data).key == "providers"


def test_pep850_static_empty_values_is_a_feature_with_no_supported_value(tmp_path: Path) -> None:
    data = pep850()
    data["providers"]["blas_lapack"] = {
        "static-properties": {"provider": [], "omp": ["gnu"]},
        "feature-order": ["provider", "omp"],
    }
    data["default-priorities"]["namespace"] = ["blas_lapack", "x86_64"]
    data["variants"] = {"gnu": {"blas_lapack": {"omp": ["gnu"]}}, "mkl": {"blas_lapack": {"provider": ["mkl"]}}}
    status, out, err = run_cli("rank", write(tmp_path, data), "--json", "--fixture", HASWELL)
    assert status == EXIT_OK, err
    assert json.loads(out) == ["gnu"]  # the namespace stands; only the empty feature is unsupported


def test_pep825_namespace_list_required_and_non_empty() -> None:
    data = pep850()
    data["default-priorities"]["namespace"] = []
    assert refused(data).key == "default-priorities.namespace"
    data = pep850()
    del data["default-priorities"]
    assert refused(data).key == "default-priorities"


# -- PEP 825 "Implementation requirements": degrade gracefully --------------------------


def test_rank_skips_a_bad_variant_with_one_warning_and_exits_0(tmp_path: Path) -> None:
    data = pep850()
    data["variants"]["bad"] = {"x86_64": {"level": [{"a": 1}]}}  # issue 16's TypeError
    data["variants"]["gpu"] = {"nvidia": {"sm_arch": ["90_real"]}}  # undeclared namespace
    path = write(tmp_path, data)
    status, out, err = run_cli("rank", path, "--json", "--fixture", HASWELL, "--explain")
    assert status == EXIT_OK, err
    assert json.loads(out) == ["v3_mkl", "v3", "v2", "null"]
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert f"{path}: variant 'bad' skipped: variants.bad.x86_64.level[0]: expected a value" in warnings[0]
    assert f"{path}: variant 'gpu' skipped: variants.gpu.nvidia: namespace not declared" in warnings[1]
    assert "explain: bad: skipped: variants.bad.x86_64.level[0]" in err


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.__setitem__("providers", []), "providers"),
        (lambda d: d["default-priorities"].__setitem__("namespace", "x86_64"), "default-priorities.namespace"),
        (lambda d: d["providers"]["blas_lapack"]["static-properties"].__setitem__("provider", [1]), "[0]"),
        (lambda d: d.__setitem__("variants", []), "variants"),
    ],
)
def test_file_level_defect_exits_2_naming_file_and_key(tmp_path: Path, mutate: Any, where: str) -> None:
    data = pep850()
    mutate(data)
    path = write(tmp_path, data)
    status, _out, err = run_cli("rank", path, "--fixture", HASWELL)
    assert status == EXIT_BAD_INPUT
    assert err.startswith(f"variant-detect: error: {path}: ")
    assert where in err


def _links_without_index(dist: Path, tmp_path: Path, variants_json: bytes | None = None) -> Path:
    links = tmp_path / "links"
    links.mkdir()
    for path in dist.iterdir():
        if not path.name.endswith("-variants.json"):
            shutil.copy(path, links / path.name)
    if variants_json is not None:
        (links / "dummy_pkg-1.0.0-variants.json").write_bytes(variants_json)
    return links


def test_install_falls_back_to_the_non_variant_wheel_on_a_file_defect(dist: Path, tmp_path: Path) -> None:
    links = _links_without_index(dist, tmp_path, b'{"$schema": "https://variants-schema.wheelnext.dev/v9.0.0.json"}')
    argv = ["dummy-pkg", "--find-links", str(links), "--fixture", HASWELL]
    status, _out, err = run_cli("pick", *argv)
    assert status == EXIT_BAD_INPUT
    status, out, err = run_cli("install", *argv, "--installer", "pip", "--dry-run")
    assert status == EXIT_OK, err
    assert "dummy_pkg-1.0.0-variants.json: $schema:" in err
    assert "installing the non-variant wheel instead" in err
    assert out.split()[-1].endswith("dummy_pkg-1.0.0-py3-none-any.whl")
    (links / "dummy_pkg-1.0.0-py3-none-any.whl").unlink()
    status, _out, err = run_cli("install", *argv, "--installer", "pip", "--dry-run")
    assert status == EXIT_BAD_INPUT


# -- PEP 825 "Installing a package from an index", step 5 --------------------------------


def test_find_links_without_variants_json_combines_the_wheels(dist: Path, tmp_path: Path) -> None:
    links = _links_without_index(dist, tmp_path)
    status, out, err = run_cli("pick", "dummy-pkg", "--find-links", str(links), "--fixture", HASWELL, "--json")
    assert status == EXIT_OK, err
    chosen = json.loads(out)
    assert chosen["label"] == "x86_64_v3_openblas"
    assert any("combined the variant.json of 7 local wheel(s)" in w for w in chosen["warnings"])


def test_remote_index_without_variants_json_treats_variants_as_incompatible() -> None:
    from variant_detect._resolver._combine import from_local_wheels
    from variant_detect._resolver._index import Link
    from variant_detect._resolver._wheels import WheelName

    name = "dummy_pkg-1.0.0-py3-none-any-x86_64_v3.whl"
    by_label = {"x86_64_v3": [(WheelName(name), Link(name, f"https://index.invalid/files/{name}", False))]}
    warnings: list[str] = []
    assert from_local_wheels(by_label, "1.0.0", warnings) is None
    assert "treated as incompatible rather than downloading each one" in warnings[0]


def test_namespace_lists_combine_as_prefixes() -> None:
    assert _combine.combined_namespaces(["a"], ["a", "b"]) == ["a", "b"]
    assert _combine.combined_namespaces(["a", "b"], ["a", "b"]) == ["a", "b"]
    assert _combine.combined_namespaces(["b"], ["a", "b"]) is None
    one = _metadata.parse(pep850(), "one")
    other = pep850()
    other["default-priorities"]["namespace"] = ["blas_lapack", "x86_64"]
    with pytest.raises(MetadataError, match="one starting with the other"):
        _combine.merge(one, _metadata.parse(other, "two"))


# -- what we write for an installer (PEP 825 consistency, PEP 850 schema) -------------------


def test_staticised_variant_json_is_pep850_and_agrees_with_the_index() -> None:
    from variant_detect._resolver import _rank
    from variant_detect._resolver._install import staticised
    from variant_detect._resolver._pick import Choice
    from variant_detect._resolver._wheels import WheelName

    index = _metadata.parse(pep850(), "pkg-1.0-variants.json")
    name = "pkg-1.0-py3-none-any-v3.whl"
    from variant_detect._resolver._index import Link

    choice = Choice("pkg", "1.0", WheelName(name), Link(name, name, True))
    choice.meta = index
    choice.order = _rank.slots(index, {"x86_64": [("level", ("v3", "v2", "v1"))]})
    written = _metadata.loads(staticised(choice), "variant.json")
    assert written.strict and written.schema == _schema.PEP850
    assert list(written.variants) == ["v3"]
    assert _combine.same_properties(written.variants["v3"], index.variants["v3"])
    assert written.namespaces == index.namespaces  # equal lists agree (PEP 825 consistency)
    assert written.providers["blas_lapack"].static == []  # supported nothing here: still declared


# -- PEP 850 "Providers": trust, plugin-api, stand-ins ------------------------------------------


def test_every_requires_must_be_trusted(tmp_path: Path) -> None:
    data = pep850()
    data["default-priorities"]["namespace"] = ["acme", "blas_lapack"]
    data["providers"] = {
        "acme": {"requires": ["acme-provider>=1", "acme-helper"]},
        "blas_lapack": data["providers"]["blas_lapack"],
    }
    data["variants"] = {"null": {}, "fast": {"acme": {"speed": ["fast"]}}}
    path = write(tmp_path, data)
    status, out, err = run_cli("rank", path, "--json", "--allow-provider", "acme-provider", "--no-cache")
    assert status == EXIT_OK, err
    assert json.loads(out) == ["null"]
    assert "(pass --allow-provider acme-helper to allow it)" in err  # exactly the untrusted one
    assert "installing provider" not in err


def test_namespace_without_provider_entry_is_not_served_by_entry_point_name(tmp_path: Path) -> None:
    data = {
        "$schema": _schema.PEP825,
        "default-priorities": {"namespace": ["x86_64"]},
        "variants": {"null": {}, "v3": {"x86_64": {"level": ["v3"]}}},
    }
    path = write(tmp_path, data)
    status, out, err = run_cli("rank", path, "--json", "--fixture", HASWELL)
    assert status == EXIT_OK, err
    assert json.loads(out) == ["null"]  # our installed x86_64 provider is not asked
    assert "names no provider for this namespace" in err
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"profile": {"x86_64": {"level": ["v3", "v2", "v1"]}}}))
    status, out, err = run_cli("rank", path, "--json", "--profile", str(profile))
    assert json.loads(out) == ["v3", "null"]  # a user's static list (PEP 850 step 3)


def test_requires_markers_pick_the_provider(tmp_path: Path) -> None:
    data = pep850()
    data["providers"]["x86_64"]["requires"] = [
        "some-other-provider ; python_version < '3'",
        "x86-64-variant-provider>=0.2,<0.3",
    ]
    status, out, err = run_cli("rank", write(tmp_path, data), "--json", "--fixture", HASWELL, "--explain")
    assert status == EXIT_OK, err
    assert json.loads(out) == ["v3_mkl", "v3", "v2", "null"]
    assert "'x86-64-variant-provider>=0.2,<0.3' served by installed variant-detect-x86-64" in err


def test_standin_serves_only_the_versions_it_reproduces(tmp_path: Path) -> None:
    data = pep850()
    data["providers"]["x86_64"]["requires"] = ["x86-64-variant-provider>=0.3"]
    status, out, err = run_cli("rank", write(tmp_path, data), "--json", "--fixture", HASWELL, "--no-cache")
    assert status == EXIT_OK, err
    assert json.loads(out) == ["null"]
    assert "--allow-provider x86-64-variant-provider" in err


def test_empty_values_list_does_not_drop_the_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    from variant_detect._resolver import _isolated
    from variant_detect._resolver._metadata import ProviderSpec
    from variant_detect._resolver._supported import Options

    answer = {"get_supported_configs": [{"name": "gpu", "values": [], "multi_value": True}]}
    answer["get_supported_configs"].append({"name": "min_version", "values": ["3", "2"], "multi_value": False})
    monkeypatch.setattr(_isolated, "ensure_venv", lambda requires, options: "python")
    monkeypatch.setattr(_isolated, "_run", lambda argv, timeout, what: json.dumps(answer))
    features, warnings = _isolated.query(ProviderSpec("example"), Options(), ["example-provider"], "example_provider")
    assert features == [Feature("min_version", ("3", "2"))]
    assert warnings == []


def test_our_providers_return_pep850_configs() -> None:
    """PEP 850: get_supported_configs/get_all_configs return a list of configs whose values are a list[str]."""
    from variant_detect._discovery import find_plugins

    entries = find_plugins()
    assert entries, "no provider installed"
    for entry in entries:
        plugin = entry.load()
        for method in (plugin.get_supported_configs, plugin.get_all_configs):  # type: ignore[attr-defined]
            configs = method()
            assert type(configs) is list, (entry.distribution, method.__name__)
            for config in configs:
                assert type(config.values) is list and all(type(v) is str for v in config.values), config
                assert config.values, (entry.distribution, config)


def test_our_providers_expose_only_the_pep850_plugin_api() -> None:
    """PEP 850: a plugin's attributes beyond the API SHOULD start with ``_``.

    The object an entry point names is the provider's module; its public names
    are the plugin API plus what variantlib 0.2.2 reads (``get_all_configs``,
    ``all_properties_compatible``) and ``namespace`` (uv's prototype reads it).
    """
    import importlib

    from variant_detect._discovery import find_plugins

    allowed = {"get_supported_configs", "get_all_configs", "namespace", "all_properties_compatible"}
    ours = [e for e in find_plugins() if e.distribution.startswith("variant-detect-")]
    assert ours
    for entry in ours:
        module_name, _, attr = entry.value.partition(":")
        assert not attr, f"{entry.distribution}: the entry point names the module, not {attr!r}"
        plugin = importlib.import_module(module_name)
        assert {a for a in dir(plugin) if not a.startswith("_")} <= allowed, entry.distribution
        assert plugin.namespace == entry.namespace


# -- the published pre-PEP files -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in PUBLISHED.glob("*-variants.json")))
def test_published_pre_pep_files_still_rank(name: str) -> None:
    meta = _metadata.load(str(PUBLISHED / name))
    assert not meta.strict and not meta.skipped and meta.variants
    from variant_detect._resolver import _rank
    from variant_detect._resolver._supported import Options, supported_for

    # A machine supporting every value the file declares, via a profile: every variant must rank.
    profile: dict[str, dict[str, list[str]]] = {}
    for props in meta.variants.values():
        for ns, features in props.items():
            for feat, values in features.items():
                known = profile.setdefault(ns, {}).setdefault(feat, [])
                known += [v for v in values if v not in known]
    as_profile = {ns: [(f, tuple(v)) for f, v in fs.items()] for ns, fs in profile.items()}
    outcome = supported_for(meta, Options(profile=as_profile))
    labels = _rank.rank(meta.variants, _rank.slots(meta, outcome.supported))
    assert sorted(labels) == sorted(meta.variants), name


# -- issue 13: names and requirements through packaging ---------------------------------------


def test_requirement_names_are_packagings() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from packaging.utils import canonicalize_name

    from variant_detect._resolver._pick import parse_requirement
    from variant_detect._resolver._standins import parse_requires

    names = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,12}[A-Za-z0-9])?", fullmatch=True)

    @settings(max_examples=200, deadline=None)
    @given(name=names)
    def check(name: str) -> None:
        assert parse_requirement(name).name == canonicalize_name(name)  # the bare-name fast path
        parsed = parse_requires([f"{name}>=1"])[0]
        assert parsed is not None and parsed.name == canonicalize_name(name)

    check()


def test_malformed_requires_names_the_key(tmp_path: Path) -> None:
    data = pep850()
    data["providers"]["x86_64"]["requires"] = ["!!!not a req"]
    status, _out, err = run_cli("rank", write(tmp_path, data), "--fixture", HASWELL)
    assert status == EXIT_BAD_INPUT
    assert "providers.x86_64.requires[0]: expected a PEP 508 requirement" in err


def test_pep825_label_missing_from_metadata_means_incompatible(dist: Path, tmp_path: Path) -> None:
    links = _links_without_index(dist, tmp_path)
    meta = json.loads((dist / "dummy_pkg-1.0.0-variants.json").read_text())
    trimmed = copy.deepcopy(meta)
    del trimmed["variants"]["x86_64_v3_openblas"]
    (links / "dummy_pkg-1.0.0-variants.json").write_text(json.dumps(trimmed))
    status, out, err = run_cli("pick", "dummy-pkg", "--find-links", str(links), "--fixture", HASWELL, "--json")
    assert status == EXIT_OK, err
    chosen = json.loads(out)
    assert chosen["label"] == "x86_64_v3_mkl"
    assert any("no variants.x86_64_v3_openblas for the wheel labelled so; skipped" in w for w in chosen["warnings"])


def test_within_a_label_the_best_tag_wins() -> None:
    """PEP 825 "Variant ordering": inside one label's group, platform tags decide."""
    from variant_detect._resolver._index import Link
    from variant_detect._resolver._pick import _best_tag
    from variant_detect._resolver._wheels import WheelName

    names = ["pkg-1.0-py3-none-any-v3.whl", "pkg-1.0-cp311-abi3-any-v3.whl"]
    candidates = [(WheelName(n), Link(n, n, True)) for n in names]
    tag_rank = {"cp311-abi3-any": 0, "py3-none-any": 5}
    assert _best_tag(candidates, tag_rank)[0].filename == "pkg-1.0-cp311-abi3-any-v3.whl"


# -- docs/standards.md names only tests that exist ------------------------------------------


def test_standards_doc_rows_name_existing_tests() -> None:
    import re

    doc = (REPO / "docs" / "standards.md").read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if re.match(r"\| (PEP )?\d{3} ", line)]
    assert len(rows) >= 40
    missing = []
    for row in rows:
        refs = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", row)
        assert refs or "no test:" in row, f"a row names no test: {row[:80]}"
        for path, name in refs:
            source = REPO / path
            if not source.is_file() or not re.search(rf"^def {name}\(", source.read_text(encoding="utf-8"), re.M):
                missing.append(f"{path}::{name}")
    assert missing == []


def test_installed_published_provider_runs_itself(tmp_path: Path) -> None:
    data = pep850()
    data["providers"]["x86_64"]["requires"] = ["variant-detect-x86-64"]  # installed here
    status, out, err = run_cli("rank", write(tmp_path, data), "--json", "--fixture", HASWELL, "--explain")
    assert status == EXIT_OK, err
    assert json.loads(out) == ["v3_mkl", "v3", "v2", "null"]
    assert "x86_64: variant-detect-x86-64 " in err and " is installed" in err
