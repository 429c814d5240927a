"""The tpu table (``data/tpu.json``): Google's PCI vendor id and the TPU device ids.

The JSON is the source of truth (each row cites where it comes from);
``data/tpu.schema.json`` describes it and the test suite validates it.
Loaded on first use, and only on Linux without the override.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "tpu.json")


class Tables:
    """``vendor_id`` (``"0x1ae0"``) and device id -> generation name."""

    __slots__ = ("generations", "vendor_bytes", "vendor_id")

    def __init__(self, data: dict[str, Any]) -> None:
        self.vendor_id: str = data["vendor"]["id"]
        self.vendor_bytes = self.vendor_id.encode("ascii")
        self.generations = {str(row["id"]): str(row["generation"]) for row in data["devices"]}


def load() -> Tables:
    return load_table(_TABLE_PATH, Tables)
