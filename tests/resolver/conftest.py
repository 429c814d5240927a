"""Shared fixtures of the resolver tests: a private cache and config per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "hw_fixtures"
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's variants.toml or cache, or writes to them."""
    monkeypatch.setenv("VARIANT_DETECT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site-config"))
    for name in (
        "PIP_INDEX_URL",
        "UV_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
        "UV_EXTRA_INDEX_URL",
        "VARIANT_DETECT_FIXTURE",
    ):
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


# -- the end-to-end wheels and index (built once per session) ---------------------------


def _load_build() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("variant_detect_test_build", Path(__file__).with_name("_build.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _load_build()


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("build")
    out = work / "dist"
    out.mkdir()
    _build.make_variants(out, work)
    return out


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(root: Path) -> Iterator[str]:
    """``python -m http.server`` on loopback, stopped when the session ends."""
    import socket
    import subprocess
    import time

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/simple"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def index(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("index")
    _build.simple_index(dist, root)
    yield from _serve(root)


@pytest.fixture(scope="session")
def index_without_variants_json(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same index, but no ``-variants.json`` is linked (PEP 825 says it MUST be)."""
    work = tmp_path_factory.mktemp("no-json")
    files = work / "dist"
    files.mkdir()
    for path in dist.iterdir():
        if not path.name.endswith("-variants.json"):
            (files / path.name).write_bytes(path.read_bytes())
    root = work / "index"
    _build.simple_index(files, root)
    yield from _serve(root)


@pytest.fixture(scope="session")
def fpga_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``fpga-pkg`` variant wheels needing the acme-fpga-provider, and that provider's wheel."""
    work = tmp_path_factory.mktemp("fpga")
    out = work / "dist"
    out.mkdir()
    _build.make_fpga(out, work)
    return out


@pytest.fixture(scope="session")
def bad_index(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same index, but the x86_64_v1 wheel's sha256 is wrong."""
    root = tmp_path_factory.mktemp("bad-index")
    _build.simple_index(dist, root, corrupt="dummy_pkg-1.0.0-py3-none-any-x86_64_v1.whl")
    yield from _serve(root)


# -- uv 0.13.8 (installed by the test extra) and 0.13.9 (fetched once) ---------------

UV_VERSIONS = ("0.13.8", "0.13.9")


def _uv_0_13_9(cache: Path) -> Path:
    """uv 0.13.9's binary, unpacked once from its PyPI wheel into *cache*.

    The test extra pins uv 0.13.8 (one version per environment); the
    end-to-end tests run both, so the second is fetched with pip, which
    reaches PyPI wherever README's test command does.
    """
    import os
    import subprocess
    import zipfile

    target = cache / "uv-0.13.9" / "uv"
    if target.is_file():
        return target
    download = cache / "uv-0.13.9-wheel"
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:"]
    subprocess.run([*pip, "-d", str(download), "uv==0.13.9"], check=True, timeout=600)
    (wheel,) = download.glob("uv-0.13.9-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".data/scripts/uv"))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(archive.read(name))
    os.chmod(partial, 0o755)
    partial.replace(target)
    return target


@pytest.fixture(scope="session", params=UV_VERSIONS)
def uv_bin(request: pytest.FixtureRequest) -> Path:
    """Each uv the end-to-end tests run against; a missing one fails under CI=true."""
    import os
    import subprocess

    version = request.param
    if version == "0.13.8":
        path = BIN / "uv"
    else:
        cache = Path(os.environ.get("VARIANT_DETECT_TEST_CACHE", Path.home() / ".cache" / "variant-detect-tests"))
        try:
            path = _uv_0_13_9(cache)
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            if os.environ.get("CI") == "true":
                raise
            pytest.skip(f"uv {version} could not be fetched: {exc}")
    shown = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True).stdout
    assert shown.split()[1] == version, shown
    return path


@pytest.fixture
def uv(uv_bin: Path) -> str:
    """``uv_bin`` as the string the command-line tests pass around."""
    return str(uv_bin)
