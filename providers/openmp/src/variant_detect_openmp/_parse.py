"""Pure parsing: raw sources in, the order of preference out. No I/O here.

Every value is always offered: an OpenMP variant wheel bundles or depends on
its runtime, so any of them installs anywhere (the published provider says
as much by answering all three, always). What this module decides is our own
answer's order. It starts from the published order (``gnu, intel, llvm``)
and moves the runtimes installed on this machine to the front, keeping the
published order among them:

* system libraries in ``/etc/ld.so.cache`` for this architecture
  (``libgomp.so.1``, ``libomp.so[.5]``, ``libiomp5.so``);
* library files in this Python environment's prefixes (conda's
  ``intel-openmp`` and ``llvm-openmp``, a venv built on such a prefix).

Nothing found: the published order stands. The user override
(``VARIANT_DETECT_OPENMP_PROVIDER``) is applied last, by the provider.
"""

from __future__ import annotations

from variant_detect_openmp._probe import LD_SO_CACHE
from variant_detect_runtime import Feature
from variant_detect_runtime import ldcache as _ldcache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_openmp._probe import RawSources
    from variant_detect_openmp._table import Tables
    from variant_detect_runtime import Report

FEATURE = "provider"


def promote(order: tuple[str, ...] | list[str], wanted: list[str], keep_order: bool) -> list[str]:
    """*wanted* values first (in *order*'s order when *keep_order*, else as given), then the rest."""
    front = [v for v in order if v in wanted] if keep_order else [v for v in dict.fromkeys(wanted) if v in order]
    return front + [v for v in order if v not in front]


def system_runtimes(raw: RawSources, tables: Tables, report: Report) -> dict[str, str]:
    """value -> 'soname => path' for each OpenMP runtime ld.so.cache lists for this architecture."""
    if raw.ld_cache is None:
        return {}
    prefixes = tuple(prefix for prefix, _v in tables.runtimes.get("Linux", ()))
    # Every soname is stored verbatim in the cache's string table: when none of ours occurs in
    # the bytes, no entry can name one, and the parse (0.3 ms for a 34 KB cache) is skipped.
    if not any(prefix.encode() in raw.ld_cache for prefix in prefixes):
        return {}
    try:
        found = _ldcache.find(raw.ld_cache, prefixes)
    except _ldcache.LdCacheError as exc:
        report.warn(LD_SO_CACHE, f"{exc}; system libraries not considered")
        return {}
    wanted = tables.ld_cache_flags.get(raw.machine.lower())
    runtimes: dict[str, str] = {}
    for flags, soname, path in found:
        value = tables.value_of_file("Linux", soname)
        if value is not None and (wanted is None or flags == wanted):
            runtimes.setdefault(value, f"{soname} => {path}")
    return runtimes


def environment_runtimes(raw: RawSources, tables: Tables) -> dict[str, str]:
    """value -> 'directory holds file' for each OpenMP runtime in the environment's library dirs."""
    runtimes: dict[str, str] = {}
    for directory, names in raw.lib_dirs:
        for name in sorted(names):
            value = tables.value_of_file(raw.system, name)
            if value is not None:
                runtimes.setdefault(value, f"{directory} holds {name}")
    return runtimes


def installed(raw: RawSources, tables: Tables, report: Report) -> dict[str, str]:
    """Every OpenMP runtime found on disk, with where (the system's first)."""
    for source, problem in raw.problems:
        report.warn(source, problem)
    found = system_runtimes(raw, tables, report)
    for value, where in environment_runtimes(raw, tables).items():
        found.setdefault(value, where)
    return found


def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    found = installed(raw, tables, report)
    if not found:
        report.explain(FEATURE, "default", "no OpenMP runtime found on disk; the published order stands")
        return [Feature(FEATURE, tables.values)]
    order = promote(tables.values, list(found), keep_order=True)
    for value in order:
        if value in found:
            report.explain(FEATURE, "installed", f"{value}: {found[value]}")
    report.explain(FEATURE, "installed", f"installed runtimes first, in the published order -> {' '.join(order)}")
    return [Feature(FEATURE, order)]
