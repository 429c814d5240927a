"""Run amd-variant-provider 0.0.2's own plugin on forced and recorded cases; print its answers.

Usage, in a scratch environment where its ``amd_variant_provider`` package (the
``amd_variant_provider-0.0.2-py3-none-any.whl`` its repository publishes,
github.com/wheelnext/amd-variant-provider ``docs/amd-variant-provider/``) is importable, on a
machine without ROCm (no ``rocminfo``, ``rocm_agent_enumerator``, ``/opt/rocm``)::

    python published_amd.py HW_FIXTURES_DIR > answers.json

Cases (``"<gfx>|<rocm>|<fixture>"``):

* its two override variables, ``AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH`` (a list) and
  ``AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION`` (``X.Y.Z``, the only form it accepts), each set or not;
* every AMD fixture's recorded ``/opt/rocm/.info/version``, which it reads through ``ROCM_PATH``,
  with the GPU list forced (it would find the GPUs through ``rocminfo``, which no fixture recorded).

Each case runs in a fresh child interpreter (the plugin caches its answers).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

GFX = ("", "gfx90a", "gfx942", "gfx1100", "gfx1201", "gfx908,gfx90a", "gfx1100 gfx1030", "gfx942;gfx90a")
ROCM = ("", "6.3.0", "6.4.1", "7.0.0", "7.1.2")
FORCED_GFX_FOR_FILES = "gfx942"
CHILD = """
import json, logging
logging.disable(logging.CRITICAL)
from amd_variant_provider.plugin import AMDVariantPlugin
print(json.dumps([[c.name, list(c.values)] for c in AMDVariantPlugin.get_supported_configs()]))
"""


def answer(gfx: str, rocm: str, rocm_path: str | None) -> list[list[object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMD_VARIANT_PROVIDER_", "ROCM_PATH"))}
    if gfx:
        env["AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH"] = gfx
    if rocm:
        env["AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION"] = rocm
    if rocm_path:
        env["ROCM_PATH"] = rocm_path
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True)
    result: list[list[object]] = json.loads(done.stdout)
    return result


def main(argv: list[str]) -> int:
    fixtures = Path(argv[0])
    out = {f"{gfx}|{rocm}|": answer(gfx, rocm, None) for gfx in GFX for rocm in ROCM}
    for directory in sorted(fixtures.glob("linux-x86_64-*/sysroot/opt/rocm/.info/version")):
        name = directory.parents[4].name
        rocm_path = str(directory.parents[1])
        out[f"{FORCED_GFX_FOR_FILES}||{name}"] = answer(FORCED_GFX_FOR_FILES, "", rocm_path)
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
