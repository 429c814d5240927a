"""Pure parsing: what each MPI library answered, in, the ``mpi`` features, out. No I/O here.

Features, in priority order (all ``multi_value``: a wheel may carry extension
modules for several ABIs, as mpi4py's do, or support several implementations):

* ``abi``: the ABIs a wheel can link against here, most preferred first:
  ``mpich`` (libmpi.so.12: MPICH, Intel MPI, MVAPICH, Cray MPICH),
  ``openmpi`` (libmpi.so.40), ``mpiabi.1`` then ``mpiabi`` (the MPI 5 standard
  ABI, major version 1), ``impi`` / ``msmpi`` (Windows).
* ``implementation``: ``<name>.<major>.<minor>``, ``<name>.<major>``, ``<name>``
  for each library (``openmpi.5.0 openmpi.5 openmpi``), so a wheel can say
  "exactly Open MPI 5" (``openmpi.5``) or "any Open MPI" (``openmpi``).
* ``std_version``: every MPI standard version up to the highest any library
  implements (``5.0 4.1 4.0 3.1 ...``): a wheel needing MPI-4 says ``4.0``.

Libraries come in search order (environment, prefix, system), so the one a
program would load first gives the first values.
"""

from __future__ import annotations

from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_mpi._probe import Candidate, RawSources
    from variant_detect_mpi._table import Tables
    from variant_detect_runtime import Report


_VERSION_CHARS = frozenset("0123456789.")


class Found:
    """What one library turned out to be."""

    __slots__ = ("abis", "implementation", "path", "std")

    def __init__(self, path: str) -> None:
        self.path = path
        self.abis: list[str] = []
        self.implementation: list[str] = []
        self.std: tuple[int, int] | None = None


def version_after(text: str, marker: str) -> tuple[int, ...] | None:
    """The dotted number right after *marker* (``"Open MPI v5.0.11, ..."`` -> (5, 0, 11))."""
    at = text.find(marker)
    if at < 0:
        return None
    rest = text[at + len(marker) :].lstrip(" \t:=v")
    digits = ""
    for char in rest:
        if char not in _VERSION_CHARS:
            break
        digits += char
    parts = [p for p in digits.strip(".").split(".") if p]
    # Every part bounded, not only the first: int() refuses over 4300 digits
    # (ValueError), and a broken library string would take the whole answer down.
    if not parts or not all(p.isdigit() and len(p) <= 6 for p in parts):
        return None
    return tuple(int(p) for p in parts)


def implementation_of(text: str, tables: Tables) -> tuple[str, str] | None:
    """(name, marker) of the first table row whose marker the version string contains."""
    for marker, name in tables.implementations:
        if marker in text:
            return (name, marker)
    return None


def _symbol_names(candidate: Candidate, tables: Tables, system: str) -> list[str]:
    return [name for symbol, name in tables.symbols_for(system) if candidate.symbols.get(symbol) is True]


def _two_ints(value: object) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (value[0], value[1])
    return None


def _implementation(candidate: Candidate, found: Found, tables: Tables, system: str, report: Report) -> str | None:
    text = candidate.library_version if isinstance(candidate.library_version, str) else ""
    by_string = implementation_of(text, tables) if text else None
    by_symbol = _symbol_names(candidate, tables, system)
    if by_string is None and not by_symbol:
        failed = candidate.library_version
        if isinstance(failed, dict):  # hung or failed: say so, not "names nothing: ''"
            report.warn(candidate.path, f"MPI_Get_library_version failed: {failed.get('error')}")
            return None
        shown = (text[:60] + "...") if len(text) > 60 else text
        report.warn(candidate.path, f"MPI_Get_library_version names no known implementation: {shown!r}")
        return None
    if by_string is None:
        name = by_symbol[0]
        report.warn(candidate.path, f"MPI_Get_library_version unparsable ({text[:60]!r}); {name} by its symbols")
        found.implementation = [name]
        return name
    name, marker = by_string
    if by_symbol and name not in by_symbol:
        report.warn(
            candidate.path, f"version string says {name}, exported symbols say {by_symbol[0]}; trusting the string"
        )
    version = version_after(text, marker)
    if version is None:
        report.warn(candidate.path, f"no version number after {marker!r} in {text[:80]!r}; reporting {name} alone")
        found.implementation = [name]
    else:
        dotted = [f"{name}.{'.'.join(map(str, version[:2]))}"] if len(version) > 1 else []
        found.implementation = [*dotted, f"{name}.{version[0]}", name]
    return name


def _abis(candidate: Candidate, found: Found, name: str | None, tables: Tables, report: Report) -> None:
    abi_version = _two_ints(candidate.abi_version)
    if abi_version is not None and abi_version[0] > 0:
        # MPI_Abi_get_version answers (-1, -1) in a library that is not the standard ABI.
        found.abis = [f"mpiabi.{abi_version[0]}", "mpiabi"]
        return
    abi = tables.abi_of_name.get(candidate.name)
    if abi is None:
        report.explain("abi", candidate.path, f"{candidate.name} is not a versioned name we know; no ABI claimed")
        return
    if abi == "mpiabi":
        report.warn(candidate.path, f"{candidate.name} but MPI_Abi_get_version gave {candidate.abi_version!r}")
        return
    if abi == "mpich" and name == "openmpi":
        # Open MPI 1.x also used the soname libmpi.so.12, with an ABI of its own.
        report.explain("abi", candidate.path, "Open MPI behind libmpi.so.12 (1.x): not the MPICH ABI")
        return
    found.abis = [abi]


def examine(candidate: Candidate, tables: Tables, system: str, report: Report) -> Found | None:
    if candidate.error is not None:
        if "does not export" in candidate.error:
            report.warn(candidate.path, "exports no MPI_Get_version: not an MPI library; ignored")
        else:
            reason = candidate.error.rsplit(": ", 1)[-1]
            hint = " (a dangling symlink?)" if "No such file" in reason else ""
            report.warn(candidate.path, f"found by {candidate.origin} but cannot be loaded: {reason}{hint}; ignored")
        return None
    found = Found(candidate.path)
    found.std = _two_ints(candidate.version)
    if found.std is None:
        report.warn(candidate.path, f"MPI_Get_version gave {candidate.version!r}, expected [major, minor]")
    name = _implementation(candidate, found, tables, system, report)
    _abis(candidate, found, name, tables, report)
    what = f"{(found.implementation or ['unknown implementation'])[0]}, ABI {' '.join(found.abis) or 'unknown'}"
    report.explain("implementation", candidate.origin, f"{candidate.path}: {what}")
    return found


def std_versions(found: list[Found], tables: Tables, report: Report) -> list[str]:
    highest = max((f.std for f in found if f.std is not None), default=None)
    if highest is None:
        return []
    text = f"{highest[0]}.{highest[1]}"
    if text not in tables.standard_versions:
        report.warn("MPI_Get_version", f"MPI {text} is no MPI standard version we know; std_version left out")
        return []
    index = tables.standard_versions.index(text)
    return list(reversed(tables.standard_versions[: index + 1]))


def mpiabi_preference(value: str, system: str) -> str:
    """mpi4py's spelling rules for MPI4PY_MPIABI (``Intel MPI`` -> ``mpich`` off Windows)."""
    text = "".join(c for c in value.lower() if c not in " -_")
    if system != "Windows" and text == "impi":
        return "mpich"
    if system == "Windows" and text == "mpich":
        return "impi"
    return text


def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    for source, problem in raw.problems:
        report.warn(source, problem)
    found = [f for c in raw.candidates if (f := examine(c, tables, raw.system, report)) is not None]
    abis = list(dict.fromkeys(a for f in found for a in f.abis))
    if raw.mpiabi and abis:
        wanted = mpiabi_preference(raw.mpiabi, raw.system)
        if wanted in abis and abis[0] != wanted:
            abis = [wanted, *[a for a in abis if a != wanted]]
            report.override("MPI4PY_MPIABI", raw.mpiabi, f"ABI {wanted} first, as mpi4py will load it")
        elif wanted not in abis:
            report.explain("abi", "MPI4PY_MPIABI", f"{raw.mpiabi!r}: no library of that ABI found here")
    features = []
    if abis:
        features.append(Feature("abi", abis, True))
    implementations = list(dict.fromkeys(v for f in found for v in f.implementation))
    if implementations:
        features.append(Feature("implementation", implementations, True))
    versions = std_versions(found, tables, report)
    if versions:
        features.append(Feature("std_version", versions))
    return features
