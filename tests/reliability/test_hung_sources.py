"""Hung and crashing sources on the live machine: tiny libraries built with ``cc``
here, a command that prints forever. Each must be bounded and end as a warning,
with ``variant-detect`` completing. A library that crashes or hangs while it is
*loaded* is contained because the providers load driver libraries in an
isolated child interpreter (``Probe.library(..., isolate=...)``,
docs/reliability.md).

Every case runs in a fresh interpreter (a hang or a crash must not take the test
runner with it), with a wall-clock limit, reporting its peak RSS (VmHWM).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

MPI_HANGS_IN_CALL = r"""
#include <unistd.h>
int MPI_Get_library_version(char *s, int *len) { for (;;) pause(); }
int MPI_Get_version(int *major, int *minor) { *major = 3; *minor = 1; return 0; }
"""
CRASHES_ON_LOAD = r"""
#include <signal.h>
__attribute__((constructor)) static void boom(void) { raise(SIGSEGV); }
int MPI_Get_version(int *major, int *minor) { *major = 3; *minor = 1; return 0; }
"""
HANGS_ON_LOAD = r"""
#include <unistd.h>
__attribute__((constructor)) static void stuck(void) { for (;;) pause(); }
int MPI_Get_version(int *major, int *minor) { *major = 3; *minor = 1; return 0; }
"""
HANG_FUNCTION = r"""
#include <unistd.h>
int hang(void) { for (;;) pause(); }
"""


def build(cc: list[str], tmp: Path, source: str, name: str) -> Path:
    (tmp / f"{name}.c").write_text(source)
    out = tmp / name / "libmpi.so.12"  # the versioned MPICH-ABI name the mpi provider loads
    out.parent.mkdir()
    subprocess.run([*cc, "-shared", "-fPIC", "-o", str(out), str(tmp / f"{name}.c")], check=True)
    return out


def variant_detect(env: dict[str, str], limit: float) -> tuple[subprocess.CompletedProcess[bytes], float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "variant_detect", "--json"],
        capture_output=True,
        env={**os.environ, **env},
        timeout=limit,
        check=False,
    )
    return done, time.perf_counter() - start


_SEAM = r"""
import ctypes, json, sys, time
from variant_detect_runtime import LiveProbe
from variant_detect_runtime import ProbeError
kind, arg = sys.argv[1], sys.argv[2]
probe = LiveProbe()
start = time.perf_counter()
try:
    if kind == "call":
        class Binding:
            def __init__(self):
                self.lib = ctypes.CDLL(arg)
            def hang(self):
                return self.lib.hang()
        probe.library("hang", Binding).call("hang", timeout=1.0)
        outcome = "returned"
    else:
        probe.run(json.loads(arg), timeout=3.0)
        outcome = "returned"
except ProbeError as exc:
    outcome = f"{type(exc).__name__}: {exc}"
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start, "rss_mib": hwm / 1024}))
"""


def seam(kind: str, arg: str) -> tuple[dict[str, Any], float]:
    """Run one probe operation in a fresh interpreter; also time until it has exited."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _SEAM, kind, arg], capture_output=True, timeout=30, check=True)
    return json.loads(done.stdout), time.perf_counter() - start


def test_library_call_that_never_returns(
    c_compiler: list[str], tmp_path: Path, tally: Counter[str], measured: dict[str, object]
) -> None:
    """A foreign call blocked forever (GIL released by ctypes) is a ProbeTimeout after its timeout,
    and the interpreter still exits at once (the worker thread is a daemon)."""
    (tmp_path / "h.c").write_text(HANG_FUNCTION)
    lib = tmp_path / "libhang.so"
    subprocess.run([*c_compiler, "-shared", "-fPIC", "-o", str(lib), str(tmp_path / "h.c")], check=True)
    result, total = seam("call", str(lib))
    tally["hung or crashing sources tried"] += 1
    assert result["outcome"].startswith("ProbeTimeout: hang.hang did not return within 1 s")
    assert 1.0 <= result["seconds"] < 3.0 and total < 10.0
    measured["hung library call (timeout 1 s): seconds until exit"] = round(total, 2)


def test_command_that_prints_forever(tally: Counter[str], measured: dict[str, object]) -> None:
    """``yes`` is stopped once it has printed OUTPUT_LIMIT bytes: bounded memory and time."""
    for argv in (["yes"], ["sh", "-c", "yes >&2"], ["sh", "-c", "yes"]):
        result, _total = seam("run", json.dumps(argv))
        tally["hung or crashing sources tried"] += 1
        assert result["outcome"].startswith(f"ProbeError: {argv[0]} printed more than 8388608 bytes"), result
        assert result["seconds"] < 3.0 and result["rss_mib"] < 200, result
    measured["command printing forever: seconds"] = round(result["seconds"], 2)
    measured["command printing forever: peak RSS MiB"] = round(result["rss_mib"])


def test_command_that_hangs_silently(tally: Counter[str]) -> None:
    result, total = seam("run", json.dumps(["sleep", "60"]))
    tally["hung or crashing sources tried"] += 1
    assert result["outcome"] == "ProbeTimeout: sleep did not finish within 3 s" and total < 10.0


def warning_about(done: subprocess.CompletedProcess[bytes], lib: Path) -> str:
    """The one warning line naming the provider and the library; the profile still printed."""
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-300:]!r}"
    assert isinstance(json.loads(done.stdout)["profile"], dict)
    prefix = f"variant-detect: warning: mpi: {lib}"
    lines = [line for line in done.stderr.decode().splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_mpi_library_that_segfaults_on_load(
    c_compiler: list[str], tmp_path: Path, tally: Counter[str], measured: dict[str, object]
) -> None:
    lib = build(c_compiler, tmp_path, CRASHES_ON_LOAD, "crash")
    tally["hung or crashing sources tried"] += 1
    done, seconds = variant_detect({"MPI4PY_LIBMPI": str(lib)}, limit=60)
    assert "crashed with SIGSEGV" in warning_about(done, lib)
    measured["library crashing on load: variant-detect seconds"] = round(seconds, 2)


def test_mpi_library_that_hangs_on_load(
    c_compiler: list[str], tmp_path: Path, tally: Counter[str], measured: dict[str, object]
) -> None:
    """Bounded by the mpi provider's call timeout (10 s): the child is killed, the caller goes on."""
    lib = build(c_compiler, tmp_path, HANGS_ON_LOAD, "stuck")
    tally["hung or crashing sources tried"] += 1
    try:
        done, seconds = variant_detect({"MPI4PY_LIBMPI": str(lib)}, limit=30)
    except subprocess.TimeoutExpired:
        pytest.fail("variant-detect still running after 30 s")
    assert "did not return within 10 s" in warning_about(done, lib)
    measured["library hanging on load: variant-detect seconds"] = round(seconds, 2)
