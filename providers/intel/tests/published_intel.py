"""Run intel-variant-provider's own plugin on recorded Level Zero answers.

Its wheels (0.0.2, 0.0.3) are not on PyPI; they live in the repository
github.com/wheelnext/intel-variant-provider under docs/intel-variant-provider/.
Point VARIANT_DETECT_TEST_INTEL_WHEELS at a folder holding them unpacked as
``<version>/intel_variant_provider/...``; nothing of them is committed here.
Its Level Zero functions are replaced by ones answering the recorded devices,
so its own ordering, compat and filtering code runs unchanged.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from types import SimpleNamespace
from typing import Any

ENV = "VARIANT_DETECT_TEST_INTEL_WHEELS"
FORCE = "INTEL_VARIANT_PROVIDER_FORCE_DEVICE_IP"


def available(version: str) -> str | None:
    root = os.environ.get(ENV)
    path = os.path.join(root, version) if root else None
    return path if path and os.path.isdir(os.path.join(path, "intel_variant_provider")) else None


def _load(version: str) -> Any:
    path = available(version)
    assert path is not None
    for name in [m for m in sys.modules if m.split(".")[0] == "intel_variant_provider"]:
        del sys.modules[name]
    sys.path.insert(0, path)
    try:
        return importlib.import_module("intel_variant_provider.plugin")
    finally:
        sys.path.remove(path)


def answer(version: str, devices: list[list[int]], force: str | None = None) -> list[str]:
    """The published ``get_supported_configs()`` device_ip values for Level Zero *devices*."""
    module = _load(version)

    def properties(device: list[int], extensions: list[Any]) -> Any:
        extensions[0].ipVersion = device[2]
        return SimpleNamespace(vendorId=device[0], deviceId=device[1])

    module.zeInitDrivers = lambda desc: [devices]
    module.zeDeviceGet = lambda driver: driver
    module.zeDeviceGetProperties = properties
    saved = os.environ.pop(FORCE, None)
    if force is not None:
        os.environ[FORCE] = force
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            configs = module.IntelVariantPlugin.get_supported_configs()
    finally:
        os.environ.pop(FORCE, None)
        if saved is not None:
            os.environ[FORCE] = saved
    return [str(v) for c in configs for v in c.values]


def all_configs(version: str) -> list[str]:
    module = _load(version)
    return [str(v) for c in module.IntelVariantPlugin.get_all_configs() for v in c.values]
