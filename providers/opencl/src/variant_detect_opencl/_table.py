"""The opencl tables (``data/opencl.json``), loaded on first use.

OpenCL versions (highest first), the device-type bits in preference order and
the ``CL_DEVICE_VENDOR_ID`` values the provider names, each row citing its
source; ``data/opencl.schema.json`` describes the file and the tests validate it.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "opencl.json")


class Tables:
    __slots__ = ("device_types", "vendor_names", "vendors", "versions")

    def __init__(self, versions: list[str], device_types: list[tuple[str, int]], vendors: dict[int, str]) -> None:
        self.versions = versions
        self.device_types = device_types
        self.vendors = vendors
        self.vendor_names = list(dict.fromkeys(vendors.values()))


def from_json(data: dict[str, Any]) -> Tables:
    versions = [str(row["version"]) for row in data["versions"]]
    types = [(str(row["name"]), int(row["bit"])) for row in data["device_types"]]
    vendors = {int(row["vendor_id"]): str(row["name"]) for row in data["vendors"]}
    return Tables(versions, types, vendors)


def load() -> Tables:
    return load_table(_TABLE_PATH, from_json)
