"""variant-detect tpu provider: is there a Google TPU on this machine?

This module is the plugin itself: the entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-tpu"]`` makes
variantlib import this module and call the functions below. It answers
``tpu :: present :: true`` or ``false`` exactly as uv's builtin
``tpu-variant-provider`` 0.1.0 does (one value, no fallback list).
"""

from __future__ import annotations

from variant_detect_tpu._provider import FORCE_ENV, TpuProvider

__version__ = TpuProvider.version
__all__ = [
    "FORCE_ENV",
    "TpuProvider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
    "stands_in_for",
]

plugin = TpuProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
stands_in_for = plugin.stands_in_for
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
