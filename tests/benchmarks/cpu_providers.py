"""Startup cost of the two CPU providers: probe + parse, in-process, many runs.

Run: ``python tests/benchmarks/cpu_providers.py [N]``. Prints the median
and minimum per call (ms) of

* x86_64 on this machine (live probe),
* aarch64 on this machine (live probe; on an x86 host it stops at the platform check),
* aarch64 replaying an aarch64 fixture (this x86 host as a Graviton4, Apple M4, ...).

The target (issue 4): each provider's probe + parse under 1 ms in-process on Linux.
Tables are loaded once per process (first call), so the first call is reported apart.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "hw_fixtures"))


def _bench(label: str, run: object, n: int) -> None:
    first = time.perf_counter()
    run()  # type: ignore[operator]
    first = time.perf_counter() - first
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    print(
        f"{label:<48} first {first * 1e3:7.3f} ms   median {statistics.median(times) * 1e3:7.3f} ms"
        f"   min {min(times) * 1e3:7.3f} ms"
    )


def main(n: int) -> None:
    import variant_detect_aarch64
    import variant_detect_x86_64
    from variant_detect_runtime import LiveProbe, ReplayProbe

    live = LiveProbe()
    _bench("x86_64, live", lambda: variant_detect_x86_64._plugin.detect(live), n)
    _bench("aarch64, live", lambda: variant_detect_aarch64._plugin.detect(live), n)
    for name in ("linux-aarch64-graviton4", "linux-aarch64-neoverse_v1-rhel8-nopac", "macos-arm64-m4"):
        probe = ReplayProbe(os.path.join(FIXTURES, name), overrides={})
        _bench(f"aarch64, replay {name}", lambda p=probe: variant_detect_aarch64._plugin.detect(p), n)  # type: ignore[misc]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
