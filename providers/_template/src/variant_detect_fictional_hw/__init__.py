"""variant-detect fictional_hw provider: architecture and compute capability.

<REPLACE ME>: one line on what your provider detects.

This module is the plugin itself: the entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-fictional-hw"]`` makes
variantlib import this module and call the functions below. Keep it this
small: every install that uses the plugin pays for importing it.
"""

from __future__ import annotations

from variant_detect_fictional_hw._provider import ARCHITECTURE_ENV, FictionalHwProvider

__version__ = FictionalHwProvider.version
__all__ = [
    "ARCHITECTURE_ENV",
    "FictionalHwProvider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
]

plugin = FictionalHwProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
