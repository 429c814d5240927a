"""One algorithm for "cap the leading level/version at what the user names".

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
