"""Wheel file names, interpreter tags, and the ``variant.json`` inside a wheel."""

from __future__ import annotations

import os
import sys

from variant_detect._exit import BadInput, MetadataError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._resolver._cache import Cache
    from variant_detect._resolver._metadata import VariantsMeta

VARIANTS_JSON_SUFFIX = "-variants.json"


class WheelName:
    """``{name}-{ver}(-{build})?-{py}-{abi}-{plat}(-{label})?.whl`` (PEP 825)."""

    __slots__ = ("build", "filename", "label", "name", "tags", "version")

    def __init__(self, filename: str) -> None:
        if not filename.endswith(".whl"):
            raise BadInput(f"{filename}: not a wheel file name (expected *.whl)")
        parts = filename[:-4].split("-")
        self.filename = filename
        self.build = ""
        self.label: str | None = None
        if len(parts) == 5:
            name, version, py, abi, plat = parts
        elif len(parts) == 6 and parts[2][:1].isdigit():
            name, version, self.build, py, abi, plat = parts
        elif len(parts) == 6:
            name, version, py, abi, plat, self.label = parts
        elif len(parts) == 7:
            name, version, self.build, py, abi, plat, self.label = parts
        else:
            raise BadInput(f"{filename}: not a wheel file name: expected 5 to 7 '-'-separated parts, got {len(parts)}")
        from variant_detect._discovery import normalize

        self.name = normalize(name)
        self.version = version
        self.tags = frozenset(f"{i}-{a}-{p}" for i in py.split(".") for a in abi.split(".") for p in plat.split("."))

    @property
    def plain_filename(self) -> str:
        """The same wheel named without its variant label (what pip accepts)."""
        if self.label is None:
            return self.filename
        return self.filename[: -len(self.label) - 5] + ".whl"


def variants_json_name(filename: str) -> tuple[str, str] | None:
    """``{name}-{version}-variants.json`` -> (normalised name, version)."""
    if not filename.endswith(VARIANTS_JSON_SUFFIX):
        return None
    stem = filename[: -len(VARIANTS_JSON_SUFFIX)]
    name, sep, version = stem.rpartition("-")
    if not sep or not name:
        return None
    from variant_detect._discovery import normalize

    return normalize(name), version


def _tag_key() -> str:
    try:
        st = os.stat(sys.executable)
        stamp = f"{st.st_mtime_ns}:{st.st_size}"
    except OSError:
        stamp = ""
    return f"{sys.executable}|{sys.version}|{stamp}|{sys.platform}"


def interpreter_tags(cache: Cache | None) -> list[str]:
    """This interpreter's wheel tags, best first (``packaging.tags``, memoised on disk)."""
    key = _tag_key()
    if cache is not None:
        stored = cache.read_memo("tags", key)
        if isinstance(stored, list) and stored:
            return [str(t) for t in stored]
    from packaging import tags

    result = [str(tag) for tag in tags.sys_tags()]
    if cache is not None:
        cache.write_memo("tags", key, result)
    return result


def read_variant_json(path: str, label: str, limit: int) -> VariantsMeta:
    """The ``*.dist-info/variant.json`` of a wheel file."""
    import zipfile

    from variant_detect._resolver._metadata import loads

    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/variant.json")]
            if len(names) != 1:
                raise MetadataError(path, "", f"expected one *.dist-info/variant.json in the wheel, found {len(names)}")
            info = archive.getinfo(names[0])
            if info.file_size > limit:
                raise MetadataError(f"{path}!{names[0]}", "", f"over the size limit of {limit} bytes")
            blob = archive.read(names[0])
    except (OSError, zipfile.BadZipFile) as exc:
        raise BadInput(f"{path}: not a readable wheel: {exc}") from None
    return loads(blob, f"{path}!{names[0]}", limit)
