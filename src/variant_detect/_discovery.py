"""Find ``variant_plugins`` entry points without ``importlib.metadata``.

``importlib.metadata.entry_points()`` costs about 28 ms in a fresh interpreter
(it imports email, zipfile, csv and friends and builds a Distribution for every
installed package). We only need one INI section, so we list each ``sys.path``
directory once and read the ``entry_points.txt`` of its ``*.dist-info`` /
``*.egg-info`` directories, first occurrence of a distribution winning, as
importlib.metadata does. Zipped paths and custom finders are not scanned; a
plugin installed that way is found by ``importlib.metadata`` in
:func:`find_plugins_slow`, which the CLI uses when asked (``--slow-discovery``).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

GROUP = "variant_plugins"


class PluginEntry:
    """One entry point of group ``variant_plugins``: namespace = entry-point name."""

    __slots__ = ("distribution", "location", "namespace", "value", "version")

    def __init__(self, namespace: str, value: str, distribution: str, version: str, location: str) -> None:
        self.namespace = namespace
        self.value = value
        self.distribution = distribution
        self.version = version
        self.location = location

    def load(self) -> object:
        """Import the object the entry point names, as variantlib does."""
        import importlib

        module_name, _, attr_path = self.value.partition(":")
        obj: object = importlib.import_module(module_name.strip())
        for attr in filter(None, attr_path.strip().split(".")):
            obj = getattr(obj, attr)
        # A provider module built on the runtime keeps its Provider as ``_plugin``
        # (PEP 850: a plugin's extra attributes start with ``_``); in-process we use
        # that object, so the probe seam (fixtures, the cache, --explain) applies.
        inner = getattr(obj, "_plugin", None)
        if inner is not None:
            from variant_detect_runtime import Provider

            if isinstance(inner, Provider):
                return inner
        return obj

    def __repr__(self) -> str:
        return f"PluginEntry({self.namespace!r}, {self.value!r}, {self.distribution!r}, {self.version!r})"


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name (``Variant_Detect.x86`` -> ``variant-detect-x86``)."""
    out = []
    previous_dash = False
    for char in name.lower():
        if char in "-_.":
            if not previous_dash:
                out.append("-")
            previous_dash = True
        else:
            out.append(char)
            previous_dash = False
    return "".join(out)


def _split_metadata_dir(dirname: str) -> tuple[str, str]:
    stem = dirname.rsplit(".", 1)[0]  # drop .dist-info / .egg-info
    name, _, rest = stem.partition("-")
    version = rest.split("-", 1)[0] if rest else ""
    return name, version


def parse_entry_points(text: str, group: str = GROUP) -> Iterator[tuple[str, str]]:
    """Yield ``(name, value)`` of *group* from an ``entry_points.txt``."""
    in_group = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            in_group = line[1:-1].strip() == group
            continue
        if in_group and "=" in line:
            name, _, value = line.partition("=")
            yield name.strip(), value.strip()


def _scan_dir(entry: str, seen: set[str]) -> Iterator[PluginEntry]:
    try:
        names = sorted(os.listdir(entry or "."))
    except OSError:
        return
    for dirname in names:
        if not (dirname.endswith(".dist-info") or dirname.endswith(".egg-info")):
            continue
        dist, version = _split_metadata_dir(dirname)
        key = normalize(dist)
        if key in seen:
            continue
        seen.add(key)
        try:
            with open(os.path.join(entry, dirname, "entry_points.txt"), encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        if GROUP not in text:
            continue
        for name, value in parse_entry_points(text):
            yield PluginEntry(name, value, key, version, os.path.join(entry, dirname))


def find_plugins(paths: Iterable[str] | None = None) -> list[PluginEntry]:
    """Every ``variant_plugins`` entry point visible on *paths* (default ``sys.path``)."""
    seen: set[str] = set()
    found: list[PluginEntry] = []
    for entry in sys.path if paths is None else paths:
        found.extend(_scan_dir(entry, seen))
    return found


def find_plugins_slow() -> list[PluginEntry]:
    """The same answer through ``importlib.metadata`` (zip imports, custom finders)."""
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points().select(group=GROUP):
        dist = ep.dist
        name = normalize(dist.metadata["Name"]) if dist is not None else ""
        version = dist.version if dist is not None else ""
        found.append(PluginEntry(ep.name, ep.value, name, version, ""))
    return found
