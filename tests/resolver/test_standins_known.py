"""The resolver's fast-path copy of our providers' stand-in declarations stays exact."""

from __future__ import annotations

from variant_detect._discovery import find_plugins
from variant_detect._resolver._standins import KNOWN
from variant_detect_runtime import Provider


def test_known_equals_what_our_providers_declare() -> None:
    declared = {}
    for entry in find_plugins():
        plugin = entry.load()
        if isinstance(plugin, Provider) and plugin.stands_in_for:
            declared[entry.distribution] = plugin.stands_in_for
    assert "variant-detect-x86-64" in declared
    installed = {e.distribution for e in find_plugins()}
    assert declared == {d: pins for d, pins in KNOWN.items() if d in installed}
