"""The answer of provider-variant-aarch64 0.0.1.post2, reproduced from its own data. Pure, no I/O.

Like its x86_64 sibling, that provider answers from the archspec *target* that best fits the
machine, not from the machine's feature list: ``version`` is the target's generic ancestor
(``armv8.4a`` -> ``8.4a``) and its ancestors, then every name of its fixed feature list, in that
list's order, that the target's row lists. The rule, as its vendored archspec 0.2.5 applies it:

1. Candidates: the ``aarch64`` root and the named (non-generic) targets whose vendor is the
   machine's (``CPU implementer`` through archspec's vendor table) and, on Linux, whose features
   are all in the ``Features`` line of the first processor block. On macOS the model comes from
   the brand string instead (``m2`` if it says M2, otherwise ``m1`` for any Apple chip) and the
   candidates are that model and its ancestors.
2. When some candidate has the machine's ``CPU part``, only those are kept.
3. Among the candidates that descend from ``aarch64``: most ancestors, then most features; none
   -> ``aarch64`` itself, i.e. version ``8a`` and no features (every core archspec does not name,
   such as Ampere's, Graviton4's or a Cortex-A78AE).

Data: ``data/published.json`` (``tests/parity/make_published_tables.py``).
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PATH = os.path.join(os.path.dirname(__file__), "data", "published.json")
ROOT = "aarch64"
GENERIC = "generic"


class Target:
    __slots__ = ("ancestors", "cpupart", "features", "name", "vendor")

    def __init__(self, name: str, row: dict[str, Any], ancestors: tuple[str, ...]) -> None:
        self.name = name
        self.vendor = str(row["vendor"])
        self.features = frozenset(row["features"])
        self.cpupart = str(row.get("cpupart", ""))
        self.ancestors = ancestors


class Published:
    def __init__(self, data: dict[str, Any]) -> None:
        rows: dict[str, Any] = data["targets"]
        self.features: list[str] = list(data["features"])
        self.cap: str = data["cap"]
        self.aliases: dict[str, Any] = data["aliases"]
        self.vendors: dict[str, str] = data["arm_vendors"]
        self.targets = {name: Target(name, row, _ancestors(rows, name)) for name, row in rows.items()}


def _ancestors(rows: dict[str, Any], name: str) -> tuple[str, ...]:
    out = list(rows[name]["from"])
    for parent in rows[name]["from"]:
        out.extend(a for a in _ancestors(rows, parent) if a not in out)
    return tuple(out)


def load() -> Published:
    return load_table(_PATH, Published)


def first_block(text: str) -> dict[str, str]:
    """``key: value`` lines up to the first line without a colon (archspec's reading)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep != ":" and fields:
            break
        fields[key.strip()] = value.strip()
    return fields


def _best(candidates: list[Target]) -> Target:
    best = candidates[0]
    for target in candidates[1:]:
        if (len(target.ancestors), len(target.features)) > (len(best.ancestors), len(best.features)):
            best = target
    return best


def linux_target(fields: dict[str, str], table: Published) -> Target:
    code = fields.get("CPU implementer")
    vendor = GENERIC if code is None else table.vendors.get(code, code)
    flags = frozenset(fields.get("Features", "").split())
    part = fields.get("CPU part", "")
    named = [t for t in table.targets.values() if t.vendor != GENERIC and t.vendor == vendor and t.features <= flags]
    return _pick(named, part, table)


def darwin_target(brand: str, table: Published) -> Target | None:
    """macOS: the model named by the brand string; None when archspec would fail (no Apple chip)."""
    text = brand.lower()
    model_name = "m2" if "m2" in text else "m1" if "m1" in text or "apple" in text else None
    if model_name is None:
        return None
    model = table.targets[model_name]
    allowed = {model.name, *model.ancestors}
    named = [t for t in table.targets.values() if t.vendor == "Apple" and t.name in allowed]
    return _pick(named, "", table)


def _pick(named: list[Target], part: str, table: Published) -> Target:
    if part and any(t.cpupart == part for t in named):
        named = [t for t in named if t.cpupart == part]
    return _best(named) if named else table.targets[ROOT]


def generic_of(target: Target, table: Published) -> Target:
    chain = [target] + [table.targets[a] for a in target.ancestors]
    generics = [t for t in chain if t.vendor == GENERIC]
    best = generics[0]
    for candidate in generics[1:]:
        if len(candidate.ancestors) > len(best.ancestors):
            best = candidate
    return best


def version_name(target_name: str) -> str:
    """``aarch64`` -> ``8a``, ``armv8.4a`` -> ``8.4a``."""
    return "8a" if target_name == ROOT else target_name[len("armv") :]


def has(target: Target, name: str, table: Published) -> bool:
    if name in target.features:
        return True
    rule = table.aliases.get(name)
    if rule is None:
        return False
    if "any_of" in rule and not any(has(target, other, table) for other in rule["any_of"]):
        return False
    return not ("families" in rule and ROOT not in rule["families"])


def answer(target: Target, table: Published) -> list[tuple[str, tuple[str, ...]]]:
    generic = generic_of(target, table)
    if table.cap in generic.ancestors:
        generic = table.targets[table.cap]
    versions = tuple(version_name(n) for n in (generic.name, *generic.ancestors))
    out: list[tuple[str, tuple[str, ...]]] = [("version", versions)]
    out.extend((name, ("on",)) for name in table.features if has(target, name, table))
    return out
