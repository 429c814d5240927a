"""Interop: the same variant wheels rank the same under uv 0.13.8's builtin nvidia provider and ours.

uv 0.13.8 never runs Python plugins; it re-implements nvidia-variant-provider and
uses it for wheels whose variants.json declares that provider (``requires``
admitting 0.0.1 and its exact plugin-api; shared/reference/interop.md section 3).
So the wheels here declare the builtin; uv ranks them by repeated selection
(pick, remove the pick, pick again). The same variants declaring *our*
provider are ranked by variantlib 0.2.2, which runs ours in its subprocess.
Both run with the reference's FORCE variables, so no GPU is needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("variantlib.commands.make_variant", reason="needs variantlib[cli]")
from variantlib.api import get_variants_by_priority
from variantlib.commands.generate_index_json import generate_index_json
from variantlib.commands.make_variant import make_variant

FORCE_CUDA = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"
FORCE_SM = "NV_VARIANT_PROVIDER_FORCE_SM_ARCH"
UV = shutil.which("uv", path=os.path.dirname(sys.executable))
PAIRS = [("12.6", "6.0"), ("12.8", "9.0"), ("12.9", "8.9"), ("13.0", "10.0"), ("13.0", "12.0")]

PYPROJECT = """\
[variant.default-priorities]
namespace = ["nvidia"]

[variant.providers.nvidia]
requires = ["nvidia-variant-provider>=0.0.1,<0.0.2"]
plugin-api = "nvidia_variant_provider.plugin:NvidiaVariantPlugin"
"""

_REAL = ["50_real", "60_real", "70_real", "75_real", "80_real", "86_real", "90_real"]
# Labels -> properties. PyTorch-like builds plus single-property probes that
# land on different positions of each list, so the full order tells the lists apart.
VARIANTS: dict[str, dict[str, list[str]]] = {
    "cu126": {"cuda_version_lower_bound": ["12.6"], "sm_arch": _REAL},
    "cu128": {"cuda_version_lower_bound": ["12.8"], "sm_arch": [*_REAL[2:], "100_real", "120_real"]},
    "cu129": {"cuda_version_lower_bound": ["12.9"], "sm_arch": [*_REAL[3:], "100_real", "120_real", "120_virtual"]},
    "cu130": {
        "cuda_version_lower_bound": ["13.0"],
        "sm_arch": ["75_real", "80_real", "86_real", "90_real", "100_real", "120_real"],
    },
    "lb12": {"cuda_version_lower_bound": ["12"]},
    "lb11": {"cuda_version_lower_bound": ["11.8"]},
    "ub13": {"cuda_version_upper_bound": ["13"]},
    "ub1210": {"cuda_version_upper_bound": ["12.10"]},
    "both": {"cuda_version_lower_bound": ["12.0"], "cuda_version_upper_bound": ["14"]},
    "sm89": {"sm_arch": ["89_real"]},
    "sm90v": {"sm_arch": ["90_virtual"]},
    "sm100": {"sm_arch": ["100_real", "100_virtual"]},
    "sm60": {"sm_arch": ["60_real", "61_real"]},
}


def _base_wheel(directory: Path) -> Path:
    """A minimal pure-Python wheel, written directly (no build backend, offline)."""
    path = directory / "dummy_pkg-1.0.0-py3-none-any.whl"
    files = {
        "dummy_pkg/__init__.py": b"",
        "dummy_pkg-1.0.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: dummy-pkg\nVersion: 1.0.0\n",
        "dummy_pkg-1.0.0.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(data)}")
        archive.writestr(
            "dummy_pkg-1.0.0.dist-info/RECORD", "\n".join([*record, "dummy_pkg-1.0.0.dist-info/RECORD,,"]) + "\n"
        )
    return path


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Variant wheels declaring the builtin provider, plus the null variant and the index JSON."""
    root = tmp_path_factory.mktemp("nvidia-interop")
    base = _base_wheel(root)
    (root / "pyproject.toml").write_text(PYPROJECT)
    out = root / "dist"
    out.mkdir()
    common = ["-f", str(base), "-o", str(out), "--no-isolation", "--pyproject-toml", str(root / "pyproject.toml")]
    for label, features in VARIANTS.items():
        props = [x for name, values in features.items() for v in values for x in ("-p", f"nvidia :: {name} :: {v}")]
        make_variant([*common, "--skip-plugin-validation", *props, "--variant-label", label])
    make_variant([*common, "--null-variant"])
    generate_index_json(["-d", str(out)])
    return out


def _uv_pick(directory: Path, env: dict[str, str]) -> str | None:
    assert UV is not None
    done = subprocess.run(
        [
            UV,
            "--preview-features",
            "wheel-variants",
            "--no-config",
            "--offline",
            "pip",
            "install",
            "--dry-run",
            "-v",
            "--python",
            sys.executable,
            "--no-index",
            "--find-links",
            str(directory),
            "dummy-pkg",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    for line in done.stderr.splitlines():
        if "Selecting: dummy-pkg" in line and ".whl" in line:
            wheel = line.rsplit("(", 1)[-1].rstrip(")")
            return wheel.rsplit("-", 1)[-1].removesuffix(".whl")
    assert "only unsupported wheel variants" in done.stderr or done.returncode != 0, done.stderr[-2000:]
    return None


def _uv_ranking(dist: Path, tmp: Path, env: dict[str, str]) -> list[str]:
    """uv's full order: pick, delete the picked wheel, regenerate the index JSON, pick again."""
    work = tmp / "uv-rank"
    shutil.copytree(dist, work)
    order = []
    for _ in range(len(VARIANTS) + 1):
        label = _uv_pick(work, env)
        if label is None:
            break
        order.append(label)
        for wheel in work.glob(f"*-{label}.whl"):
            wheel.unlink()
        for index in work.glob("*-variants.json"):
            index.unlink()
        if not list(work.glob("*.whl")):
            break
        generate_index_json(["-d", str(work)])
    return order


def _ours(dist: Path) -> dict[str, Any]:
    (index,) = dist.glob("*-variants.json")
    data: dict[str, Any] = json.loads(index.read_text())
    assert data["providers"]["nvidia"]["plugin-api"] == "nvidia_variant_provider.plugin:NvidiaVariantPlugin"
    data["providers"]["nvidia"] = {"requires": ["variant-detect-nvidia"]}  # variantlib imports ours
    return data


@pytest.mark.skipif(UV is None, reason="needs uv==0.13.8 (the test extra)")
@pytest.mark.parametrize(("cuda", "cc"), PAIRS, ids=[f"{c}-{s}" for c, s in PAIRS])
def test_uv_builtin_and_ours_rank_alike(
    dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cuda: str, cc: str
) -> None:
    version = subprocess.run([UV or "uv", "--version"], capture_output=True, text=True, check=True).stdout
    assert version.split()[1] == "0.13.8", version
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env.update(
        {FORCE_CUDA: cuda, FORCE_SM: cc, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_PYTHON_DOWNLOADS": "never"}
    )
    uv_order = _uv_ranking(dist, tmp_path, env)
    monkeypatch.setenv(FORCE_CUDA, cuda)
    monkeypatch.setenv(FORCE_SM, cc)
    ours = [v.label for v in get_variants_by_priority(variants_json=_ours(dist))]
    assert uv_order, "uv picked nothing"
    assert ours[0] == uv_order[0]
    assert ours == uv_order
