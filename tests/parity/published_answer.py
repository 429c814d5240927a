"""Run a published archspec-based provider on a recorded machine dump; print its answer as JSON.

Usage (in an environment where provider-variant-x86-64 / provider-variant-aarch64 is importable,
never in the suite's own environment, since importing them puts their vendored ``archspec`` in
``sys.modules``)::

    python published_answer.py x86_64|aarch64 DUMP...

Each DUMP is one of archspec's recorded machines (``archspec/json/tests/targets/<platform>-<os>-<cpu>``):
a Linux ``/proc/cpuinfo``, a macOS ``sysctl`` listing (``key: value`` lines) or Windows CPUID
registers (``eax_in, ecx_in, eax, ebx, ecx, edx`` per line). The published plugin's own
``get_supported_configs`` runs unchanged; only archspec's three OS hooks (the file it opens, the
command it runs, the CPUID instruction) and ``platform.system``/``platform.machine`` answer from the
dump. Prints ``{dump name: {"target": archspec's host(), "answer": [[feature, [values]], ...]}}``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import platform
import sys
from collections.abc import Iterator
from typing import Any

PLUGINS = {
    "x86_64": ("provider_variant_x86_64.plugin", "X8664Plugin"),
    "aarch64": ("provider_variant_aarch64.plugin", "AArch64Plugin"),
}


def _machine(dump: str, family: str) -> tuple[str, str]:
    """(platform.system(), platform.machine()) of the machine the dump came from."""
    kind = os.path.basename(dump).split("-", 1)[0]
    if kind == "darwin":
        return "Darwin", "x86_64" if family == "x86_64" else "arm64"
    if kind == "windows":
        return "Windows", "AMD64" if family == "x86_64" else "ARM64"
    return "Linux", family


class _Registers:
    def __init__(self, eax: int, ebx: int, ecx: int, edx: int) -> None:
        self.eax, self.ebx, self.ecx, self.edx = eax, ebx, ecx, edx


def _cpuid_from(dump: str) -> type:
    table: dict[tuple[int, int], _Registers] = {}
    with open(dump) as handle:
        for line in handle:
            numbers = [int(part) for part in line.split(",")]
            table[(numbers[0], numbers[1])] = _Registers(*numbers[2:6])

    class RecordedCpuid:
        def registers_for(self, eax: int, ecx: int = 0) -> _Registers:
            return table.get((eax, ecx), _Registers(0, 0, 0, 0))

    return RecordedCpuid


def _sysctl_from(dump: str) -> Any:
    values: dict[str, str] = {}
    with open(dump) as handle:
        for line in handle:
            key, _, value = line.partition(":")
            values[key.strip()] = value.strip()

    def check_output(args: list[str], env: Any) -> str:
        return values.get(args[-1], "")

    return check_output


@contextlib.contextmanager
def _replaying(dump: str, family: str) -> Iterator[None]:
    import archspec.cpu.detect as detect  # the vendored copy the plugin module put in sys.modules

    system, machine = _machine(dump, family)
    saved = (platform.system, platform.machine, detect.__dict__.get("open"), detect._check_output, detect.CPUID)
    platform.system = lambda: system
    platform.machine = lambda: machine

    @contextlib.contextmanager
    def opener(_path: str, *_args: Any, **_kwargs: Any) -> Iterator[Any]:
        with open(dump) as handle:
            yield handle

    detect.open = opener
    detect._check_output = _sysctl_from(dump)
    detect.CPUID = _cpuid_from(dump) if system == "Windows" else detect.CPUID
    try:
        yield
    finally:
        platform.system, platform.machine = saved[0], saved[1]
        if saved[2] is None:
            del detect.open
        else:
            detect.open = saved[2]
        detect._check_output, detect.CPUID = saved[3], saved[4]


def answer(family: str, dump: str) -> dict[str, Any]:
    module_name, class_name = PLUGINS[family]
    plugin = getattr(importlib.import_module(module_name), class_name)()
    import archspec.cpu

    with _replaying(dump, family):
        target = archspec.cpu.host()
        configs = plugin.get_supported_configs(None)
    return {"target": target.name, "answer": [[c.name, list(c.values)] for c in configs]}


def main(argv: list[str]) -> int:
    family, dumps = argv[0], argv[1:]
    out = {os.path.basename(d): answer(family, d) for d in dumps}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
