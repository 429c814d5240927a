"""The x86_64 provider: psABI level, then one feature per ISA extension."""

from __future__ import annotations

from variant_detect_runtime import Feature, Provider, apply_cap
from variant_detect_x86_64 import _parse, _probe, _table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report


LEVEL_ENV = "VARIANT_DETECT_X86_64_LEVEL"


def parse_level_cap(value: str, level_names: list[str]) -> int | None:
    """``v3``, ``3``, ``x86-64-v3`` or ``x86_64_v3`` -> index into *level_names*."""
    text = value.strip().lower()
    for prefix in ("x86-64-", "x86_64_"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if text.isdigit():
        text = f"v{text}"
    return level_names.index(text) if text in level_names else None


class X8664Provider(Provider[_probe.RawSources]):
    namespace = "x86_64"
    distribution = "variant-detect-x86-64"
    version = "0.1.0"
    sources = (
        "/proc/cpuinfo (first processor block, Linux)",
        "sysctlbyname machdep.cpu.* and hw.optional.* (macOS, Rosetta 2)",
        "CPUID + XGETBV stub, IsProcessorFeaturePresent cross-check (Windows, BSD, other)",
    )
    # The published providers whose answers `standin()` reproduces exactly (tests/parity:
    # provider-variant-x86-64's own code on archspec's recorded machines; uv's rule from its
    # source). Each pin is a release whose behaviour was compared.
    stands_in_for = ("provider-variant-x86-64==0.0.1.post2", "x86-64-variant-provider==0.2.1")

    def standin(self, pin: str) -> Provider[_probe.RawSources]:
        """The provider that answers exactly as the published *pin* (one of ``stands_in_for``)."""
        from variant_detect_x86_64 import _standin

        if pin.startswith("x86-64-variant-provider=="):
            return _standin.UvLevelAnswer()
        if pin.startswith("provider-variant-x86-64=="):
            return _standin.ArchspecAnswer()
        raise ValueError(f"{self.distribution} stands in for {', '.join(self.stands_in_for)}; got {pin!r}")

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report)

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        return _parse.parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        """``VARIANT_DETECT_X86_64_LEVEL`` caps the level (the runtime's shared ``apply_cap``)."""
        if not probe.getenv(LEVEL_ENV):
            return features
        tables = _table.load()
        names = tables.level_names()

        def resolve(value: str, detected: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str], str] | None:
            cap = parse_level_cap(value, names)
            if cap is None:
                return None
            if cap >= names.index(detected[0]):
                return detected, frozenset(), ""
            # A capped profile describes a generic machine of that level: it keeps
            # only the extensions that level guarantees (building an image on a
            # newer host must not pick a wheel that needs, say, avx512_bf16).
            allowed = tables.flags_through(cap)
            kept = frozenset(name for name, flag in tables.extensions if flag in allowed)
            effect = f"level capped at {names[cap]}; extensions limited to those x86-64-{names[cap]} guarantees"
            return _parse.level_feature(cap, tables)[0][1], kept, effect

        return apply_cap(
            features, probe, report, variable=LEVEL_ENV, feature_name="level", accepted=names, resolve=resolve
        )

    def all_features(self) -> list[Feature]:
        tables = _table.load()
        levels = [Feature("level", reversed(tables.level_names()))]
        return levels + [Feature(name, ("on",)) for name, _flag in tables.extensions]
