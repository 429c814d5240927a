"""Start-up benchmark: what every install pays to run our providers.

    python tests/benchmarks/startup.py [--runs N]

Prints the whole-process time of ``variant-detect --json`` as ratios against
``python -c pass`` and against archspec's ``host()`` (targets: within 3.2x a
bare interpreter with the one argparse definition of the command line, issue
13; faster than archspec), medians of
interleaved runs, then each installed provider's cost in-process (first call,
which pays its imports and tables, and warm calls).

It measures what users get: a fresh virtual environment with the core and
every provider installed the normal way (``pip install``, bytecode compiled),
made once under ``--venv`` (default: a temporary directory). A development
venv with editable installs is no fair base: each editable install adds an
import hook that every interpreter start pays, ``python -c pass`` included.
``--here`` measures the current interpreter's environment instead.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROVIDER_RUNS = 7
TARGET_RATIO = 3.2  # variant-detect --json / python -c pass (issue 13)
ROOT = os.path.dirname(os.path.dirname(HERE))

# What every consumer that calls a provider (variantlib's plugin loader, our
# CLI) has imported already is loaded before timing: json (and re), the core's
# provider base and probe seam. What is timed is the provider's own cost:
# importing its package, its first detect() (tables included) and warm calls.
PER_PROVIDER = """
import json, sys, time
from variant_detect._discovery import find_plugins
from variant_detect_runtime import default_probe
import variant_detect_runtime
entry = next(e for e in find_plugins() if e.namespace == sys.argv[1])
probe = default_probe()
t0 = time.perf_counter()
plugin = entry.load()
t1 = time.perf_counter()
plugin.detect(probe)
t2 = time.perf_counter()
warm = []
for _ in range(200):
    a = time.perf_counter(); plugin.detect(probe); warm.append(time.perf_counter() - a)
warm.sort()
print(f"{(t1 - t0) * 1e3:.3f} {(t2 - t1) * 1e3:.3f} {warm[len(warm) // 2] * 1e3:.3f}")
"""


def _compile() -> None:
    for base in [os.path.join(ROOT, "src"), os.path.join(ROOT, "runtime", "src")] + [
        os.path.join(ROOT, "providers", d, "src") for d in sorted(os.listdir(os.path.join(ROOT, "providers")))
    ]:
        if os.path.isdir(base):
            compileall.compile_dir(base, quiet=1)


def _bench_venv(directory: str) -> str:
    """A venv with the core and every provider installed normally; returns its python."""
    python = os.path.join(directory, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", directory], check=True)
        providers = [
            os.path.join(ROOT, "providers", d)
            for d in sorted(os.listdir(os.path.join(ROOT, "providers")))
            if not d.startswith("_")
        ]
        subprocess.run(
            [python, "-m", "pip", "install", "-q", os.path.join(ROOT, "runtime"), ROOT, *providers, "archspec"],
            check=True,
            env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        )
    return python


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (at least 7)")
    parser.add_argument("--venv", help="benchmark venv to create or reuse (default: a temporary one)")
    parser.add_argument("--here", action="store_true", help="measure this interpreter's environment")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "VARIANT_DETECT_FIXTURE"}
    if args.here:
        _compile()
        python = sys.executable
    else:
        import tempfile

        python = _bench_venv(args.venv or tempfile.mkdtemp(prefix="variant-detect-bench-"))
    print(f"environment: {os.path.dirname(os.path.dirname(python))}")
    script = shutil.which("variant-detect", path=os.path.dirname(python)) or "variant-detect"
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "variant-detect --json": [script, "--json"],
        "archspec.cpu.host()": [python, "-c", "import archspec.cpu; archspec.cpu.host()"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(max(args.runs, 7)):
        for name, argv in commands.items():  # interleaved: drift hits every command alike
            times[name].append(_time(argv, env))
    base = statistics.median(times["python -c pass"])
    print(f"whole process, median of {max(args.runs, 7)} interleaved runs:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:24s} {median * 1e3:7.1f} ms  {median / base:5.2f}x python -c pass")
    ours = statistics.median(times["variant-detect --json"])
    arch = statistics.median(times["archspec.cpu.host()"])
    print(f"  variant-detect / archspec host(): {ours / arch:.2f}x (target < 1)")
    print(f"  variant-detect / python -c pass:  {ours / base:.2f}x (target <= {TARGET_RATIO})")
    over = ours / base > TARGET_RATIO or ours / arch >= 1
    print(f"\nper provider, in-process on this machine, median of {PROVIDER_RUNS} fresh interpreters")
    print("  (import | first detect, tables incl. | import + first detect | warm detect):")
    listed = subprocess.run(
        [python, "-c", "from variant_detect._discovery import find_plugins as f; print(*[e.namespace for e in f()])"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    for namespace in listed.stdout.split():
        samples = []
        for _ in range(PROVIDER_RUNS):
            out = subprocess.run(
                [python, "-c", PER_PROVIDER, namespace], capture_output=True, text=True, env=env, check=False
            )
            if out.returncode != 0:
                print(f"  {namespace:12s} failed: {out.stderr.strip().splitlines()[-1:]}")
                break
            samples.append([float(x) for x in out.stdout.split()])
        else:
            load, first, warm = (statistics.median(column) for column in zip(*samples, strict=True))
            print(
                f"  {namespace:12s} {load:6.2f} ms | {first:6.3f} ms | {load + first:6.2f} ms | {warm:6.3f} ms"
                f"{'  (target < 2 ms)' if namespace not in ('x86_64', 'aarch64') else '  (target < 1 ms per call)'}"
            )
    if over:
        print("OVER TARGET: variant-detect --json start-up", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
