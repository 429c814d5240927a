"""Pure parsing: raw sources in, features out. No I/O here."""

from __future__ import annotations

from variant_detect_runtime import Feature
from variant_detect_x86_64._probe import CPUINFO, CPUINFO_LIMIT, X86_MACHINES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Report
    from variant_detect_x86_64._probe import RawSources
    from variant_detect_x86_64._table import Tables


# The kernel prints a few hundred flags (~1.5 KiB); a longer line is not cpuinfo.
MAX_FLAGS_LINE = 16 * 1024
_FLAG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


class CpuinfoError(ValueError):
    """The cpuinfo text is not what a Linux x86 kernel writes."""


def first_block(text: str, truncated: bool) -> dict[str, str]:
    """``key: value`` pairs of the first processor block of /proc/cpuinfo."""
    fields: dict[str, str] = {}
    complete = False
    for line in text.splitlines():
        if not line.strip():
            if fields:
                complete = True
                break
            continue
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    if truncated and not complete:
        raise CpuinfoError(f"first processor block is longer than {CPUINFO_LIMIT} bytes (cut off)")
    if "processor" not in fields:
        raise CpuinfoError("no processor block found")
    return fields


def parse_flags(data: bytes) -> frozenset[str]:
    """The flag set of the first processor block; raises CpuinfoError on garbage."""
    truncated = len(data) > CPUINFO_LIMIT
    text = data[:CPUINFO_LIMIT].decode("utf-8", errors="replace")
    fields = first_block(text, truncated)
    line = fields.get("flags")
    if line is None:
        raise CpuinfoError("first processor block has no 'flags' line")
    if len(line) > MAX_FLAGS_LINE:
        raise CpuinfoError(f"flags line is {len(line)} characters; no kernel writes more than {MAX_FLAGS_LINE}")
    flags = line.split()
    bad = [flag for flag in flags if not _FLAG_CHARS.issuperset(flag)]
    if bad:
        raise CpuinfoError(f"flags line holds {len(bad)} tokens that are not kernel flag names, e.g. {bad[0]!r}")
    if not flags:
        raise CpuinfoError("flags line is empty")
    return frozenset(flags)


def highest_level(flags: frozenset[str], tables: Tables, report: Report) -> int:
    """Index of the highest psABI level whose flags (and all lower levels') are present; -1 if none."""
    best = -1
    for index, (name, required) in enumerate(tables.levels):
        missing = sorted(required - flags)
        if missing:
            report.explain("level", CPUINFO, f"x86-64-{name} needs {' '.join(missing)}, not in the flags")
            break
        best = index
    if best >= 0:
        report.explain("level", CPUINFO, f"flags satisfy x86-64-{tables.levels[best][0]}")
    return best


def level_feature(best: int, tables: Tables) -> list[Feature]:
    if best < 0:
        return []
    names = tables.level_names()[: best + 1]
    return [Feature("level", reversed(names))]


def extension_features(flags: frozenset[str], tables: Tables, allowed: frozenset[str] | None) -> list[Feature]:
    """One ``<name> = on`` per extension present, in the table's priority order."""
    out = []
    for name, flag in tables.extensions:
        if flag in flags and (allowed is None or flag in allowed):
            out.append(Feature(name, ("on",)))
    if allowed is None:
        out.extend(Feature(flag, ("on",)) for flag in new_isa_flags(flags, tables))
    return out


def new_isa_flags(flags: frozenset[str], tables: Tables) -> list[str]:
    """Kernel flags no row names yet that the prefix rule calls ISA extensions, alphabetically.

    A new CPU brings flags (``avx_vnni_int8``, ``avx_ne_convert``) before a release of this table
    does; the kernel's names for instruction sets follow a few families (``avx*``, ``amx*``, ...),
    so those are reported as they are, after every feature the table orders.
    """
    known = {flag for _name, flag in tables.extensions} | {name for name, _flag in tables.extensions}
    return sorted(f for f in flags if f not in known and f.startswith(tables.isa_prefixes))


def read_flags(raw: RawSources, report: Report) -> frozenset[str] | None:
    """The cpuinfo flag set, or None (with a warning or explanation) when unknown."""
    if raw.machine.lower() not in X86_MACHINES and raw.machine != "unknown":
        report.explain("*", "platform", f"{raw.machine} is not an x86-64 machine")
        return None
    if raw.system != "Linux":
        from variant_detect_x86_64 import _beyond  # off Linux only

        return _beyond.read_flags(raw.beyond, raw.system, report)
    if raw.cpuinfo is None:
        report.warn(CPUINFO, raw.cpuinfo_error or "not readable")
        return None
    try:
        return parse_flags(raw.cpuinfo)
    except CpuinfoError as exc:
        report.warn(CPUINFO, str(exc))
        return None


def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    """Features of this machine: ``level`` first, then extensions by priority."""
    flags = read_flags(raw, report)
    if flags is None:
        return []
    best = highest_level(flags, tables, report)
    return level_feature(best, tables) + extension_features(flags, tables, None)
