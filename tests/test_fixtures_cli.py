"""Every fixture, replayed through the CLI, gives what its expected.json says.

The provider test suites replay the same fixtures through each provider
directly; this checks the whole path a user takes (discovery, every installed
provider at once, the JSON printer).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from variant_detect._cli import main
from variant_detect._discovery import find_plugins
from variant_detect_runtime.testing import covered_namespaces, load_expected

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted(p for p in (ROOT / "hw_fixtures").iterdir() if (p / "expected.json").exists())
INSTALLED = {e.namespace for e in find_plugins()}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_cli_replays_fixture(capsys: pytest.CaptureFixture[str], fixture: Path) -> None:
    expected = load_expected(str(fixture))
    covered = covered_namespaces(expected)
    if not covered & INSTALLED:
        pytest.skip(f"none of {sorted(covered)} is installed")
    assert main(["--json", "-q", "--fixture", str(fixture)]) == 0
    data = json.loads(capsys.readouterr().out)
    for namespace in sorted(covered & INSTALLED):
        want = expected.get("profile", {}).get(namespace)
        got = data["profile"].get(namespace)
        assert got == want, f"{namespace}: got {got}, want {want}"
        if want is not None:
            assert list(got) == list(want), "feature order"
    for needle in expected.get("warnings", []):
        if needle.split(":", 1)[0] in INSTALLED:
            assert any(needle in w for w in data["warnings"]), (needle, data["warnings"])
