"""amd: our answer equals amd-variant-provider 0.0.2's on forced and recorded cases.

``data/published_amd.json`` was written by the published plugin's own code (the 0.0.2 wheel in
github.com/wheelnext/amd-variant-provider) through ``published_amd.py``: its two override
variables set or not (40 cases, on a machine without ROCm), and each AMD fixture's recorded
``/opt/rocm/.info/version`` read through ``ROCM_PATH`` with the GPU list forced. Ours runs with the
same variables on a fixture without ROCm, or on that AMD fixture.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from variant_detect_runtime import ReplayProbe

pytest.importorskip("variant_detect_amd", reason="needs the amd provider installed")

DATA = Path(__file__).parent / "data" / "published_amd.json"
FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"
NO_ROCM = FIXTURES / "linux-x86_64-haswell"
PUBLISHED: dict[str, list[list[object]]] = json.loads(DATA.read_text())


def _ours(case: str, monkeypatch: pytest.MonkeyPatch) -> list[list[object]]:
    from variant_detect_amd import _plugin as plugin

    gfx, rocm, fixture = case.split("|")
    for name, value in (
        ("AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH", gfx),
        ("AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION", rocm),
    ):
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)
    detection = plugin.detect(ReplayProbe(str(FIXTURES / fixture if fixture else NO_ROCM)))
    return [[name, list(values)] for name, values, _multi in detection.features]


@pytest.mark.parametrize("case", sorted(PUBLISHED))
def test_amd_equals_amd_variant_provider(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _ours(case, monkeypatch) == PUBLISHED[case]
