"""Live: the published wheels themselves, from PyPI, still answer what ``data/published_*.json`` says.

They are installed into a temporary directory (never the suite's environment: each puts its own
``archspec`` into ``sys.modules`` and a ``variant_plugins`` entry point for our namespaces) and run
in a child interpreter by ``published_answer.py``. Skipped when PyPI cannot be reached.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.parity._replay import TARGETS, published

HERE = Path(__file__).parent
WHEELS = {"x86_64": "provider-variant-x86-64==0.0.1.post2", "aarch64": "provider-variant-aarch64==0.0.1.post2"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("published")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), *WHEELS.values()],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot install the published wheels from PyPI: {done.stderr.strip()[-300:]}")
    return target


@pytest.mark.parametrize("family", sorted(WHEELS))
def test_published_wheel_answers_the_recorded_expectation(family: str, site: Path) -> None:
    expected = published(family)
    dumps = [str(TARGETS / name) for name in sorted(expected)]
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-S", str(HERE / "published_answer.py"), family, *dumps],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected
