"""The ``version`` answer: what the features prove, raised to what the core implements.

Two sources, each wrong on real machines in its own way:

* the OS-reported features: kernels hide some mandatory features (PAC, BTI and
  SSBS are missing under RHEL and Asahi kernels; Ubuntu 22.04 hides DIT on
  Neoverse N2), and old kernels don't know newer hwcaps at all;
* the core's identity (MIDR or brand) mapped through ``data/cores.json``: a
  core cannot be told from its VM or its kernel configuration.

So the answer is ``proven | core``: every version whose features are all
reported, plus every version the known core implements, except those needing
state the OS must enable (SVE/SVE2 for 9.x) when the OS does not report it.
It never exceeds the core (when the table is right) and is never below the
features. Pure functions, no I/O.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_aarch64._table import Core, Tables
    from variant_detect_runtime import Report


def proven(features: set[str], tables: Tables) -> set[str]:
    """Versions whose required features (and their ancestors') are all reported."""
    out: set[str] = set()
    for level in reversed(tables.levels):  # ancestors first
        if level.requires <= features and all(p in out for p in level.parents):
            out.add(level.name)
    return out


def core_versions(cores: list[Core], features: set[str], tables: Tables, report: Report, source: str) -> set[str]:
    """Versions every core implements and the OS lets this process use."""
    allowed: set[str] | None = None
    for core in cores:
        implied = tables.closure(core.version)
        allowed = implied if allowed is None else allowed & implied
    names = ", ".join(sorted({f"{c.name} ({c.architecture})" for c in cores}))
    report.explain("version", source, f"core: {names}")
    usable: set[str] = set()
    for level in reversed(tables.levels):
        if level.name not in (allowed or set()):
            continue
        missing = sorted((level.requires & tables.os_enabled) - features)
        if missing:
            report.explain(
                "version", source, f"core implements {level.name} but the OS does not enable {' '.join(missing)}"
            )
        elif all(p in usable for p in level.parents):
            usable.add(level.name)
    return usable


def combine(proof: set[str], core: set[str] | None, tables: Tables, report: Report, source: str) -> list[str]:
    """Preference-ordered version values: the union, never below the proof."""
    if core is None:
        return tables.ordered(proof)
    beyond = proof - core
    if beyond:
        top = tables.ordered(beyond)[0]
        report.warn(
            source, f"features prove {top}, above what the core table says the core implements; trusting the features"
        )
    raised = core - proof
    if raised:
        report.explain(
            "version", source, f"core identity adds {' '.join(tables.ordered(raised))} (hidden or unknown features)"
        )
    return tables.ordered(proof | core)


def parse_cap(value: str, names: list[str]) -> str | None:
    """``8.2a``, ``8.2``, ``v8.2a``, ``armv8.2-a``, ``9``, ``8`` -> a version name."""
    text = value.strip().lower().replace("-", "")
    for prefix in ("armv", "v"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.rstrip("a")
    if text.isdigit():
        text = f"{text}.0" if text != "8" else "8"
    candidate = f"{text}a"
    return candidate if candidate in names else None
