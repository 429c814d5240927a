"""The answer of provider-variant-x86-64 0.0.1.post2, reproduced from its own data. Pure, no I/O.

That provider does not report the machine's flags. It asks archspec for the *target* that best
fits the machine (a named microarchitecture such as ``haswell`` or the generic ``x86_64_v3``), and
answers from that target's row: ``level`` from the target's generic ancestor, then every name of
its fixed feature list, in that list's order, that the target's row lists. So a flag the machine
has but its target's row lacks (``abm`` on Haswell, ``avx_vnni`` on Sapphire Rapids) is not in its
answer, and a machine whose vendor has no named target gets only the generic rows' features.

The rule, as archspec 0.2.5 (the copy it vendors) applies it, restated here:

1. Candidates: targets of the x86_64 family whose vendor is the machine's or ``generic`` and
   whose features are all among the machine's flags.
2. The best generic candidate: most ancestors, then most features.
3. Keep candidates that descend from it; none left -> the target is that generic one;
   else the candidate with most ancestors, then most features (first in table order on a tie).

Data: ``data/published.json`` (written by ``tests/parity/make_published_tables.py`` from the
published wheel).
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PATH = os.path.join(os.path.dirname(__file__), "data", "published.json")
ROOT = "x86_64"
GENERIC = "generic"
_REGISTERS = {"eax": 0, "ebx": 1, "ecx": 2, "edx": 3}


class Target:
    __slots__ = ("ancestors", "features", "name", "vendor")

    def __init__(self, name: str, vendor: str, features: frozenset[str], ancestors: tuple[str, ...]) -> None:
        self.name = name
        self.vendor = vendor
        self.features = features
        self.ancestors = ancestors


class Published:
    """The published provider's tables: targets, its feature list, aliases, OS conversions."""

    def __init__(self, data: dict[str, Any]) -> None:
        rows: dict[str, Any] = data["targets"]
        self.features: list[str] = list(data["features"])
        self.max_level = int(data["cap"])
        self.aliases: dict[str, Any] = data["aliases"]
        self.darwin_flags: dict[str, str] = data.get("darwin_flags", {})
        self.cpuid: list[Any] = data.get("cpuid", [])
        self.targets = {
            name: Target(name, row["vendor"], frozenset(row["features"]), _ancestors(rows, name))
            for name, row in rows.items()
        }


def _ancestors(rows: dict[str, Any], name: str) -> tuple[str, ...]:
    """Parents first, then each parent's ancestors not yet seen (archspec's order)."""
    out = list(rows[name]["from"])
    for parent in rows[name]["from"]:
        out.extend(a for a in _ancestors(rows, parent) if a not in out)
    return tuple(out)


def load() -> Published:
    return load_table(_PATH, Published)


def _rank(target: Target) -> tuple[int, int]:
    return len(target.ancestors), len(target.features)


def _best(candidates: list[Target]) -> Target:
    best = candidates[0]
    for target in candidates[1:]:
        if _rank(target) > _rank(best):
            best = target
    return best


def host_target(vendor: str, flags: frozenset[str], table: Published) -> Target:
    """The target archspec's ``host()`` picks for a machine with *vendor* and *flags*."""
    candidates = [t for t in table.targets.values() if t.vendor in (vendor, GENERIC) and t.features <= flags]
    root = table.targets[ROOT]
    if not candidates:
        return root
    best_generic = _best([t for t in candidates if t.vendor == GENERIC] or [root])
    above = set(best_generic.ancestors) | {best_generic.name}
    descendants = [t for t in candidates if above < ({t.name} | set(t.ancestors))]
    return _best(descendants) if descendants else best_generic


def generic_of(target: Target, table: Published) -> Target:
    """The generic target among *target* and its ancestors with the most ancestors."""
    chain = [target] + [table.targets[a] for a in target.ancestors]
    generics = [t for t in chain if t.vendor == GENERIC]
    best = generics[0]
    for candidate in generics[1:]:
        if len(candidate.ancestors) > len(best.ancestors):
            best = candidate
    return best


def has(target: Target, name: str, table: Published) -> bool:
    """``name in target`` as archspec answers it (its row, else an alias rule)."""
    if name in target.features:
        return True
    rule = table.aliases.get(name)
    if rule is None:
        return False
    if "any_of" in rule and not any(has(target, other, table) for other in rule["any_of"]):
        return False
    return not ("families" in rule and ROOT not in rule["families"])


def answer(vendor: str, flags: frozenset[str], table: Published) -> list[tuple[str, tuple[str, ...]]]:
    """The published answer: (feature, values) pairs in its order; empty below x86-64-v2."""
    target = host_target(vendor, flags, table)
    generic = generic_of(target, table).name
    prefix = "x86_64_v"
    if not generic.startswith(prefix):
        return []
    level = min(int(generic[len(prefix) :]), table.max_level)
    out: list[tuple[str, tuple[str, ...]]] = [("level", tuple(f"v{n}" for n in range(level, 0, -1)))]
    out.extend((name, ("on",)) for name in table.features if has(target, name, table))
    return out


def darwin_flags(features: str, leaf7: str, table: Published) -> frozenset[str]:
    """macOS ``machdep.cpu.features`` + ``leaf7_features``, lower-cased, with archspec's conversions."""
    flags = set(f"{features} {leaf7}".lower().split())
    for darwin, linux in table.darwin_flags.items():
        if darwin in flags:
            flags.update(linux.split())
    return frozenset(flags)


def cpuid_flags(registers: dict[tuple[int, int], list[int]], table: Published) -> tuple[str, frozenset[str]]:
    """(vendor, flags) from CPUID leaves, named by archspec's cpuid table (its Windows path)."""
    leaf0 = registers.get((0, 0), [0, 0, 0, 0])
    vendor = b"".join(r.to_bytes(4, "little") for r in (leaf0[1], leaf0[3], leaf0[2])).decode("latin-1")
    top_basic, top_ext = leaf0[0], registers.get((0x80000000, 0), [0])[0]
    flags = set()
    for call in table.cpuid:
        leaf, subleaf = int(call["leaf"]), int(call["subleaf"])
        if leaf > (top_ext if leaf >= 0x80000000 else top_basic):
            continue
        values = registers.get((leaf, subleaf), [0, 0, 0, 0])
        for name, register, bit in call["bits"]:
            if values[_REGISTERS[register]] >> int(bit) & 1:
                flags.add(str(name))
    return vendor, frozenset(flags)
