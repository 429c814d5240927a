"""The live path against a stand-in MPI library built here with ``cc``: the
candidate is loaded and asked in the probe's isolated child interpreter, so the
``isolate`` factory the provider names must build a working binding there."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from variant_detect_mpi import _probe
from variant_detect_runtime import LiveProbe

pytestmark = pytest.mark.skipif(os.name != "posix", reason="builds POSIX shared libraries")

STAND_IN = r"""
#include <string.h>
int MPI_Get_version(int *major, int *minor) { *major = 4; *minor = 1; return 0; }
int MPI_Get_library_version(char *s, int *len) { strcpy(s, "MPICH Version: 4.2.1"); *len = strlen(s); return 0; }
"""


def test_candidate_is_asked_in_the_isolated_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, c_compiler: list[str]
) -> None:
    (tmp_path / "mpi.c").write_text(STAND_IN)
    lib = tmp_path / "libmpi.so.12"
    subprocess.run([*c_compiler, "-shared", "-fPIC", "-o", str(lib), str(tmp_path / "mpi.c")], check=True)
    monkeypatch.setenv("MPI4PY_LIBMPI", str(lib))
    probe = LiveProbe()
    raw = _probe.collect(probe)
    candidate = next(c for c in raw.candidates if c.path == str(lib))
    assert candidate.error is None
    assert candidate.version == [4, 1]
    assert candidate.library_version == "MPICH Version: 4.2.1"
    assert probe._host is not None  # answered by the isolated child, not in-process
