"""The nvidia tables (``data/nvidia.json``), loaded on first use.

The JSON is the source of truth (each row cites NVIDIA's release notes or the
reference provider); ``data/nvidia.schema.json`` describes it and the test
suite validates it. Nothing here runs on a machine without an NVIDIA driver.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "nvidia.json")


class Tables:
    """Value ranges, driver branches and error names."""

    __slots__ = ("branches", "cuda_errors", "cuda_major", "cuda_minor", "min_cc", "nvml_errors", "sm_major", "sm_minor")

    def __init__(self, data: dict[str, Any]) -> None:
        ranges = data["ranges"]
        self.cuda_major = _range(ranges["cuda_major"])
        self.cuda_minor = _range(ranges["cuda_minor"])
        self.sm_major = _range(ranges["sm_major"])
        self.sm_minor = _range(ranges["sm_minor"])
        self.min_cc = _range(ranges["min_compute_capability"])
        self.branches: list[tuple[int, tuple[int, int]]] = sorted(
            (int(row["branch"]), _pair(row["cuda"])) for row in data["driver_branches"]
        )
        self.nvml_errors = {
            int(row["code"]): (str(row["name"]), str(row.get("hint", ""))) for row in data["nvml_errors"]
        }
        self.cuda_errors = {
            int(row["code"]): (str(row["name"]), str(row.get("hint", ""))) for row in data["cuda_errors"]
        }

    def cuda_in_range(self, version: tuple[int, int]) -> bool:
        """Inside 11.0 .. 15.20, compared as numbers (12.9 < 12.10), like packaging's Version."""
        low = (self.cuda_major[0], self.cuda_minor[0])
        high = (self.cuda_major[1], self.cuda_minor[1])
        return low <= version <= high

    def native_cuda(self, branch: int) -> tuple[int, int] | None:
        """The CUDA version the libcuda of driver branch *branch* reports, if the table knows.

        Windows numbers a branch's later releases one up (R580: 580.88 ... 581.57),
        so a branch matches the rows up to nine above it; a driver ten or more
        above the newest row is newer than this table and gets None.
        """
        found = None
        for row_branch, cuda in self.branches:
            if row_branch <= branch:
                found = cuda
        if found is None or branch >= self.branches[-1][0] + 10:
            return None
        return found

    def error_text(self, library: str, code: int, name: str = "") -> str:
        """``4 (NVML_ERROR_NO_PERMISSION: this user may not ...)``."""
        known_name, hint = (self.nvml_errors if library == "nvml" else self.cuda_errors).get(code, (name, ""))
        label = known_name or name or "unknown error"
        return f"{code} ({label}: {hint})" if hint else f"{code} ({label})"


def _range(pair: list[int]) -> tuple[int, int]:
    return int(pair[0]), int(pair[1])


def _pair(text: str) -> tuple[int, int]:
    major, _, minor = text.partition(".")
    return int(major), int(minor or 0)


def load() -> Tables:
    return load_table(_TABLE_PATH, Tables)
