"""The openmp tables (``data/openmp.json``), loaded on first use.

The JSON is the source of truth (each row cites where the fact comes from);
``data/openmp.schema.json`` describes it and the test suite validates it.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "openmp.json")


class Tables:
    """Read-only views of the JSON table, shaped for the parser."""

    __slots__ = ("ld_cache_flags", "lib_dirs", "runtimes", "values")

    def __init__(self, data: dict[str, Any]) -> None:
        self.values: tuple[str, ...] = tuple(data["values"]["order"])
        #: system -> [(file name prefix, value)], e.g. "Linux" -> [("libgomp.so", "gnu"), ...]
        self.runtimes: dict[str, list[tuple[str, str]]] = {}
        for row in data["runtimes"]:
            self.runtimes.setdefault(str(row["system"]), []).append((str(row["prefix"]), str(row["value"])))
        #: system -> directories under a prefix, as path parts
        self.lib_dirs: dict[str, list[tuple[str, ...]]] = {}
        for row in data["lib_dirs"]:
            self.lib_dirs.setdefault(str(row["system"]), []).append(tuple(row["path"]))
        self.ld_cache_flags = {str(r["machine"]): int(r["flags"]) for r in data["ld_cache_flags"]}

    def value_of_file(self, system: str, name: str) -> str | None:
        """The OpenMP runtime a library file name belongs to (``libomp.so.5`` -> llvm)."""
        lower = name.lower()
        for prefix, value in self.runtimes.get(system, ()):
            if lower.startswith(prefix):
                return value
        return None


def load() -> Tables:
    return load_table(_TABLE_PATH, Tables)
