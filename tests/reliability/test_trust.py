"""Trust: nothing runs that nobody asked for; every override is visible; no secret is stored.

* A provider named by a variants.json but not installed is never installed or
  run without ``--allow-provider NAME`` (or ``*``).
* Every environment override of every provider shows in ``variant-detect
  --json`` (``overrides``) and in ``--explain``; a saved profile in ``rank --explain``.
* ``variant-detect record`` on this machine, with host names, serials and
  tokens planted in the environment, writes none of them; the provider cache
  written by a live ``rank`` holds none of them either.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "variant_detect", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


# -- providers that are not installed ---------------------------------------------------


def _foreign_index(tmp_path: Path) -> Path:
    path = tmp_path / "pkg-1.0-variants.json"
    data = {
        "default-priorities": {"namespace": ["evil"]},
        "providers": {"evil": {"requires": ["evil-variant-provider>=1"], "plugin-api": "evil_provider:plugin"}},
        "variants": {"evil_on": {"evil": {"f": ["on"]}}, "null": {}},
    }
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("allow", [[], ["--allow-provider", "other-provider"], ["--allow-provider", "evil"]])
def test_provider_not_installed_is_never_installed_or_run(
    allow: list[str], tmp_path: Path, tally: Counter[str]
) -> None:
    done = cli("rank", str(_foreign_index(tmp_path)), "--json", *allow)
    tally["trust checks"] += 1
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["null"]
    assert "never installed or run without consent" in done.stderr
    assert "--allow-provider evil-variant-provider" in done.stderr
    cache = Path(os.environ["VARIANT_DETECT_CACHE_DIR"])
    assert not (cache / "provider-venvs").exists()


def test_opt_in_by_name_is_what_installs(tmp_path: Path, tally: Counter[str]) -> None:
    """With the exact name the resolver does try (offline here: it fails, with a warning)."""
    index = _foreign_index(tmp_path)
    done = cli("rank", str(index), "--json", "--allow-provider", "evil-variant-provider", "--no-cache")
    tally["trust checks"] += 1
    assert done.returncode == 0 and json.loads(done.stdout) == ["null"]
    assert (Path(os.environ["VARIANT_DETECT_CACHE_DIR"]) / "provider-venvs").is_dir()
    assert "evil: installing provider evil-variant-provider>=1 failed" in done.stderr


# -- overrides are always visible ------------------------------------------------------

OVERRIDES = [
    ("linux-x86_64-haswell", {"VARIANT_DETECT_X86_64_LEVEL": "v2"}),
    ("linux-x86_64-haswell", {"VARIANT_DETECT_DISABLE": "x86_64"}),
    ("linux-aarch64-graviton2", {"VARIANT_DETECT_AARCH64_VERSION": "8.1a"}),
    ("linux-x86_64-sapphirerapids-h100", {"NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.8"}),
    ("linux-x86_64-sapphirerapids-h100", {"NV_VARIANT_PROVIDER_FORCE_SM_ARCH": "8.0"}),
    ("linux-x86_64-zen4-mi300x", {"AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH": "gfx90a"}),
    ("linux-x86_64-zen4-mi300x", {"AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION": "6.2"}),
    ("linux-x86_64-zen4-opencl-nvidia-rtx4090", {"VARIANT_DETECT_OPENCL_GPU_VENDOR": "intel"}),
    ("linux-x86_64-zen4-opencl-nvidia-rtx4090", {"VARIANT_DETECT_OPENCL_GPU_VERSION": "1.2"}),
    ("linux-x86_64-zen2-openblas", {"VARIANT_DETECT_BLAS_LAPACK_PROVIDER": "mkl"}),
    ("linux-x86_64-generic-mpich-wheel", {"VARIANT_DETECT_MPI_ABI": "openmpi"}),
]


@pytest.mark.parametrize(("fixture", "env"), OVERRIDES, ids=[next(iter(e)) for _f, e in OVERRIDES])
def test_override_is_visible_in_json_and_explain(fixture: str, env: dict[str, str], tally: Counter[str]) -> None:
    ((variable, value),) = env.items()
    shown = cli("--json", "--fixture", str(FIXTURES / fixture), env=env)
    assert shown.returncode == 0, shown.stderr
    overrides = json.loads(shown.stdout)["overrides"]
    assert any(o["variable"] == variable and o["value"] == value for o in overrides), overrides
    explained = cli("--explain", "--fixture", str(FIXTURES / fixture), env=env)
    assert explained.returncode == 0 and variable in explained.stdout + explained.stderr
    tally["overrides checked visible"] += 1


def test_profile_is_visible_in_rank_explain(tmp_path: Path, tally: Counter[str]) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"schema": 1, "profile": {"x86_64": {"level": ["v1"]}}}))
    index = tmp_path / "pkg-1.0-variants.json"
    index.write_text(
        json.dumps({"default-priorities": {"namespace": ["x86_64"]}, "variants": {"v1": {"x86_64": {"level": ["v1"]}}}})
    )
    done = cli("rank", str(index), "--profile", str(profile), "--explain")
    tally["overrides checked visible"] += 1
    assert done.returncode == 0 and "x86_64: from the profile" in done.stderr


# -- no secrets in fixtures or the cache -------------------------------------------------

SECRETS = {
    "GITHUB_TOKEN": "ghp_plantedTokenAAAAAAAAAAAAAAAAAAAAAAAA",
    "AWS_SECRET_ACCESS_KEY": "planted/Secret+Key/BBBBBBBBBBBBBBBBBBBBBB",
    "PIP_INDEX_URL": "https://planted-user:planted-password-CCCC@index.invalid/simple",
    "HOSTNAME": "planted-host-dddd.corp.invalid",
    "SERIAL_NUMBER": "PLANTEDSERIAL0000EEEE",
    "CUDA_VISIBLE_DEVICES": "GPU-8a1b2c3d-0000-1111-2222-333344445555",
    "VARIANT_DETECT_PLANTED_TOKEN": "planted-steering-token-GGGG",
}


def _needles() -> list[str]:
    needles = [value for key, value in SECRETS.items() if key != "CUDA_VISIBLE_DEVICES"]
    needles += ["planted-password-CCCC", "planted-host-dddd", socket.gethostname()]
    with contextlib.suppress(OSError):
        needles.append(Path("/etc/machine-id").read_text().strip())
    return [n for n in needles if n and len(n) >= 6]


def _grep(root: Path, needles: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            found += [f"{path}: {n!r}" for n in needles if n.encode() in blob]
    return found


def test_record_stores_no_secret(tmp_path: Path, tally: Counter[str]) -> None:
    target = tmp_path / "linux-x86_64-recorded"
    done = cli("record", str(target), env=SECRETS)
    tally["trust checks"] += 1
    assert done.returncode == 0, done.stderr
    assert (target / "machine.json").is_file()
    identifiers = ["333344445555"]  # the GPU UUID in CUDA_VISIBLE_DEVICES
    with contextlib.suppress(OSError):
        identifiers.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
    leaks = _grep(target, _needles() + identifiers)
    tally["secrets leaked"] += len(leaks)
    assert leaks == []


def test_provider_cache_stores_no_secret(tmp_path: Path, tally: Counter[str]) -> None:
    """A live rank writes provider answers to the cache; none of the planted values may be there.
    By design the cache *key* stores the steering variables (CUDA_VISIBLE_DEVICES, VARIANT_DETECT_*)
    and the boot id in clear, in the user's own cache directory: identifiers, not secrets, and not
    checked here (docs/reliability.md proposes storing a digest instead)."""
    index = tmp_path / "pkg-1.0-variants.json"
    index.write_text(
        json.dumps(
            {
                "default-priorities": {"namespace": ["x86_64", "aarch64"]},
                "providers": {  # our own distributions: installed, so they run (PEP 850 names them)
                    "x86_64": {"requires": ["variant-detect-x86-64"]},
                    "aarch64": {"requires": ["variant-detect-aarch64"]},
                },
                "variants": {"null": {}, "a": {"x86_64": {"level": ["v1"]}}, "b": {"aarch64": {"version": ["8a"]}}},
            }
        )
    )
    done = cli("rank", str(index), env=SECRETS)
    tally["trust checks"] += 1
    assert done.returncode == 0, done.stderr
    cache = Path(os.environ["VARIANT_DETECT_CACHE_DIR"])
    assert list((cache / "providers").iterdir()), "the live rank wrote no cache entry"
    needles = [n for n in _needles() if n != SECRETS["VARIANT_DETECT_PLANTED_TOKEN"]]
    leaks = _grep(cache, needles)
    tally["secrets leaked"] += len(leaks)
    assert leaks == []
