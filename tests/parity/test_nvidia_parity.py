"""nvidia: our answer equals nvidia-variant-provider 0.0.1's and 0.0.2's on 196 forced cases.

``data/published_nvidia.json.gz`` was written by the published plugin's own code
(github.com/wheelnext/nvidia-variant-provider, tags v0.0.1 and v0.0.2 answered identically) through
``published_nvidia.py``: 14 CUDA driver versions x 14 compute capabilities, set with its two
override variables, which replace everything it probes. Ours runs with the same variables on a
fixture without the driver.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from variant_detect_runtime import ReplayProbe

pytest.importorskip("variant_detect_nvidia", reason="needs the nvidia provider installed")

DATA = Path(__file__).parent / "data" / "published_nvidia.json.gz"
FIXTURE = Path(__file__).resolve().parents[2] / "hw_fixtures" / "linux-x86_64-generic-nvidia-no-driver"
with gzip.open(DATA, "rt") as _handle:
    PUBLISHED: dict[str, list[list[object]]] = json.load(_handle)


def test_grid_is_complete() -> None:
    assert len(PUBLISHED) == 196


@pytest.mark.parametrize("case", sorted(PUBLISHED))
def test_nvidia_equals_nvidia_variant_provider(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from variant_detect_nvidia import _plugin as plugin

    cuda, sm = case.split("|")
    monkeypatch.setenv("NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION", cuda)
    monkeypatch.setenv("NV_VARIANT_PROVIDER_FORCE_SM_ARCH", sm)
    detection = plugin.detect(ReplayProbe(str(FIXTURE)))
    assert [[name, list(values)] for name, values, _multi in detection.features] == PUBLISHED[case]
