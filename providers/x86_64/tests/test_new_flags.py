"""Our own answer reports ISA flags no table row names yet (the prefix rule); the stand-in does not."""

from __future__ import annotations

import json
from pathlib import Path

from variant_detect_runtime import ReplayProbe
from variant_detect_x86_64 import _plugin as plugin

HASWELL = Path(__file__).resolve().parents[3] / "hw_fixtures" / "linux-x86_64-haswell" / "sysroot" / "proc" / "cpuinfo"
# Arrow Lake's kernel reports avx_vnni_int8 and avx_ne_convert (cpufeatures.h, X86_FEATURE_AVX_VNNI_INT8 /
# AVX_NE_CONVERT); amx_fp42_madeup and avx_made_up_isa are names no kernel has, following the rule;
# frobnicate_tsc is made up too but starts with no ISA prefix.
NEW = ("avx_vnni_int8", "avx_ne_convert", "amx_fp42_madeup", "avx_made_up_isa", "frobnicate_tsc")


def _machine(tmp_path: Path) -> Path:
    text = HASWELL.read_text()
    lines = [line + " " + " ".join(NEW) if line.startswith("flags") else line for line in text.splitlines()]
    (tmp_path / "sysroot" / "proc").mkdir(parents=True)
    (tmp_path / "sysroot" / "proc" / "cpuinfo").write_text("\n".join(lines) + "\n")
    (tmp_path / "machine.json").write_text(json.dumps({"system": "Linux", "machine": "x86_64", "release": "6.9"}))
    return tmp_path


def test_new_isa_flags_follow_the_table_features(tmp_path: Path) -> None:
    names = [name for name, _values, _m in plugin.detect(ReplayProbe(str(_machine(tmp_path)))).features]
    baseline = [name for name, _values, _m in plugin.detect(ReplayProbe(str(HASWELL.parents[2]))).features]
    assert names[: len(baseline)] == baseline  # the table's features keep their order, first
    assert names[len(baseline) :] == ["amx_fp42_madeup", "avx_made_up_isa", "avx_ne_convert", "avx_vnni_int8"]
    assert "frobnicate_tsc" not in names


def test_standin_answer_ignores_them(tmp_path: Path) -> None:
    standin = plugin.standin("provider-variant-x86-64==0.0.1.post2")
    names = {name for name, _values, _m in standin.detect(ReplayProbe(str(_machine(tmp_path)))).features}
    assert names.isdisjoint(NEW)


def test_level_cap_drops_them(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("VARIANT_DETECT_X86_64_LEVEL", "v2")
    features = plugin.detect(ReplayProbe(str(_machine(tmp_path)))).features
    assert not {name for name, _v, _m in features} & set(NEW)
