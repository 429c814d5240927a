"""variant-detect openmp provider: the order of preference among OpenMP runtimes.

This module is the plugin itself (PEP 850): the entry point in group
``variant_plugins`` names this module, and a variants.json that gives only
``requires = ["variant-detect-openmp"]`` makes an installer import it as the default
plugin-api. Its public attributes are the plugin API and nothing else (PEP 850
asks other attributes to start with ``_``); ``get_all_configs`` and
``all_properties_compatible`` are what variantlib 0.2.2 also reads.

It emits the namespace, feature and values of wheelnext's ``openmp-variant-provider``
(``openmp :: provider :: gnu | intel | llvm``), ordered by the OpenMP runtimes installed
on this machine. Standing in for the published provider (``_plugin.stands_in_for``), it
gives that provider's fixed order instead (``_plugin.standin(pin)``).
"""

from variant_detect_openmp._provider import OpenMPProvider as _Provider

_plugin = _Provider()
__version__ = _plugin.version
__all__ = ["all_properties_compatible", "get_all_configs", "get_supported_configs", "namespace"]

namespace = _plugin.namespace
all_properties_compatible = _plugin.all_properties_compatible
get_supported_configs = _plugin.get_supported_configs
get_all_configs = _plugin.get_all_configs
