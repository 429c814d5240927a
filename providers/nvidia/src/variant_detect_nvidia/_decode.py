"""Pure decoding of single answers, and the probe's one decision (ask libcuda too?).

Shared by ``_probe``, ``_answers`` and ``_parse``, so that ``_probe`` never
imports ``_parse`` and nothing here imports back. No I/O here.
"""

from __future__ import annotations

from variant_detect_nvidia._visible import parse_visible

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_nvidia._probe import Answer, NvmlRaw, RawSources
    from variant_detect_nvidia._table import Tables

    Version = tuple[int, int]

LOWER = "cuda_version_lower_bound"
UPPER = "cuda_version_upper_bound"
SM = "sm_arch"


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


#: The largest major or minor number a FORCE variable may give: far above any
#: CUDA release or compute capability, and it bounds every generated list to
#: about 2,000 values (lower bound of a forced 99.99: 89 majors x 22 + 100).
#: The reference lists one value per minor down from any number (100,023
#: values for 12.99999; 12.999999999 exhausts memory): a divergence.
FORCED_MAX = 99


def within_bound(value: Version | None) -> bool:
    """A parsed FORCE value that may be used: each number at most FORCED_MAX."""
    return value is not None and max(value) <= FORCED_MAX


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
