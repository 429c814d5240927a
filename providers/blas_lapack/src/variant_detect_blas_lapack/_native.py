"""Live bindings behind ``probe.library(...)``: part of the probe layer, never used on replay."""

from __future__ import annotations


class PythonBinding:
    """Live answers about this interpreter; recorded as library ``python``."""

    def sys_paths(self) -> dict[str, object]:
        import sys

        return {"prefix": sys.prefix, "base_prefix": sys.base_prefix, "path": list(sys.path)}
