"""Pure parsing: raw sources in, the order of preference out. No I/O here.

Every value is always supported (a BLAS variant wheel depends on its BLAS
wheel, so any of them installs anywhere); what this module decides is the
order. It starts from the published order (``accelerate, openblas, mkl``)
and applies hints from the weakest to the strongest, each moving its
backends to the front (or, for Accelerate off macOS 13.3+, to the back):

1. CPU vendor: Intel -> mkl ahead of openblas; AMD -> openblas ahead of mkl.
2. Platform: macOS >= 13.3 -> accelerate first; anywhere else -> accelerate last.
3. System libraries in ``/etc/ld.so.cache`` (OpenBLAS, MKL).
4. FlexiBLAS's configured default backend.
5. BLAS libraries already installed in this Python environment.

The user override (``VARIANT_DETECT_BLAS_LAPACK_PROVIDER``) is applied last,
by the provider, and beats all of them.
"""

from __future__ import annotations

from variant_detect_blas_lapack._probe import CPUINFO, LD_SO_CACHE, SYSTEM_VERSION
from variant_detect_runtime import Feature
from variant_detect_runtime import ldcache as _ldcache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_blas_lapack._probe import RawSources
    from variant_detect_blas_lapack._table import Tables
    from variant_detect_runtime import Report


FEATURE = "provider"


class Hint:
    """One reason to reorder: move *promote* to the front or *demote* to the back."""

    __slots__ = ("demote", "keep_order", "promote", "source", "why")

    def __init__(
        self,
        source: str,
        why: str,
        promote: tuple[str, ...] = (),
        demote: tuple[str, ...] = (),
        keep_order: bool = False,
    ) -> None:
        self.source = source
        self.why = why
        self.promote = promote
        self.demote = demote
        #: Promote in the order the values already have (the hint says "these", not "this one first").
        self.keep_order = keep_order


def apply(order: list[str], hint: Hint) -> list[str]:
    promote = [v for v in order if v in hint.promote] if hint.keep_order else list(hint.promote)
    promote = [v for v in dict.fromkeys(promote) if v in order]
    demote = [v for v in hint.demote if v in order and v not in promote]
    rest = [v for v in order if v not in promote and v not in demote]
    return promote + rest + demote


def rank(values: tuple[str, ...], hints: list[Hint], report: Report) -> list[str]:
    """Apply *hints* weakest first; explain each one and which decided the first value."""
    order = list(values)
    decided: Hint | None = None
    for hint in hints:
        before = order
        order = apply(order, hint)
        report.explain(FEATURE, hint.source, f"{hint.why} -> {' '.join(order)}")
        if order[0] != before[0] or order[0] in hint.promote:
            decided = hint
    if decided is None:
        report.explain(FEATURE, "default", f"{order[0]} first: no hint applied; the published order stands")
    else:
        report.explain(FEATURE, decided.source, f"{order[0]} first, decided by this hint: {decided.why}")
    return order


# -- 1. CPU vendor ----------------------------------------------------------------------------


def cpu_vendor(raw: RawSources, report: Report) -> tuple[str, str] | None:
    """(vendor, source) with vendor ``intel`` or ``amd``; None when unknown or other."""
    if raw.system == "Linux" and raw.cpuinfo is not None:
        text = raw.cpuinfo[:8192].decode("utf-8", "replace")
        for line in text.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip() == "vendor_id":
                return _vendor_name(value.strip(), CPUINFO)
            if not line.strip():
                break  # end of the first processor block
        return None
    if raw.system == "Windows" and raw.processor_identifier:
        # "Intel64 Family 6 Model 85 Stepping 4, GenuineIntel"
        return _vendor_name(raw.processor_identifier.rsplit(",", 1)[-1].strip(), "PROCESSOR_IDENTIFIER")
    if raw.system == "Darwin" and raw.machine.lower() == "x86_64":
        # Apple shipped x86 Macs with Intel CPUs only. (Under Rosetta 2 the CPU is
        # Apple's, but such a Mac runs macOS >= 11 and Accelerate's hint decides.)
        return ("intel", "x86_64 Mac")
    return None


def _vendor_name(vendor_id: str, source: str) -> tuple[str, str] | None:
    if vendor_id == "GenuineIntel":
        return ("intel", source)
    if vendor_id in ("AuthenticAMD", "HygonGenuine"):
        return ("amd", source)
    return None


def cpu_hint(raw: RawSources, report: Report) -> list[Hint]:
    found = cpu_vendor(raw, report)
    if found is None:
        return []
    vendor, source = found
    if vendor == "intel":
        return [Hint(source, "Intel CPU: MKL ahead of OpenBLAS", promote=("mkl",))]
    return [
        Hint(source, "AMD CPU: OpenBLAS ahead of MKL (MKL's fastest code paths target Intel)", promote=("openblas",))
    ]


# -- 2. platform ------------------------------------------------------------------------------


def plist_product_version(data: bytes) -> str | None:
    """``ProductVersion`` from SystemVersion.plist (XML), without importing plistlib."""
    text = data.decode("utf-8", "replace")
    at = text.find("<key>ProductVersion</key>")
    if at < 0:
        return None
    start = text.find("<string>", at)
    end = text.find("</string>", start)
    if start < 0 or end < 0:
        return None
    return text[start + len("<string>") : end].strip()


def version_pair(text: str) -> tuple[int, int] | None:
    """``"14.2.1"`` -> (14, 2); ``"13"`` -> (13, 0); None when not a version."""
    parts = text.strip().split(".")
    # ASCII and short: str.isdigit() accepts '\u00b2' and 5000-digit runs, which int() refuses.
    if not parts or not all(p.isascii() and p.isdigit() and len(p) <= 6 for p in parts[:2]):
        return None
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)


def macos_version(raw: RawSources, tables: Tables, report: Report) -> tuple[bool | None, str]:
    """(is the new Accelerate there?, what we know) from SystemVersion.plist, else the Darwin release."""
    if raw.macos_plist is not None:
        text = plist_product_version(raw.macos_plist)
        version = version_pair(text) if text else None
        if version is not None:
            return (version >= tables.accelerate_min_macos, f"macOS {text}")
        report.warn(SYSTEM_VERSION, f"no parsable ProductVersion (got {text!r}); falling back to the kernel release")
    darwin = version_pair(raw.release) if raw.release else None
    if darwin is not None:
        return (darwin >= tables.accelerate_min_darwin, f"Darwin {raw.release}")
    return (None, "unknown macOS version")


def platform_hint(raw: RawSources, tables: Tables, report: Report) -> list[Hint]:
    if raw.system != "Darwin":
        return [
            Hint("platform", f"{raw.system or 'this OS'}: Accelerate is part of macOS only", demote=("accelerate",))
        ]
    new, what = macos_version(raw, tables, report)
    minimum = ".".join(map(str, tables.accelerate_min_macos))
    if new is None:
        report.explain(FEATURE, SYSTEM_VERSION, f"{what}: Accelerate keeps its published place")
        return []
    if new:
        return [Hint(SYSTEM_VERSION, f"{what} >= {minimum}: Accelerate's new LAPACK is there", promote=("accelerate",))]
    return [Hint(SYSTEM_VERSION, f"{what} < {minimum}: Accelerate lacks the new LAPACK", demote=("accelerate",))]


# -- 3. system libraries ----------------------------------------------------------------------


def system_libraries(raw: RawSources, tables: Tables, report: Report) -> list[tuple[str, str]]:
    """(soname, path) of the BLAS-related libraries in ld.so.cache for this architecture."""
    if raw.ld_cache is None:
        return []
    data = raw.ld_cache
    if len(data) > (8 << 20):
        report.warn(LD_SO_CACHE, "larger than 8 MiB; not an ld.so.cache, ignored")
        return []
    try:
        found = _ldcache.find(data, tables.soname_prefixes())
    except _ldcache.LdCacheError as exc:
        report.warn(LD_SO_CACHE, f"{exc}; system libraries not considered")
        return []
    wanted = tables.ld_cache_flags.get(raw.machine.lower())
    return list(dict.fromkeys((s, p) for flags, s, p in found if wanted is None or flags == wanted))


def system_hint(libraries: list[tuple[str, str]], tables: Tables) -> list[Hint]:
    backends: dict[str, str] = {}
    for soname, path in libraries:
        for prefix, backend in tables.system_sonames:
            if soname.startswith(prefix):
                backends.setdefault(backend, f"{soname} => {path}")
    if not backends:
        return []
    why = "system libraries " + ", ".join(backends.values())
    return [Hint(LD_SO_CACHE, why, promote=tuple(backends), keep_order=True)]


# -- 4. FlexiBLAS -----------------------------------------------------------------------------


def flexiblas_default(data: bytes) -> str | None:
    """The top-level ``default = NAME`` of a flexiblasrc (INI-like; sections hold backends)."""
    name = None
    for line in data.decode("utf-8", "replace").splitlines():
        text = line.split("#", 1)[0].split(";", 1)[0].strip()
        if text.startswith("["):
            break  # backend sections follow; 'default' lives above them
        key, sep, value = text.partition("=")
        if sep and key.strip().lower() == "default" and value.strip():
            name = value.strip()
    return name


def flexiblas_hint(raw: RawSources, libraries: list[tuple[str, str]], tables: Tables, report: Report) -> list[Hint]:
    installed = any(s.startswith(tables.flexiblas_soname) for s, _p in libraries)
    if not installed and not raw.flexiblas_configs and not raw.flexiblas_env:
        return []
    choice, source = None, ""
    for path, data in raw.flexiblas_configs:
        name = flexiblas_default(data)
        if name:
            choice, source = name, path
    if raw.flexiblas_env:
        choice, source = raw.flexiblas_env, "FLEXIBLAS"
    if choice is None:
        report.explain(FEATURE, "FlexiBLAS", "installed, but no default backend is configured; no effect")
        return []
    lowered = choice.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for contains, backend in tables.flexiblas_backends:
        if contains in lowered:
            return [Hint(source, f"FlexiBLAS default backend {choice}", promote=(backend,))]
    report.explain(FEATURE, source, f"FlexiBLAS default backend {choice} is none of {', '.join(tables.values)}")
    return []


# -- 5. this Python environment ---------------------------------------------------------------


def environment_hint(raw: RawSources, tables: Tables) -> list[Hint]:
    found: dict[str, str] = {}
    for directory, names in raw.bundled:
        for name in names:
            backend = tables.backend_of_file(name)
            if backend is not None:
                found.setdefault(backend, f"{directory} holds {name}")
    for path, backend in raw.prefix_libraries:
        found.setdefault(backend, f"{path} is installed")
    if not found:
        return []
    why = "installed in this Python environment: " + "; ".join(found.values())
    return [Hint("python environment", why, promote=tuple(found))]


def hints(raw: RawSources, tables: Tables, report: Report) -> list[Hint]:
    for source, problem in raw.problems:
        report.warn(source, problem)
    libraries = system_libraries(raw, tables, report)
    return [
        *cpu_hint(raw, report),
        *platform_hint(raw, tables, report),
        *system_hint(libraries, tables),
        *flexiblas_hint(raw, libraries, tables, report),
        *environment_hint(raw, tables),
    ]


def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    return [Feature(FEATURE, rank(tables.values, hints(raw, tables, report), report))]
