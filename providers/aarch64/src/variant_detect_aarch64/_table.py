"""The aarch64 tables (``data/aarch64.json``, ``data/cores.json``), loaded on first use.

The JSON is the source of truth: every version row cites the Arm ARM and LLVM's
``AArch64Features.td``, every extension row the kernel's hwcap bit, and every
core row the kernel's MIDR part number and the vendor's documented
architecture version. ``data/*.schema.json`` describe them; the tests validate.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_DATA = os.path.join(os.path.dirname(__file__), "data")


class Level:
    __slots__ = ("name", "parents", "requires")

    def __init__(self, name: str, parents: tuple[str, ...], requires: frozenset[str]) -> None:
        self.name = name
        self.parents = parents
        self.requires = requires


class Extension:
    __slots__ = ("bit", "macos", "name", "os_enabled", "register", "windows")

    def __init__(self, row: dict[str, Any]) -> None:
        self.name: str = row["name"]
        self.register = "hwcap" if "hwcap" in row else "hwcap2"
        self.bit: int = row[self.register]
        self.macos: tuple[str, ...] = tuple(row.get("macos", ()))
        self.windows: tuple[int, ...] = tuple(row.get("windows", ()))
        self.os_enabled: bool = bool(row.get("os_enabled", False))


class Core:
    __slots__ = ("architecture", "name", "version")

    def __init__(self, name: str, version: str, architecture: str) -> None:
        self.name = name
        self.version = version
        self.architecture = architecture


class Tables:
    """Versions (most advanced first), extensions (priority order), known cores."""

    def __init__(self, levels: list[Level], extensions: list[Extension]) -> None:
        self.levels = levels
        self.by_name = {level.name: level for level in levels}
        self.extensions = extensions
        self.extension_names = frozenset(ext.name for ext in extensions)
        self.os_enabled = frozenset(ext.name for ext in extensions if ext.os_enabled)

    def level_names(self) -> list[str]:
        return [level.name for level in self.levels]

    def closure(self, name: str) -> set[str]:
        """*name* and every version it implies (its archspec ancestors)."""
        out: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current not in out:
                out.add(current)
                stack.extend(self.by_name[current].parents)
        return out

    def ordered(self, names: set[str]) -> list[str]:
        """*names* in preference order (the table's order)."""
        return [level.name for level in self.levels if level.name in names]

    def guaranteed(self, names: set[str]) -> frozenset[str]:
        """Extensions every machine of these versions has (plus the AArch64 baseline)."""
        out = {"fp", "asimd"}
        for name in names:
            out |= self.by_name[name].requires
        return frozenset(out)


class CoreTable:
    def __init__(self, by_midr: dict[tuple[int, int], Core], brands: list[tuple[str, Core]]) -> None:
        self.by_midr = by_midr
        self.brands = brands

    def lookup(self, implementer: int, part: int) -> Core | None:
        return self.by_midr.get((implementer, part))

    def lookup_brand(self, brand: str) -> Core | None:
        """``Apple M4 Max`` -> the Apple M4 row (longest matching prefix wins)."""
        best: tuple[int, Core] | None = None
        for prefix, core in self.brands:
            matches = brand == prefix or brand.startswith(prefix + " ")
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), core)
        return best[1] if best else None


def tables_from_json(data: dict[str, Any]) -> Tables:
    levels = [Level(r["name"], tuple(r["parents"]), frozenset(r["requires"])) for r in data["levels"]]
    return Tables(levels, [Extension(row) for row in data["extensions"]])


def cores_from_json(data: dict[str, Any]) -> CoreTable:
    by_midr: dict[tuple[int, int], Core] = {}
    for row in data["cores"]:
        core = Core(row["name"], row["version"], row["architecture"])
        for part in row["parts"]:
            by_midr[(int(row["implementer"], 16), int(part, 16))] = core
    brands = [(r["brand"], Core(r["name"], r["version"], r["architecture"])) for r in data["brands"]]
    return CoreTable(by_midr, brands)


def load() -> Tables:
    return load_table(os.path.join(_DATA, "aarch64.json"), tables_from_json)


def load_cores() -> CoreTable:
    return load_table(os.path.join(_DATA, "cores.json"), cores_from_json)
