"""The fictional_hw provider: architecture, then compute capability."""

from __future__ import annotations

from variant_detect_runtime import Feature, Provider

from variant_detect_fictional_hw import _parse, _probe, _table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe
    from variant_detect_runtime import Report


# <REPLACE ME>: your override(s), documented in README.md. The probe answers
# getenv() from the real environment, or from a fixture's env.json on replay.
ARCHITECTURE_ENV = "VARIANT_DETECT_FICTIONAL_HW_ARCHITECTURE"


class FictionalHwProvider(Provider[_probe.RawSources]):
    namespace = "fictional_hw"
    distribution = "variant-detect-fictional-hw"
    version = "0.1.0"  # keep equal to pyproject.toml's (a test checks)
    sources = ("/sys/class/fictional_hw/<device>/{architecture,compute_capability} (Linux)",)

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report)

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        return _parse.parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        """``VARIANT_DETECT_FICTIONAL_HW_ARCHITECTURE=tars`` forces the architecture.

        It applies with no device too, so an image can be built for a machine
        that has one.
        """
        value = probe.getenv(ARCHITECTURE_ENV)
        if not value:
            return features
        tables = _table.load()
        name = value.strip().lower()
        if name not in tables.architectures:
            report.warn(ARCHITECTURE_ENV, f"expected one of {', '.join(tables.architectures)}, got {value!r}; ignored")
            return features
        effect = f"architecture forced to {name}"
        report.override(ARCHITECTURE_ENV, value, effect)
        report.explain("architecture", ARCHITECTURE_ENV, effect)
        return [_parse.architecture_feature(name, tables)] + [f for f in features if f[0] != "architecture"]

    def all_features(self) -> list[Feature]:
        """Everything the provider can ever emit: a superset of every profile."""
        tables = _table.load()
        return [
            Feature("architecture", tables.architectures),
            Feature("compute_capability", reversed(tables.capabilities)),
        ]
