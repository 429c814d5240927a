"""Plugin-answer benchmark: what an installer's plugin subprocess pays per provider.

    python tests/benchmarks/plugin_answer.py [--runs N] [--venv DIR] [--no-published]

An installer (variantlib, PEP 850) calls each provider in a fresh interpreter.
This times, as a whole process, ``python -c "import <entry-point module>;
<object>.get_supported_configs()"`` for every provider, in a fresh virtual
environment holding only the runtime and the providers, installed the normal
way (bytecode compiled; editable installs would add an import hook to every
start). Each figure is the median of interleaved runs, printed as a ratio
against ``python -c pass`` in the same environment. Target: <= 2.5x.

Beside it, the same figure for the published provider-variant-x86-64
0.0.1.post2 from PyPI (``X8664Plugin().get_supported_configs(None)``), in an
environment of its own. Exits 1 when one of our ratios is over the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = 2.5
PUBLISHED = "provider-variant-x86-64==0.0.1.post2"
PUBLISHED_CALL = "from provider_variant_x86_64.plugin import X8664Plugin; X8664Plugin().get_supported_configs(None)"


def _providers() -> list[str]:
    base = os.path.join(ROOT, "providers")
    return sorted(d for d in os.listdir(base) if not d.startswith(("_", ".")) and os.path.isdir(os.path.join(base, d)))


def _venv(directory: str, packages: list[str]) -> str:
    python = os.path.join(directory, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", directory], check=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run([python, "-m", "pip", "install", "-q", *packages], check=True, env=env)
    return python


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{argv[-1]!r} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def _measure(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():  # interleaved: drift hits every command alike
            times[name].append(_time(argv, env))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="interleaved runs per command (at least 5)")
    parser.add_argument("--venv", help="directory for the benchmark venvs (created once, then reused)")
    parser.add_argument("--no-published", action="store_true", help="skip the published provider (offline)")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    work = args.venv or tempfile.mkdtemp(prefix="variant-detect-plugin-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VARIANT_DETECT_")}
    providers = _providers()
    ours = _venv(
        os.path.join(work, "ours"),
        [os.path.join(ROOT, "runtime"), *(os.path.join(ROOT, "providers", p) for p in providers)],
    )
    commands = {"python -c pass": [ours, "-c", "pass"]}
    for name in providers:
        module = f"variant_detect_{name}"
        commands[name] = [ours, "-c", f"import {module}; {module}.get_supported_configs()"]
    medians = _measure(commands, runs, env)
    base = medians.pop("python -c pass")
    print(f"plugin answer in a fresh interpreter, median of {runs} interleaved runs ({work}):")
    print(f"  {'python -c pass':28s} {base * 1e3:6.1f} ms")
    over = []
    for name, median in medians.items():
        ratio = median / base
        over += [name] if ratio > TARGET else []
        print(f"  {name:28s} {median * 1e3:6.1f} ms  {ratio:4.2f}x python -c pass (target <= {TARGET})")
    if not args.no_published:
        theirs = _venv(os.path.join(work, "published"), [PUBLISHED])
        published = _measure({"pass": [theirs, "-c", "pass"], "published": [theirs, "-c", PUBLISHED_CALL]}, runs, env)
        print(
            f"  {PUBLISHED:28s} {published['published'] * 1e3:6.1f} ms  "
            f"{published['published'] / published['pass']:4.2f}x python -c pass (reference)"
        )
    if over:
        print(f"over target: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
