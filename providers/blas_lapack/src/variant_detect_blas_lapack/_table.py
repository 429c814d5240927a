"""The blas_lapack tables (``data/blas_lapack.json``), loaded on first use.

The JSON is the source of truth (each row cites where the fact comes from);
``data/blas_lapack.schema.json`` describes it and the test suite validates it.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "blas_lapack.json")


class Tables:
    """Read-only views of the JSON table, shaped for the parser."""

    __slots__ = (
        "accelerate_min_darwin",
        "accelerate_min_macos",
        "flexiblas_backends",
        "flexiblas_soname",
        "flexiblas_system_config",
        "flexiblas_user_config",
        "ld_cache_flags",
        "library_names",
        "prefix_libraries",
        "python_dirs",
        "system_sonames",
        "values",
    )

    def __init__(self, data: dict[str, Any]) -> None:
        self.values: tuple[str, ...] = tuple(data["values"]["order"])
        self.library_names = [(str(r["prefix"]).lower(), str(r["backend"])) for r in data["library_names"]]
        self.python_dirs = [tuple(r["path"]) for r in data["python_dirs"]]
        self.prefix_libraries = [
            (str(r["system"]), tuple(r["path"]), str(r["backend"])) for r in data["prefix_libraries"]
        ]
        self.system_sonames = [(str(r["prefix"]), str(r["backend"])) for r in data["system_sonames"]]
        flexiblas = data["flexiblas"]
        self.flexiblas_soname: str = flexiblas["soname_prefix"]
        self.flexiblas_system_config: str = flexiblas["system_config"]
        self.flexiblas_user_config: str = flexiblas["user_config"]
        self.flexiblas_backends = [(str(r["contains"]), str(r["backend"])) for r in flexiblas["backends"]]
        self.ld_cache_flags = {str(r["machine"]): int(r["flags"]) for r in data["ld_cache_flags"]}
        self.accelerate_min_macos: tuple[int, int] = tuple(data["accelerate"]["min_macos"])
        self.accelerate_min_darwin: tuple[int, int] = tuple(data["accelerate"]["min_darwin"])

    def backend_of_file(self, name: str) -> str | None:
        """The backend a library file name belongs to (``libscipy_openblas64_-ab12.so`` -> openblas)."""
        lower = name.lower()
        for prefix, backend in self.library_names:
            if lower.startswith(prefix):
                return backend
        return None

    def soname_prefixes(self) -> tuple[str, ...]:
        return (*(prefix for prefix, _b in self.system_sonames), self.flexiblas_soname)


def load() -> Tables:
    return load_table(_TABLE_PATH, Tables)
