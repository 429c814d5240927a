"""Run nvidia-variant-provider's own plugin on forced CUDA versions and SM architectures.

Usage, in a scratch environment where its ``nvidia_variant_provider`` package (from
github.com/wheelnext/nvidia-variant-provider at tag v0.0.1 or v0.0.2, with ``packaging``
installed) is importable::

    python published_nvidia.py > answers.json

Its two override variables (``NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION``,
``NV_VARIANT_PROVIDER_FORCE_SM_ARCH``) replace everything it would probe, so no GPU is needed.
Each case runs in a fresh child interpreter (the plugin caches its answers). Prints
``{"<cuda>|<sm>": [[feature, [values]], ...]}`` for the grid below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

CUDA = ("10.2", "11.0", "11.8", "12.0", "12.1", "12.4", "12.6", "12.8", "12.9", "13.0", "13.1", "14.2", "15.20", "16.0")
SM = ("3.5", "5.0", "5.2", "6.0", "6.1", "7.0", "7.5", "8.0", "8.6", "8.9", "9.0", "10.0", "12.0", "12.1")
CHILD = """
import json, warnings
warnings.simplefilter("ignore")
from nvidia_variant_provider.plugin import NvidiaVariantPlugin
try:
    configs = NvidiaVariantPlugin().get_supported_configs()
except TypeError:
    configs = NvidiaVariantPlugin().get_supported_configs(None)
print(json.dumps([[c.name, list(c.values)] for c in configs]))
"""


def answer(cuda: str, sm: str) -> list[list[object]]:
    env = {
        **os.environ,
        "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": cuda,
        "NV_VARIANT_PROVIDER_FORCE_SM_ARCH": sm,
    }
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True)
    result: list[list[object]] = json.loads(done.stdout)
    return result


def main() -> int:
    out = {f"{cuda}|{sm}": answer(cuda, sm) for cuda in CUDA for sm in SM}
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
