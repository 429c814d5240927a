"""What the openmp and tpu providers add to ``variant-detect --json`` on a machine without the hardware.

Run: ``python tests/benchmarks/openmp_tpu.py [N]``. Prints, per provider,

* the import: modules the plugin's module brings beyond the runtime (``-X importtime``, a fresh
  interpreter, best of 5), and the heavy ones it must never import;
* ``detect()`` in-process on this machine (live probe): the first call (loads the JSON table) and
  the median / minimum of N more;
* the same on the no-hardware fixtures replayed (the fixture's own file count, not this machine's).

Target (issue 15): under 1 ms each in-process, no heavy import. Exits 1 when a median is over it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "hw_fixtures"))
TARGET_MS = 1.0
HEAVY = ("attrs", "packaging", "numpy", "ctypes", "threadpoolctl", "importlib.metadata", "json")
PROVIDERS = {
    "openmp": ("variant_detect_openmp", "linux-x86_64-sapphirerapids-no-openmp"),
    "tpu": ("variant_detect_tpu", "linux-x86_64-sapphirerapids-no-tpu"),
}


def import_cost(module: str) -> tuple[float, list[str]]:
    """(ms of self time of modules imported after the runtime, their names), best of 5."""
    best: tuple[float, list[str]] | None = None
    code = f"import variant_detect_runtime; import {module}"
    for _ in range(5):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
        ).stderr
        lines = [line for line in err.splitlines() if line.startswith("import time:") and "|" in line]
        names = [line.rsplit("|", 1)[1].strip() for line in lines]
        start = next(i for i, name in enumerate(names) if name.strip() == "variant_detect_runtime") + 1
        own = lines[start:]
        total = sum(int(line.split("|")[0].split(":")[1]) for line in own) / 1000
        found = [line.rsplit("|", 1)[1].strip() for line in own]
        if best is None or total < best[0]:
            best = (total, found)
    assert best is not None
    return best


def bench(run: object, n: int) -> tuple[float, float, float]:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    first = (time.perf_counter() - start) * 1e3
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1e3)
    return first, statistics.median(times), min(times)


def main(n: int) -> int:
    import importlib

    from variant_detect_runtime import LiveProbe, ReplayProbe

    over = False
    live = LiveProbe()
    for namespace, (module_name, fixture) in PROVIDERS.items():
        ms, modules = import_cost(module_name)
        heavy = [m for m in modules if m in HEAVY or m.startswith(tuple(h + "." for h in HEAVY))]
        print(f"{namespace}: import {ms:.3f} ms ({len(modules)} modules: {', '.join(modules)}); heavy: {heavy or 'none'}")
        plugin = importlib.import_module(module_name).plugin
        replayed = ReplayProbe(os.path.join(FIXTURES, fixture), overrides={})
        for label, probe in (("live (this machine)", live), (f"replay {fixture}", replayed)):
            first, median, best = bench(lambda p=probe: plugin.detect(p), n)  # type: ignore[misc]
            print(f"  detect, {label:<48} first {first:7.3f} ms  median {median:7.3f} ms  min {best:7.3f} ms")
            over = over or median > TARGET_MS
        over = over or bool(heavy)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
