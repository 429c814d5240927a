"""``variant-detect rank``: detection on demand, stand-ins, priorities, profiles, cache."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from variant_detect._exit import EXIT_BAD_INPUT, EXIT_OK
from variant_detect._resolver import _paths
from variant_detect._resolver._cache import Cache

FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def run_cli(command: str, *argv: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from variant_detect._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([command, *argv])
    return status, out.getvalue(), err.getvalue()


X86 = {
    "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
    "default-priorities": {"namespace": ["x86_64", "blas_lapack"]},
    "providers": {
        "x86_64": {"requires": ["x86-64-variant-provider>=0.2,<0.3"]},
        "blas_lapack": {"static-properties": {"provider": ["openblas", "mkl"]}},
    },
    "variants": {
        "v1": {"x86_64": {"level": ["v1"]}},
        "v2": {"x86_64": {"level": ["v2"]}},
        "v3": {"x86_64": {"level": ["v3"]}},
        "v4": {"x86_64": {"level": ["v4"]}},
        "v3_mkl": {"x86_64": {"level": ["v3"]}, "blas_lapack": {"provider": ["mkl"]}},
        "v3_openblas": {"x86_64": {"level": ["v3"]}, "blas_lapack": {"provider": ["openblas"]}},
        "mkl": {"blas_lapack": {"provider": ["mkl"]}},
    },
}


def write(tmp_path: Path, data: dict[str, Any], name: str = "pkg-1.0-variants.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def rank(*argv: str) -> list[str]:
    status, out, err = run_cli("rank", *argv, "--json")
    assert status == EXIT_OK, err
    labels: list[str] = json.loads(out)
    return labels


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("linux-x86_64-haswell", ["v3_openblas", "v3_mkl", "v3", "v2", "v1", "mkl"]),
        ("linux-x86_64-skylakex", ["v4", "v3_openblas", "v3_mkl", "v3", "v2", "v1", "mkl"]),
        ("linux-x86_64-nehalem", ["v2", "v1", "mkl"]),
        ("linux-x86_64-core2", ["v1", "mkl"]),
    ],
)
def test_rank_on_fixtures_through_the_standin(tmp_path: Path, name: str, expected: list[str]) -> None:
    assert rank(write(tmp_path, X86), "--fixture", fixture(name)) == expected


def test_explain_names_the_standin(tmp_path: Path) -> None:
    status, _out, err = run_cli("rank", write(tmp_path, X86), "--fixture", fixture("linux-x86_64-haswell"), "--explain")
    assert status == EXIT_OK
    assert "served by installed variant-detect-x86-64" in err
    assert "stands in for x86-64-variant-provider==0.2.1" in err


def test_null_is_listed_only_when_the_file_has_it(tmp_path: Path) -> None:
    data = json.loads(json.dumps(X86))
    data["variants"]["null"] = {}
    labels = rank(write(tmp_path, data), "--fixture", fixture("linux-x86_64-core2"))
    assert labels == ["v1", "mkl", "null"]


def test_requires_version_outside_the_standin_is_not_served(tmp_path: Path) -> None:
    data = json.loads(json.dumps(X86))
    data["providers"]["x86_64"]["requires"] = ["x86-64-variant-provider==0.3.0"]
    status, out, err = run_cli("rank", write(tmp_path, data), "--fixture", fixture("linux-x86_64-haswell"), "--json")
    assert status == EXIT_OK
    assert json.loads(out) == ["mkl"]
    assert "never installed or run without consent" in err
    assert "--allow-provider x86-64-variant-provider" in err


def test_unknown_provider_is_never_run_without_consent(tmp_path: Path) -> None:
    data = json.loads(json.dumps(X86))
    data["providers"]["x86_64"]["requires"] = ["some-unknown-provider"]
    status, out, err = run_cli("rank", write(tmp_path, data), "--json")
    assert status == EXIT_OK
    assert json.loads(out) == ["mkl"]
    assert "some-unknown-provider is not installed" in err
    assert not (Path(os.environ["VARIANT_DETECT_CACHE_DIR"]) / "provider-venvs").exists()


def test_namespace_priority_beats_toml_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, X86)
    haswell = ("--fixture", fixture("linux-x86_64-haswell"))
    assert rank(path, *haswell)[0] == "v3_openblas"
    Path("variants.toml").write_text(
        'namespace_priorities = ["blas_lapack"]\n[property_priorities.blas_lapack]\nprovider = ["mkl"]\n'
    )
    assert rank(path, *haswell)[:3] == ["v3_mkl", "mkl", "v3_openblas"]
    assert rank(path, *haswell, "--namespace-priority", "x86_64")[:2] == ["v3_mkl", "v3_openblas"]


def test_variants_toml_search_order_is_variantlibs(tmp_path: Path) -> None:
    candidates = _paths.variants_toml_candidates()
    assert candidates[0] == os.path.join(os.getcwd(), "variants.toml")
    import sys

    import platformdirs

    assert candidates[1] == os.path.join(sys.prefix, "variants.toml")
    assert candidates[2] == str(
        platformdirs.user_config_path("variantlib", appauthor=False, roaming=True) / "variants.toml"
    )
    assert candidates[3] == str(platformdirs.site_config_path("variantlib", appauthor=False) / "variants.toml")
    user = Path(candidates[2])
    user.parent.mkdir(parents=True)
    user.write_text('namespace_priorities = ["blas_lapack"]\n')
    assert rank(write(tmp_path, X86), "--fixture", fixture("linux-x86_64-haswell"))[0] == "v3_openblas"
    assert rank(write(tmp_path, X86), "--fixture", fixture("linux-x86_64-core2"))[0] == "mkl"


def test_bad_variants_toml_is_bad_input(tmp_path: Path) -> None:
    Path("variants.toml").write_text('namespace_priorities = ["X86"]\n')
    status, _out, err = run_cli("rank", write(tmp_path, X86))
    assert status == EXIT_BAD_INPUT
    assert "variants.toml: namespace_priorities: expected a list of names" in err


def test_profile_from_variant_detect_json(tmp_path: Path) -> None:
    status, out, _err = run_cli_main_json(fixture("linux-x86_64-nehalem"))
    assert status == 0
    saved = tmp_path / "nehalem.json"
    saved.write_text(out)
    assert rank(write(tmp_path, X86), "--profile", str(saved)) == ["v2", "v1", "mkl"]


def run_cli_main_json(fixture_dir: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from variant_detect._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--json", "--fixture", fixture_dir])
    return status, out.getvalue(), err.getvalue()


def test_hand_written_profile_and_bad_profile(tmp_path: Path) -> None:
    profile = tmp_path / "gpu-node.json"
    profile.write_text(json.dumps({"profile": {"x86_64": {"level": ["v4", "v3", "v2", "v1"]}}}))
    assert rank(write(tmp_path, X86), "--profile", str(profile))[0] == "v4"
    profile.write_text(json.dumps({"profile": {"x86_64": {"level": "v4"}}}))
    status, _out, err = run_cli("rank", write(tmp_path, X86), "--profile", str(profile))
    assert status == EXIT_BAD_INPUT
    assert "gpu-node.json: profile.x86_64" in err


def test_live_answers_are_cached_and_cache_clear_removes_them(tmp_path: Path) -> None:
    path = write(tmp_path, X86)
    first = rank(path)
    providers = Path(os.environ["VARIANT_DETECT_CACHE_DIR"]) / "providers"
    assert len(list(providers.glob("*.json"))) == 1
    status, _out, err = run_cli("rank", path, "--explain")
    assert status == EXIT_OK
    assert "taken from the cache" in err
    assert rank(path) == first
    assert run_cli("cache", "clear")[0] == EXIT_OK
    assert not providers.exists()
    rank(path, "--no-cache")
    assert not providers.exists()


def test_cache_commands_print_json_with_json(tmp_path: Path) -> None:
    rank(write(tmp_path, X86))
    root = os.environ["VARIANT_DETECT_CACHE_DIR"]
    status, out, err = run_cli("cache", "dir", "--json")
    assert status == EXIT_OK and json.loads(out) == {"directory": root}
    cached = sum(len(files) for _root, _dirs, files in os.walk(root))
    status, out, err = run_cli("cache", "clear", "--json")
    assert status == EXIT_OK and err == ""
    assert cached >= 1  # the provider answer, and whatever memo files the run wrote
    assert json.loads(out) == {"directory": root, "removed": cached}
    assert json.loads(run_cli("cache", "clear", "--json")[1])["removed"] == 0


def test_corrupt_cache_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, X86)
    first = rank(path)
    entry = next((Path(os.environ["VARIANT_DETECT_CACHE_DIR"]) / "providers").glob("*.json"))
    entry.write_text("{not json")
    status, out, err = run_cli("rank", path, "--json")
    assert status == EXIT_OK
    assert json.loads(out) == first
    assert "is corrupt" in err
    assert json.loads(entry.read_text())["features"]  # rewritten


def test_unwritable_cache_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("VARIANT_DETECT_CACHE_DIR", str(blocker))
    status, out, err = run_cli("rank", write(tmp_path, X86), "--json")
    assert status == EXIT_OK
    assert json.loads(out)
    assert "cannot write" in err


def test_cache_key_changes_with_steering_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache()
    key = cache.key("nvidia", "variant-detect-nvidia", "0.1.0", "m:plugin")[0]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert Cache().key("nvidia", "variant-detect-nvidia", "0.1.0", "m:plugin")[0] != key
    assert Cache().key("nvidia", "variant-detect-nvidia", "0.2.0", "m:plugin")[0] != key


def test_cache_dir_matches_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("VARIANT_DETECT_CACHE_DIR")
    assert _paths.user_cache_dir() == platformdirs.user_cache_dir("variant-detect", appauthor=False)


def test_missing_file_is_bad_input() -> None:
    status, _out, err = run_cli("rank", "nope-1.0-variants.json")
    assert status == EXIT_BAD_INPUT
    assert "nope-1.0-variants.json: cannot read" in err


NVIDIA = {
    "default-priorities": {"namespace": ["nvidia"]},
    "providers": {
        "nvidia": {
            "requires": ["nvidia-variant-provider>=0.0.1,<1.0.0"],
            "plugin-api": "nvidia_variant_provider.plugin:NvidiaVariantPlugin",
        }
    },
    "variants": {
        "null": {},
        "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.0"], "sm_arch": ["80_real", "90_real"]}},
        "cu129": {"nvidia": {"cuda_version_lower_bound": ["12.9"], "sm_arch": ["90_real", "120_real"]}},
        "cu13": {"nvidia": {"cuda_version_lower_bound": ["13.0"], "sm_arch": ["90_real"]}},
    },
}


@pytest.mark.parametrize(("sm", "expected"), [("9.0", ["cu129", "cu126", "null"]), ("8.0", ["cu126", "null"])])
def test_nvidia_standin_with_force_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sm: str, expected: list[str]
) -> None:
    """installers.md: uv's builtin picks cu129 with FORCE 12.9/9.0 and cu126 with 12.9/8.0."""
    pytest.importorskip("variant_detect_nvidia")
    monkeypatch.setenv("NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION", "12.9")
    monkeypatch.setenv("NV_VARIANT_PROVIDER_FORCE_SM_ARCH", sm)
    assert rank(write(tmp_path, NVIDIA), "--no-cache") == expected
