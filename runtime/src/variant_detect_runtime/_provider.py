"""The provider base class: a declarative contract plus everything around it.

A provider declares ``namespace``, ``distribution``, ``version`` and the
sources it reads, and implements three functions:

* ``collect(probe, report)``: gather raw sources through the probe seam (the
  provider's ``_probe.py``; the only code that reaches the machine);
* ``parse(raw, report)``: a pure function from raw sources to features;
* ``all_features()``: every feature and value the provider can ever emit.

The base class owns error isolation (a broken source is a warning naming the
provider and the source, never a traceback), validation of what the provider
returns, the ``VARIANT_DETECT_DISABLE`` switch, and the variantlib 0.2.2 plugin
protocol (``get_supported_configs()``, ``get_all_configs()``,
``all_properties_compatible``, ``namespace``), so a module-level instance can be
named by an entry point in group ``variant_plugins``.

Features are :class:`~variant_detect_runtime.Feature` objects from end to end:
the plugin protocol returns them as they are, and the attrs model
(:class:`~variant_detect_runtime.ProviderConfig`) is built only when a library
caller asks for it, so no installer's plugin call pays for importing attrs.
"""

from __future__ import annotations

from variant_detect_runtime._errors import InvalidConfigError, VariantDetectWarning
from variant_detect_runtime._feature import Feature, check_features
from variant_detect_runtime._names import check_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Generic, TypeVar

    from variant_detect_runtime._model import ProviderConfig
    from variant_detect_runtime._probe import Probe

    RawT = TypeVar("RawT")
else:

    class Generic:
        def __class_getitem__(cls, item: object) -> type:
            return cls

    RawT = None

DISABLE_ENV = "VARIANT_DETECT_DISABLE"


class Report:
    """Collects warnings, explanations and applied overrides during one detection."""

    __slots__ = ("explanations", "namespace", "overrides", "warnings")

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.warnings: list[str] = []
        self.explanations: list[tuple[str, str, str]] = []
        self.overrides: list[dict[str, str]] = []

    def warn(self, source: str, problem: str) -> None:
        """Record a degraded source: one line naming provider, source and problem."""
        self.warnings.append(f"{self.namespace}: {source}: {problem}")

    def explain(self, feature_name: str, source: str, message: str) -> None:
        """Say which source gave (or failed to give) which answer for a feature."""
        self.explanations.append((feature_name, source, message))

    def override(self, variable: str, value: str, effect: str) -> None:
        """Record an environment override that changed the answer."""
        self.overrides.append({"namespace": self.namespace, "variable": variable, "value": value, "effect": effect})


class Detection:
    """The outcome of one provider run: features plus how they came about."""

    __slots__ = (
        "distribution",
        "explanations",
        "features",
        "namespace",
        "overrides",
        "seconds",
        "version",
        "warnings",
    )

    def __init__(
        self,
        namespace: str,
        features: list[Feature],
        report: Report,
        distribution: str = "",
        version: str = "",
    ) -> None:
        self.namespace = namespace
        self.features = features
        self.warnings = list(report.warnings)
        self.explanations = list(report.explanations)
        self.overrides = list(report.overrides)
        self.distribution = distribution
        self.version = version
        self.seconds = 0.0

    def as_profile(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values, _multi in self.features}

    def config(self) -> ProviderConfig:
        """The attrs model of this detection (imports attrs)."""
        from variant_detect_runtime._model import ProviderConfig

        return ProviderConfig(self.namespace, self.features)


def disabled_namespaces(value: str | None) -> set[str]:
    if not value:
        return set()
    return {part.strip() for part in value.replace(";", ",").split(",") if part.strip()}


class Provider(Generic[RawT]):
    """Base class of every variant-detect provider."""

    namespace: str = ""
    distribution: str = ""
    version: str = ""
    all_properties_compatible: bool = False
    #: Human-readable list of the sources this provider reads, cheapest first.
    sources: tuple[str, ...] = ()
    #: Published providers this one reproduces bit for bit, as ``name==version``
    #: pins: the resolver lets it answer a variants.json that ``requires`` them.
    stands_in_for: tuple[str, ...] = ()

    # -- to implement -------------------------------------------------------------------
    def collect(self, probe: Probe, report: Report) -> RawT:
        raise NotImplementedError

    def parse(self, raw: RawT, report: Report) -> list[Feature]:
        raise NotImplementedError

    def all_features(self) -> list[Feature]:
        raise NotImplementedError

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        """Apply this provider's environment overrides; the default has none."""
        return features

    # -- provided -------------------------------------------------------------------------
    def _where(self) -> str:
        return f"provider {self.namespace!r} ({self.distribution or type(self).__module__})"

    def detect(self, probe: Probe | None = None) -> Detection:
        """Run the provider; never raises for a missing or broken source."""
        if probe is None:
            from variant_detect_runtime._probe import default_probe

            probe = default_probe()
        report = Report(self.namespace)
        features = self._detect_features(probe, report)
        return Detection(self.namespace, features, report, self.distribution, self.version)

    def _detect_features(self, probe: Probe, report: Report) -> list[Feature]:
        disabled = probe.getenv(DISABLE_ENV)
        if self.namespace in disabled_namespaces(disabled):
            report.override(DISABLE_ENV, disabled or "", "namespace disabled: no features reported")
            return []
        try:
            raw = self.collect(probe, report)
        except Exception as exc:  # noqa: BLE001 - a broken source degrades, never crashes
            report.warn("collect", f"{type(exc).__name__}: {exc}")
            return []
        try:
            features = self.parse(raw, report)
            features = self.apply_overrides(features, probe, report)
        except InvalidConfigError as exc:
            # A name or value breaking the rules is this provider's bug, not the
            # machine's: loud, naming the provider (the fuzz suite keeps it away).
            raise InvalidConfigError(f"{self._where()}: {exc}") from None
        except Exception as exc:  # noqa: BLE001
            report.warn("parse", f"{type(exc).__name__}: {exc}")
            return []
        return self.validate(features)

    def validate(self, features: Iterable[object]) -> list[Feature]:
        """Check names and values; a bad one is rejected naming this provider."""
        check_name("namespace", self.namespace, self._where())
        try:
            return check_features(self.namespace, features)
        except InvalidConfigError as exc:
            raise InvalidConfigError(f"{self._where()}: {exc}") from None

    # -- the plugin protocol (PEP 850; variantlib 0.2.2 also calls get_all_configs) -------
    def get_supported_configs(self) -> list[Feature]:
        """What this machine supports, features by priority (called with no arguments)."""
        detection = self.detect()
        emit_warnings(detection.warnings)
        return list(detection.features)

    def get_all_configs(self) -> list[Feature]:
        """Every feature and value this provider can ever emit."""
        return self.validate(self.all_features())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} namespace={self.namespace!r} {self.distribution} {self.version}>"


def emit_warnings(messages: Iterable[str]) -> None:
    """Library users see degraded sources as warnings of our own category."""
    import warnings

    for message in messages:
        warnings.warn(message, VariantDetectWarning, stacklevel=3)
