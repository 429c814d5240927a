"""Stand-in answers: what the published x86_64 providers answer, exactly, from our probe's sources.

* :class:`ArchspecAnswer` answers as provider-variant-x86-64 0.0.1.post2 (``_published``).
* :class:`UvLevelAnswer` answers as uv 0.13.8/0.13.9's builtin ``x86-64-variant-provider``
  0.2.1: ``level`` alone, from the flags (``crates/uv-distribution/src/variant/x86_64.rs``).

Both read what :class:`~variant_detect_x86_64._provider.X8664Provider` reads (same ``collect``),
and neither applies our overrides: the published providers have none.
"""

from __future__ import annotations

from variant_detect_runtime import Feature, Provider
from variant_detect_x86_64 import _parse, _probe, _published

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report


#: Every Mac with an x86-64 CPU (and Rosetta 2) reports this vendor; our macOS probe does not
#: read ``machdep.cpu.vendor``, which archspec compares with the targets' vendor.
DARWIN_VENDOR = "GenuineIntel"
_DEFAULT_VENDOR = "generic"  # archspec's value when cpuinfo has no vendor_id


class _StandIn(Provider[_probe.RawSources]):
    namespace = "x86_64"
    distribution = "variant-detect-x86-64"
    version = "0.1.0"
    #: the published provider this answer reproduces (shown by ``--explain``)
    answers_as = ""

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report)


def machine_facts(raw: _probe.RawSources, report: Report) -> tuple[str, frozenset[str]] | None:
    """(vendor, flags) as archspec would see them on this OS; None when nothing is readable."""
    if raw.machine.lower() not in _probe.X86_MACHINES and raw.machine != "unknown":
        return None
    if raw.system == "Linux":
        return _linux_facts(raw, report)
    return _beyond_facts(raw, report) if raw.beyond is not None else None


def _beyond_facts(raw: _probe.RawSources, report: Report) -> tuple[str, frozenset[str]] | None:
    beyond = raw.beyond
    assert beyond is not None
    table = _published.load()
    if raw.system == "Darwin":
        features, leaf7 = beyond.sysctl.get("machdep.cpu.features"), beyond.sysctl.get("machdep.cpu.leaf7_features")
        if not isinstance(features, str):
            report.warn("sysctlbyname", "machdep.cpu.features not readable")
            return None
        return DARWIN_VENDOR, _published.darwin_flags(features, str(leaf7 or ""), table)
    if not beyond.cpuid:
        report.warn("cpuid", beyond.cpuid_error or "not readable")
        return None
    return _published.cpuid_flags(beyond.cpuid, table)


def _linux_facts(raw: _probe.RawSources, report: Report) -> tuple[str, frozenset[str]] | None:
    if raw.cpuinfo is None:
        report.warn(_probe.CPUINFO, raw.cpuinfo_error or "not readable")
        return None
    try:
        fields = _parse.first_block(raw.cpuinfo[: _probe.CPUINFO_LIMIT].decode("utf-8", "replace"), False)
    except _parse.CpuinfoError as exc:
        report.warn(_probe.CPUINFO, str(exc))
        return None
    return fields.get("vendor_id", _DEFAULT_VENDOR), frozenset(fields.get("flags", "").split())


class ArchspecAnswer(_StandIn):
    """provider-variant-x86-64 0.0.1.post2's answer."""

    answers_as = "provider-variant-x86-64 0.0.1.post2"

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        facts = machine_facts(raw, report)
        if facts is None:
            return []
        table = _published.load()
        target = _published.host_target(facts[0], facts[1], table)
        report.explain("*", "archspec host()", f"target {target.name} (as {self.answers_as} detects it)")
        return [Feature(name, values) for name, values in _published.answer(facts[0], facts[1], table)]

    def all_features(self) -> list[Feature]:
        table = _published.load()
        levels = [Feature("level", (f"v{n}" for n in range(table.max_level, 0, -1)))]
        return levels + [Feature(name, ("on",)) for name in table.features]


# uv's level rule (x86_64.rs Level::detect, CpuInfo::Flags): flags renamed as below, then the
# highest level whose flags (and every lower level's) are present; v1 needs nothing.
UV_RENAMES = {
    "pni": "sse3",
    "abm": "lzcnt",
    "lahf": "lahf_lm",
    "sse4.1": "sse4_1",
    "sse4.2": "sse4_2",
    "avx1.0": "avx",
    "avx2.0": "avx2",
}
UV_LEVELS = (
    ("v2", frozenset({"cx16", "lahf_lm", "popcnt", "sse3", "ssse3", "sse4_1", "sse4_2"})),
    ("v3", frozenset({"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "lzcnt", "movbe"})),
    ("v4", frozenset({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"})),
)
UV_DEFAULT = 2  # "v2" when uv has no CPU information (x86_64.rs PLATFORM_DEFAULT_LEVEL)
# Its CPUID rule (Windows): (leaf, register index eax=0..edx=3, bit) per level, subleaf 0.
_EXT = 0x80000001
UV_CPUID = (
    ((1, 2, 13), (_EXT, 2, 0), (1, 2, 23), (1, 2, 0), (1, 2, 9), (1, 2, 19), (1, 2, 20)),
    ((1, 2, 28), (7, 1, 5), (7, 1, 3), (7, 1, 8), (1, 2, 29), (1, 2, 12), (_EXT, 2, 5), (1, 2, 22)),
    ((7, 1, 16), (7, 1, 30), (7, 1, 28), (7, 1, 17), (7, 1, 31)),
)


def uv_level(flags: frozenset[str]) -> int:
    names = {UV_RENAMES.get(flag.lower(), flag.lower()) for flag in flags}
    level = 1
    for number, (_name, needed) in enumerate(UV_LEVELS, start=2):
        if not needed <= names:
            break
        level = number
    return level


def uv_cpuid_level(leaves: dict[tuple[int, int], list[int]], xcr0: int) -> int:
    """uv's CPUID rule: the OS must have enabled YMM state for v3 and the AVX-512 states for v4."""
    cap = 2 if xcr0 & 0b110 != 0b110 else 3 if xcr0 & 0b1110_0000 != 0b1110_0000 else 4
    level = 1
    for number, bits in enumerate(UV_CPUID, start=2):
        if number > cap:
            break
        for leaf, register, bit in bits:
            if not leaves.get((leaf, 0), [0, 0, 0, 0])[register] >> bit & 1:
                return level
        level = number
    return level


class UvLevelAnswer(_StandIn):
    """uv 0.13.8/0.13.9's builtin x86-64-variant-provider 0.2.1: ``level`` only."""

    answers_as = "x86-64-variant-provider 0.2.1 (uv 0.13.8/0.13.9 builtin)"

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        if raw.machine.lower() not in _probe.X86_MACHINES and raw.machine != "unknown":
            return []
        if raw.system == "Darwin" and raw.beyond is not None:
            # uv's macOS flags: assumed to be the three machdep.cpu feature strings (LAHF and
            # LZCNT are in extfeatures); not compared with uv on a Mac.
            keys = ("machdep.cpu.features", "machdep.cpu.leaf7_features", "machdep.cpu.extfeatures")
            text = " ".join(str(raw.beyond.sysctl.get(key, "")) for key in keys)
            level = uv_level(frozenset(text.split())) if text.strip() else UV_DEFAULT
        elif raw.system != "Linux":
            beyond = raw.beyond
            level = UV_DEFAULT if beyond is None or not beyond.cpuid else uv_cpuid_level(beyond.cpuid, beyond.xcr0 or 0)
        else:
            facts = machine_facts(raw, report)
            level = uv_level(facts[1]) if facts is not None else UV_DEFAULT
        return [Feature("level", (f"v{n}" for n in range(level, 0, -1)))]

    def all_features(self) -> list[Feature]:
        return [Feature("level", ("v4", "v3", "v2", "v1"))]
