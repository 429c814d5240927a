"""``--allow-provider NAME``: a ``requires`` provider that is not installed.

A tiny third-party provider (fictional namespace ``acme_fpga``, the plugin
protocol as module-level functions) is built here as a wheel and served from a
``--find-links`` directory with variant wheels of ``fpga-pkg`` that require it.
Without the opt-in it is neither installed nor imported; with it, it is
installed into its own virtual environment under our cache directory, called
through the subprocess protocol, and its answer ranks the variants. Offline:
pip installs from the find-links directory only.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from variant_detect._exit import EXIT_OK


def _load_build() -> Any:
    spec = importlib.util.spec_from_file_location("variant_detect_test_build", Path(__file__).with_name("_build.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _load_build()
BIN = Path(sys.executable).parent
CLI = str(BIN / "variant-detect")


def pick(dist: Path, marker: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, _build.PROVIDER_MARKER_ENV: str(marker)}
    argv = [CLI, "pick", "fpga-pkg", "--find-links", str(dist), "--json", "--explain", *extra]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env, check=False)


def provider_venvs() -> list[Path]:
    root = Path(os.environ["VARIANT_DETECT_CACHE_DIR"]) / "provider-venvs"
    return sorted(root.iterdir()) if root.is_dir() else []


def test_without_opt_in_the_provider_is_neither_installed_nor_run(fpga_dist: Path, tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    done = pick(fpga_dist, marker)
    assert done.returncode == EXIT_OK, done.stderr
    chosen = json.loads(done.stdout)
    assert chosen["label"] == "null"  # acme_fpga unsupported: only the null variant is left
    assert chosen["ranking"] == ["null"]
    assert f"pass --allow-provider {_build.PROVIDER_DIST} to allow it" in done.stderr
    assert not marker.exists()
    assert provider_venvs() == []
    # Allowing some other provider is no consent for this one.
    other = pick(fpga_dist, marker, "--allow-provider", "someone-else")
    assert json.loads(other.stdout)["label"] == "null"
    assert not marker.exists()
    assert provider_venvs() == []


def test_allowed_provider_runs_isolated_and_ranks(fpga_dist: Path, tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    # A module of the same name in the working directory must not be what runs.
    Path(f"{_build.PROVIDER_MODULE}.py").write_text("raise SystemExit('the working directory was on sys.path')\n")
    Path("pip.py").write_text("raise SystemExit('the working directory was on sys.path')\n")
    done = pick(fpga_dist, marker, "--allow-provider", "ACME_fpga.provider")  # any spelling of the name
    assert done.returncode == EXIT_OK, done.stderr
    chosen = json.loads(done.stdout)
    # Supported: family stratix > cyclone, lanes x8 > x4; agilex and x16 are not.
    assert chosen["label"] == "stratix"
    assert chosen["ranking"] == ["stratix", "cyclone_x8", "null"]
    assert sorted(chosen["skipped"]) == ["agilex", "stratix_x16"]
    assert f"{_build.PROVIDER_DIST}>=1.0 run in an isolated environment" in done.stderr
    assert chosen["warnings"] == []
    (venv,) = provider_venvs()
    # It ran once, in the interpreter of its own venv, never in ours.
    ran_in = marker.read_text().split()
    assert len(ran_in) == 1
    assert Path(ran_in[0]).parent.parent == venv
    assert importlib.util.find_spec(_build.PROVIDER_MODULE) is None
    here = subprocess.run([sys.executable, "-c", f"import {_build.PROVIDER_MODULE}"], capture_output=True, check=False)
    assert here.returncode != 0
    # The venv is reused: a second pick installs nothing and queries the provider again.
    complete = venv / ".variant-detect-complete"
    stamp = complete.stat().st_mtime_ns
    again = pick(fpga_dist, marker, "--allow-provider", "*")
    assert json.loads(again.stdout)["label"] == "stratix"
    assert complete.stat().st_mtime_ns == stamp
    assert provider_venvs() == [venv]
    assert len(marker.read_text().split()) == 2


def test_concurrent_runs_share_one_venv(fpga_dist: Path, tmp_path: Path) -> None:
    """Two picks at once: neither clears the venv the other is installing into."""
    env = {**os.environ, _build.PROVIDER_MARKER_ENV: str(tmp_path / "imported.txt")}
    argv = [CLI, "pick", "fpga-pkg", "--find-links", str(fpga_dist), "--json", "--allow-provider", "*"]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in "ab"]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == EXIT_OK, err
        assert json.loads(out)["label"] == "stratix"
    (venv,) = provider_venvs()  # one venv, and no staging directory left beside it
    assert (venv / ".variant-detect-complete").exists()


def test_allowed_provider_that_cannot_be_installed_is_a_warning(tmp_path: Path, fpga_dist: Path) -> None:
    links = tmp_path / "links"
    links.mkdir()
    for path in fpga_dist.iterdir():
        if not path.name.startswith(_build.PROVIDER_MODULE):
            (links / path.name).write_bytes(path.read_bytes())
    marker = tmp_path / "imported.txt"
    done = pick(links, marker, "--allow-provider", _build.PROVIDER_DIST)
    assert done.returncode == EXIT_OK, done.stderr
    chosen = json.loads(done.stdout)
    assert chosen["label"] == "null"
    (warning,) = chosen["warnings"]
    assert warning.startswith(f"acme_fpga: installing provider {_build.PROVIDER_DIST}>=1.0 failed")
    assert warning.endswith("variants using it are skipped")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("requires", "api", "expected"),
    [
        (["acme-fpga-provider>=1.0"], None, "acme_fpga_provider"),
        (["acme-fpga-provider[extra] ; python_version >= '3'"], None, "acme_fpga_provider"),
        (["Acme.FPGA"], None, "acme_fpga"),  # dist-info form, as uv 0.13.9 (variantlib kept the dot)
        (["old-fpga ; python_version < '3'", "new-fpga>=2"], None, "new_fpga"),  # markers first
        (["acme-fpga-provider"], "acme_fpga.plugin:Plugin", "acme_fpga.plugin:Plugin"),
    ],
)
def test_plugin_api_default_is_first_applicable_in_dist_info_form(
    requires: list[str], api: str | None, expected: str
) -> None:
    from variant_detect._resolver._metadata import ProviderSpec, VariantsMeta
    from variant_detect._resolver._requires import applicable, plugin_api
    from variant_detect._resolver._supported import Options

    spec = ProviderSpec("acme_fpga")
    spec.requires, spec.plugin_api = requires, api
    assert plugin_api(spec, applicable(VariantsMeta("f"), spec, Options())) == expected


def test_ctrl_c_while_the_provider_venv_is_built_leaves_nothing(fpga_dist: Path, tmp_path: Path) -> None:
    """SIGINT during the allowed provider's venv build: one line, status 130, no staging directory left."""
    import signal
    import time

    root = Path(os.environ["VARIANT_DETECT_CACHE_DIR"]) / "provider-venvs"
    env = {**os.environ, _build.PROVIDER_MARKER_ENV: str(tmp_path / "imported.txt")}
    argv = [CLI, "pick", "fpga-pkg", "--find-links", str(fpga_dist), "--allow-provider", _build.PROVIDER_DIST]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60

    def building() -> bool:  # python -m venv is writing the staging directory
        return root.is_dir() and any(any(staging.iterdir()) for staging in root.iterdir() if staging.is_dir())

    while not building() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "variant-detect: interrupted"
    assert provider_venvs() == []
