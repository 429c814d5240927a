"""variant-detect x86_64 provider: x86-64 psABI level and ISA extensions.

This module is the plugin itself: an entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-x86-64"]`` makes
variantlib import this module and call the functions below.
"""

from __future__ import annotations

from variant_detect_x86_64._provider import LEVEL_ENV, X8664Provider

__version__ = X8664Provider.version
__all__ = [
    "LEVEL_ENV",
    "X8664Provider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
]

plugin = X8664Provider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
