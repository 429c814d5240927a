"""variant-detect openmp provider: the order of preference among OpenMP runtimes.

This module is the plugin itself: the entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-openmp"]`` makes
variantlib import this module and call the functions below. It emits the
namespace, feature and values of wheelnext's ``openmp-variant-provider``
(``openmp :: provider :: gnu | intel | llvm``), ordered by the OpenMP runtimes
installed on this machine. Standing in for the published provider, it gives
that provider's fixed order instead (``standin()``).
"""

from __future__ import annotations

from variant_detect_openmp._provider import OVERRIDE_ENV, OpenMPProvider, PublishedOrder

__version__ = OpenMPProvider.version
__all__ = [
    "OVERRIDE_ENV",
    "OpenMPProvider",
    "PublishedOrder",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "is_build_plugin",
    "namespace",
    "plugin",
    "standin",
    "stands_in_for",
]

plugin = OpenMPProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
# The name openmp-variant-provider 0.0.2 gives the same promise (every value installs anywhere).
is_build_plugin = plugin.all_properties_compatible
stands_in_for = plugin.stands_in_for
standin = plugin.standin
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
