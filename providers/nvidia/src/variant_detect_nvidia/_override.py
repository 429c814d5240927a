"""The nvidia-variant-provider FORCE variables, applied after detection.

``NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION`` replaces the detected CUDA
version (not range-checked, as in the reference) and
``NV_VARIANT_PROVIDER_FORCE_SM_ARCH`` the highest compute capability (only
the 5.0 floor is checked). A value the reference would not parse is a warning
and detection stands. ``sm_arch`` needs a CUDA version, forced or detected.

Each number of a forced value must be at most FORCED_MAX, else it is a
warning and ignored: a divergence from the reference, which lists one value
per minor down from it (100,023 values for ``12.99999``; ``12.999999999``
exhausts memory).
"""

from __future__ import annotations

from variant_detect_nvidia._decode import (
    FORCED_MAX,
    LOWER,
    SM,
    UPPER,
    parse_forced_cuda,
    parse_forced_sm,
    within_bound,
)
from variant_detect_nvidia._parse import bound_features, sm_feature
from variant_detect_nvidia._probe import FORCE_CUDA_ENV, FORCE_SM_ENV

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from variant_detect_runtime import Feature, Probe, Report

    Version = tuple[int, int]


def forced(
    text: str | None, variable: str, parser: Callable[[str], Version | None], expected: str, report: Report
) -> Version | None:
    """The forced value of *variable*, reported as an override; ``None`` (a warning) if unusable."""
    if text is None:
        return None
    value = parser(text)
    if value is None:
        report.warn(variable, f"expected {expected}, got {text[:40]!r}; ignored")
        return None
    if not within_bound(value):
        report.warn(
            variable,
            f"{value[0]}.{value[1]}: each number must be at most {FORCED_MAX} (the value lists run down "
            f"from it, one value per minor); ignored",
        )
        return None
    checked = "not range-checked" if variable == FORCE_CUDA_ENV else "only the 5.0 floor is checked"
    report.override(variable, text, f"{value[0]}.{value[1]} used instead of detection ({checked})")
    return value


def apply(features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
    """The provider's ``apply_overrides``: forced bounds, then a forced ``sm_arch``."""
    cuda_text = probe.getenv(FORCE_CUDA_ENV) or None
    sm_text = probe.getenv(FORCE_SM_ENV) or None
    if cuda_text is None and sm_text is None:
        return features  # every install's path: no table load
    umd = forced(cuda_text, FORCE_CUDA_ENV, parse_forced_cuda, "a version such as 12.9", report)
    cc = forced(sm_text, FORCE_SM_ENV, parse_forced_sm, "a compute capability such as 9.0", report)
    if umd is None and cc is None:
        return features
    from variant_detect_nvidia import _table

    tables = _table.load()
    if umd is not None:
        out = bound_features(umd, tables)
    elif any(f[0] == LOWER for f in features):  # a detected CUDA version (always has a lower bound)
        out = [f for f in features if f[0] in (LOWER, UPPER)]
    else:
        return []  # no CUDA version known: no features, as in the reference
    if cc is not None:
        return out + sm_feature(cc, tables, report)
    return out + [f for f in features if f[0] == SM]
