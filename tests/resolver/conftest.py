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
