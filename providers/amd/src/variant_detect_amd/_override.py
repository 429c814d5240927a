"""The amd-variant-provider override variables, read the same way it reads them.

``AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH`` is a list split on commas, blanks or
semicolons; ``AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION`` a ROCm release. Its
0.0.2 release asserts ``X.Y.Z`` and crashes on anything else; here ``X.Y`` and
``X.Y.Z`` (and ``X.Y.Z-build``, the ``.info/version`` form) are accepted and a
bad value is a warning. Older releases named them without ``FORCE_``; the
``FORCE_`` name wins when both are set.
"""

from __future__ import annotations

from variant_detect_amd._formats import parse_version_text
from variant_detect_amd._parse import GFX, ROCM, known_version
from variant_detect_amd._probe import FORCE_GFX_ENV, FORCE_ROCM_ENV
from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_amd._table import Tables
    from variant_detect_runtime import Probe, Report

FORCE_GFX = FORCE_GFX_ENV
FORCE_ROCM = FORCE_ROCM_ENV


def apply(features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
    """The provider's ``apply_overrides``: forced targets, then a forced release.

    A ROCm release is reported only beside a GPU target, unless it was forced
    itself (as amd-variant-provider does).
    """
    env = {name: value for name in (*FORCE_GFX, *FORCE_ROCM) if (value := probe.getenv(name)) is not None}
    if not any(env.values()):
        return features  # no table load: this is every install's path
    from variant_detect_amd import _table

    tables = _table.load()
    names = next((list(values) for name, values, _multi in features if name == GFX), [])
    version = next((values[0] for name, values, _multi in features if name == ROCM), None)
    names = forced_gfx(names, env, tables, report)
    version, forced = forced_rocm(version, env, tables, report)
    out = [Feature(GFX, names, multi_value=True)] if names else []
    if version is not None and (names or forced):
        out.append(Feature(ROCM, (version,)))
    return out


def _first(env: dict[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        value = env.get(name)
        if value is not None and value.strip():
            return name, value
    return None


def split_list(value: str) -> list[str]:
    for separator in ";\t\n\r ":
        value = value.replace(separator, ",")
    return [part for part in value.split(",") if part]


def forced_gfx(detected: list[str], env: dict[str, str], tables: Tables, report: Report) -> list[str]:
    found = _first(env, FORCE_GFX)
    if found is None:
        return detected
    variable, value = found
    known = set(tables.target_names)
    names: list[str] = []
    for token in split_list(value):
        name = token.lower().split(":", 1)[0]  # "gfx90a:xnack+" -> "gfx90a"
        if name not in known:
            report.warn(variable, f"{token!r} is not a known gfx target (e.g. gfx942); ignored")
        elif name not in names:
            names.append(name)
    if not names:
        report.warn(variable, f"no usable target in {value!r}; detected gfx_arch kept")
        return detected
    report.override(variable, value, f"gfx_arch = {' '.join(names)} (detected: {' '.join(detected) or 'none'})")
    report.explain(GFX, variable, f"forced to {' '.join(names)}")
    return names


def forced_rocm(detected: str | None, env: dict[str, str], tables: Tables, report: Report) -> tuple[str | None, bool]:
    found = _first(env, FORCE_ROCM)
    if found is None:
        return detected, False
    variable, value = found
    parsed = parse_version_text(value)
    if parsed is None:
        report.warn(variable, f"expected a ROCm version 'X.Y' or 'X.Y.Z', got {value!r}; ignored")
        return detected, False
    version = known_version(parsed[0], parsed[1], tables, variable, report)
    if version is None:
        return detected, False
    report.override(variable, value, f"rocm_version = {version} (detected: {detected or 'none'})")
    report.explain(ROCM, variable, f"forced to {version}")
    return version, True
