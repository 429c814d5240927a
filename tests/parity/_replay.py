"""Turn an archspec recorded machine into a replay fixture for our probe seam."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data"
TARGETS = DATA / "archspec_targets"


def published(family: str) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads((DATA / f"published_{family}.json").read_text())
    return data


def _sysctl_calls(dump: Path) -> list[dict[str, object]]:
    calls: list[dict[str, object]] = []
    for line in dump.read_text().splitlines():
        key, _, value = line.partition(":")
        calls.append({"function": "sysctlbyname", "args": [key.strip()], "result": value.strip()})
    return calls


def _cpuid_calls(dump: Path) -> list[dict[str, object]]:
    calls: list[dict[str, object]] = []
    for line in dump.read_text().splitlines():
        numbers = [int(part) for part in line.split(",")]
        calls.append({"function": "cpuid", "args": numbers[:2], "result": numbers[2:6]})
    # XCR0 with x87/SSE/AVX/AVX-512 state enabled, as Windows does on these machines.
    calls.append({"function": "xgetbv", "args": [0], "result": 0xE7})
    return calls


def fixture(name: str, family: str, root: Path) -> Path:
    """A fixture directory replaying archspec's machine *name* (Linux, macOS or Windows)."""
    dump = TARGETS / name
    out = root / name
    kind = name.split("-", 1)[0]
    if kind == "linux":
        (out / "sysroot" / "proc").mkdir(parents=True)
        (out / "sysroot" / "proc" / "cpuinfo").write_bytes(dump.read_bytes())
        machine = {"system": "Linux", "machine": family, "release": "6.1.0"}
    elif kind == "darwin":
        out.mkdir(parents=True)
        calls = {"libraries": {"libc": {"load": "ok", "calls": _sysctl_calls(dump)}}}
        (out / "calls.json").write_text(json.dumps(calls))
        machine = {"system": "Darwin", "machine": "x86_64" if family == "x86_64" else "arm64", "release": "21.0"}
    else:
        out.mkdir(parents=True)
        calls = {"libraries": {"cpuid": {"load": "ok", "calls": _cpuid_calls(dump)}}}
        (out / "calls.json").write_text(json.dumps(calls))
        machine = {"system": "Windows", "machine": "AMD64", "release": "10"}
    (out / "machine.json").write_text(json.dumps(machine))
    return out
