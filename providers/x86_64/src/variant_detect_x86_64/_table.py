"""The x86_64 tables (``data/x86_64.json``), loaded on first use.

The JSON is the source of truth (each row cites the psABI or the CPUID bit and
the kernel's name for it); ``data/x86_64.schema.json`` describes it and the
test suite validates it.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "x86_64.json")


class Tables:
    """Levels (lowest first) and extensions (priority order)."""

    __slots__ = ("extensions", "isa_prefixes", "levels")

    def __init__(
        self,
        levels: list[tuple[str, frozenset[str]]],
        extensions: list[tuple[str, str]],
        isa_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.levels = levels
        self.extensions = extensions
        #: a kernel flag no row names yet is an ISA extension when it starts with one of these
        self.isa_prefixes = isa_prefixes

    def level_names(self) -> list[str]:
        return [name for name, _flags in self.levels]

    def flags_through(self, level_index: int) -> frozenset[str]:
        """Every flag a generic machine of ``levels[level_index]`` has."""
        out: set[str] = set()
        for _name, flags in self.levels[: level_index + 1]:
            out |= flags
        return frozenset(out)


def from_json(data: dict[str, Any]) -> Tables:
    levels = [(str(row["name"]), frozenset(row["flags"])) for row in data["levels"]]
    extensions = [(str(row["name"]), str(row.get("flag", row["name"]))) for row in data["extensions"]]
    prefixes = tuple(str(row["prefix"]) for row in data.get("isa_prefixes", ()))
    return Tables(levels, extensions, prefixes)


def load() -> Tables:
    return load_table(_TABLE_PATH, from_json)


_BEYOND_PATH = os.path.join(os.path.dirname(__file__), "data", "beyond.json")


def _beyond_rows(data: dict[str, Any]) -> dict[str, Any]:
    return data


def load_beyond() -> dict[str, Any]:
    """``data/beyond.json`` (CPUID bits, XCR0 states, Windows and macOS names): off Linux only."""
    return load_table(_BEYOND_PATH, _beyond_rows)


def pf_ids() -> list[int]:
    """The ``IsProcessorFeaturePresent`` ids the probe asks about on Windows."""
    return [int(row["id"]) for row in load_beyond()["windows"]["features"]]
