"""Benchmark: a warm ``variant-detect pick`` from a local find-links dir vs ``python -c pass``.

    python tests/benchmarks/pick.py [--runs N]

Builds the end-to-end test wheels (x86_64 levels for uv's builtin provider,
static BLAS providers, null and non-variant wheels) into a temporary
find-links directory, runs one pick to fill the cache (provider answers and
interpreter tags), then times interleaved runs of both commands and prints
medians and the ratio. Target (issue 8): within 3x ``python -c pass``.

Like ``startup.py`` it measures what users get: a virtual environment with
the core and every provider installed the normal way (``pip install``,
bytecode compiled), made once under ``--venv DIR`` (default: a temporary
one). Editable installs add an import hook to every interpreter start, so a
development venv is no fair base; ``--here`` measures it anyway. The wheels
are built with this interpreter's ``variantlib``.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TARGET = 3.0  # warm pick / python -c pass (issue 8); the run exits 1 when over


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def _load(name: str, path: str) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _python(args: argparse.Namespace) -> str:
    if args.here:
        compileall.compile_dir(os.path.join(ROOT, "src"), quiet=1)
        return sys.executable
    startup = _load("startup", os.path.join(HERE, "startup.py"))
    directory = args.venv or tempfile.mkdtemp(prefix="variant-detect-bench-")
    python: str = startup._bench_venv(directory)  # type: ignore[attr-defined]
    return python


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--venv", help="benchmark venv to create or reuse (default: a temporary one)")
    parser.add_argument("--here", action="store_true", help="measure this interpreter's environment")
    args = parser.parse_args()
    python = _python(args)
    print(f"environment: {os.path.dirname(os.path.dirname(python))}")
    from pathlib import Path

    build = _load("build", os.path.join(ROOT, "tests", "resolver", "_build.py"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dist = work / "dist"
        dist.mkdir()
        build.make_variants(dist, work)  # type: ignore[attr-defined]
        env = {**os.environ, "VARIANT_DETECT_CACHE_DIR": str(work / "cache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cli = os.path.join(os.path.dirname(python), "variant-detect")
        pick = [cli, "pick", "dummy-pkg", "--find-links", str(dist)]
        subprocess.run(pick, check=True, env=env)  # warm: fills the cache
        bare = [python, "-c", "pass"]
        picks, bares = [], []
        for _ in range(args.runs):
            bares.append(_time(bare, env))
            picks.append(_time(pick, env))
    p, b = statistics.median(picks), statistics.median(bares)
    print(f"python -c pass: {b * 1e3:.1f} ms; warm pick: {p * 1e3:.1f} ms; ratio {p / b:.2f}x (target <= {TARGET}x)")
    if p / b > TARGET:
        print("OVER TARGET: warm pick", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
