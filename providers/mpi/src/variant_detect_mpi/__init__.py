"""variant-detect mpi provider: MPI implementations, ABIs and standard version.

This module is the plugin itself: an entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-mpi"]`` makes
variantlib import this module and call the functions below.
"""

from __future__ import annotations

from variant_detect_mpi._provider import ABI_ENV, MpiProvider

__version__ = MpiProvider.version
__all__ = [
    "ABI_ENV",
    "MpiProvider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "namespace",
    "plugin",
]

plugin = MpiProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
