"""The mpi tables (``data/mpi.json``), loaded on first use.

The JSON is the source of truth (each row cites where the fact comes from);
``data/mpi.schema.json`` describes it and the test suite validates it.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "mpi.json")


def _by_system(rows: list[dict[str, Any]], key: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for row in rows:
        value = row[key]
        out.setdefault(str(row["system"]), []).append(tuple(value) if isinstance(value, list) else value)
    return out


class Tables:
    """Read-only views of the JSON table, shaped for the probe and the parser."""

    __slots__ = (
        "abi_of_name",
        "implementations",
        "ld_cache_flags",
        "library_names",
        "standard_versions",
        "symbols",
    )

    def __init__(self, data: dict[str, Any]) -> None:
        self.library_names: dict[str, list[str]] = _by_system(data["libraries"], "name")
        self.abi_of_name = {str(r["name"]): str(r["abi"]) for r in data["libraries"]}
        self.implementations = [(str(r["marker"]), str(r["name"])) for r in data["implementations"]]
        self.symbols = [(str(r["symbol"]), str(r["name"]), str(r["system"])) for r in data["symbols"]]
        self.standard_versions: list[str] = list(data["standard_versions"]["order"])
        self.ld_cache_flags = {str(r["machine"]): int(r["flags"]) for r in data["ld_cache_flags"]}

    def symbols_for(self, system: str) -> list[tuple[str, str]]:
        kind = "Windows" if system == "Windows" else "posix"
        return [(symbol, name) for symbol, name, where in self.symbols if where == kind]

    def implementation_names(self) -> list[str]:
        return list(dict.fromkeys(name for _marker, name in self.implementations))


def load() -> Tables:
    return load_table(_TABLE_PATH, Tables)
