"""The fictional_hw tables (``data/fictional_hw.json``), loaded on first use.

Tables are data, not code: the JSON is the source of truth, each row cites
where its fact comes from, ``data/fictional_hw.schema.json`` describes it, and a
test validates one against the other. A new device generation is then a
one-row change that a reviewer can check against the vendor's documentation.
"""

from __future__ import annotations

from variant_detect_runtime import load_table

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "fictional_hw.json")


class Tables:
    """Architectures (newest first) and compute capabilities (lowest first)."""

    __slots__ = ("architectures", "capabilities", "driver_names")

    def __init__(self, architectures: list[str], driver_names: dict[str, str], capabilities: list[str]) -> None:
        self.architectures = architectures
        self.driver_names = driver_names
        self.capabilities = capabilities




def from_json(data: dict[str, Any]) -> Tables:
    architectures = [str(row["name"]) for row in data["architectures"]]
    driver_names = {str(alias): str(row["name"]) for row in data["architectures"] for alias in row["driver_names"]}
    capabilities = [str(row["name"]) for row in data["compute_capabilities"]]
    return Tables(architectures, driver_names, capabilities)


def load() -> Tables:
    return load_table(_TABLE_PATH, from_json)
