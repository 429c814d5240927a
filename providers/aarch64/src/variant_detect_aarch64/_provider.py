"""The aarch64 provider: architecture version, then one feature per extension."""

from __future__ import annotations

from variant_detect_aarch64 import _parse, _probe, _table, _version
from variant_detect_runtime import Feature, Provider, apply_cap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_aarch64._table import Core, Tables
    from variant_detect_runtime import Probe, Report


VERSION_ENV = "VARIANT_DETECT_AARCH64_VERSION"


def extension_features(names: set[str], tables: Tables) -> list[Feature]:
    return [Feature(ext.name, ("on",)) for ext in tables.extensions if ext.name in names]


def _os_facts(
    raw: _probe.RawSources, tables: Tables, report: Report
) -> tuple[set[str] | None, list[Core] | None, str, str]:
    """(reported extensions, known cores, feature source, core source) for this OS."""
    cores = _table.load_cores()
    if raw.system == "Linux":
        names, source = _parse.linux_extensions(raw, tables, report)
        known, core_source = _parse.linux_cores(raw, cores, report)
        return names, known, source, core_source
    if raw.system == "Darwin":
        names, known = _parse.darwin_extensions(raw, tables, report), _parse.darwin_cores(raw, cores, report)
        return names, known, _probe.SYSCTL, f"{_probe.SYSCTL}({_probe.BRAND})"
    names, known = _parse.windows_extensions(raw, tables, report), _parse.windows_cores(raw, cores, report)
    return names, known, _probe.PF, "PROCESSOR_IDENTIFIER"


def _applies(raw: _probe.RawSources, report: Report) -> bool:
    """Is this a 64-bit Arm process? (A 32-bit or x86 interpreter cannot use aarch64 wheels.)"""
    machine = raw.machine.lower()
    known = {"Linux": _probe.LINUX_ARM64, "Darwin": _probe.DARWIN_ARM64, "Windows": _probe.WINDOWS_ARM64}
    if machine not in known.get(raw.system, frozenset()):
        report.explain("*", "platform", f"{raw.system} {raw.machine} is not an AArch64 machine")
        return False
    if raw.system == "Linux" and _parse.interpreter_is_aarch64(raw.exe_header) is False:
        report.explain("*", _probe.SELF_EXE, "this interpreter is not a 64-bit AArch64 program (32-bit userland?)")
        return False
    arch = raw.env.get("PROCESSOR_ARCHITECTURE", "ARM64").upper()
    if raw.system == "Windows" and arch != "ARM64":
        report.explain("*", "PROCESSOR_ARCHITECTURE", f"this interpreter runs as {arch} (emulated), not ARM64")
        return False
    return True


def parse(raw: _probe.RawSources, tables: Tables, report: Report) -> list[Feature]:
    if not _applies(raw, report):
        return []
    names, cores, source, core_source = _os_facts(raw, tables, report)
    reported = names or set()
    proof = _version.proven(reported, tables)
    if names is not None:
        top = tables.ordered(proof)[0]
        report.explain("version", source, f"{len(reported)} extensions reported; they prove {top}")
    if names is None:
        report.explain("version", "platform", "no feature source answered: only the AArch64 baseline (8a) is known")
    core = _version.core_versions(cores, reported, tables, report, core_source) if cores else None
    versions = _version.combine(proof, core, tables, report, core_source or source)
    return [Feature("version", versions), *extension_features(reported, tables)]


class AArch64Provider(Provider[_probe.RawSources]):
    namespace = "aarch64"
    distribution = "variant-detect-aarch64"
    version = "0.1.0"
    sources = (
        "/proc/self/auxv, getauxval(AT_HWCAP/AT_HWCAP2), /proc/cpuinfo Features + MIDR, sysfs midr_el1 (Linux)",
        "sysctlbyname hw.optional.arm.FEAT_* and machdep.cpu.brand_string (macOS)",
        "IsProcessorFeaturePresent(PF_ARM_*) and PROCESSOR_IDENTIFIER (Windows on Arm)",
    )

    # The published providers whose answers `standin()` reproduces exactly (tests/parity:
    # provider-variant-aarch64's own code on archspec's recorded machines; uv's rule from its
    # source). Each pin is a release whose behaviour was compared.
    stands_in_for = ("provider-variant-aarch64==0.0.1.post2", "aarch64-variant-provider==0.2.0")

    def standin(self, pin: str) -> Provider[_probe.RawSources]:
        """The provider that answers exactly as the published *pin* (one of ``stands_in_for``)."""
        from variant_detect_aarch64 import _standin

        if pin.startswith("aarch64-variant-provider=="):
            return _standin.UvVersionAnswer()
        if pin.startswith("provider-variant-aarch64=="):
            return _standin.ArchspecAnswer()
        raise ValueError(f"{self.distribution} stands in for {', '.join(self.stands_in_for)}; got {pin!r}")

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report, _table.load())

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        return parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        """``VARIANT_DETECT_AARCH64_VERSION`` caps the version (the runtime's shared ``apply_cap``)."""
        if not probe.getenv(VERSION_ENV):
            return features
        tables = _table.load()

        def resolve(value: str, detected: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str], str] | None:
            cap = _version.parse_cap(value, tables.level_names())
            if cap is None:
                return None
            kept = set(detected) & tables.closure(cap)
            if kept == set(detected):
                return detected, frozenset(), ""
            # A capped profile describes a generic machine of that version: only the
            # extensions that version guarantees survive (as x86_64's level cap does).
            effect = f"version capped at {cap}; extensions limited to those Armv{cap} guarantees"
            return tuple(tables.ordered(kept)), tables.guaranteed(kept), effect

        return apply_cap(
            features,
            probe,
            report,
            variable=VERSION_ENV,
            feature_name="version",
            accepted=tables.level_names(),
            resolve=resolve,
        )

    def all_features(self) -> list[Feature]:
        tables = _table.load()
        return [Feature("version", tables.level_names())] + [Feature(e.name, ("on",)) for e in tables.extensions]
