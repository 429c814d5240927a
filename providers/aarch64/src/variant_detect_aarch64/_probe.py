"""What the aarch64 provider reads, through the probe seam only.

Linux: ``/proc/self/exe`` (the ELF header says whether *this interpreter* is an
AArch64 program), ``/proc/self/auxv`` (AT_HWCAP/AT_HWCAP2, as the kernel gave
them to this process), ``getauxval`` through libc when the auxv file is
unusable, and ``/proc/cpuinfo`` (the ``Features`` fallback and the cores'
MIDR; ``/sys/devices/system/cpu/cpu*/regs/identification/midr_el1`` when
cpuinfo has none). macOS: ``sysctlbyname`` on the ``hw.optional`` keys and the
brand string. Windows: ``IsProcessorFeaturePresent`` and the
``PROCESSOR_ARCHITECTURE``/``PROCESSOR_IDENTIFIER`` variables.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_aarch64._table import Tables
    from variant_detect_runtime import Library, Probe, Report

AUXV = "/proc/self/auxv"
CPUINFO = "/proc/cpuinfo"
SELF_EXE = "/proc/self/exe"
SYSFS_CPU = "/sys/devices/system/cpu"
MIDR_FILE = "regs/identification/midr_el1"
GETAUXVAL = "getauxval (libc)"
SYSCTL = "sysctlbyname"
PF = "IsProcessorFeaturePresent"
# auxv is a few hundred bytes (~20 u64 pairs); 4 KiB is far beyond any kernel's.
AUXV_LIMIT = 4096
# A 192-core Graviton4 prints ~100 KiB of cpuinfo; every block carries a MIDR.
CPUINFO_LIMIT = 1 << 20
AT_HWCAP, AT_HWCAP2 = 16, 26
LINUX_ARM64 = frozenset({"aarch64", "arm64", "aarch64_be"})
# uname under a 32-bit personality (linux32, some arm32 containers): never an AArch64 interpreter.
LINUX_ARM32 = frozenset({"armv8l", "armv8b", "armv7l", "armv6l", "arm"})
DARWIN_ARM64 = frozenset({"arm64", "aarch64"})
WINDOWS_ARM64 = frozenset({"arm64", "aarch64"})
BRAND = "machdep.cpu.brand_string"


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    def __init__(self, system: str, machine: str) -> None:
        self.system = system
        self.machine = machine
        self.exe_header: bytes | None = None
        self.auxv: bytes | None = None
        self.auxv_error: str | None = None
        self.getauxval: dict[int, int] | None = None
        self.getauxval_error: str | None = None
        self.cpuinfo: bytes | None = None
        self.cpuinfo_error: str | None = None
        self.midr_sysfs: dict[str, bytes] = {}
        self.sysctl: dict[str, int | str] = {}
        self.sysctl_errors: dict[str, str] = {}
        self.pf: dict[int, int] = {}
        self.pf_errors: dict[int, str] = {}
        self.env: dict[str, str] = {}


def _read(probe: Probe, path: str, limit: int) -> tuple[bytes | None, str | None]:
    try:
        return probe.read_bytes(path, limit), None
    except FileNotFoundError:
        return None, "not present"
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"


def auxv_usable(data: bytes | None) -> bool:
    """A whole number of u64 pairs ending in AT_NULL; anything else asks getauxval too."""
    if not data:
        return False
    return len(data) <= AUXV_LIMIT and len(data) % 16 == 0 and data[-16:] == bytes(16)


def collect(probe: Probe, report: Report, tables: Tables) -> RawSources:
    raw = RawSources(probe.identity.system, probe.identity.machine)
    machine = raw.machine.lower()
    if raw.system == "Linux" and machine in LINUX_ARM64:
        _collect_linux(probe, raw)
    elif raw.system == "Darwin" and machine in DARWIN_ARM64:
        _collect_darwin(probe, raw, tables)
    elif raw.system == "Windows" and machine in WINDOWS_ARM64:
        _collect_windows(probe, raw, tables)
    return raw


def _collect_linux(probe: Probe, raw: RawSources) -> None:
    raw.exe_header, _ = _read(probe, SELF_EXE, 63)
    raw.auxv, raw.auxv_error = _read(probe, AUXV, AUXV_LIMIT)
    if not auxv_usable(raw.auxv):
        _collect_getauxval(probe, raw)
    raw.cpuinfo, raw.cpuinfo_error = _read(probe, CPUINFO, CPUINFO_LIMIT)
    if raw.cpuinfo is None or b"CPU part" not in raw.cpuinfo:
        _collect_sysfs_midr(probe, raw)


def _collect_getauxval(probe: Probe, raw: RawSources) -> None:
    # glibc's getauxval is only meaningful for an aarch64 process: on x86 it
    # answers glibc's own AT_HWCAP (detection.md section 2), hence Linux/arm64 only.
    libc = probe.library("libc", _load_libc)
    values: dict[int, int] = {}
    try:
        for kind in (AT_HWCAP, AT_HWCAP2):
            values[kind] = int(libc.call("getauxval", kind, timeout=2.0))
    except (ProbeError, TypeError, ValueError) as exc:
        raw.getauxval_error = str(exc)
        return
    raw.getauxval = values


def _collect_sysfs_midr(probe: Probe, raw: RawSources) -> None:
    try:
        names = [n for n in probe.listdir(SYSFS_CPU) if n.startswith("cpu") and n[3:].isdigit()]
    except OSError:
        return
    for name in names:
        data, _ = _read(probe, f"{SYSFS_CPU}/{name}/{MIDR_FILE}", 64)
        if data is not None:
            raw.midr_sysfs[name] = data


def _sysctl(libc: Library, raw: RawSources, name: str) -> None:
    try:
        value = libc.call(SYSCTL, name, timeout=2.0)
    except LibraryCallError as exc:
        raw.sysctl_errors[name] = exc.name or str(exc.code)
        return
    except ProbeError as exc:
        raw.sysctl_errors[name] = str(exc)
        return
    if isinstance(value, (int, str)):
        raw.sysctl[name] = value
    else:
        raw.sysctl_errors[name] = f"unexpected answer {value!r}"


def _collect_darwin(probe: Probe, raw: RawSources, tables: Tables) -> None:
    libc = probe.library("libc", _load_libc)
    keys = dict.fromkeys(key for ext in tables.extensions for key in ext.macos)
    for name in (BRAND, *keys):
        _sysctl(libc, raw, name)
        if name == BRAND and "cannot load" in raw.sysctl_errors.get(name, ""):
            return  # no libc at all: every other key would fail the same way


def _collect_windows(probe: Probe, raw: RawSources, tables: Tables) -> None:
    for name in ("PROCESSOR_ARCHITECTURE", "PROCESSOR_IDENTIFIER"):
        value = probe.getenv(name)
        if value is not None:
            raw.env[name] = value
    kernel32 = probe.library("kernel32", _load_kernel32)
    for feature in sorted({pf for ext in tables.extensions for pf in ext.windows}):
        try:
            raw.pf[feature] = int(kernel32.call(PF, feature, timeout=2.0))
        except (ProbeError, TypeError, ValueError) as exc:
            raw.pf_errors[feature] = str(exc)
            if "cannot load" in str(exc):
                return


# -- live bindings (``_native``; never used on replay) ----------------------------------
def _load_libc() -> object:
    from variant_detect_aarch64._native import Libc

    return Libc()


def _load_kernel32() -> object:
    from variant_detect_aarch64._native import Kernel32

    return Kernel32()
