"""Helpers for provider test suites: replay fixtures, compare with expected.json.

``ldcache_writer`` writes ``/etc/ld.so.cache`` bytes as glibc lays them out,
for fixtures of providers that read the system library cache.

Public so that third-party providers can test themselves the way ours do::

    from variant_detect_runtime.testing import fixture_dirs, check_fixture

    @pytest.mark.parametrize("fixture", fixture_dirs(FIXTURES, "x86_64"), ids=os.path.basename)
    def test_fixture(fixture):
        check_fixture(plugin, fixture)
"""

from __future__ import annotations

import json
import os
from typing import Any

from variant_detect_runtime import _ldcache_writer as ldcache_writer
from variant_detect_runtime._probe import ReplayProbe
from variant_detect_runtime._provider import Detection, Provider

__all__ = [
    "check_fixture",
    "covered_namespaces",
    "fixture_dirs",
    "ldcache_writer",
    "load_expected",
    "replay",
]


def load_expected(fixture: str) -> dict[str, Any]:
    path = os.path.join(fixture, "expected.json")
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("profile", {}), dict):
        raise ValueError(f"{path}: expected an object with a 'profile' object")
    return data


def covered_namespaces(expected: dict[str, Any]) -> set[str]:
    return set(expected.get("profile", {})) | set(expected.get("covers", []))


def fixture_dirs(root: str, namespace: str) -> list[str]:
    """Fixture directories under *root* whose expected.json speaks about *namespace*."""
    found = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if os.path.isfile(os.path.join(path, "expected.json")) and namespace in covered_namespaces(load_expected(path)):
            found.append(path)
    return found


def replay(provider: Provider[Any], fixture: str, env: dict[str, str] | None = None) -> Detection:
    """Run *provider* on *fixture*, with *env* applied on top of the fixture's env.json.

    The real environment does not leak in (``overrides={}``); *env* may hold any
    variable, e.g. ``CUDA_VISIBLE_DEVICES`` as well as ``*_FORCE_*`` overrides.
    """
    return provider.detect(ReplayProbe(fixture, overrides={}, extra_env=env or {}))


def check_fixture(provider: Provider[Any], fixture: str) -> Detection:
    """Assert that *provider* produces what the fixture's expected.json says."""
    expected = load_expected(fixture)
    detection = replay(provider, fixture)
    namespace = provider.namespace
    want = expected.get("profile", {}).get(namespace)
    got = detection.as_profile() if detection.features else None
    assert got == want, f"{fixture}: {namespace} profile\n got  {got}\n want {want}"
    if want is not None:
        assert list(got or {}) == list(want), f"{fixture}: feature order differs"
    for needle in expected.get("warnings", []):
        if needle.startswith(f"{namespace}:"):
            assert any(needle in w for w in detection.warnings), (
                f"{fixture}: no warning contains {needle!r}; got {detection.warnings}"
            )
    return detection
