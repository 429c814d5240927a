"""The openmp provider: which OpenMP runtime this machine should prefer."""

from __future__ import annotations

from variant_detect_openmp import _parse, _probe, _table
from variant_detect_runtime import Feature, Provider, apply_order

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report

OVERRIDE_ENV = _probe.OVERRIDE_ENV
# Three names and separators fit in far less; a longer value is not a list of them.
MAX_OVERRIDE = 256


def parse_override(value: str, known: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """``"llvm"`` or ``"llvm, gnu"`` -> (known values in the given order, unknown words)."""
    words = [w.strip().lower() for w in value.replace(";", ",").replace(" ", ",").split(",") if w.strip()]
    good = [w for w in dict.fromkeys(words) if w in known]
    return good, [w for w in words if w not in known]


class OpenMPProvider(Provider[_probe.RawSources]):
    namespace = "openmp"
    distribution = "variant-detect-openmp"
    version = "0.1.0"  # keep equal to pyproject.toml's (a test checks)
    # An OpenMP variant wheel bundles or depends on its runtime: every value installs anywhere.
    all_properties_compatible = True
    sources = (
        f"{OVERRIDE_ENV} (user override)",
        f"{_probe.LD_SO_CACHE} (parsed directly; Linux)",
        "this Python environment's library directories: <prefix>/lib, <prefix>\\Library\\bin (Windows)",
    )
    # openmp-variant-provider 0.0.1 and 0.0.2 answer the same fixed list without detection;
    # standin() gives exactly that, our own answer orders by what is installed. Newest first:
    # the resolver names the first pin a file's specifier admits, and an installer would pick it.
    stands_in_for = ("openmp-variant-provider==0.0.2", "openmp-variant-provider==0.0.1")

    def standin(self, pin: str) -> Provider[None]:
        """The provider that answers exactly as the published *pin* (one of ``stands_in_for``)."""
        if pin not in self.stands_in_for:
            raise ValueError(f"{self.distribution} stands in for {', '.join(self.stands_in_for)}; got {pin!r}")
        return PublishedOrder(pin.partition("==")[2])

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report, _table.load())

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        return _parse.parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        value = probe.getenv(OVERRIDE_ENV)
        if not value or not features:
            return features
        known = _table.load().values
        if len(value) > MAX_OVERRIDE:
            report.warn(OVERRIDE_ENV, f"expected names from {', '.join(known)}, got {len(value)} characters; ignored")
            return features
        wanted, unknown = parse_override(value, known)
        if unknown:
            report.warn(OVERRIDE_ENV, f"expected names from {', '.join(known)}, got {', '.join(map(repr, unknown))}")
        if not wanted:
            return features
        new = _parse.promote(features[0][1], wanted, keep_order=False)
        return apply_order(features, report, variable=OVERRIDE_ENV, value=value, order=list(new))

    def all_features(self) -> list[Feature]:
        return [Feature(_parse.FEATURE, _table.load().values)]


class PublishedOrder(Provider[None]):
    """openmp-variant-provider's answer (0.0.1 and 0.0.2 alike): ``provider = gnu, intel, llvm``, always.

    It reads nothing (an ahead-of-time plugin), so neither do we: no detection, no override.
    """

    namespace = "openmp"
    distribution = "variant-detect-openmp"
    version = OpenMPProvider.version
    all_properties_compatible = True

    def __init__(self, release: str = "0.0.2") -> None:
        self.answers_as = f"openmp-variant-provider {release}"

    def collect(self, probe: Probe, report: Report) -> None:
        return None

    def parse(self, raw: None, report: Report) -> list[Feature]:
        report.explain(_parse.FEATURE, "published order", f"the fixed list of {self.answers_as}")
        return self.all_features()

    def all_features(self) -> list[Feature]:
        return [Feature(_parse.FEATURE, _table.load().values)]
