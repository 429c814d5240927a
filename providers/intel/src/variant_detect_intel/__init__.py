"""variant-detect intel provider: Intel GPU device IP versions (``device_ip``).

This module is the plugin itself: an entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-intel"]`` makes
variantlib import this module and call the functions below.
"""

from __future__ import annotations

from variant_detect_intel._provider import IntelProvider

__version__ = IntelProvider.version
__all__ = [
    "IntelProvider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
]

plugin = IntelProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
