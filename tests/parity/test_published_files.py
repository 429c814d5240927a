"""Real published variants.json files rank as their published providers' answers would rank them.

Files: wheelnext/variants-index-test (``data/variants-index-test/README.md``). For x86_64 and
aarch64 the reference is the published providers' own answer on archspec's recorded machines
(``data/published_*.json``); ranking the file on that answer (``--profile``) must give the same
order as ranking it on the machine itself (``--fixture``, where our stand-in answers). For nvidia and
amd the reference is each GPU fixture's ``expected.json`` (written from the published provider's
documented values); static namespaces (blas_lapack, openmp, priority) come from the file itself.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from tests.parity._replay import fixture, published

pytest.importorskip("variant_detect_x86_64", reason="needs the x86_64 provider installed")
pytest.importorskip("variant_detect_aarch64", reason="needs the aarch64 provider installed")
pytest.importorskip("variant_detect_nvidia", reason="needs the nvidia provider installed")
pytest.importorskip("variant_detect_amd", reason="needs the amd provider installed")
pytest.importorskip("variant_detect_intel", reason="needs the intel provider installed")

DATA = Path(__file__).parent / "data" / "variants-index-test"
FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"
CPU_FILES = sorted(
    str(p.relative_to(DATA)) for p in DATA.glob("*/*/*-variants.json") if "numpy" in str(p) or "scikit" in str(p)
)
GPU_FILES = sorted(
    str(p.relative_to(DATA)) for p in DATA.glob("*/*/*-variants.json") if str(p.relative_to(DATA)) not in CPU_FILES
)
GPU_FIXTURES = [
    "linux-x86_64-sapphirerapids-h100",
    "linux-x86_64-emeraldrapids-b200",
    "linux-x86_64-zen5-rtx5090",
    "linux-x86_64-broadwell-v100",
    "linux-x86_64-cascadelake-t4",
    "linux-x86_64-zen2-a100",
    "linux-x86_64-zen4-mi300x",
    "linux-x86_64-zen5-mi355x",
    "linux-x86_64-zen4-rx7900xtx",
    "linux-x86_64-generic-nvidia-no-driver",
    # intel (torch 2.9's xpu variant): expected.json written from intel-variant-provider 0.0.2/0.0.3's tables
    "linux-x86_64-sapphirerapids-arc-a770",
    "linux-x86_64-zen5-arc-b580",
    "linux-x86_64-meteorlake-arc",
    "linux-x86_64-lunarlake-arc140v",
    "linux-x86_64-sapphirerapids-max1550",
    "linux-x86_64-zen5-arc-b580-ze-uninitialized",
]
MACHINES = [(name, "x86_64") for name in sorted(published("x86_64"))] + [
    (name, "aarch64") for name in sorted(published("aarch64"))
]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARIANT_DETECT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("VARIANT_DETECT_FIXTURE", raising=False)


def rank(*argv: str) -> tuple[list[str], str]:
    from variant_detect._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["rank", *argv, "--json", "--explain"])
    assert status == 0, err.getvalue()
    labels: list[str] = json.loads(out.getvalue())
    return labels, err.getvalue()


def _profile(tmp_path: Path, answer: dict[str, dict[str, list[str]]]) -> str:
    path = tmp_path / "published-profile.json"
    path.write_text(json.dumps({"schema": 1, "profile": answer}))
    return str(path)


@pytest.mark.parametrize("name", CPU_FILES)
@pytest.mark.parametrize(("machine", "family"), MACHINES)
def test_cpu_files_rank_as_the_published_answer(name: str, machine: str, family: str, tmp_path: Path) -> None:
    answer = published(family)[machine]["answer"]
    assert isinstance(answer, list)
    profile = {family: {feat: values for feat, values in answer}} if answer else {}
    directory = fixture(machine, family, tmp_path)
    on_machine, explain = rank(str(DATA / name), "--fixture", str(directory))
    if family == "x86_64" and machine.startswith("linux"):
        assert f"stand-in answer of provider-variant-{family.replace('_', '-')} 0.0.1.post2" in explain
    # --profile describes this host's markers; only the x86_64 namespace's enable-if depends on
    # them, so an AArch64 machine's reference profile simply has no x86_64 answer.
    expected, _ = rank(str(DATA / name), "--profile", _profile(tmp_path, profile))
    assert on_machine == expected


def test_cpu_files_known_orders(tmp_path: Path) -> None:
    numpy = str(DATA / "f3c1219" / "numpy" / "numpy-2.3.3-variants.json")
    sklearn = str(DATA / "f3c1219" / "scikit-learn" / "scikit_learn-1.7.2-variants.json")
    sapphire = str(fixture("linux-unknown-sapphirerapids", "x86_64", tmp_path / "a"))
    haswell = str(fixture("linux-rhel7-haswell", "x86_64", tmp_path / "b"))
    # blas_lapack's static order (accelerate, openblas, mkl) after x86_64 level v4
    assert rank(numpy, "--fixture", sapphire)[0] == ["x8664v4_mkl", "accelerate", "openblas"]
    assert rank(numpy, "--fixture", haswell)[0] == ["accelerate", "openblas"]
    assert rank(sklearn, "--fixture", sapphire)[0] == ["x8664vv4_iomp5", "gomp", "libomp"]


@pytest.mark.parametrize("name", GPU_FILES)
@pytest.mark.parametrize("machine", GPU_FIXTURES)
def test_gpu_files_rank_as_the_documented_answer(name: str, machine: str, tmp_path: Path) -> None:
    expected_json = json.loads((FIXTURES / machine / "expected.json").read_text())
    reference = {
        ns: expected_json["profile"][ns] for ns in ("nvidia", "amd", "intel") if ns in expected_json["profile"]
    }
    on_machine, explain = rank(str(DATA / name), "--fixture", str(FIXTURES / machine))
    expected, _ = rank(str(DATA / name), "--profile", _profile(tmp_path, reference))
    assert on_machine == expected
    assert not any(f"--allow-provider {ns}" in explain for ns in ("nvidia", "amd", "intel"))


@pytest.mark.parametrize(
    ("machine", "first"),
    [
        ("linux-x86_64-sapphirerapids-arc-a770", "xpu"),
        ("linux-x86_64-sapphirerapids-max1550", "xpu"),
        ("linux-x86_64-meteorlake-arc", "xpu"),
        ("linux-x86_64-sapphirerapids-no-gpu", "null"),
    ],
)
def test_torch_xpu_is_served_by_the_intel_standin(machine: str, first: str) -> None:
    torch = next(n for n in GPU_FILES if "torch-2.9.0" in n)
    labels, explain = rank(str(DATA / torch), "--fixture", str(FIXTURES / machine), "--explain")
    assert labels[0] == first
    assert "stand-in answer of intel-variant-provider==0.0.3" in explain
