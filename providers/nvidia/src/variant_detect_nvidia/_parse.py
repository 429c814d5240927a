"""Pure parsing: raw sources in, features out. No I/O here.

The value lists are those of nvidia-variant-provider (wheelnext, commit
ffea5d3, ``plugin.py``), which uv 0.13.8 re-implements bit for bit
(shared/reference/interop.md section 2.1): feature order lower bound, upper
bound, sm_arch; a detected CUDA version outside 11.0-15.20 gives nothing; a
forced one is not range-checked; only the highest compute capability counts.
"""

from __future__ import annotations

from variant_detect_nvidia._probe import (
    FORCE_CUDA_ENV,
    FORCE_SM_ENV,
)
from variant_detect_nvidia._visible import parse_visible
from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_nvidia._probe import Answer, NvmlRaw, RawSources
    from variant_detect_nvidia._table import Tables
    from variant_detect_runtime import Report

    Version = tuple[int, int]

LOWER = "cuda_version_lower_bound"
UPPER = "cuda_version_upper_bound"
SM = "sm_arch"


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


# -- small parsers ------------------------------------------------------------------------
def _short_number(text: str) -> bool:
    """ASCII digits, few enough for int(): it refuses over 4300 digits (ValueError), and
    a FORCE variable or a broken driver string of that length must be a warning, not a crash."""
    return text.isdigit() and text.isascii() and len(text) <= 9


def decode_cuda_version(value: object) -> Version | None:
    """cuDriverGetVersion's ``1000 * major + 10 * minor`` (13000 -> 13.0); None if implausible."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1000 <= value < 100_000:
        return None
    return value // 1000, (value % 1000) // 10


def parse_driver_version(text: object) -> tuple[int, ...] | None:
    """``580.65.06`` / ``470.256.02`` / Windows ``581.57`` -> numbers; ``R580`` or garbage -> None."""
    if not isinstance(text, str):
        return None
    parts = text.strip().split(".")
    if not 2 <= len(parts) <= 3 or not all(_short_number(p) for p in parts):
        return None
    numbers = tuple(int(p) for p in parts)
    return numbers if 100 <= numbers[0] < 10_000 else None


def parse_forced_cuda(text: str) -> Version | None:
    """What packaging's Version would give as (major, minor) for plain release numbers."""
    body = text.strip()
    body = body[1:] if body[:1] in "vV" else body
    parts = body.split(".")
    if not parts or not all(_short_number(p) for p in parts):
        return None
    numbers = [int(p) for p in parts] + [0]
    return numbers[0], numbers[1]


def parse_forced_sm(text: str) -> Version | None:
    """``9.0`` -> (9, 0): two integers, as the reference's ``map(int, split('.', 1))``."""
    major, sep, minor = text.strip().partition(".")
    if not sep or not (_short_number(major) and _short_number(minor)):
        return None
    return int(major), int(minor)


def proc_driver_version(data: bytes) -> str | None:
    """The kernel module version from ``NVRM version: NVIDIA UNIX ... Kernel Module  580.65.06  <date>``."""
    first = data[:4096].decode("utf-8", errors="replace").splitlines()[:1]
    if not first or not first[0].startswith("NVRM version:"):
        return None
    for token in first[0].split():
        if parse_driver_version(token) is not None:
            return token
    return None


def describe(answer: Answer | None, tables: Tables, library: str) -> str:
    if answer is None:
        return "not asked"
    if answer.hang:
        return answer.error or "did not return"
    if answer.code is not None:
        return f"returned error {tables.error_text(library, answer.code, answer.error or '')}"
    if answer.error is not None:
        return answer.error
    return repr(answer.value)


# -- decisions shared with _probe (which call comes next) -----------------------------------
def nvml_cuda_version(nvml: NvmlRaw | None) -> Version | None:
    if nvml is None:
        return None
    for answer in (nvml.cuda_v2, nvml.cuda_v1):
        if answer is not None and answer.ok:
            return decode_cuda_version(answer.value)
    return None


def valid_cc(value: object, tables: Tables) -> Version | None:
    if not isinstance(value, list) or len(value) != 2 or not all(type(v) is int for v in value):
        return None
    major, minor = value
    if not (1 <= major <= tables.sm_major[1] and tables.sm_minor[0] <= minor <= tables.sm_minor[1]):
        return None
    return major, minor


def nvml_ccs(nvml: NvmlRaw, tables: Tables) -> list[Version | None]:
    return [valid_cc(d.cc.value, tables) if d.cc.ok else None for d in nvml.devices]


def compat_suspected(nvml: NvmlRaw | None, tables: Tables) -> tuple[Version, Version] | None:
    """(reported, native) when libcuda reports a newer CUDA than the kernel driver's branch ships."""
    if nvml is None or nvml.driver is None or not nvml.driver.ok:
        return None
    driver = parse_driver_version(nvml.driver.value)
    reported = nvml_cuda_version(nvml)
    native = tables.native_cuda(driver[0]) if driver else None
    if reported is None or native is None or reported <= native:
        return None
    return reported, native


def why_ask_cuda(raw: RawSources) -> str:
    """Why libcuda must be asked too; "" when NVML answered enough."""
    from variant_detect_nvidia import _table

    nvml, tables = raw.nvml, _table.load()
    if nvml is None or nvml.load_error or nvml.init is None or not nvml.init.ok:
        return "NVML is not available or nvmlInitWithFlags failed"
    ccs = nvml_ccs(nvml, tables)
    by_index = parse_visible(raw.visible).kind == "index" and raw.order != "PCI_BUS_ID"
    checks = (
        (nvml_cuda_version(nvml) is None, "NVML gave no CUDA driver version"),
        (bool(nvml.devices) and not any(ccs), "NVML gave no compute capability"),
        (
            compat_suspected(nvml, tables) is not None,
            "libcuda reports a newer CUDA than the driver branch: checking forward compatibility with cuInit",
        ),
        (
            by_index and len(set(ccs)) > 1,
            "CUDA_VISIBLE_DEVICES picks GPUs by index in FASTEST_FIRST order on a mixed host: CUDA knows the order",
        ),
    )
    return next((reason for needed, reason in checks if needed), "")


# -- the whole decision -------------------------------------------------------------------
def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    """Features from raw sources; FORCE variables win over detection, as in the reference."""
    from variant_detect_nvidia._answers import Found, interpret

    forced_umd = _forced(raw.force_cuda, FORCE_CUDA_ENV, parse_forced_cuda, "a version such as 12.9", report)
    forced_sm = _forced(raw.force_sm, FORCE_SM_ENV, parse_forced_sm, "a compute capability such as 9.0", report)
    found = interpret(raw, tables, report) if forced_umd is None or forced_sm is None else Found()
    umd = forced_umd or _detected_umd(found, tables, report)
    if umd is None:
        return []
    bounds = [(LOWER, lower_bound_values(umd, tables)), (UPPER, upper_bound_values(umd, tables))]
    # a forced 10.x has no lower bound, a forced 16.x no upper one
    features = [Feature(name, values) for name, values in bounds if values]
    cc = forced_sm or _highest_cc(found, report)
    if cc is not None:
        if cc < tables.min_cc:
            report.warn(
                SM,
                f"compute capability {cc[0]}.{cc[1]} is below the lowest the nvidia namespace knows "
                f"({tables.min_cc[0]}.{tables.min_cc[1]}); no sm_arch",
            )
        else:
            features.append(Feature(SM, sm_values(cc), multi_value=True))
    return features


def _forced(text: str | None, variable: str, parser: object, expected: str, report: Report) -> Version | None:
    if text is None:
        return None
    assert callable(parser)
    value: Version | None = parser(text)
    if value is None:
        report.warn(variable, f"expected {expected}, got {text!r}; ignored")
        return None
    checked = "not range-checked" if variable == FORCE_CUDA_ENV else "only the 5.0 floor is checked"
    report.override(variable, text, f"{value[0]}.{value[1]} used instead of detection ({checked})")
    return value


def _detected_umd(found: object, tables: Tables, report: Report) -> Version | None:
    from variant_detect_nvidia._answers import Found

    assert isinstance(found, Found)
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


def _highest_cc(found: object, report: Report) -> Version | None:
    from variant_detect_nvidia._answers import Found

    assert isinstance(found, Found)
    if not found.ccs:
        if found.umd is not None:
            report.warn(SM, "no compute capability known for any visible GPU; no sm_arch")
        return None
    best = max(found.ccs)
    seen = ", ".join(f"{a}.{b}" for a, b in sorted(set(found.ccs), reverse=True))
    report.explain(SM, "compute capability", f"GPUs visible: {seen}; the highest, {best[0]}.{best[1]}, is used")
    return best
