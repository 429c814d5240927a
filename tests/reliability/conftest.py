"""Reliability suite setup: a hypothesis profile, private dirs, and the tally.

The ``tally`` fixture counts what the suite tried (inputs fuzzed, failure
fixtures replayed, hostile files, concurrent writers, what was lost or
crashed). With ``VARIANT_DETECT_RELIABILITY_COUNTS=FILE`` the counts are written
to FILE as JSON when the session ends; ``tests/reliability/report.py`` turns
them into the table of docs/reliability.md.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "hw_fixtures"
COUNTS_ENV = "VARIANT_DETECT_RELIABILITY_COUNTS"

# Derandomized: the same examples on every run, so CI never flakes on a new
# random draw; coverage comes from the number of examples and the mutators.
settings.register_profile(
    "reliability",
    derandomize=True,
    deadline=None,
    max_examples=60,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_TALLY: Counter[str] = Counter()
_MEASURED: dict[str, object] = {}
_OUTCOMES: Counter[str] = Counter()


@pytest.fixture(scope="session")
def tally() -> Counter[str]:
    return _TALLY


@pytest.fixture(scope="session")
def measured() -> dict[str, object]:
    """Bounds measured by the tests (seconds, peak RSS), reported beside the counts."""
    return _MEASURED


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's cache or variants.toml."""
    monkeypatch.setenv("VARIANT_DETECT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site-config"))
    for name in ("PIP_INDEX_URL", "UV_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"):
        monkeypatch.delenv(name, raising=False)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _OUTCOMES["xfailed" if hasattr(report, "wasxfail") and report.skipped else report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get(COUNTS_ENV)
    if target and (_TALLY or _MEASURED):
        data = {
            "counts": dict(sorted(_TALLY.items())),
            "measured": dict(sorted(_MEASURED.items())),
            "outcomes": dict(sorted(_OUTCOMES.items())),
        }
        Path(target).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
