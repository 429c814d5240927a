"""variant-detect aarch64 provider: Arm architecture version and ISA extensions.

This module is the plugin itself: an entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-aarch64"]`` makes
variantlib import this module and call the functions below.
"""

from __future__ import annotations

from variant_detect_aarch64._provider import VERSION_ENV, AArch64Provider

__version__ = AArch64Provider.version
__all__ = [
    "VERSION_ENV",
    "AArch64Provider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
]

plugin = AArch64Provider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
