"""What the openmp and tpu providers add to ``variant-detect --json`` on a machine without the hardware.

Run: ``python tests/benchmarks/openmp_tpu.py [N]``. Prints, per provider,

* import + first ``detect()`` in a fresh interpreter that has ``json`` and the runtime loaded
  (what one ``variant-detect --json`` run pays for the provider);
* the import: modules the plugin's module brings beyond the runtime (``-X importtime``, a fresh
  interpreter, best of 5), and the heavy ones it must never import;
* ``detect()`` in-process on this machine (live probe): the first call (loads the JSON table) and
  the median / minimum of N more;
* the same on the no-hardware fixtures replayed (the fixture's own file count, not this machine's),
  and for openmp live with this machine's ld.so.cache swapped for the no-OpenMP fixture's (a machine
  without any OpenMP runtime: the cache is not parsed then).

Target (issue 15): under 1 ms each in-process, no heavy import. Exits 1 when a median is over it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe

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


def added_cost(module: str) -> float:
    """ms a fresh ``variant-detect --json`` process pays for this provider: import + first detect().

    ``json`` and the runtime are loaded first, as the command (and variantlib's loader) has them.
    Best of 7 fresh interpreters.
    """
    code = (
        "import json, time, variant_detect_runtime\n"
        "t = time.perf_counter()\n"
        f"import {module}\n"
        f"{module}._plugin.detect()\n"
        "print((time.perf_counter() - t) * 1e3)\n"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(7)
    ]
    return min(runs)


def without_openmp() -> Probe:
    """A live probe whose ld.so.cache is the no-OpenMP fixture's: this machine without libgomp."""
    path = os.path.join(FIXTURES, PROVIDERS["openmp"][1], "sysroot", "etc", "ld.so.cache")
    with open(path, "rb") as handle:
        cache = handle.read()

    from variant_detect_runtime import LiveProbe

    class NoOpenMP(LiveProbe):
        def read_bytes(self, path: str, limit: int = 1 << 20) -> bytes:
            return cache if path == "/etc/ld.so.cache" else bytes(super().read_bytes(path, limit))

    return NoOpenMP()


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
        listed = ", ".join(modules)
        print(f"{namespace}: import {ms:.3f} ms ({len(modules)} modules: {listed}); heavy: {heavy or 'none'}")
        print(f"  import + first detect() in a fresh process (json loaded): {added_cost(module_name):.3f} ms")
        plugin = importlib.import_module(module_name)._plugin
        replayed = ReplayProbe(os.path.join(FIXTURES, fixture), overrides={})
        probes = [("live (this machine)", live), (f"replay {fixture}", replayed)]
        if namespace == "openmp":
            probes.append(("live, ld.so.cache without OpenMP", without_openmp()))
        for label, probe in probes:
            first, median, best = bench(lambda p=probe, q=plugin: q.detect(p), n)
            print(f"  detect, {label:<48} first {first:7.3f} ms  median {median:7.3f} ms  min {best:7.3f} ms")
            over = over or median > TARGET_MS
        over = over or bool(heavy)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
