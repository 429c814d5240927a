"""Run the reliability suite with its counting hooks and rewrite the figures table
of docs/reliability.md (between the ``figures`` markers) from what it counted.

    python tests/reliability/report.py

The numbers are the suite's own: conftest.py's ``tally`` and ``measured``
fixtures are filled by the tests as they run and written as JSON at session
end (``VARIANT_DETECT_RELIABILITY_COUNTS``); nothing here is typed by hand.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "reliability.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"

ROWS = [
    ("provider inputs fuzzed", "mutated fixtures replayed end to end through every provider (hypothesis)"),
    ("fixtures replayed", "hw_fixtures replayed per provider with no exception isolation"),
    ("failure fixtures replayed", "... of which failure-mode fixtures (the provider warned)"),
    ("parser inputs fuzzed", "inputs to the pure parse functions of every provider and ld.so.cache"),
    ("variants.json inputs fuzzed", "inputs to the variants.json reader (bytes, structured, mutated)"),
    ("variants.json wrong-type inputs", "a value of another JSON type at every position of every seed (issue 16)"),
    ("variant.json (in wheel) inputs fuzzed", "variant.json inside a wheel"),
    ("variants.toml inputs fuzzed", "variants.toml files"),
    ("profile inputs fuzzed", "saved profiles (--profile)"),
    ("index page inputs fuzzed", "simple-index project pages (PEP 691 JSON and PEP 503 HTML)"),
    ("hostile files tried", "hostile index, TOML and profile files (huge, deep, non-UTF-8, bad labels, '..')"),
    ("hung or crashing sources tried", "hung calls, endless output, libraries crashing or hanging on load"),
    ("cache corruptions tried", "corrupt, truncated, nested, foreign, symlinked or stale cache entries"),
    ("concurrent cache writers", "processes writing the same cache entry at once"),
    ("concurrent cache write+read rounds", "write-then-read rounds across those processes"),
    ("overrides checked visible", "environment overrides and profiles checked in --json and --explain"),
    ("trust checks", "consent, record and cache secret checks"),
    ("bad user inputs tried", "bad options, variables, files, fixtures, destinations, Ctrl-C: one line, exit 2 or 130"),
]  # fmt: skip
LOST = [
    ("failed", "crashes or undocumented exceptions (failed tests)"),
    ("cache reads torn or lost", "cache reads that saw a torn or foreign entry"),
    ("secrets leaked", "planted secrets found in a fixture or the cache"),
    ("xfailed", "known containment gaps (strict xfail tests; 0 means none is open)"),
]


def run_suite(counts: Path) -> tuple[int, float]:
    env = {**os.environ, "VARIANT_DETECT_RELIABILITY_COUNTS": str(counts)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(REPO / "tests" / "reliability")],
        cwd=REPO,
        env=env,
        check=False,
    )
    return done.returncode, time.perf_counter() - start


def table(data: dict[str, dict[str, object]], seconds: float) -> str:
    counts, measured, outcomes = data["counts"], data["measured"], data["outcomes"]
    lines = ["| what | count |", "|---|---:|"]
    lines += [f"| {text} | {int(counts.get(key, 0)):,} |" for key, text in ROWS]  # type: ignore[call-overload]
    lines += ["", "| lost or crashed | count |", "|---|---:|"]
    for key, text in LOST:
        value = outcomes.get(key, 0) if key in ("failed", "xfailed") else counts.get(key, 0)
        lines.append(f"| {text} | {value} |")
    lines += ["", "| bound measured | value |", "|---|---:|"]
    lines += [f"| {key} | {value} |" for key, value in measured.items()]
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    lines += [
        "",
        f"Generated {stamp} by `python tests/reliability/report.py` on {platform.machine()} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}); suite wall time {seconds:.0f} s; "
        f"tests passed {outcomes.get('passed', 0)}, failed {outcomes.get('failed', 0)}, "
        f"xfailed {outcomes.get('xfailed', 0)}, skipped {outcomes.get('skipped', 0)}.",
    ]
    return "\n".join(lines)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        counts = Path(tmp) / "counts.json"
        status, seconds = run_suite(counts)
        data = json.loads(counts.read_text(encoding="utf-8"))
    text = DOC.read_text(encoding="utf-8")
    head, _sep, rest = text.partition(START)
    _old, _sep, tail = rest.partition(END)
    DOC.write_text(f"{head}{START}\n{table(data, seconds)}\n{END}{tail}", encoding="utf-8")
    print(f"report: {DOC} rewritten (suite exit status {status})", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
