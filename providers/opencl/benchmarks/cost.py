"""In-process cost of the opencl provider on this machine (live probe).

    python providers/opencl/benchmarks/cost.py [runs]

Prints the import cost (first import, in a fresh interpreter) and the median
and best cost of one detection, measured with time.perf_counter. On a machine
without an OpenCL loader or ICD the target is under 2 ms for both together, and neither
pyopencl nor amdsmi may be imported, nor a child process started.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

MODULE = "variant_detect_opencl"
HEAVY = ("amdsmi", "pyopencl", "numpy", "ctypes")

# The core (variant_detect._provider, _probe) is imported first: every provider
# shares it, so it is not this provider's cost.
IMPORT_SNIPPET = f"""
import time, sys
import variant_detect._provider
from variant_detect._probe import LiveProbe
t = time.perf_counter()
import {MODULE} as m
t1 = time.perf_counter()
m.plugin.detect(LiveProbe())
t2 = time.perf_counter()
print((t1 - t) * 1e3, (t2 - t1) * 1e3, ",".join(h for h in {HEAVY!r} if h in sys.modules))
"""


def first_run(samples: int = 15) -> tuple[float, float, str]:
    imports, detects, heavy = [], [], ""
    for _ in range(samples):
        out = subprocess.run([sys.executable, "-c", IMPORT_SNIPPET], capture_output=True, text=True, check=True)
        a, b, heavy = [*out.stdout.split(), ""][:3]
        imports.append(float(a))
        detects.append(float(b))
    return statistics.median(imports), statistics.median(detects), heavy


def warm(runs: int) -> list[float]:
    import importlib

    from variant_detect._probe import LiveProbe

    plugin = importlib.import_module(MODULE).plugin
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        plugin.detect(LiveProbe())
        times.append((time.perf_counter() - start) * 1e3)
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    imported, first, heavy = first_run()
    times = warm(runs)
    total = imported + first
    print(f"{MODULE}: import {imported:.3f} ms + first detect {first:.3f} ms = {total:.3f} ms (median of 15)")
    print(f"{MODULE}: warm detect median {statistics.median(times):.4f} ms, best {min(times):.4f} ms ({runs} runs)")
    print(f"{MODULE}: heavy modules imported: {heavy or 'none'}")


if __name__ == "__main__":
    main()
