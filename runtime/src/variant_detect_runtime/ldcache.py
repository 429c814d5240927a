"""A pure reader of glibc's ``/etc/ld.so.cache``: bytes in, ``(flags, soname, path)`` out.

Reading the cache ourselves costs a file read (tens of KiB) instead of
``ldconfig -p`` (a process, ~1 ms, and musl has no ldconfig at all), and a
fixture can keep the bytes as they were.

The layouts come from glibc ``sysdeps/generic/dl-cache.h`` (facts only):

* old format (libc5, glibc < 2.2): ``"ld.so-1.7.0"`` (11 bytes, padded to 12),
  ``uint32 nlibs``, then ``nlibs`` entries of ``int32 flags, uint32 key, uint32
  value`` (12 bytes). String offsets count from the end of the entry array.
* new format (``"glibc-ld.so.cache" "1.1"``, 20 bytes): ``uint32 nlibs``,
  ``uint32 len_strings``, ``uint8 flags`` (bits 0-1: 0 unknown, 1 invalid,
  2 little endian, 3 big endian), 3 padding bytes, ``uint32[4]`` unused or
  extension offset: a 48-byte header. Entries are 24 bytes: ``int32 flags,
  uint32 key, uint32 value, uint32 osversion, uint64 hwcap``. String offsets
  count from the start of the new header.
* compat format (what glibc 2.2-2.31 wrote by default): a complete old-format
  table followed, at the next 8-byte boundary, by a new-format table; the
  new one is authoritative.

Part of the core so every provider that needs the system library cache
(blas_lapack, mpi) shares one reader: providers never import one another.
"""

from __future__ import annotations

OLD_MAGIC = b"ld.so-1.7.0"
NEW_MAGIC = b"glibc-ld.so.cache1.1"
OLD_HEADER = 16
OLD_ENTRY = 12
NEW_HEADER = 48
NEW_ENTRY = 24
# A real cache holds a few thousand entries; anything past this is garbage.
MAX_ENTRIES = 1 << 20


class LdCacheError(ValueError):
    """The bytes are not a well-formed ld.so.cache."""


class _Layout:
    __slots__ = ("byteorder", "count", "entries_at", "entry_size", "strings_at")

    def __init__(self, entries_at: int, count: int, entry_size: int, strings_at: int, byteorder: str) -> None:
        self.entries_at = entries_at
        self.count = count
        self.entry_size = entry_size
        self.strings_at = strings_at
        self.byteorder = byteorder


def _u32(data: bytes, offset: int, byteorder: str) -> int:
    return int.from_bytes(data[offset : offset + 4], byteorder)  # type: ignore[arg-type]


def _check_table(data: bytes, entries_at: int, count: int, size: int, what: str) -> None:
    if count > MAX_ENTRIES:
        raise LdCacheError(f"{what} header claims {count} entries; expected at most {MAX_ENTRIES}")
    end = entries_at + count * size
    if end > len(data):
        raise LdCacheError(f"{what} table of {count} entries needs {end} bytes, the file has {len(data)} (truncated)")


def _new_layout(data: bytes, base: int) -> _Layout:
    if len(data) < base + NEW_HEADER:
        raise LdCacheError(f"new-format header cut off: {len(data) - base} bytes, expected {NEW_HEADER}")
    endian = data[base + 28] & 3
    if endian == 1:
        raise LdCacheError("header flags mark the cache invalid (ldconfig was interrupted?)")
    byteorder = "big" if endian == 3 else "little"
    count = _u32(data, base + 20, byteorder)
    if endian == 0 and count * NEW_ENTRY + base + NEW_HEADER > len(data):
        # No endianness mark (ldconfig before glibc 2.33): try the other order.
        byteorder = "big"
        count = _u32(data, base + 20, byteorder)
    _check_table(data, base + NEW_HEADER, count, NEW_ENTRY, "new-format")
    return _Layout(base + NEW_HEADER, count, NEW_ENTRY, base, byteorder)


def _layout(data: bytes) -> _Layout:
    if data.startswith(NEW_MAGIC):
        return _new_layout(data, 0)
    if not data.startswith(OLD_MAGIC):
        raise LdCacheError(f"unknown magic {data[:20]!r}; expected {OLD_MAGIC!r} or {NEW_MAGIC!r}")
    if len(data) < OLD_HEADER:
        raise LdCacheError(f"old-format header cut off: {len(data)} bytes, expected {OLD_HEADER}")
    byteorder = "little"
    count = _u32(data, 12, byteorder)
    if OLD_HEADER + count * OLD_ENTRY > len(data):
        byteorder = "big"  # the old format has no endianness mark
        count = _u32(data, 12, byteorder)
    _check_table(data, OLD_HEADER, count, OLD_ENTRY, "old-format")
    end = OLD_HEADER + count * OLD_ENTRY
    new_at = (end + 7) & ~7
    if data[new_at : new_at + len(NEW_MAGIC)] == NEW_MAGIC:
        return _new_layout(data, new_at)
    return _Layout(OLD_HEADER, count, OLD_ENTRY, end, byteorder)


def _string(data: bytes, layout: _Layout, offset: int, index: int) -> str:
    start = layout.strings_at + offset
    stop = data.find(b"\0", start)
    if start >= len(data) or stop < 0:
        raise LdCacheError(f"entry {index}: string offset {offset} points outside the file ({len(data)} bytes)")
    return data[start:stop].decode("utf-8", "surrogateescape")


def _entry(data: bytes, layout: _Layout, index: int) -> tuple[int, str, str]:
    at = layout.entries_at + index * layout.entry_size
    flags = _u32(data, at, layout.byteorder)
    key = _u32(data, at + 4, layout.byteorder)
    value = _u32(data, at + 8, layout.byteorder)
    return (flags, _string(data, layout, key, index), _string(data, layout, value, index))


def entries(data: bytes) -> list[tuple[int, str, str]]:
    """Every ``(flags, soname, path)`` in the cache; raises LdCacheError on garbage."""
    layout = _layout(data)
    return [_entry(data, layout, index) for index in range(layout.count)]


def find(data: bytes, prefixes: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """Entries whose soname starts with one of *prefixes*.

    The header is always checked (a corrupt cache is an error even when it
    holds nothing we want); the entries are decoded only when one of the
    prefixes occurs in the bytes at all, which keeps the common "nothing
    installed" case at a few microseconds.
    """
    layout = _layout(data)
    if not any(prefix.encode() in data for prefix in prefixes):
        return []
    found = []
    for index in range(layout.count):
        at = layout.entries_at + index * layout.entry_size
        key = _string(data, layout, _u32(data, at + 4, layout.byteorder), index)
        if key.startswith(prefixes):
            found.append(_entry(data, layout, index))
    return found
