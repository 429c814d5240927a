"""variant-detect amd provider: AMD GPU targets and the ROCm release.

This module is the plugin itself: an entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-amd"]`` makes
variantlib import this module and call the functions below.
"""

from __future__ import annotations

from variant_detect_amd._provider import AMDProvider

__version__ = AMDProvider.version
__all__ = [
    "AMDProvider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
]

plugin = AMDProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
