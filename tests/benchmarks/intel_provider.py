"""Cost of the intel provider on a machine without an Intel GPU (issue 15: under 1 ms, no heavy import).

Run: ``python tests/benchmarks/intel_provider.py [N]``. Prints

* the import of ``variant_detect_intel`` plus its first live ``detect()`` in a fresh
  interpreter that has already imported the runtime (what ``variant-detect --json``
  adds for this provider), the median of 15 fresh interpreters, and the modules
  that import brings in (no ctypes, json schema, packaging or numpy: ``_native``
  loads only when an Intel GPU needs Level Zero);
* warm ``detect()`` per call: live, and replaying a server whose only DRM card is
  not Intel and an Arc A770 workstation (first call apart: the table loads once).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "hw_fixtures"))
HEAVY = ("ctypes", "jsonschema", "packaging", "numpy", "attrs", "variant_detect_intel._native")

_CHILD = """
import sys, time, json
import variant_detect_runtime
from variant_detect_runtime import LiveProbe
probe = LiveProbe()
before = set(sys.modules)
start = time.perf_counter()
import variant_detect_intel
detection = variant_detect_intel._plugin.detect(probe)
took = time.perf_counter() - start
print(json.dumps({"ms": took * 1e3, "new": sorted(set(sys.modules) - before), "features": detection.as_profile()}))
"""


def fresh(runs: int = 15) -> tuple[float, list[str]]:
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out))
    return statistics.median(r["ms"] for r in results), results[-1]["new"]


def warm(label: str, run: object, n: int) -> None:
    first = time.perf_counter()
    run()  # type: ignore[operator]
    first = time.perf_counter() - first
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    print(f"{label:<52} first {first * 1e3:7.3f} ms   median {statistics.median(times) * 1e3:7.3f} ms")


def main(n: int) -> int:
    ms, new = fresh()
    heavy = [m for m in new if m.split(".")[0] in HEAVY or m in HEAVY]
    print(f"import + first live detect, fresh interpreter (median of 15): {ms:.3f} ms")
    print(f"modules it imports: {len(new)}: {' '.join(new)}")
    print(f"heavy imports: {heavy or 'none'}")
    import variant_detect_intel
    from variant_detect_runtime import LiveProbe, ReplayProbe

    plugin = variant_detect_intel._plugin
    live = LiveProbe()
    warm("detect, live (this machine)", lambda: plugin.detect(live), n)
    for name in ("linux-x86_64-sapphirerapids-no-gpu", "linux-x86_64-sapphirerapids-arc-a770"):
        probe = ReplayProbe(os.path.join(FIXTURES, name), overrides={})
        warm(f"detect, replay {name}", lambda p=probe: plugin.detect(p), n)  # type: ignore[misc]
    return 0 if ms < 1.0 and not heavy else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
