"""The amd tables (``data/amd.json``), loaded on first use.

The JSON is the source of truth: the KFD ``gfx_target_version`` encoding, the
known GPU targets (each with the number KFD prints for it and its source), and
the ROCm releases ``rocm_version`` may take. ``data/amd.schema.json`` describes
it; the test suite validates it and checks every row against the rule.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "amd.json")


class Tables:
    """Known targets (by KFD number and by name) and ROCm versions, highest first."""

    __slots__ = ("by_kfd", "major_factor", "minor_factor", "rocm_versions", "target_names")

    def __init__(
        self, targets: list[tuple[str, int]], rocm_versions: list[str], major_factor: int, minor_factor: int
    ) -> None:
        self.by_kfd = {kfd: name for name, kfd in targets}
        self.target_names = [name for name, _kfd in targets]
        self.rocm_versions = rocm_versions
        self.major_factor = major_factor
        self.minor_factor = minor_factor


def from_json(data: dict[str, Any]) -> Tables:
    targets = [(str(row["name"]), int(row["kfd"])) for row in data["targets"]]
    versions = [str(row["version"]) for row in data["rocm_versions"]]
    encoding = data["kfd_encoding"]
    return Tables(targets, versions, int(encoding["major_factor"]), int(encoding["minor_factor"]))


def load() -> Tables:
    return load_table(_TABLE_PATH, from_json)
