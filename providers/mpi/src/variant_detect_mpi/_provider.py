"""The mpi provider: which MPI implementations and ABIs a wheel can use here."""

from __future__ import annotations

from variant_detect_mpi import _probe
from variant_detect_runtime import Feature, Provider

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report


ABI_ENV = "VARIANT_DETECT_MPI_ABI"
ABIS = ("mpich", "openmpi", "mpiabi.1", "mpiabi", "impi", "msmpi")
# Versions a wheel may name in get_all_configs (make-variant validates against it).
_MAJORS = {"mpich": range(1, 7), "openmpi": range(1, 7), "mvapich": range(1, 5), "craympich": range(7, 10)}
_IMPI_YEARS = range(2019, 2031)


def parse_abi_override(value: str) -> tuple[list[str], list[str]]:
    words = [w.strip().lower() for w in value.replace(";", ",").replace(" ", ",").split(",") if w.strip()]
    return [w for w in dict.fromkeys(words) if w in ABIS], [w for w in words if w not in ABIS]


def _implementation_values(names: list[str]) -> list[str]:
    values: list[str] = []
    for name in names:
        majors = _IMPI_YEARS if name == "impi" else _MAJORS.get(name, range(1, 11))
        minors = range(31) if name == "impi" else range(10)
        for major in reversed(majors):
            values += [f"{name}.{major}.{minor}" for minor in reversed(minors)] + [f"{name}.{major}"]
        values.append(name)
    return values


class MpiProvider(Provider[_probe.RawSources]):
    namespace = "mpi"
    distribution = "variant-detect-mpi"
    version = "0.1.0"
    sources = (
        f"{ABI_ENV} (user override)",
        "MPI4PY_LIBMPI, MPI4PY_MPIABI, I_MPI_ROOT, MSMPI_BIN",
        "<prefix>/lib (Windows: <prefix>\\DLLs, <prefix>\\Library\\bin)",
        f"{_probe.LD_SO_CACHE} (Linux), Homebrew/MacPorts lib directories (macOS), System32 (Windows)",
        "per library, without MPI_Init: MPI_Get_version, MPI_Get_library_version, MPI_Abi_get_version, symbols",
    )

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe)

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        if not raw.candidates and not raw.problems:
            report.explain("abi", "search", "no MPI library in the environment, the prefix or the system")
            return []  # nothing found: no table to load, no parser to import
        from variant_detect_mpi import _parse, _table

        return _parse.parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        value = probe.getenv(ABI_ENV)
        if not value:
            return features
        wanted, unknown = parse_abi_override(value)
        if unknown:
            report.warn(ABI_ENV, f"expected names from {', '.join(ABIS)}, got {', '.join(map(repr, unknown))}")
        if not wanted:
            return features
        current = next((f for f in features if f[0] == "abi"), None)
        detected = list(current[1]) if current else []
        new = wanted + [a for a in detected if a not in wanted]
        if new == detected:
            return features
        effect = f"abi order set to {' '.join(new)}"
        report.override(ABI_ENV, value, effect)
        report.explain("abi", ABI_ENV, effect)
        return [Feature("abi", new, True), *(f for f in features if f[0] != "abi")]

    def all_features(self) -> list[Feature]:
        from variant_detect_mpi import _table

        tables = _table.load()
        return [
            Feature("abi", ABIS, True),
            Feature("implementation", _implementation_values(tables.implementation_names()), True),
            Feature("std_version", reversed(tables.standard_versions)),
        ]
