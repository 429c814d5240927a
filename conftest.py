"""Repo-wide pytest setup, shared by the core's and every provider's tests."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_variantlib_cache() -> Iterator[None]:
    """variantlib 0.2.2 caches plugin answers per process, keyed by plugin and
    command but not by environment: without this, a test replaying a second
    fixture through variantlib would get the first fixture's answer."""
    yield
    loader = sys.modules.get("variantlib.plugins.loader")
    if loader is not None:
        loader.VARIANT_PROVIDER_CACHE_TABLE.clear()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _no_real_fixture_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their machine explicitly; a developer's shell must not leak in."""
    for name in ("VARIANT_DETECT_FIXTURE", "VARIANT_DETECT_DISABLE", "VARIANT_DETECT_X86_64_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    from variant_detect_runtime import _probe

    _probe._SHARED.clear()


@pytest.fixture(scope="session")
def c_compiler() -> list[str]:
    """The command that compiles the stand-in native libraries of the containment tests.

    ``cc`` or ``gcc`` when the machine has one, else the C compiler the test
    requirements bring (the ``ziglang`` package: ``python -m ziglang cc``), so
    these tests run wherever README's test command runs. Without either they
    skip, except under ``CI=true``, where a skipped containment test would hide
    lost coverage: there the run fails, loudly.
    """
    found = shutil.which("cc") or shutil.which("gcc")
    if found:
        return [found]
    import importlib.util

    if importlib.util.find_spec("ziglang") is not None:
        return [sys.executable, "-m", "ziglang", "cc"]
    message = "no C compiler: neither cc/gcc on PATH nor the ziglang package (pip install ziglang)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI=true, so the native containment tests must run", pytrace=False)
    pytest.skip(message)
