"""In-process cost of the blas_lapack provider on this machine.

    python providers/blas_lapack/benchmarks/cost.py [--runs N]

Each run is a fresh interpreter (variantlib runs a plugin that way) that has
already imported the core, as every consumer has; it times, with
``time.perf_counter``, the import of ``variant_detect_blas_lapack``, the first
``detect()`` and the median of 500 warm ``detect()`` calls, and reports which
heavy modules got imported. Rule (issue 7): numpy is never imported and no BLAS
library is loaded, whatever is installed; every source is a file read, a
listing or an environment variable. Bytecode is compiled first, as
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
HEAVY = ("numpy", "threadpoolctl", "ctypes", "json", "variant_detect_blas_lapack._table")

# What variantlib 0.2.2's plugin loader (plugins/_subprocess.py) has imported before it
# imports a plugin; "bare" imports only the core.
PRELOAD = {"bare": "", "variantlib": "import argparse, importlib, json, dataclasses, functools, typing"}

CHILD = """
import sys, time
import variant_detect._provider, variant_detect._probe
probe = variant_detect._probe.default_probe()
t0 = time.perf_counter()
import variant_detect_blas_lapack
t1 = time.perf_counter()
detection = variant_detect_blas_lapack.plugin.detect(probe)
t2 = time.perf_counter()
warm = []
for _ in range(500):
    a = time.perf_counter(); variant_detect_blas_lapack.plugin.detect(probe); warm.append(time.perf_counter() - a)
warm.sort()
heavy = [m for m in HEAVY if m in sys.modules]
times = [(t1 - t0) * 1e3, (t2 - t1) * 1e3, warm[len(warm) // 2] * 1e3]
print(*[f"{t:.4f}" for t in times], len(detection.features), ",".join(heavy) or "-")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="fresh interpreters to time (default 21)")
    parser.add_argument("--context", choices=sorted(PRELOAD), default="variantlib", help="what is imported first")
    args = parser.parse_args()
    compileall.compile_dir(SRC, quiet=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VARIANT_DETECT_", "FLEXIBLAS"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    rows = []
    for _ in range(args.runs):
        code = f"HEAVY = {HEAVY!r}\n{PRELOAD[args.context]}\n{CHILD}"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        rows.append(out.stdout.split())
    imp, first, warm = (statistics.median(float(r[i]) for r in rows) for i in range(3))
    print(f"blas_lapack provider, {args.runs} processes ({args.context} interpreter), python {sys.prefix}")
    print(f"  import variant_detect_blas_lapack      {imp:8.3f} ms (median)")
    print(f"  first detect()                 {first:8.3f} ms (median)")
    print(f"  import + first detect()        {imp + first:8.3f} ms")
    print(f"  warm detect()                  {warm:8.3f} ms (median of 500 per process)")
    print(f"  features reported: {rows[-1][3]}; heavy modules imported: {rows[-1][4]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
