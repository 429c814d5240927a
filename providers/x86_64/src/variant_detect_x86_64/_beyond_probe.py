"""x86_64 sources beyond Linux, through the probe seam only (imported only off Linux).

macOS: ``sysctlbyname`` on ``machdep.cpu.*`` and ``hw.optional.*`` (and
``sysctl.proc_translated`` for Rosetta 2). Windows, the BSDs and any other
system: CPUID and XGETBV through a tiny machine-code stub (``_native.py``), with
``IsProcessorFeaturePresent`` beside it on Windows as a cross-check and as the
fallback when CPUID is refused.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Library, Probe

SYSCTL = "sysctlbyname (Darwin)"
CPUID = "cpuid"
PF = "IsProcessorFeaturePresent"
TRANSLATED = "sysctl.proc_translated"
DARWIN_KEYS = (
    TRANSLATED,
    "machdep.cpu.features",
    "machdep.cpu.leaf7_features",
    "machdep.cpu.extfeatures",
    "hw.optional.avx1_0",
    "hw.optional.avx512f",
)
OSXSAVE_BIT = 27  # CPUID.1:ECX; XGETBV raises #UD unless the OS set it


class BeyondSources:
    """Raw answers off Linux, as read."""

    def __init__(self) -> None:
        self.sysctl: dict[str, int | str] = {}
        self.sysctl_errors: dict[str, str] = {}
        self.cpuid: dict[tuple[int, int], list[int]] = {}
        self.cpuid_error: str | None = None
        self.xcr0: int | None = None
        self.pf: dict[int, int] = {}
        self.pf_error: str | None = None
        self.env: dict[str, str] = {}


def collect(probe: Probe, system: str, pf_ids: list[int]) -> BeyondSources:
    raw = BeyondSources()
    if system == "Darwin":
        _collect_darwin(probe, raw)
        return raw
    if system == "Windows":
        value = probe.getenv("PROCESSOR_ARCHITECTURE")
        if value is not None:
            raw.env["PROCESSOR_ARCHITECTURE"] = value
        if value is not None and value.upper() == "X86":
            return raw  # a 32-bit interpreter: nothing x86-64 to ask about
        _collect_pf(probe, raw, pf_ids)
    _collect_cpuid(probe, raw)
    return raw


def _collect_darwin(probe: Probe, raw: BeyondSources) -> None:
    libc = probe.library("libc", _load_libc)
    for key in DARWIN_KEYS:
        try:
            value = libc.call("sysctlbyname", key, timeout=2.0)
        except LibraryCallError as exc:
            raw.sysctl_errors[key] = exc.name or str(exc.code)
            continue
        except ProbeError as exc:
            raw.sysctl_errors[key] = str(exc)
            if "cannot load" in str(exc):
                return
            continue
        if isinstance(value, (int, str)):
            raw.sysctl[key] = value


def _leaf(cpuid: Library, raw: BeyondSources, leaf: int, subleaf: int = 0) -> list[int]:
    answer = cpuid.call(CPUID, leaf, subleaf, timeout=2.0)
    if not (isinstance(answer, list) and len(answer) == 4 and all(isinstance(v, int) for v in answer)):
        raise ProbeError(f"cpuid({leaf:#x}, {subleaf}) answered {answer!r}, expected [eax, ebx, ecx, edx]")
    raw.cpuid[(leaf, subleaf)] = answer
    return answer


def _collect_cpuid(probe: Probe, raw: BeyondSources) -> None:
    cpuid = probe.library("cpuid", _load_cpuid)
    try:
        top = _leaf(cpuid, raw, 0)[0]
        ecx1 = _leaf(cpuid, raw, 1)[2]
        for leaf, subleaf in ((7, 0), (7, 1), (0xD, 1)):
            if top >= leaf:
                _leaf(cpuid, raw, leaf, subleaf)
        top_ext = _leaf(cpuid, raw, 0x80000000)[0]
        for leaf in (0x80000001, 0x80000008):
            if top_ext >= leaf:
                _leaf(cpuid, raw, leaf)
        if ecx1 >> OSXSAVE_BIT & 1:
            raw.xcr0 = int(cpuid.call("xgetbv", 0, timeout=2.0))
    except (ProbeError, TypeError, ValueError) as exc:
        raw.cpuid_error = str(exc)


def _collect_pf(probe: Probe, raw: BeyondSources, pf_ids: list[int]) -> None:
    kernel32 = probe.library("kernel32", _load_kernel32)
    try:
        for feature in pf_ids:
            raw.pf[feature] = int(kernel32.call(PF, feature, timeout=2.0))
    except (ProbeError, TypeError, ValueError) as exc:
        raw.pf_error = str(exc)


# -- live bindings (never used on replay) ---------------------------------------------


def _load_libc() -> object:
    from variant_detect_x86_64._native import Libc

    return Libc()


def _load_kernel32() -> object:
    from variant_detect_x86_64._native import Kernel32

    return Kernel32()


def _load_cpuid() -> object:
    from variant_detect_x86_64._native import CpuidStub

    return CpuidStub()
