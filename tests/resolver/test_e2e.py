"""End to end: real uv 0.13.8 and 0.13.9 (``uv_bin``), real pip, a real loopback HTTP index.

Wheels are built once per session (``variantlib make-variant``); the index is
``python -m http.server --bind 127.0.0.1`` started and stopped here.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from variant_detect._exit import EXIT_BAD_INPUT, EXIT_INDEX, EXIT_NO_MATCH, EXIT_OK

BIN = Path(sys.executable).parent
UV = str(BIN / "uv")
CLI = str(BIN / "variant-detect")
FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


SITE = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"


def cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([CLI, *argv], capture_output=True, text=True, timeout=120, env=full_env, check=False)


def uv_venv(path: Path) -> Path:
    subprocess.run([UV, "venv", "-q", "--python", sys.executable, str(path)], check=True, timeout=60)
    return path / "bin" / "python"


def installed_label(venv_python: Path, package: str = "dummy_pkg") -> str | None:
    site = venv_python.parent.parent / SITE
    dist_info = next(site.glob(f"{package}-*.dist-info"))
    variant_json = dist_info / "variant.json"
    if not variant_json.exists():
        return None
    (label,) = json.loads(variant_json.read_text())["variants"]
    return str(label)


def our_first_level() -> str:
    done = subprocess.run([CLI, "--json", "--namespace", "x86_64"], capture_output=True, text=True, check=True)
    return str(json.loads(done.stdout)["profile"]["x86_64"]["level"][0])


@pytest.fixture
def uv_env(tmp_path: Path) -> dict[str, str]:
    return {"UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}


def with_uv(uv_env: dict[str, str], uv_bin: Path) -> dict[str, str]:
    """The environment in which ``install --installer uv`` finds *uv_bin* first."""
    return {**uv_env, "PATH": f"{uv_bin.parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_uv_builtin_installs_the_level_our_provider_puts_first(
    dist: Path, tmp_path: Path, uv_env: dict[str, str], uv_bin: Path
) -> None:
    """Parity with uv 0.13.8's and 0.13.9's own x86_64 provider on this machine (interop §3)."""
    python = uv_venv(tmp_path / "venv")
    argv = [str(uv_bin), "--preview-features", "wheel-variants", "pip", "install", "-q", "--python", str(python)]
    subprocess.run(
        [*argv, "--no-index", "--find-links", str(dist), "dummy-pkg"], check=True, env={**os.environ, **uv_env}
    )
    level = our_first_level()
    assert installed_label(python) == f"x86_64_{level}"
    picked = cli("pick", "dummy-pkg", "--find-links", str(dist), "--json")
    assert picked.returncode == EXIT_OK, picked.stderr
    assert json.loads(picked.stdout)["label"] == f"x86_64_{level}"


@pytest.mark.parametrize(
    ("machine", "label"),
    [
        ("linux-x86_64-haswell", "x86_64_v3_openblas"),
        ("linux-x86_64-skylakex", "x86_64_v4"),
        ("linux-x86_64-nehalem", "x86_64_v2"),
        ("linux-x86_64-core2", "x86_64_v1"),
        # the file names uv's x86-64-variant-provider 0.2.1, which assumes v2 without CPU facts
        ("linux-x86_64-generic-no-cpuinfo", "x86_64_v2"),
    ],
)
def test_pick_from_the_http_index(index: str, machine: str, label: str) -> None:
    done = cli("pick", "dummy-pkg", "--index-url", index, "--fixture", fixture(machine), "--json")
    assert done.returncode == EXIT_OK, done.stderr
    chosen = json.loads(done.stdout)
    assert chosen["label"] == label
    assert chosen["wheel"] == f"{index.rsplit('/', 1)[0]}/files/dummy_pkg-1.0.0-py3-none-any-{label}.whl"
    assert chosen["sha256"]


def test_pick_honours_pip_index_url_and_priorities(index: str, tmp_path: Path) -> None:
    haswell = ("--fixture", fixture("linux-x86_64-haswell"), "--json")
    done = cli("pick", "dummy-pkg", *haswell, env={"PIP_INDEX_URL": index})
    assert json.loads(done.stdout)["label"] == "x86_64_v3_openblas"
    toml = tmp_path / "prefs.toml"
    toml.write_text('[property_priorities.blas_lapack]\nprovider = ["mkl"]\n')
    done = cli("pick", "dummy-pkg", *haswell, "--variants-toml", str(toml), env={"PIP_INDEX_URL": index})
    assert json.loads(done.stdout)["label"] == "x86_64_v3_mkl"


def test_variant_option_never_selects_an_unsupported_variant(dist: Path) -> None:
    """PEP 825 "Variant ordering": options narrow the compatible set; ``--force`` is gone."""
    links = ("--find-links", str(dist), "--fixture", fixture("linux-x86_64-haswell"), "--json")
    assert json.loads(cli("pick", "dummy-pkg", *links, "--variant", "x86_64_v2").stdout)["label"] == "x86_64_v2"
    in_order = cli("pick", "dummy-pkg", *links, "--variant", "x86_64_v4", "--variant", "x86_64_v1")
    assert json.loads(in_order.stdout)["label"] == "x86_64_v1"  # the first compatible one of the list
    refused = cli("pick", "dummy-pkg", *links, "--variant", "x86_64_v4")
    assert refused.returncode == EXIT_NO_MATCH
    assert "x86_64_v4: incompatible (x86_64 :: level needs one of v4; this machine has v1, v2, v3)" in refused.stderr
    assert "--profile" in refused.stderr
    forced = cli("pick", "dummy-pkg", *links, "--variant", "x86_64_v4", "--force")
    assert forced.returncode == EXIT_BAD_INPUT  # no such option any more
    other_machine = cli("pick", "dummy-pkg", *links[:2], "--fixture", fixture("linux-x86_64-skylakex"), "--json")
    assert json.loads(other_machine.stdout)["label"] == "x86_64_v4"  # installing for another machine
    missing = cli("pick", "dummy-pkg", *links, "--variant", "x86_64_v9")
    assert missing.returncode == EXIT_NO_MATCH
    assert "x86_64_v9: no such label" in missing.stderr
    plain = json.loads(cli("pick", "dummy-pkg", *links, "--no-variant").stdout)
    assert plain["label"] is None
    assert plain["filename"] == "dummy_pkg-1.0.0-py3-none-any.whl"


def test_install_with_uv_and_staticised_providers(
    index: str, tmp_path: Path, uv_env: dict[str, str], uv_bin: Path
) -> None:
    python = uv_venv(tmp_path / "venv")
    argv = ["install", "dummy-pkg", "--index-url", index, "--installer", "uv", "--python", str(python)]
    done = cli(*argv, "--fixture", fixture("linux-x86_64-haswell"), env=with_uv(uv_env, uv_bin))
    assert done.returncode == EXIT_OK, done.stderr
    assert f"{uv_bin} --preview-features" in done.stderr
    assert installed_label(python) == "x86_64_v3_openblas"
    written = json.loads(next((python.parent.parent / SITE).glob("dummy_pkg-*.dist-info/variant.json")).read_text())
    assert written["$schema"] == "https://variants-schema.wheelnext.dev/peps/850/v0.2.0.json"
    assert written["default-priorities"]["namespace"] == ["x86_64", "blas_lapack"]  # the release's whole list
    assert written["providers"]["x86_64"]["static-properties"]["level"] == ["v3", "v2", "v1"]
    assert written["providers"]["blas_lapack"] == {"static-properties": {"provider": ["openblas", "mkl"]}}
    assert installed_label(python, "dummy_dep") is None  # the dependency came from the index as usual


def test_install_with_pip(dist: Path, tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=120)
    python = tmp_path / "venv" / "bin" / "python"
    argv = ["install", "dummy-pkg", "--find-links", str(dist), "--installer", "pip", "--python", str(python)]
    done = cli(*argv, "--fixture", fixture("linux-x86_64-nehalem"))
    assert done.returncode == EXIT_OK, done.stderr
    assert installed_label(python) == "x86_64_v2"
    variant_json = json.loads(
        next((python.parent.parent / SITE).glob("dummy_pkg-*.dist-info/variant.json")).read_text()
    )
    assert variant_json["providers"]["x86_64"]["requires"] == ["x86-64-variant-provider>=0.2,<0.3"]
    # pip records where the wheel came from: the kept copy under the cache dir, which still exists.
    direct = json.loads(next((python.parent.parent / SITE).glob("dummy_pkg-*.dist-info/direct_url.json")).read_text())
    kept = Path(direct["url"].removeprefix("file://"))
    assert kept.is_file() and kept.is_relative_to(os.environ["VARIANT_DETECT_CACHE_DIR"])


def test_install_dry_run_prints_a_command_that_runs_as_printed(
    index: str, tmp_path: Path, uv_env: dict[str, str]
) -> None:
    import shlex

    python = uv_venv(tmp_path / "venv")
    argv = ["install", "dummy-pkg", "--index-url", index, "--installer", "uv", "--python", str(python), "--dry-run"]
    planned = cli(*argv, "--fixture", fixture("linux-x86_64-haswell"), env=uv_env)
    assert planned.returncode == EXIT_OK, planned.stderr
    command = shlex.split(planned.stdout)
    wheels = [Path(word) for word in command if word.endswith(".whl")]
    assert wheels and all(w.is_file() and w.is_relative_to(os.environ["VARIANT_DETECT_CACHE_DIR"]) for w in wheels)
    subprocess.run(command, check=True, timeout=300, env={**os.environ, **uv_env})
    assert installed_label(python) == "x86_64_v3_openblas"


def test_old_installers_still_get_the_plain_wheel(
    index: str, tmp_path: Path, uv_env: dict[str, str], uv_bin: Path
) -> None:
    report = tmp_path / "report.json"
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--quiet",
        "--report",
        str(report),
    ]
    subprocess.run([*pip, "--index-url", index, "dummy-pkg"], check=True, timeout=120)
    urls = [item["download_info"]["url"] for item in json.loads(report.read_text())["install"]]
    assert any(url.endswith("/dummy_pkg-1.0.0-py3-none-any.whl") for url in urls)
    python = uv_venv(tmp_path / "venv")
    env = {**os.environ, **uv_env}
    subprocess.run(
        [str(uv_bin), "pip", "install", "-q", "--python", str(python), "--index-url", index, "dummy-pkg"],
        check=True,
        env=env,
    )
    assert installed_label(python) is None


def test_sha256_mismatch_installs_nothing(bad_index: str, tmp_path: Path, uv_env: dict[str, str]) -> None:
    python = uv_venv(tmp_path / "venv")
    argv = ["install", "dummy-pkg", "--index-url", bad_index, "--installer", "uv", "--python", str(python)]
    done = cli(*argv, "--fixture", fixture("linux-x86_64-core2"), env=uv_env)
    assert done.returncode == EXIT_INDEX
    assert "sha256 mismatch" in done.stderr
    assert "x86_64_v1.whl" in done.stderr
    assert not list((python.parent.parent / SITE).glob("dummy_pkg*"))
    # pick does not download a remote wheel, and says so rather than implying it was checked.
    picked = cli(
        "pick",
        "dummy-pkg",
        "--index-url",
        bad_index,
        "--variant",
        "x86_64_v1",
        "--fixture",
        fixture("linux-x86_64-core2"),
    )
    assert picked.returncode == EXIT_OK, picked.stderr
    assert "  sha256: not checked: pick does not download a remote wheel (install checks it)" in picked.stdout


def test_pick_checks_a_local_wheel_against_the_index(dist: Path, tmp_path: Path) -> None:
    """A --find-links variant wheel whose variant.json disagrees with the index's: pick refuses it, as install does."""
    import shutil

    links = tmp_path / "links"
    shutil.copytree(dist, links)
    good = cli("pick", "dummy-pkg", "--find-links", str(links), "--fixture", fixture("linux-x86_64-haswell"))
    assert good.returncode == EXIT_OK and "the wheel's variant.json agrees with the index" in good.stdout
    chosen = links / good.stdout.splitlines()[0].rsplit("/", 1)[-1]
    other = next(p for p in sorted(links.glob("dummy_pkg-*-x86_64_v*.whl")) if p != chosen)
    shutil.copyfile(other, chosen)  # right name, another variant's contents
    bad = cli("pick", "dummy-pkg", "--find-links", str(links), "--fixture", fixture("linux-x86_64-haswell"))
    assert bad.returncode == EXIT_BAD_INPUT and chosen.name in bad.stderr, bad.stderr


def test_index_that_times_out_is_named() -> None:
    with socket.socket() as silent:  # accepts connections (kernel backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/simple"
        started = time.monotonic()
        done = cli("pick", "dummy-pkg", "--index-url", url, env={"VARIANT_DETECT_TIMEOUT": "1"})
    assert done.returncode == EXIT_INDEX
    assert f"{url}/dummy-pkg/: timed out" in done.stderr
    assert time.monotonic() - started < 30


def test_wheel_disagreeing_with_the_index_installs_nothing(dist: Path, tmp_path: Path) -> None:
    from variant_detect._resolver._install import rewrite_wheel

    broken = tmp_path / "links"
    broken.mkdir()
    for path in dist.iterdir():
        if path.name != "dummy_pkg-1.0.0-py3-none-any-x86_64_v3_openblas.whl":
            (broken / path.name).write_bytes(path.read_bytes())
    original = dist / "dummy_pkg-1.0.0-py3-none-any-x86_64_v3_openblas.whl"
    lying = json.dumps(
        {
            "default-priorities": {"namespace": ["x86_64", "blas_lapack"]},
            "providers": json.loads((dist / "dummy_pkg-1.0.0-variants.json").read_text())["providers"],
            "variants": {"x86_64_v3_openblas": {"x86_64": {"level": ["v3"]}, "blas_lapack": {"provider": ["mkl"]}}},
        }
    ).encode()
    rewrite_wheel(str(original), str(broken / original.name), lying)
    python = tmp_path / "unused-python"
    argv = ["install", "dummy-pkg", "--find-links", str(broken), "--installer", "pip", "--python", str(python)]
    done = cli(*argv, "--fixture", fixture("linux-x86_64-haswell"))
    assert done.returncode == EXIT_BAD_INPUT
    assert "wheel says" in done.stderr
    assert "blas_lapack :: provider :: mkl" in done.stderr


def test_pre_pep_wheel_refused_by_uv_installs_through_us(
    dist: Path, tmp_path: Path, uv_env: dict[str, str], uv_bin: Path
) -> None:
    """uv 0.13.8 and 0.13.9 refuse a wheel whose variant.json is pre-PEP v0.0.3 (``enable-if``);
    the published torch 2.10 wheels are such. Our rewritten PEP 850 copy installs with both."""
    from variant_detect._resolver._install import rewrite_wheel

    old = {
        "$schema": "https://variants-schema.wheelnext.dev/v0.0.3.json",
        "default-priorities": {"namespace": ["x86_64"]},
        "providers": {"x86_64": {"requires": ["x86-64-variant-provider>=0.2,<0.3"], "enable-if": "os_name == 'posix'"}},
        "variants": {"x86_64_v3": {"x86_64": {"level": ["v3"]}}},
    }
    links = tmp_path / "links"
    links.mkdir()
    name = "dummy_pkg-1.0.0-py3-none-any-x86_64_v3.whl"
    rewrite_wheel(str(dist / name), str(links / name), json.dumps(old).encode())
    for plain in ("dummy_pkg-1.0.0-py3-none-any.whl", "dummy_dep-1.0.0-py3-none-any.whl"):
        (links / plain).write_bytes((dist / plain).read_bytes())
    (links / "dummy_pkg-1.0.0-variants.json").write_text(json.dumps(old))
    env = {**os.environ, **uv_env}
    direct = uv_venv(tmp_path / "direct")
    argv = [str(uv_bin), "--preview-features", "wheel-variants", "pip", "install", "--python", str(direct)]
    refused = subprocess.run(
        [*argv, "--no-index", "--find-links", str(links), str(links / name)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert refused.returncode != 0
    assert "Unknown variant metadata schema" in refused.stderr
    python = uv_venv(tmp_path / "venv")
    ours = ["install", "dummy-pkg", "--find-links", str(links), "--installer", "uv", "--python", str(python)]
    done = cli(*ours, "--fixture", fixture("linux-x86_64-haswell"), env=with_uv(uv_env, uv_bin))
    assert done.returncode == EXIT_OK, done.stderr
    assert installed_label(python) == "x86_64_v3"


def test_null_variant_installs_with_uv(index: str, tmp_path: Path, uv_env: dict[str, str], uv_bin: Path) -> None:
    """Issue 14 item 7: the null variant's variant.json carries the release's namespace list
    (uv 0.13.9 refuses an empty one: 'Variant namespace priorities must be non-empty').
    An AArch64 machine: no x86_64 level fits (on x86-64 without CPU facts the stand-in for
    uv's x86-64-variant-provider assumes v2, as uv does)."""
    python = uv_venv(tmp_path / "venv")
    argv = ["install", "dummy-pkg", "--index-url", index, "--installer", "uv", "--python", str(python)]
    done = cli(*argv, "--fixture", fixture("linux-aarch64-graviton2"), env=with_uv(uv_env, uv_bin))
    assert done.returncode == EXIT_OK, done.stderr
    assert installed_label(python) == "null"


def test_remote_index_without_variants_json_takes_the_plain_wheel(index_without_variants_json: str) -> None:
    """PEP 825 step 5: rather than download every variant wheel, treat them as incompatible."""
    argv = ["pick", "dummy-pkg", "--index-url", index_without_variants_json, "--json"]
    done = cli(*argv, "--fixture", fixture("linux-x86_64-haswell"))
    assert done.returncode == EXIT_OK, done.stderr
    chosen = json.loads(done.stdout)
    assert chosen["filename"] == "dummy_pkg-1.0.0-py3-none-any.whl"
    assert "treated as incompatible rather than downloading each one" in chosen["warnings"][0]
