"""variant-detect blas_lapack provider: the order of preference among BLAS/LAPACK backends.

This module is the plugin itself: an entry point names ``plugin``, and a
variants.json that gives only ``requires = ["variant-detect-blas-lapack"]``
makes variantlib import this module and call the functions below. It emits
the same namespace, feature and values as wheelnext's
``blas-lapack-variant-provider`` (``blas_lapack :: provider ::
accelerate | openblas | mkl``), ordered for this machine.
"""

from __future__ import annotations

from variant_detect_blas_lapack._provider import OVERRIDE_ENV, BlasLapackProvider

__version__ = BlasLapackProvider.version
__all__ = [
    "OVERRIDE_ENV",
    "BlasLapackProvider",
    "all_properties_compatible",
    "get_all_configs",
    "get_supported_configs",
    "is_aot_plugin",
    "namespace",
    "plugin",
]

plugin = BlasLapackProvider()
namespace = plugin.namespace
all_properties_compatible = plugin.all_properties_compatible
# The name wheelnext's provider used for the same promise, before variantlib 0.2.2.
is_aot_plugin = plugin.all_properties_compatible
get_supported_configs = plugin.get_supported_configs
get_all_configs = plugin.get_all_configs
