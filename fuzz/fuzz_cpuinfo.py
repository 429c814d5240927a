"""atheris target: the /proc/cpuinfo parsers (x86_64 and aarch64), end to end.

The bytes are replayed as a fixture's ``sysroot/proc/cpuinfo`` through each
provider's collect and parse with no exception isolation; the features must
pass validation and stay within ``get_all_configs()``. The parse functions
alone may raise only their documented errors. Run through ``fuzz/run.py``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from typing import Any

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports():
    from variant_detect_aarch64 import _parse as aarch64_parse
    from variant_detect_aarch64 import plugin as aarch64
    from variant_detect_runtime import Provider, ReplayProbe, Report
    from variant_detect_x86_64 import _parse as x86_parse
    from variant_detect_x86_64 import plugin as x86_64

_WORK = tempfile.mkdtemp(prefix="fuzz-cpuinfo-")
# The fixture name carries the OS and architecture (hw_fixtures/README.md).
_FIXTURES: dict[Provider[Any], str] = {
    x86_64: os.path.join(_WORK, "linux-x86_64-fuzz"),
    aarch64: os.path.join(_WORK, "linux-aarch64-fuzz"),
}
for _path in _FIXTURES.values():
    os.makedirs(os.path.join(_path, "sysroot", "proc"))
_ALL = {p: {n: set(v) for n, v, _m in p.validate(p.all_features())} for p in _FIXTURES}


def test_one_input(data: bytes) -> None:
    with contextlib.suppress(x86_parse.CpuinfoError):
        x86_parse.parse_flags(data)
    aarch64_parse.midrs_from_cpuinfo(aarch64_parse.cpuinfo_blocks(data))
    for plugin, fixture in _FIXTURES.items():
        with open(os.path.join(fixture, "sysroot", "proc", "cpuinfo"), "wb") as handle:
            handle.write(data)
        probe = ReplayProbe(fixture, overrides={})
        report = Report(plugin.namespace)
        features = plugin.validate(plugin.parse(plugin.collect(probe, report), report))
        for name, values, _multi in features:
            assert set(values) <= _ALL[plugin][name], (plugin.namespace, name, values)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
