"""variant-detect opencl provider: OpenCL versions, GPU vendors and device types.

This module is the plugin itself: an entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-opencl"]`` makes
variantlib import this module and call the functions below.
"""

from __future__ import annotations

from variant_detect_opencl._provider import OpenCLProvider

__version__ = OpenCLProvider.version
__all__ = [
    "OpenCLProvider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
]

plugin = OpenCLProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
