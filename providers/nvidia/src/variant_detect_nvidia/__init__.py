"""variant-detect nvidia provider: CUDA driver version bounds and SM architectures.

This module is the plugin itself: an entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-nvidia"]`` makes
variantlib import this module and call the functions below. The features and
values are those of wheelnext's nvidia-variant-provider (and uv 0.13.8's
builtin), so wheels built for either resolve the same with this one.
"""

from __future__ import annotations

from variant_detect_nvidia._provider import FORCE_CUDA_ENV, FORCE_SM_ENV, NvidiaProvider

__version__ = NvidiaProvider.version
__all__ = [
    "FORCE_CUDA_ENV",
    "FORCE_SM_ENV",
    "NvidiaProvider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
]

plugin = NvidiaProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
