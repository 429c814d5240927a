"""Pure parsing: raw sources in, OS-reported extensions and core identities out. No I/O."""

from __future__ import annotations

from variant_detect_aarch64._probe import (
    AT_HWCAP,
    AT_HWCAP2,
    AUXV,
    AUXV_LIMIT,
    BRAND,
    CPUINFO,
    CPUINFO_LIMIT,
    GETAUXVAL,
    PF,
    SYSCTL,
    SYSFS_CPU,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_aarch64._probe import RawSources
    from variant_detect_aarch64._table import Core, CoreTable, Tables
    from variant_detect_runtime import Report

ELF_MAGIC = b"\x7fELF"
EM_AARCH64 = 183  # ELF e_machine, elf.h
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# Windows PROCESSOR_IDENTIFIER vendor names -> MIDR implementer (the HAL prints
# "ARMv8 (64-bit) Family 8 Model <part> Revision <rev>, <vendor>").
_WINDOWS_VENDORS = {"arm limited": 0x41, "qualcomm technologies inc": 0x51, "microsoft corporation": 0x6D}


class SourceError(ValueError):
    """A source's bytes are not what the OS writes."""


# -- this interpreter -------------------------------------------------------------------


def interpreter_is_aarch64(header: bytes | None) -> bool | None:
    """From the ELF header of /proc/self/exe: True, False, or None when unknown."""
    if header is None or len(header) < 20 or header[:4] != ELF_MAGIC:
        return None
    machine = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
    return header[4] == 2 and machine == EM_AARCH64


# -- hwcaps ---------------------------------------------------------------------------------


def parse_auxv(data: bytes) -> dict[int, int]:
    """``/proc/self/auxv``: native-endian u64 (type, value) pairs up to AT_NULL."""
    if len(data) > AUXV_LIMIT:
        raise SourceError(f"longer than {AUXV_LIMIT} bytes; not an auxiliary vector")
    if len(data) % 16:
        raise SourceError(f"truncated: {len(data)} bytes is not a whole number of 16-byte entries")
    entries: dict[int, int] = {}
    for offset in range(0, len(data), 16):
        kind = int.from_bytes(data[offset : offset + 8], "little")
        if kind == 0:
            return entries
        entries.setdefault(kind, int.from_bytes(data[offset + 8 : offset + 16], "little"))
    raise SourceError(f"truncated: {len(data)} bytes and no AT_NULL terminator")


def names_from_hwcaps(hwcap: int, hwcap2: int, tables: Tables) -> set[str]:
    words = {"hwcap": hwcap, "hwcap2": hwcap2}
    return {ext.name for ext in tables.extensions if words[ext.register] >> ext.bit & 1}


def cpuinfo_blocks(data: bytes) -> list[dict[str, str]]:
    text = data[:CPUINFO_LIMIT].decode("utf-8", errors="replace")
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            if current:
                blocks.append(current)
                current = {}
            continue
        current.setdefault(key.strip(), value.strip())
    if current:
        blocks.append(current)
    return blocks


def features_line(blocks: list[dict[str, str]], tables: Tables, report: Report) -> set[str]:
    """The ``Features`` names of the first block that has them; raises SourceError."""
    line = next((b["Features"] for b in blocks if "Features" in b), None)
    if line is None:
        raise SourceError("no 'Features' line (not an arm64 kernel's cpuinfo)")
    tokens = line.split()
    bad = [t for t in tokens if not _NAME_CHARS.issuperset(t)]
    if bad or not tokens:
        raise SourceError(f"'Features' line is not a list of hwcap names (e.g. {(bad or [line])[0]!r})")
    unknown = sorted(set(tokens) - tables.extension_names)
    if unknown:
        report.warn(CPUINFO, f"'Features' names unknown to this provider's table, ignored: {' '.join(unknown[:8])}")
    return set(tokens) & tables.extension_names


def linux_extensions(raw: RawSources, tables: Tables, report: Report) -> tuple[set[str] | None, str]:
    """Extensions from the best Linux source: auxv, then getauxval, then cpuinfo."""
    failures: list[tuple[str, str]] = []
    if raw.auxv is not None:
        try:
            aux = parse_auxv(raw.auxv)
            return names_from_hwcaps(aux.get(AT_HWCAP, 0), aux.get(AT_HWCAP2, 0), tables), AUXV
        except SourceError as exc:
            failures.append((AUXV, str(exc)))
    elif raw.auxv_error:
        failures.append((AUXV, raw.auxv_error))
    if raw.getauxval is not None:
        _warn_all(report, failures)
        words = raw.getauxval
        return names_from_hwcaps(words.get(AT_HWCAP, 0), words.get(AT_HWCAP2, 0), tables), GETAUXVAL
    if raw.getauxval_error:
        failures.append((GETAUXVAL, raw.getauxval_error))
    _warn_all(report, failures)
    if raw.cpuinfo is None:
        report.warn(CPUINFO, raw.cpuinfo_error or "not readable")
        return None, ""
    try:
        return features_line(cpuinfo_blocks(raw.cpuinfo), tables, report), CPUINFO
    except SourceError as exc:
        report.warn(CPUINFO, str(exc))
        return None, ""


def _warn_all(report: Report, failures: list[tuple[str, str]]) -> None:
    for source, problem in failures:
        report.warn(source, problem)


def darwin_extensions(raw: RawSources, tables: Tables, report: Report) -> set[str] | None:
    """``hw.optional.*`` keys answering 1; a missing key (ENOENT) is an absent feature."""
    odd = {k: v for k, v in raw.sysctl_errors.items() if v != "ENOENT"}
    for key, problem in sorted(odd.items())[:3]:
        report.warn(f"{SYSCTL}({key})", problem)
    answered = {k for k, v in raw.sysctl.items() if k != BRAND}
    if not answered:
        if not odd:
            report.warn(SYSCTL, "no hw.optional key answered")
        return None
    on = {k for k in answered if raw.sysctl[k] == 1}
    return {ext.name for ext in tables.extensions if any(key in on for key in ext.macos)}


def windows_extensions(raw: RawSources, tables: Tables, report: Report) -> set[str] | None:
    if raw.pf_errors:
        first = min(raw.pf_errors)
        report.warn(f"{PF}({first})", raw.pf_errors[first])
    if not raw.pf:
        return None
    on = {pf for pf, value in raw.pf.items() if value}
    return {ext.name for ext in tables.extensions if any(pf in on for pf in ext.windows)}


# -- core identity ----------------------------------------------------------------------


def _hex(value: str) -> int | None:
    try:
        return int(value, 16)
    except ValueError:
        return None


def midrs_from_cpuinfo(blocks: list[dict[str, str]]) -> set[tuple[int, int]]:
    out = set()
    for block in blocks:
        implementer, part = _hex(block.get("CPU implementer", "")), _hex(block.get("CPU part", ""))
        if implementer is not None and part is not None:
            out.add((implementer, part))
    return out


def midrs_from_sysfs(files: dict[str, bytes]) -> set[tuple[int, int]]:
    out = set()
    for data in files.values():
        value = _hex(data.decode("ascii", errors="replace").strip())
        if value:
            out.add((value >> 24 & 0xFF, value >> 4 & 0xFFF))
    return out


def linux_cores(raw: RawSources, cores: CoreTable, report: Report) -> tuple[list[Core] | None, str]:
    """Known cores of every MIDR on the machine; None when any is unknown or none is readable."""
    midrs: set[tuple[int, int]] = set()
    source = CPUINFO
    if raw.cpuinfo is not None:
        midrs = midrs_from_cpuinfo(cpuinfo_blocks(raw.cpuinfo))
    if not midrs and raw.midr_sysfs:
        midrs, source = midrs_from_sysfs(raw.midr_sysfs), f"{SYSFS_CPU}/cpu*/regs/identification/midr_el1"
    if not midrs:
        report.explain("version", "core identity", "no MIDR readable (cpuinfo without 'CPU part', no sysfs regs)")
        return None, ""
    return _known(sorted(midrs), cores, source, report), source


def _known(midrs: list[tuple[int, int]], cores: CoreTable, source: str, report: Report) -> list[Core] | None:
    found = []
    for implementer, part in midrs:
        core = cores.lookup(implementer, part)
        if core is None:
            report.explain(
                "version", source, f"core implementer {implementer:#04x} part {part:#05x} is not in the table"
            )
            return None
        found.append(core)
    return found


def darwin_cores(raw: RawSources, cores: CoreTable, report: Report) -> list[Core] | None:
    brand = raw.sysctl.get(BRAND)
    core = cores.lookup_brand(brand) if isinstance(brand, str) else None
    if core is None:
        report.explain("version", f"{SYSCTL}({BRAND})", f"brand {brand!r} is not in the core table")
        return None
    return [core]


def windows_cores(raw: RawSources, cores: CoreTable, report: Report) -> list[Core] | None:
    ident = raw.env.get("PROCESSOR_IDENTIFIER", "")
    head, _sep, vendor = ident.partition(", ")
    words = head.split()
    implementer = _WINDOWS_VENDORS.get(vendor.strip().lower())
    part = _hex(words[words.index("Model") + 1]) if "Model" in words[:-1] else None
    if implementer is None or part is None:
        report.explain("version", "PROCESSOR_IDENTIFIER", f"cannot identify the core from {ident!r}")
        return None
    return _known([(implementer, part)], cores, "PROCESSOR_IDENTIFIER", report)
