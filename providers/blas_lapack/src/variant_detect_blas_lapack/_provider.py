"""The blas_lapack provider: which BLAS/LAPACK backend this machine should prefer."""

from __future__ import annotations

from variant_detect_blas_lapack import _parse, _probe, _table
from variant_detect_runtime import Feature, Provider, apply_order

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report


OVERRIDE_ENV = _probe.OVERRIDE_ENV


def parse_override(value: str, known: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """``"mkl"`` or ``"mkl, openblas"`` -> (known values in the given order, unknown words)."""
    words = [w.strip().lower() for w in value.replace(";", ",").replace(" ", ",").split(",") if w.strip()]
    good = [w for w in dict.fromkeys(words) if w in known]
    return good, [w for w in words if w not in known]


class BlasLapackProvider(Provider[_probe.RawSources]):
    namespace = "blas_lapack"
    distribution = "variant-detect-blas-lapack"
    version = "0.1.0"
    # A BLAS variant wheel depends on its BLAS wheel: every value installs anywhere.
    all_properties_compatible = True
    sources = (
        f"{_probe.OVERRIDE_ENV} (user override)",
        "this Python environment: numpy.libs/, numpy/.dylibs/, scipy.libs/, scipy_openblas*/lib, <prefix>/lib",
        "FlexiBLAS: FLEXIBLAS, /etc/flexiblasrc, ~/.flexiblasrc, FLEXIBLAS_CONFIG",
        f"{_probe.LD_SO_CACHE} (parsed directly; Linux)",
        f"{_probe.SYSTEM_VERSION} (macOS), else the Darwin release",
        f"{_probe.CPUINFO} vendor_id (Linux), PROCESSOR_IDENTIFIER (Windows)",
    )

    # wheelnext blas-lapack-variant-provider 0.0.3 answers a fixed list without detection
    # (interop.md section 2); `standin()` gives exactly that, our own answer orders by hints.
    stands_in_for = ("blas-lapack-variant-provider==0.0.3",)

    def standin(self, pin: str) -> Provider[None]:
        """The provider that answers exactly as the published *pin* (one of ``stands_in_for``)."""
        if pin not in self.stands_in_for:
            raise ValueError(f"{self.distribution} stands in for {', '.join(self.stands_in_for)}; got {pin!r}")
        return FixedOrder()

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report, _table.load())

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        return _parse.parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        value = probe.getenv(OVERRIDE_ENV)
        if not value or not features:
            return features
        known = _table.load().values
        wanted, unknown = parse_override(value, known)
        if unknown:
            report.warn(OVERRIDE_ENV, f"expected names from {', '.join(known)}, got {', '.join(map(repr, unknown))}")
        if not wanted:
            return features
        new = _parse.apply(list(features[0][1]), _parse.Hint(OVERRIDE_ENV, "user override", promote=tuple(wanted)))
        return apply_order(features, report, variable=OVERRIDE_ENV, value=value, order=list(new))

    def all_features(self) -> list[Feature]:
        return [Feature(_parse.FEATURE, _table.load().values)]


class FixedOrder(Provider[None]):
    """blas-lapack-variant-provider 0.0.3's answer: ``provider = accelerate, openblas, mkl``, always.

    It reads nothing (an ahead-of-time plugin), so neither do we: no hint, no override.
    """

    namespace = "blas_lapack"
    distribution = "variant-detect-blas-lapack"
    version = BlasLapackProvider.version
    all_properties_compatible = True
    answers_as = "blas-lapack-variant-provider 0.0.3"

    def collect(self, probe: Probe, report: Report) -> None:
        return None

    def parse(self, raw: None, report: Report) -> list[Feature]:
        report.explain(_parse.FEATURE, "published order", f"the fixed list of {self.answers_as}")
        return self.all_features()

    def all_features(self) -> list[Feature]:
        return [Feature(_parse.FEATURE, _table.load().values)]
