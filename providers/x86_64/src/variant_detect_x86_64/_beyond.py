"""Pure parsing of the x86_64 sources beyond Linux (imported only off Linux).

Everything is translated to the Linux ``/proc/cpuinfo`` flag names, so the
level and extension tables of ``data/x86_64.json`` apply unchanged. A flag
whose register state the OS has not enabled (XCR0 on Windows/BSD,
``hw.optional.avx1_0``/``avx512f`` on macOS) is dropped: the CPU has it, this
process cannot use it.
"""

from __future__ import annotations

from variant_detect_x86_64._beyond_probe import CPUID, PF, SYSCTL, TRANSLATED
from variant_detect_x86_64._table import load_beyond

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Report
    from variant_detect_x86_64._beyond_probe import BeyondSources

_REGISTERS = {"eax": 0, "ebx": 1, "ecx": 2, "edx": 3}
# The AMD64 architecture itself requires these (x86-64 psABI: the v1 baseline):
# a 64-bit x86 process that runs at all has them, whatever a source fails to say
# (Rosetta 2 on macOS 12 answers no machdep.cpu.extfeatures; Windows has no PF
# id for CMOV or SYSCALL).
X86_64_BASELINE = frozenset({"cmov", "cx8", "fpu", "fxsr", "mmx", "syscall", "sse", "sse2"})


def state_of(flag: str) -> str | None:
    return next((row.get("state") for row in load_beyond()["cpuid"] if row["flag"] == flag), None)


def flags_from_cpuid(raw: BeyondSources, report: Report) -> frozenset[str]:
    table = load_beyond()
    xcr0 = raw.xcr0 or 0
    enabled = {name: (xcr0 & s["xcr0"]) == s["xcr0"] for name, s in table["states"].items()}
    flags, disabled = set(), set()
    for row in table["cpuid"]:
        regs = raw.cpuid.get((row["leaf"], row["subleaf"]))
        if regs is None or not regs[_REGISTERS[row["register"]]] >> row["bit"] & 1:
            continue
        if row.get("state") and not enabled[row["state"]]:
            disabled.add(row["flag"])
        else:
            flags.add(row["flag"])
    if disabled:
        what = f"CPU has {' '.join(sorted(disabled))} but the OS has not enabled their state (XCR0 {xcr0:#x})"
        report.explain("*", "xgetbv", what)
    return frozenset(flags)


def flags_from_pf(raw: BeyondSources) -> frozenset[str]:
    rows = load_beyond()["windows"]["features"]
    return frozenset(row["flag"] for row in rows if raw.pf.get(row["id"]))


def cross_check(flags: frozenset[str], raw: BeyondSources, report: Report) -> None:
    """IsProcessorFeaturePresent beside CPUID: disagreements are reported, CPUID+XCR0 decides."""
    for row in load_beyond()["windows"]["features"]:
        answer = raw.pf.get(row["id"])
        if answer is not None and bool(answer) != (row["flag"] in flags):
            said = "present" if answer else "absent"
            report.warn(f"{PF}({row['id']})", f"says {row['flag']} is {said}; CPUID+XGETBV disagree, CPUID kept")


def windows_flags(raw: BeyondSources, report: Report) -> frozenset[str] | None:
    arch = raw.env.get("PROCESSOR_ARCHITECTURE", "AMD64").upper()
    if arch == "X86":
        report.explain("*", "PROCESSOR_ARCHITECTURE", "a 32-bit (x86) interpreter cannot run x86-64 code")
        return None
    if raw.cpuid_error is None:
        flags = flags_from_cpuid(raw, report)
        cross_check(flags, raw, report)
        return flags
    report.warn(CPUID, raw.cpuid_error)
    if raw.pf_error is not None or not raw.pf:
        report.warn(PF, raw.pf_error or "no answer")
        return None
    report.explain(
        "*", PF, "CPUID refused: only the IsProcessorFeaturePresent flags are known (no BMI/FMA/LZCNT/MOVBE)"
    )
    return flags_from_pf(raw)


def darwin_flags(raw: BeyondSources, report: Report) -> frozenset[str] | None:
    table = load_beyond()["darwin"]
    odd = {k: v for k, v in raw.sysctl_errors.items() if v != "ENOENT"}
    for key, problem in sorted(odd.items())[:3]:
        report.warn(f"{SYSCTL}({key})", problem)
    if "machdep.cpu.features" not in raw.sysctl:
        if not odd:
            report.warn(SYSCTL, "machdep.cpu.features did not answer")
        return None
    if raw.sysctl.get(TRANSLATED) == 1:
        report.explain("*", TRANSLATED, "Rosetta 2: the answers describe what this translated process can run")
    flags: set[str] = set()
    for key, names in table["sysctl"].items():
        value = raw.sysctl.get(key)
        tokens = value.upper().split() if isinstance(value, str) else []
        flags |= {names[t] for t in tokens if t in names}
    for state, key in table["enable"].items():
        if raw.sysctl.get(key) != 1:
            gated = {f for f in flags if state_of(f) in ({state} if state == "zmm" else {"ymm", "zmm"})}
            if gated:
                report.explain("*", f"{SYSCTL}({key})", f"OS support off: dropping {' '.join(sorted(gated))}")
            flags -= gated
    return frozenset(flags)


def other_flags(raw: BeyondSources, system: str, report: Report) -> frozenset[str] | None:
    if raw.cpuid_error is not None:
        report.warn(f"{CPUID} ({system})", raw.cpuid_error)
        return None
    return flags_from_cpuid(raw, report)


def read_flags(raw: BeyondSources | None, system: str, report: Report) -> frozenset[str] | None:
    if raw is None:
        return None
    if system == "Darwin":
        flags = darwin_flags(raw, report)
    elif system == "Windows":
        flags = windows_flags(raw, report)
    else:
        flags = other_flags(raw, system, report)
    if flags is None:
        return None
    implied = X86_64_BASELINE - flags
    if implied:
        report.explain("level", "platform", f"a 64-bit x86-64 process implies {' '.join(sorted(implied))}")
    return flags | X86_64_BASELINE
