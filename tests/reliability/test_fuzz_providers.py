"""Every provider, end to end, on mutated fixtures (hypothesis).

Each example copies a real fixture, mutates one raw source the way a broken
machine would (a sysroot file truncated, bit-flipped, spliced or replaced; a
recorded library call answering another JSON value, an error or a hang; a
command printing garbage) and replays it through ``collect`` -> ``parse`` ->
``apply_overrides`` -> validation *without* the base class's safety net: a
provider must turn every broken answer into a warning by itself. The output
must satisfy the naming rules and stay inside ``get_all_configs()``.
"""

from __future__ import annotations

import base64
import importlib
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variant_detect_runtime import Provider, ReplayProbe, Report
from variant_detect_runtime.testing import fixture_dirs

FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"
NAMESPACES = ("x86_64", "aarch64", "nvidia", "amd", "opencl", "blas_lapack", "mpi", "intel")


def _plugin(namespace: str) -> Provider[Any]:
    plugin: Provider[Any] = importlib.import_module(f"variant_detect_{namespace}")._plugin
    return plugin


def _cases() -> list[tuple[str, str]]:
    return [(ns, fixture) for ns in NAMESPACES for fixture in fixture_dirs(str(FIXTURES), ns)]


CASES = _cases()

# -- mutators: how real sources break --------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=12,
)


@st.composite
def mutated_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "splice", "replace", "repeat", "empty", "nul"]))
    size = len(original)
    at = draw(st.integers(0, size))
    if kind == "truncate":
        return original[:at]
    if kind == "flip" and size:
        index = min(at, size - 1)
        return original[:index] + bytes([original[index] ^ (1 << draw(st.integers(0, 7)))]) + original[index + 1 :]
    if kind == "splice":
        return original[:at] + draw(st.binary(max_size=64)) + original[at:]
    if kind == "replace":
        return draw(st.binary(max_size=512))
    if kind == "repeat":
        return original * draw(st.integers(2, 50))
    if kind == "nul":
        return original[:at] + b"\0" * draw(st.integers(1, 16)) + original[at:]
    return b""


def _sysroot_files(fixture: Path) -> list[Path]:
    root = fixture / "sysroot"
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()) if root.is_dir() else []


def _calls(fixture: Path) -> list[tuple[str, int]]:
    path = fixture / "calls.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(lib, i) for lib, rec in data.get("libraries", {}).items() for i in range(len(rec.get("calls", [])))]


def _commands(fixture: Path) -> int:
    path = fixture / "commands.json"
    return len(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else 0


@st.composite
def mutation(draw: st.DrawFn, fixture: Path) -> tuple[str, Any]:
    """One mutation of *fixture*: ("file", (relative path, bytes)), ("call", ...), ("command", ...)."""
    kinds = []
    files = _sysroot_files(fixture)
    calls = _calls(fixture)
    commands = _commands(fixture)
    if files:
        kinds.append("file")
    if calls:
        kinds += ["call", "call_error"]
    if commands:
        kinds.append("command")
    if not kinds:
        return ("none", None)
    kind = draw(st.sampled_from(kinds))
    if kind == "file":
        path = draw(st.sampled_from(files))
        return ("file", (path.relative_to(fixture), draw(mutated_bytes(path.read_bytes()))))
    if kind in ("call", "call_error"):
        lib, index = draw(st.sampled_from(calls))
        if kind == "call":
            return ("call", (lib, index, {"result": draw(JSON_VALUES)}))
        answer = draw(
            st.sampled_from(
                [{"hang": True}, {"error": "segfault"}, {"error": {"code": 999, "name": "WEIRD"}}, {"error": {}}]
            )
        )
        return ("call", (lib, index, answer))
    index = draw(st.integers(0, commands - 1))
    return ("command", (index, draw(st.binary(max_size=2048)), draw(st.integers(-300, 300))))


def _apply(work: Path, change: tuple[str, Any]) -> None:
    kind, what = change
    if kind == "file":
        relative, blob = what
        (work / relative).write_bytes(blob)
    elif kind == "call":
        lib, index, answer = what
        data = json.loads((work / "calls.json").read_text(encoding="utf-8"))
        call = data["libraries"][lib]["calls"][index]
        for key in ("result", "error", "hang"):
            call.pop(key, None)
        call.update(answer)
        (work / "calls.json").write_text(json.dumps(data), encoding="utf-8")
    elif kind == "command":
        index, blob, code = what
        data = json.loads((work / "commands.json").read_text(encoding="utf-8"))
        entry = data[index]
        for key in ("stdout", "error", "hang"):
            entry.pop(key, None)
        entry["stdout_base64"] = base64.b64encode(blob).decode()
        entry["returncode"] = code
        (work / "commands.json").write_text(json.dumps(data), encoding="utf-8")


def run_unguarded(plugin: Provider[Any], fixture: str) -> tuple[list[Any], Report]:
    """collect -> parse -> overrides -> validate, with no exception isolation."""
    probe = ReplayProbe(fixture, overrides={})
    report = Report(plugin.namespace)
    raw = plugin.collect(probe, report)
    features = plugin.apply_overrides(plugin.parse(raw, report), probe, report)
    return plugin.validate(features), report


def _open_ended(plugin: Provider[Any], name: str, values: tuple[str, ...]) -> bool:
    """x86_64 reports kernel flags no table row names yet by a prefix rule (docs/providers/x86_64.md)."""
    if plugin.namespace != "x86_64":
        return False
    from variant_detect_x86_64 import _table

    return values == ("on",) and name.startswith(_table.load().isa_prefixes)


def assert_within_all_configs(plugin: Provider[Any], features: list[Any]) -> None:
    everything = {name: set(values) for name, values, _m in plugin.validate(plugin.all_features())}
    for name, values, _multi in features:
        if name not in everything and _open_ended(plugin, name, values):
            continue
        assert name in everything, f"{plugin.namespace}: feature {name!r} is not in get_all_configs()"
        extra = set(values) - everything[name]
        assert not extra, f"{plugin.namespace}::{name}: values {sorted(extra)} are not in get_all_configs()"


@pytest.mark.parametrize(("namespace", "fixture"), CASES, ids=[f"{ns}-{Path(f).name}" for ns, f in CASES])
def test_fixture_replays_unguarded(namespace: str, fixture: str, tally: Counter[str]) -> None:
    """Every fixture (failure modes included) replays with no exception reaching the base class."""
    plugin = _plugin(namespace)
    features, report = run_unguarded(plugin, fixture)
    assert_within_all_configs(plugin, features)
    tally["fixtures replayed"] += 1
    if report.warnings:
        tally["failure fixtures replayed"] += 1


def _fuzz(namespace: str, fixture: str, tally: Counter[str], data: st.DataObject) -> None:
    plugin = _plugin(namespace)
    source = Path(fixture)
    change = data.draw(mutation(source), label="mutation")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / source.name  # the name carries the OS and architecture
        shutil.copytree(source, work, symlinks=True)
        _apply(work, change)
        features, report = run_unguarded(plugin, str(work))
    assert_within_all_configs(plugin, features)
    tally["provider inputs fuzzed"] += 1
    tally[f"provider inputs fuzzed: {namespace}"] += 1
    if report.warnings:
        tally["provider inputs fuzzed: warned"] += 1


# Every fixture of every provider, a few examples each: together they reach
# every source kind; the derandomized draws differ per fixture.
FUZZ_CASES = CASES


@pytest.mark.parametrize(("namespace", "fixture"), FUZZ_CASES, ids=[f"{ns}-{Path(f).name}" for ns, f in FUZZ_CASES])
@settings(settings.get_profile("reliability"), max_examples=25)
@given(data=st.data())
def test_mutated_fixture(namespace: str, fixture: str, tally: Counter[str], data: st.DataObject) -> None:
    _fuzz(namespace, fixture, tally, data)
