"""Write ld.so.cache files the way glibc's ldconfig lays them out (for fixtures and tests).

The spec-derived fixtures' ``sysroot/etc/ld.so.cache`` were written with this
script, from the layout in glibc ``sysdeps/generic/dl-cache.h``::

    python -m variant_detect_runtime._ldcache_writer OUT [--format new|old|compat] \
        'libopenblas.so.0=/usr/lib/x86_64-linux-gnu/libopenblas.so.0' ...

Flags default to ``0x0303`` (libc6, x86-64), as ldconfig on x86-64 writes them.
"""

from __future__ import annotations

import sys
from typing import Literal

NEW_MAGIC = b"glibc-ld.so.cache1.1"
OLD_MAGIC = b"ld.so-1.7.0"
X86_64_LIBC6 = 0x0303


def _strings(entries: list[tuple[int, str, str]]) -> tuple[bytes, list[tuple[int, int]]]:
    table = b""
    offsets = []
    for _flags, key, value in entries:
        pair = []
        for text in (key, value):
            pair.append(len(table))
            table += text.encode() + b"\0"
        offsets.append((pair[0], pair[1]))
    return table, offsets


def new_format(entries: list[tuple[int, str, str]], byteorder: str = "little", flags_byte: int | None = None) -> bytes:
    table, offsets = _strings(entries)
    start = 48 + 24 * len(entries)
    order: Literal["little", "big"] = "big" if byteorder == "big" else "little"
    mark = (3 if order == "big" else 2) if flags_byte is None else flags_byte
    head = NEW_MAGIC + len(entries).to_bytes(4, order) + len(table).to_bytes(4, order) + bytes([mark, 0, 0, 0])
    head += b"\0" * 16
    body = b""
    for (flags, _k, _v), (key, value) in zip(entries, offsets, strict=True):
        body += flags.to_bytes(4, order) + (start + key).to_bytes(4, order) + (start + value).to_bytes(4, order)
        body += b"\0" * 4 + b"\0" * 8
    return head + body + table


def old_format(entries: list[tuple[int, str, str]]) -> bytes:
    table, offsets = _strings(entries)
    head = OLD_MAGIC + b"\0" + len(entries).to_bytes(4, "little")
    body = b""
    for (flags, _k, _v), (key, value) in zip(entries, offsets, strict=True):
        body += flags.to_bytes(4, "little") + key.to_bytes(4, "little") + value.to_bytes(4, "little")
    return head + body + table


def compat_format(entries: list[tuple[int, str, str]]) -> bytes:
    """Old table first, then the new one at the next 8-byte boundary (glibc 2.2-2.31)."""
    new = new_format(entries)
    old_end = 16 + 12 * len(entries)
    pad = ((old_end + 7) & ~7) - old_end
    # Old entries point into the new table's strings: count from the end of the old entries.
    strings_in_new = 48 + 24 * len(entries)
    _table, offsets = _strings(entries)
    head = OLD_MAGIC + b"\0" + len(entries).to_bytes(4, "little")
    body = b""
    for (flags, _k, _v), (key, value) in zip(entries, offsets, strict=True):
        base = pad + strings_in_new
        body += flags.to_bytes(4, "little") + (base + key).to_bytes(4, "little") + (base + value).to_bytes(4, "little")
    return head + body + b"\0" * pad + new


USAGE = "usage: python -m variant_detect_runtime._ldcache_writer OUT [--format new|old|compat] SONAME=PATH ..."


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    out, rest = argv[0], argv[1:]
    fmt = "new"
    if rest[:1] == ["--format"]:
        if len(rest) < 2 or rest[1] not in ("new", "old", "compat"):
            print(f"{USAGE}\n--format expects new, old or compat, got {rest[1:2]}", file=sys.stderr)
            return 2
        fmt, rest = rest[1], rest[2:]
    entries = []
    for item in rest:
        soname, _, path = item.partition("=")
        entries.append((X86_64_LIBC6, soname, path))
    writer = {"new": new_format, "old": old_format, "compat": compat_format}[fmt]
    with open(out, "wb") as handle:
        handle.write(writer(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
