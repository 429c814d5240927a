"""variant-detect: hardware-detection providers for Python wheel variants.

The public API is re-exported here lazily: importing ``variant_detect`` costs
next to nothing, and the attrs model is only imported when it is used.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "DISABLE_ENV",
    "FIXTURE_ENV",
    "Detection",
    "FeatureConfig",
    "FixtureError",
    "InvalidConfigError",
    "LibraryCallError",
    "LiveProbe",
    "Probe",
    "ProbeError",
    "ProbeTimeout",
    "Provider",
    "ProviderConfig",
    "ReplayProbe",
    "Report",
    "VariantDetectError",
    "VariantDetectWarning",
    "__version__",
    "default_probe",
    "detect",
    "feature",
]

_LAZY = {
    "FeatureConfig": "variant_detect._model",
    "ProviderConfig": "variant_detect._model",
    "FixtureError": "variant_detect._errors",
    "InvalidConfigError": "variant_detect._errors",
    "LibraryCallError": "variant_detect._errors",
    "ProbeError": "variant_detect._errors",
    "ProbeTimeout": "variant_detect._errors",
    "VariantDetectError": "variant_detect._errors",
    "VariantDetectWarning": "variant_detect._errors",
    "FIXTURE_ENV": "variant_detect._probe",
    "LiveProbe": "variant_detect._probe",
    "Probe": "variant_detect._probe",
    "ReplayProbe": "variant_detect._probe",
    "default_probe": "variant_detect._probe",
    "DISABLE_ENV": "variant_detect._provider",
    "Detection": "variant_detect._provider",
    "Provider": "variant_detect._provider",
    "Report": "variant_detect._provider",
    "feature": "variant_detect._provider",
    "detect": "variant_detect._api",
}

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._api import detect
    from variant_detect._errors import (
        FixtureError,
        InvalidConfigError,
        LibraryCallError,
        ProbeError,
        ProbeTimeout,
        VariantDetectError,
        VariantDetectWarning,
    )
    from variant_detect._model import FeatureConfig, ProviderConfig
    from variant_detect._probe import FIXTURE_ENV, LiveProbe, Probe, ReplayProbe, default_probe
    from variant_detect._provider import (
        DISABLE_ENV,
        Detection,
        Provider,
        Report,
        feature,
    )


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'variant_detect' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
