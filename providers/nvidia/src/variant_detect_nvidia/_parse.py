"""Pure parsing: raw sources in, features out. No I/O here.

The value lists are those of nvidia-variant-provider (wheelnext, commit
ffea5d3, ``plugin.py``), which uv 0.13.8 re-implements bit for bit
(shared/reference/interop.md section 2.1): feature order lower bound, upper
bound, sm_arch; a detected CUDA version outside 11.0-15.20 gives nothing; only
the highest compute capability counts. The FORCE variables are applied after
this, by ``_override`` (the provider's ``apply_overrides``).
"""

from __future__ import annotations

from variant_detect_nvidia._answers import Found, interpret
from variant_detect_nvidia._decode import (
    LOWER,
    SM,
    UPPER,
    parse_forced_cuda,
    parse_forced_sm,
    within_bound,
)
from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_nvidia._probe import RawSources
    from variant_detect_nvidia._table import Tables
    from variant_detect_runtime import Report

    Version = tuple[int, int]


# -- the value lists --------------------------------------------------------------------
def _version_text(major: int, minor: int | None) -> str:
    return f"{major}" if minor is None else f"{major}.{minor}"


def lower_bound_values(umd: Version, tables: Tables) -> list[str]:
    """``M.m … M.0, M``, then ``X.20 … X.0, X`` for every lower major down to 11."""
    major, minor = umd
    low, top_minor = tables.cuda_major[0], tables.cuda_minor[1]
    values = []
    for each in range(major, low - 1, -1):
        first = minor if each == major else top_minor
        values += [_version_text(each, m) for m in range(first, -1, -1)] + [_version_text(each, None)]
    return values


def upper_bound_values(umd: Version, tables: Tables) -> list[str]:
    """Exclusive bounds above M.m: ``X.20 … X.0, X`` for majors 15 … M+1, then ``M.20 … M.(m+1)``."""
    major, minor = umd
    high, top_minor = tables.cuda_major[1], tables.cuda_minor[1]
    values = []
    for each in range(high, major - 1, -1):
        if each > major:
            values += [_version_text(each, m) for m in range(top_minor, -1, -1)] + [_version_text(each, None)]
        else:
            values += [_version_text(each, m) for m in range(top_minor, minor, -1)]
    return values


def sm_values(cc: Version) -> list[str]:
    """``Mn_real … M0_real, M0_virtual``: 9.0 gives ``90_real 90_virtual``."""
    major, minor = cc
    return [f"{major}{m}_real" for m in range(minor, -1, -1)] + [f"{major}0_virtual"]


def all_features(tables: Tables) -> list[Feature]:
    umd = [
        _version_text(major, m)
        for major in range(tables.cuda_major[1], tables.cuda_major[0] - 1, -1)
        for m in [*range(tables.cuda_minor[1], tables.cuda_minor[0] - 1, -1), None]
    ]
    majors = range(tables.sm_major[1], tables.sm_major[0] - 1, -1)
    minors = range(tables.sm_minor[1], tables.sm_minor[0] - 1, -1)
    sm = [f"{a}{b}_{kind}" for kind in ("real", "virtual") for a in majors for b in minors]
    return [Feature(LOWER, umd), Feature(UPPER, umd), Feature(SM, sm, multi_value=True)]


# -- the whole decision -------------------------------------------------------------------
def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    """The detected features.

    An answer validly forced by a FORCE variable is neither detected nor
    reported here, as the reference does not look at it: the override hook
    (``_override.apply``) supplies it, and reports the override. With a forced
    CUDA version, ``sm_arch`` comes without bounds, which the hook adds.
    """
    cuda_forced = raw.force_cuda is not None and within_bound(parse_forced_cuda(raw.force_cuda))
    sm_forced = raw.force_sm is not None and within_bound(parse_forced_sm(raw.force_sm))
    found = interpret(raw, tables, report) if not (cuda_forced and sm_forced) else Found()
    umd = None if cuda_forced else _detected_umd(found, tables, report)
    if umd is None and not cuda_forced:
        return []
    features = bound_features(umd, tables) if umd is not None else []
    cc = None if sm_forced else _highest_cc(found, report)
    if cc is not None:
        features += sm_feature(cc, tables, report)
    return features


def bound_features(umd: Version, tables: Tables) -> list[Feature]:
    bounds = [(LOWER, lower_bound_values(umd, tables)), (UPPER, upper_bound_values(umd, tables))]
    # a forced 10.x has no lower bound, a forced 16.x no upper one
    return [Feature(name, values) for name, values in bounds if values]


def sm_feature(cc: Version, tables: Tables, report: Report) -> list[Feature]:
    """``sm_arch`` for the compute capability *cc*; none (a warning) below the namespace's floor."""
    if cc < tables.min_cc:
        report.warn(
            SM,
            f"compute capability {cc[0]}.{cc[1]} is below the lowest the nvidia namespace knows "
            f"({tables.min_cc[0]}.{tables.min_cc[1]}); no sm_arch",
        )
        return []
    return [Feature(SM, sm_values(cc), multi_value=True)]


def _detected_umd(found: Found, tables: Tables, report: Report) -> Version | None:
    umd = found.umd
    if umd is None:
        return None
    if not tables.cuda_in_range(umd):
        low = f"{tables.cuda_major[0]}.{tables.cuda_minor[0]}"
        high = f"{tables.cuda_major[1]}.{tables.cuda_minor[1]}"
        report.warn(found.umd_source, f"CUDA {umd[0]}.{umd[1]} is outside {low}-{high}; no nvidia features")
        return None
    report.explain(LOWER, found.umd_source, f"CUDA {umd[0]}.{umd[1]}")
    return umd


def _highest_cc(found: Found, report: Report) -> Version | None:
    if not found.ccs:
        if found.umd is not None:
            report.warn(SM, "no compute capability known for any visible GPU; no sm_arch")
        return None
    best = max(found.ccs)
    seen = ", ".join(f"{a}.{b}" for a, b in sorted(set(found.ccs), reverse=True))
    report.explain(SM, "compute capability", f"GPUs visible: {seen}; the highest, {best[0]}.{best[1]}, is used")
    return best
