"""GPU/accelerator fixtures are whole machines: a variants file mixing CPU and GPU properties ranks on them.

hw_fixtures/README.md, "Whole machines": a fixture that names its CPU and covers an accelerator namespace
also carries that CPU's sources. Before, none of the NVIDIA fixtures had a ``/proc/cpuinfo``, so a wheel
tagged ``x86_64 :: level`` *and* ``nvidia :: sm_arch`` was never compatible on any of them.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from variant_detect._cli import main
from variant_detect_runtime.testing import covered_namespaces, load_expected

FIXTURES = Path(__file__).resolve().parents[1] / "hw_fixtures"
ACCELERATORS = {"nvidia", "amd", "opencl", "intel", "tpu"}
CPU_NAMESPACE = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}
CPU_TOP = {"x86_64": "level", "aarch64": "version"}


def accelerator_fixtures() -> list[Path]:
    found = []
    for path in sorted(FIXTURES.iterdir()):
        if not (path / "expected.json").exists():
            continue
        cpu = path.name.split("-")[2]
        if cpu != "generic" and covered_namespaces(load_expected(str(path))) & ACCELERATORS:
            found.append(path)
    return found


def test_there_are_accelerator_fixtures() -> None:
    # 20 NVIDIA (incl. the Jetson), 15 AMD, 5 OpenCL, 1 Windows NVIDIA at the time of writing.
    assert len(accelerator_fixtures()) >= 41


@pytest.mark.parametrize("fixture", accelerator_fixtures(), ids=lambda p: p.name)
def test_accelerator_fixture_carries_its_host_cpu(fixture: Path) -> None:
    arch = fixture.name.split("-")[1]
    namespace = CPU_NAMESPACE[arch]
    profile = load_expected(str(fixture)).get("profile", {})
    assert namespace in profile, f"{fixture.name}: names a CPU and an accelerator but expects no {namespace} answer"
    assert CPU_TOP[namespace] in profile[namespace], f"{fixture.name}: {namespace} without {CPU_TOP[namespace]}"
    if fixture.name.startswith("linux-"):
        assert (fixture / "sysroot" / "proc" / "cpuinfo").is_file(), f"{fixture.name}: no /proc/cpuinfo"


def variants_file(cpu: str, requires: dict[str, str], variants: dict[str, Any]) -> dict[str, Any]:
    accel = next(ns for ns in requires if ns != cpu)
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": [accel, cpu]},
        "providers": {ns: {"requires": [req]} for ns, req in requires.items()},
        "variants": variants,
    }


NVIDIA_X86 = variants_file(
    "x86_64",
    {"x86_64": "x86-64-variant-provider>=0.2,<0.3", "nvidia": "nvidia-variant-provider>=0.0.1,<1.0.0"},
    {
        "sm80_v3": {"nvidia": {"sm_arch": ["80_real"]}, "x86_64": {"level": ["v3"]}},
        "sm80_v4": {"nvidia": {"sm_arch": ["80_real"]}, "x86_64": {"level": ["v4"]}},
        "sm90_v3": {"nvidia": {"sm_arch": ["90_real"]}, "x86_64": {"level": ["v3"]}},
        "sm90_v4": {"nvidia": {"sm_arch": ["90_real"]}, "x86_64": {"level": ["v4"]}},
        "sm90": {"nvidia": {"sm_arch": ["90_real"]}},
        "v4": {"x86_64": {"level": ["v4"]}},
    },
)
NVIDIA_ARM = variants_file(
    "aarch64",
    {"aarch64": "variant-detect-aarch64", "nvidia": "variant-detect-nvidia"},
    {
        "sm87_82a": {"nvidia": {"sm_arch": ["87_real"]}, "aarch64": {"version": ["8.2a"]}},
        "sm87_9a": {"nvidia": {"sm_arch": ["87_real"]}, "aarch64": {"version": ["9a"]}},
        "sm90_82a": {"nvidia": {"sm_arch": ["90_real"]}, "aarch64": {"version": ["8.2a"]}},
        "a82": {"aarch64": {"version": ["8.2a"]}},
    },
)
AMD_X86 = variants_file(
    "x86_64",
    {"x86_64": "variant-detect-x86-64", "amd": "variant-detect-amd"},
    {
        "gfx942_v4": {"amd": {"gfx_arch": ["gfx942"]}, "x86_64": {"level": ["v4"]}},
        "gfx942_v3": {"amd": {"gfx_arch": ["gfx942"]}, "x86_64": {"level": ["v3"]}},
        "gfx90a_v4": {"amd": {"gfx_arch": ["gfx90a"]}, "x86_64": {"level": ["v4"]}},
        "gfx90a_v3": {"amd": {"gfx_arch": ["gfx90a"]}, "x86_64": {"level": ["v3"]}},
    },
)
INTEL_X86 = variants_file(
    "x86_64",
    {"x86_64": "x86-64-variant-provider>=0.2,<0.3", "intel": "intel-variant-provider>=0.0.2,<1.0.0"},
    {
        "dg2_v4": {"intel": {"device_ip": ["12.55.8"]}, "x86_64": {"level": ["v4"]}},
        "dg2_v3": {"intel": {"device_ip": ["12.55.8"]}, "x86_64": {"level": ["v3"]}},
        "mtl_v3": {"intel": {"device_ip": ["12.70.4"]}, "x86_64": {"level": ["v3"]}},
        "pvc_v4": {"intel": {"device_ip": ["12.60.7"]}, "x86_64": {"level": ["v4"]}},
    },
)

# Written from the machines: H100 = sm 9.0 on Sapphire Rapids (v4); DGX A100 = sm 8.0 on EPYC 7742 (v3);
# Jetson Orin = sm 8.7 on Cortex-A78AE (8.2a); MI300X = gfx942 on Zen 4 (v4); MI250X = gfx90a on Zen 3 (v3);
# Arc A770 = 12.55.8 on Sapphire Rapids (v4); Meteor Lake-H = 12.71.4 then 12.70.4 on an Alder Lake-ISA host (v3).
CASES = [
    ("linux-x86_64-sapphirerapids-h100", NVIDIA_X86, ["sm90_v4", "sm90_v3", "sm90", "v4"]),
    ("linux-x86_64-zen2-a100", NVIDIA_X86, ["sm80_v3"]),
    ("linux-aarch64-cortex_a78ae-jetson_orin", NVIDIA_ARM, ["sm87_82a", "a82"]),
    ("linux-x86_64-zen4-mi300x", AMD_X86, ["gfx942_v4", "gfx942_v3"]),
    ("linux-x86_64-zen3-mi250x", AMD_X86, ["gfx90a_v3"]),
    ("linux-x86_64-sapphirerapids-arc-a770", INTEL_X86, ["dg2_v4", "dg2_v3"]),
    ("linux-x86_64-meteorlake-arc", INTEL_X86, ["mtl_v3"]),
]


@pytest.mark.parametrize(("name", "data", "want"), CASES, ids=[c[0] for c in CASES])
def test_mixed_file_ranks_on_whole_machine(tmp_path: Path, name: str, data: dict[str, Any], want: list[str]) -> None:
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text(json.dumps(data))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["rank", "--no-cache", "-q", "--fixture", str(FIXTURES / name), str(path)])
    assert status == 0, err.getvalue()
    assert out.getvalue().split() == want
