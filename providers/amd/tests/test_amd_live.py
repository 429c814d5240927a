"""The live library path against a stand-in ``librocm-core`` built here with ``cc``:
it is loaded and asked in the probe's isolated child interpreter, so the
``isolate`` factory the provider names must build a working binding there."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from variant_detect_amd import _probe
from variant_detect_runtime import LiveProbe

pytestmark = pytest.mark.skipif(os.name != "posix", reason="builds POSIX shared libraries")

ROCM_CORE = r"""
int getROCmVersion(unsigned *major, unsigned *minor, unsigned *patch) { *major = 7; *minor = 0; *patch = 2; return 0; }
"""
CRASHES_ON_LOAD = r"""
#include <signal.h>
__attribute__((constructor)) static void boom(void) { raise(SIGSEGV); }
int getROCmVersion(unsigned *major, unsigned *minor, unsigned *patch) { return 0; }
"""


def rocm(cc: list[str], tmp_path: Path, source: str) -> str:
    (tmp_path / "lib").mkdir()
    (tmp_path / "rocm-core.c").write_text(source)
    out = tmp_path / "lib" / "librocm-core.so.1"
    subprocess.run([*cc, "-shared", "-fPIC", "-o", str(out), str(tmp_path / "rocm-core.c")], check=True)
    return str(tmp_path)


def test_rocm_core_is_asked_in_the_isolated_child(tmp_path: Path, c_compiler: list[str]) -> None:
    raw = _probe.RawSources("Linux")
    raw.env["ROCM_PATH"] = rocm(c_compiler, tmp_path, ROCM_CORE)
    probe = LiveProbe()
    _probe._read_library_versions(probe, raw)
    assert raw.library_versions[0] == ("rocm-core.getROCmVersion", [7, 0, 2], None)
    assert probe._host is not None  # answered by the isolated child, not in-process


def test_rocm_core_crashing_on_load_is_an_error_not_a_crash(tmp_path: Path, c_compiler: list[str]) -> None:
    raw = _probe.RawSources("Linux")
    raw.env["ROCM_PATH"] = rocm(c_compiler, tmp_path, CRASHES_ON_LOAD)
    _probe._read_library_versions(LiveProbe(), raw)
    name, version, error = raw.library_versions[0]
    assert (name, version) == ("rocm-core.getROCmVersion", None)
    assert error == "cannot load rocm-core: crashed with SIGSEGV while loading rocm-core"
