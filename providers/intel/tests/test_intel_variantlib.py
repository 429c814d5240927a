"""Interop: variantlib 0.2.2 loads our plugin in its own subprocess and ranks a
variants.json shaped like PyTorch's published XPU variants."""

from __future__ import annotations

import os

import pytest
from variantlib.api import get_variants_by_priority

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))


def torch_like_variants_json() -> dict[str, object]:
    return {
        "default-priorities": {"namespace": ["intel"]},
        "providers": {"intel": {"requires": ["variant-detect-intel"], "plugin-api": "variant_detect_intel"}},
        "variants": {
            "null": {},
            "xpu_dg2": {"intel": {"device_ip": ["12.55.8", "12.56.5", "12.57.0"]}},
            "xpu_mtl": {"intel": {"device_ip": ["12.70.4", "12.71.4"]}},
            "xpu_xe2": {"intel": {"device_ip": ["20.1.0", "20.2.0", "20.4.4"]}},
        },
    }


# Written by hand from each fixture's expected.json.
EXPECTED = {
    "linux-x86_64-sapphirerapids-arc-a770": ["xpu_dg2", "null"],
    "linux-x86_64-meteorlake-arc": ["xpu_mtl", "null"],
    "linux-x86_64-zen5-arc-b580": ["xpu_xe2", "null"],
    "linux-x86_64-sapphirerapids-no-gpu": ["null"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variantlib_ranks(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", os.path.join(FIXTURES, name))
    ranked = get_variants_by_priority(variants_json=torch_like_variants_json())
    assert [v.label for v in ranked] == EXPECTED[name]
