"""Files naming the openmp and tpu providers rank without ``--allow-provider``.

* openmp: published files (scikit-learn on wheelnext/variants-index-test, kept in
  ``tests/parity/data``) carry the value list as static properties, so no plugin runs for them; a file whose
  ``requires`` names ``openmp-variant-provider`` as an install-time plugin gets the published
  provider's fixed answer from our stand-in; a file naming ``variant-detect-openmp`` gets ours.
* tpu: uv 0.13.9's own test vector (``select_tpu_variant`` in
  ``crates/uv/tests/pip_install/wheel_variant_compatibility.rs``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from variant_detect._exit import EXIT_OK

FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"
LIBOMP_LIBGOMP = str(FIXTURES / "linux-x86_64-zen4-libomp-libgomp")
LIBIOMP5 = str(FIXTURES / "linux-x86_64-cascadelake-conda-libiomp5")
OPENMP_VARIANTS = {
    "gomp": {"openmp": {"provider": ["gnu"]}},
    "libomp": {"openmp": {"provider": ["llvm"]}},
    "iomp5": {"openmp": {"provider": ["intel"]}},
}


def run_cli(*argv: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from variant_detect._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["rank", *argv])
    return status, out.getvalue(), err.getvalue()


def rank(tmp_path: Path, data: dict[str, Any], fixture: str, *extra: str) -> tuple[list[str], str]:
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text(json.dumps(data))
    status, out, err = run_cli(str(path), "--fixture", fixture, "--json", "--explain", *extra)
    assert status == EXIT_OK, err
    assert "--allow-provider" not in err, err
    labels: list[str] = json.loads(out)
    return labels, err


PUBLISHED = Path(__file__).resolve().parents[1] / "parity" / "data"
SKLEARN = sorted((PUBLISHED / "variants-index-test").glob("*/scikit-learn/scikit_learn-*-variants.json"))
# Our openmp fixtures carry archspec's recorded /proc/cpuinfo of these machines (their READMEs).
ARCHSPEC = {
    "linux-x86_64-zen4-libomp-libgomp": "linux-rocky8.5-zen4",
    "linux-x86_64-haswell-libgomp": "linux-rhel7-haswell",
    "linux-x86_64-cascadelake-conda-libiomp5": "linux-centos7-cascadelake",
}


def _published_level(machine: str) -> list[str]:
    answers = json.loads((PUBLISHED / "published_x86_64.json").read_text())
    return dict(answers[machine]["answer"])["level"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(ARCHSPEC))
@pytest.mark.parametrize("path", SKLEARN, ids=lambda p: p.parts[-3])
def test_published_sklearn_file_ranks_its_static_openmp_list(
    tmp_path: Path, path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scikit-learn's file declares openmp with install-time false (v0.0.3) or plugin-use build
    # (v0.0.2) and the list as static properties: no plugin runs for it, even ours switched off.
    monkeypatch.setenv("VARIANT_DETECT_DISABLE", "openmp")
    data = json.loads(path.read_text())
    # Expected from the published answers: x86_64 first (namespace order), the v4 build only where
    # provider-variant-x86-64 0.0.1.post2 answered v4 on that machine; then the static gnu, intel, llvm.
    expected = (["x8664vv4_iomp5"] if "v4" in _published_level(ARCHSPEC[name]) else []) + ["gomp", "libomp"]
    labels, _err = rank(tmp_path, data, str(FIXTURES / name))
    assert labels == expected


def _plugin_file(requirement: str) -> dict[str, Any]:
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": ["openmp"]},
        "providers": {"openmp": {"requires": [requirement]}},
        "variants": OPENMP_VARIANTS,
    }


@pytest.mark.parametrize("fixture", [LIBOMP_LIBGOMP, LIBIOMP5])
def test_published_provider_named_gets_the_published_answer(tmp_path: Path, fixture: str) -> None:
    labels, err = rank(tmp_path, _plugin_file("openmp-variant-provider>=0.0.1"), fixture)
    assert labels == ["gomp", "iomp5", "libomp"]  # gnu, intel, llvm: openmp-variant-provider 0.0.2's order
    assert "variant-detect-openmp" in err and "openmp-variant-provider==0.0.2" in err


def test_unknown_published_version_is_not_served(tmp_path: Path) -> None:
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text(json.dumps(_plugin_file("openmp-variant-provider>=0.1")))
    status, out, err = run_cli(str(path), "--fixture", LIBOMP_LIBGOMP, "--json")
    assert status == EXIT_OK
    assert json.loads(out) == []
    assert "--allow-provider openmp-variant-provider" in err


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [(LIBOMP_LIBGOMP, ["gomp", "libomp", "iomp5"]), (LIBIOMP5, ["iomp5", "gomp", "libomp"])],
)
def test_our_distribution_named_gets_our_answer(tmp_path: Path, fixture: str, expected: list[str]) -> None:
    labels, _err = rank(tmp_path, _plugin_file("variant-detect-openmp"), fixture)
    assert labels == expected


# -- tpu -------------------------------------------------------------------------------------------

UV_TPU = {
    "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
    "default-priorities": {"namespace": ["tpu"]},
    "providers": {
        "tpu": {
            "requires": ["tpu-variant-provider==0.1.0"],
            "plugin-api": "tpu_variant_provider.plugin:TpuVariantPlugin",
        }
    },
    "variants": {
        "cpu": {"tpu": {"present": ["false"]}},
        "tpu": {"tpu": {"present": ["true"]}},
    },
}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("linux-x86_64-zen4-tpu_v6e", ["tpu"]),
        ("linux-x86_64-skylakex-tpu_v3", ["tpu"]),
        ("linux-x86_64-sapphirerapids-no-tpu", ["cpu"]),
        ("linux-x86_64-haswell", ["cpu"]),
    ],
)
def test_uv_tpu_vector(tmp_path: Path, fixture: str, expected: list[str]) -> None:
    labels, err = rank(tmp_path, UV_TPU, str(FIXTURES / fixture))
    assert labels == expected
    assert "variant-detect-tpu" in err and "tpu-variant-provider==0.1.0" in err


def test_uv_tpu_vector_forced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # uv's test sets TPU_VARIANT_PROVIDER_FORCE_PRESENT=YES and expects the TPU wheel.
    monkeypatch.setenv("TPU_VARIANT_PROVIDER_FORCE_PRESENT", "YES")
    labels, _err = rank(tmp_path, UV_TPU, str(FIXTURES / "linux-x86_64-sapphirerapids-no-tpu"))
    assert labels == ["tpu"]


MIXED_TPU = {
    "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
    "default-priorities": {"namespace": ["tpu", "x86_64"]},
    "providers": {
        "tpu": {
            "requires": ["tpu-variant-provider==0.1.0"],
            "plugin-api": "tpu_variant_provider.plugin:TpuVariantPlugin",
        },
        "x86_64": {"requires": ["x86-64-variant-provider>=0.2,<0.3"]},
    },
    "variants": {
        "tpu_v4": {"tpu": {"present": ["true"]}, "x86_64": {"level": ["v4"]}},
        "tpu_v3": {"tpu": {"present": ["true"]}, "x86_64": {"level": ["v3"]}},
        "cpu_v4": {"tpu": {"present": ["false"]}, "x86_64": {"level": ["v4"]}},
    },
}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        # Written from the machines: Zen 4 and Skylake-SP hosts are x86-64-v4, first-generation Zen is v3.
        ("linux-x86_64-zen4-tpu_v6e", ["tpu_v4", "tpu_v3"]),
        ("linux-x86_64-skylakex-tpu_v3", ["tpu_v4", "tpu_v3"]),
        ("linux-x86_64-zen-tpu_v4", ["tpu_v3"]),
        ("linux-x86_64-sapphirerapids-no-tpu", ["cpu_v4"]),
    ],
)
def test_mixed_tpu_and_cpu_file_ranks_on_whole_machines(tmp_path: Path, fixture: str, expected: list[str]) -> None:
    labels, _err = rank(tmp_path, MIXED_TPU, str(FIXTURES / fixture))
    assert labels == expected
