"""In-process cost of the nvidia provider on this machine.

    python providers/nvidia/benchmarks/cost.py [--runs N]

Runs in fresh interpreters (the way variantlib runs a plugin) and prints
medians over ``--runs`` processes: the import of ``variant_detect_nvidia``,
the first ``detect()`` and the median of 500 warm ``detect()`` calls, all with
``time.perf_counter``; then whether any NVML/CUDA binding or ctypes got
imported. On a machine without an NVIDIA driver the target is under 2 ms for
import + first detect, with no binding imported. Bytecode is compiled first, as
``pip install`` does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")
HEAVY = ("ctypes", "pynvml", "cuda", "variant_detect_nvidia._bindings", "variant_detect_nvidia._table")

# The core (variant_detect) is imported before timing: every consumer that
# calls a provider (variantlib's loader, our CLI) has loaded it already.
CHILD = """
import sys, time
import variant_detect._provider, variant_detect._probe
probe = variant_detect._probe.default_probe()
t0 = time.perf_counter()
import variant_detect_nvidia
t1 = time.perf_counter()
detection = variant_detect_nvidia.plugin.detect(probe)
t2 = time.perf_counter()
warm = []
for _ in range(500):
    a = time.perf_counter(); variant_detect_nvidia.plugin.detect(probe); warm.append(time.perf_counter() - a)
warm.sort()
heavy = [m for m in HEAVY if m in sys.modules]
times = [(t1 - t0) * 1e3, (t2 - t1) * 1e3, warm[len(warm) // 2] * 1e3]
print(*[f"{t:.4f}" for t in times], len(detection.features), ",".join(heavy) or "-")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="fresh interpreters to time (default 21)")
    args = parser.parse_args()
    compileall.compile_dir(SRC, quiet=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NV_VARIANT_PROVIDER_", "VARIANT_DETECT_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    rows = []
    for _ in range(args.runs):
        code = f"HEAVY = {HEAVY!r}\n{CHILD}"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        rows.append(out.stdout.split())
    imp, first, warm = (statistics.median(float(r[i]) for r in rows) for i in range(3))
    features, heavy = rows[-1][3], rows[-1][4]
    driver = "yes" if os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidiactl") else "no"
    print(f"nvidia provider, {args.runs} processes, NVIDIA driver on this machine: {driver}")
    print(f"  import variant_detect_nvidia   {imp:8.3f} ms (median)")
    print(f"  first detect()                 {first:8.3f} ms (median)")
    print(f"  import + first detect()        {imp + first:8.3f} ms")
    print(f"  warm detect()                  {warm:8.3f} ms (median of 500 per process)")
    print(f"  features reported: {features}; heavy modules imported: {heavy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
