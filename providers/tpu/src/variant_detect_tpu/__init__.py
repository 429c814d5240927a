"""variant-detect tpu provider: is there a Google TPU on this machine?

This module is the plugin itself (PEP 850): the entry point in group
``variant_plugins`` names this module, and a variants.json that gives only
``requires = ["variant-detect-tpu"]`` makes an installer import it as the default
plugin-api. Its public attributes are the plugin API and nothing else (PEP 850
asks other attributes to start with ``_``); ``get_all_configs`` and
``all_properties_compatible`` are what variantlib 0.2.2 also reads.

It answers ``tpu :: present :: true`` or ``false`` exactly as uv's builtin
``tpu-variant-provider`` 0.1.0 does (one value, no fallback list).
"""

from variant_detect_tpu._provider import TpuProvider as _Provider

_plugin = _Provider()
__version__ = _plugin.version
__all__ = ["all_properties_compatible", "get_all_configs", "get_supported_configs", "namespace"]

namespace = _plugin.namespace
all_properties_compatible = _plugin.all_properties_compatible
get_supported_configs = _plugin.get_supported_configs
get_all_configs = _plugin.get_all_configs
