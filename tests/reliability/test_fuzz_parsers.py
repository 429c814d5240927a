"""Each pure parse function on arbitrary and mutated input (hypothesis).

A parse function returns a value of its documented type, ``None`` for "not
an answer", or raises its documented error (``CpuinfoError``, ``SourceError``,
``LdCacheError``): never anything else. Real fixture bytes seed the mutated
inputs, so the fuzzing starts from what kernels and drivers actually write.
The end-to-end tests in test_fuzz_providers.py reach the same functions
through collect and parse; these reach their corners faster.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variant_detect_aarch64 import _parse as aarch64
from variant_detect_aarch64._version import parse_cap
from variant_detect_amd import _formats as amd
from variant_detect_blas_lapack import _parse as blas
from variant_detect_mpi import _parse as mpi
from variant_detect_mpi._table import load as mpi_tables
from variant_detect_nvidia import _decode as nvidia
from variant_detect_opencl import _parse as opencl
from variant_detect_runtime import ldcache
from variant_detect_x86_64 import _parse as x86

FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"


def _seeds(pattern: str) -> list[bytes]:
    return sorted({p.read_bytes() for p in FIXTURES.glob(pattern) if p.is_file()})[:40] or [b""]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A real seed, cut, spliced, bit-flipped or interleaved with arbitrary bytes."""
    blob = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(blob)))
        kind = draw(st.sampled_from(["cut", "insert", "flip", "delete", "digits"]))
        if kind == "cut":
            blob = blob[:at]
        elif kind == "insert":
            blob = blob[:at] + draw(st.binary(max_size=32)) + blob[at:]
        elif kind == "flip" and blob:
            i = min(at, len(blob) - 1)
            blob = blob[:i] + bytes([blob[i] ^ draw(st.integers(1, 255))]) + blob[i + 1 :]
        elif kind == "delete":
            blob = blob[:at] + blob[at + draw(st.integers(1, 64)) :]
        else:  # long or non-ASCII digit runs break int() in ways plain garbage does not
            run = draw(st.sampled_from(["9" * 5000, "\u00b2", "\u0663", "1" * 20]))
            blob = blob[:at] + run.encode() + blob[at:]
    return blob


def text_from(seeds: list[bytes]) -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=300), mutated(seeds).map(lambda b: b.decode("utf-8", "replace")))


CPUINFO = _seeds("*/sysroot/proc/cpuinfo")
AUXV = _seeds("*/sysroot/proc/self/auxv")
KFD = _seeds("*/sysroot/sys/class/kfd/kfd/topology/nodes/*/properties")
NV_PROC = _seeds("*/sysroot/proc/driver/nvidia/version")
ROCM = _seeds("*/sysroot/opt/rocm*/.info/version")
LDCACHE = _seeds("*/sysroot/etc/ld.so.cache")
PLIST = _seeds("*/sysroot/System/Library/CoreServices/SystemVersion.plist")
FLEXIBLAS = _seeds("*/sysroot/etc/flexiblasrc")
VERSIONS = [
    b"Open MPI v5.0.11, package: Open MPI builder, ident: 5.0.11, repo rev: v5.0.11",
    b"MPICH Version:      4.3.0\nMPICH Release date: Mon Feb  3 2025",
    b"Intel(R) MPI Library 2021.16 for Linux* OS",
    b"OpenCL 3.0 CUDA 12.8.97",
    b"OpenCL C 1.2 ",
    b"580.65.06",
    b"6.4.1-83",
    b"14.2.1",
    b"8.2a",
]

# (name, function, strategy, documented errors)
TARGETS: list[tuple[str, Callable[[Any], object], st.SearchStrategy[Any], tuple[type[BaseException], ...]]] = [
    ("x86_64 cpuinfo", x86.parse_flags, st.binary(max_size=600) | mutated(CPUINFO), (x86.CpuinfoError,)),
    ("aarch64 cpuinfo", aarch64.cpuinfo_blocks, st.binary(max_size=600) | mutated(CPUINFO), ()),
    ("aarch64 midr", lambda b: aarch64.midrs_from_cpuinfo(aarch64.cpuinfo_blocks(b)), mutated(CPUINFO), ()),
    ("aarch64 auxv", aarch64.parse_auxv, st.binary(max_size=600) | mutated(AUXV), (aarch64.SourceError,)),
    ("aarch64 elf header", aarch64.interpreter_is_aarch64, st.binary(max_size=64), ()),
    ("aarch64 FORCE cap", lambda t: parse_cap(t, ["8a", "8.1a", "9.0a"]), text_from(VERSIONS), ()),
    ("amd kfd properties", amd.gfx_target_value, st.binary(max_size=600) | mutated(KFD), ()),
    ("amd rocm version", amd.parse_version_text, text_from(ROCM + VERSIONS), ()),
    ("nvidia driver version", nvidia.parse_driver_version, text_from(VERSIONS), ()),
    ("nvidia procfs", nvidia.proc_driver_version, st.binary(max_size=300) | mutated(NV_PROC), ()),
    ("nvidia cuda version", nvidia.decode_cuda_version, st.integers() | st.none() | st.text(max_size=5), ()),
    ("nvidia FORCE cuda", nvidia.parse_forced_cuda, text_from(VERSIONS), ()),
    ("nvidia FORCE sm", nvidia.parse_forced_sm, text_from(VERSIONS), ()),
    ("opencl version", lambda t: opencl.parse_version(t, "OpenCL"), text_from(VERSIONS), ()),
    ("opencl C version", lambda t: opencl.parse_version(t, "OpenCL C"), text_from(VERSIONS), ()),
    ("mpi version string", lambda t: mpi.version_after(t, "Open MPI v"), text_from(VERSIONS), ()),
    ("mpi MPICH version", lambda t: mpi.version_after(t, "MPICH Version:"), text_from(VERSIONS), ()),
    ("mpi implementation", lambda t: mpi.implementation_of(t, mpi_tables()), text_from(VERSIONS), ()),
    ("blas plist", blas.plist_product_version, st.binary(max_size=300) | mutated(PLIST), ()),
    ("blas macOS version", blas.version_pair, text_from(VERSIONS), ()),
    ("blas flexiblasrc", blas.flexiblas_default, st.binary(max_size=300) | mutated(FLEXIBLAS), ()),
    ("ld.so.cache", ldcache.entries, st.binary(max_size=600) | mutated(LDCACHE), (ldcache.LdCacheError,)),
    (
        "ld.so.cache find",
        lambda b: ldcache.find(b, ("libmpi", "libopenblas")),
        mutated(LDCACHE),
        (ldcache.LdCacheError,),
    ),
]


@pytest.mark.parametrize(("name", "function", "strategy", "errors"), TARGETS, ids=[t[0] for t in TARGETS])
def test_parser_never_raises_undocumented(
    name: str,
    function: Callable[[Any], object],
    strategy: st.SearchStrategy[Any],
    errors: tuple[type[BaseException], ...],
    tally: Counter[str],
) -> None:
    @settings(settings.get_profile("reliability"), max_examples=150)
    @given(strategy)
    def check(value: Any) -> None:
        tally["parser inputs fuzzed"] += 1
        with contextlib.suppress(*errors):
            function(value)

    check()
