"""The shared user overrides of a provider's leading feature.

:func:`apply_cap` caps the leading level/version at what the user names;
:func:`apply_order` puts the leading feature's values in the order a user asked for.

Capping:

x86_64 (``VARIANT_DETECT_X86_64_LEVEL``) and aarch64
(``VARIANT_DETECT_AARCH64_VERSION``) both let a user describe a generic machine
of a lower level than the one detected, e.g. to build an image for older
hosts. A capped profile keeps only the extensions that level guarantees, so
an image built on a newer host never picks a wheel needing an extension the
named level lacks. A provider supplies what its cap means; this module owns
the flow, the warnings and the explanations.
"""

from __future__ import annotations

from variant_detect_runtime._feature import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from variant_detect_runtime._probe import Probe
    from variant_detect_runtime._provider import Report

    # (kept values of the leading feature, names of the features still allowed, effect)
    CapOutcome = tuple[tuple[str, ...], frozenset[str], str]


def apply_cap(
    features: list[Feature],
    probe: Probe,
    report: Report,
    *,
    variable: str,
    feature_name: str,
    accepted: Sequence[str],
    resolve: Callable[[str, tuple[str, ...]], CapOutcome | None],
) -> list[Feature]:
    """Cap *feature_name* at the value of *variable*, if it is set and lower than detected.

    *resolve(value, detected_values)* returns the kept values, the features
    allowed to stay, and a sentence saying what the cap did; ``None`` when the
    value is not one of *accepted* (a warning, then ignored).
    """
    value = probe.getenv(variable)
    current = next((f for f in features if f[0] == feature_name), None)
    if not value or current is None:
        return features
    outcome = resolve(value, current[1])
    if outcome is None:
        report.warn(variable, f"expected one of {', '.join(accepted)}, got {value!r}; ignored")
        return features
    kept, allowed, effect = outcome
    if tuple(kept) == current[1]:
        report.explain(feature_name, variable, f"cap {value} is not below the detected {feature_name}; no effect")
        return features
    report.override(variable, value, effect)
    report.explain(feature_name, variable, effect)
    others = [f for f in features if f[0] != feature_name and f[0] in allowed]
    return [Feature(feature_name, kept), *others]


def apply_order(
    features: list[Feature], report: Report, *, variable: str, value: str, order: list[str]
) -> list[Feature]:
    """Give the leading feature the values *order* that the user's *variable* = *value* asked for.

    blas_lapack (``VARIANT_DETECT_BLAS_LAPACK_PROVIDER``) and openmp
    (``VARIANT_DETECT_OPENMP_PROVIDER``) let a user put named libraries first;
    each provider computes *order*, this records and explains the effect.
    """
    name, current, multi_value = features[0]
    if tuple(order) == tuple(current):
        report.explain(name, variable, f"{value} agrees with the detected order; no effect")
        return features
    effect = f"order set to {' '.join(order)}"
    report.override(variable, value, effect)
    report.explain(name, variable, f"{order[0]} first, decided by the user override ({effect})")
    return [Feature(name, order, multi_value), *features[1:]]
