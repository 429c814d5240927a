"""The few source formats the probe must read to decide what to read next.

Pure functions, shared by ``_probe`` (stop at the first version file that
parses; read versions only when a node has a GPU) and ``_parse``, so that
``_probe`` never imports ``_parse``.
"""

from __future__ import annotations

_DIGITS = frozenset("0123456789")
# KFD prints 32-bit and 64-bit unsigned values; nothing longer is a number it wrote.
_MAX_NUMBER_CHARS = 20


def parse_properties(text: str) -> tuple[dict[str, int], list[str]]:
    """``key value`` lines of a KFD properties file -> (values, malformed lines)."""
    values: dict[str, int] = {}
    bad: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or not _DIGITS.issuperset(parts[1]) or len(parts[1]) > _MAX_NUMBER_CHARS:
            bad.append(line.strip()[:60])
            continue
        values.setdefault(parts[0], int(parts[1]))
    return values, bad


def gfx_target_value(data: bytes) -> int | None:
    """The ``gfx_target_version`` of a properties file, if it has a numeric one."""
    values, _bad = parse_properties(data.decode("utf-8", errors="replace"))
    return values.get("gfx_target_version")


def has_gpu_nodes(nodes: list[tuple[str, bytes | None, str | None]]) -> bool:
    return any(data is not None and gfx_target_value(data) for _name, data, _error in nodes)


def parse_version_text(text: str) -> tuple[int, int] | None:
    """``6.4.1-83`` / ``7.0.0`` / ``6.2`` (ROCm ``.info/version``) -> (major, minor)."""
    head = text.strip().split("-", 1)[0]
    parts = head.split(".")
    if len(parts) not in (2, 3) or not all(p and _DIGITS.issuperset(p) and len(p) < 5 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def split_hip_version(value: int) -> list[int]:
    """HIP_VERSION = major*10000000 + minor*100000 + patch (hip_version.h)."""
    major, rest = divmod(value, 10_000_000)
    minor, patch = divmod(rest, 100_000)
    return [major, minor, patch]


def valid_version(version: list[int]) -> bool:
    return len(version) >= 2 and version[0] > 0 and all(v >= 0 for v in version)
