"""The resolver answers a published provider's name with its stand-in answer, ours with our own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from tests.resolver.test_rank_cli import fixture, rank, run_cli, write

if TYPE_CHECKING:
    from pathlib import Path


def _file(
    requires: str, namespace: str, first: dict[str, list[str]], second: dict[str, list[str]]
) -> dict[str, object]:
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": [namespace]},
        "providers": {namespace: {"requires": [requires]}},
        "variants": {"first": {namespace: first}, "second": {namespace: second}},
    }


# Haswell: provider-variant-x86-64 answers `... bmi2 bmi1 f16c fma ...`, ours `... fma f16c bmi2 ...`
# (issue 15's example): a file with {bmi2} and {fma} installs a different wheel.
BMI2 = {"bmi2": ["on"]}
FMA = {"fma": ["on"]}


@pytest.mark.parametrize(
    ("requires", "expected"),
    [
        ("provider-variant-x86-64>=0.0.1", ["first", "second"]),  # the published order: bmi2 first
        ("variant-detect-x86-64", ["second", "first"]),  # our own order: fma first
    ],
)
def test_published_name_gets_published_order(tmp_path: Path, requires: str, expected: list[str]) -> None:
    path = write(tmp_path, _file(requires, "x86_64", BMI2, FMA))
    assert rank(path, "--fixture", fixture("linux-x86_64-haswell")) == expected


def test_explain_says_which_answer_served(tmp_path: Path) -> None:
    path = write(tmp_path, _file("provider-variant-x86-64>=0.0.1", "x86_64", BMI2, FMA))
    status, _out, err = run_cli("rank", path, "--fixture", fixture("linux-x86_64-haswell"), "--explain")
    assert status == 0, err
    assert "stand-in answer of provider-variant-x86-64 0.0.1.post2" in err
    path = write(tmp_path, _file("variant-detect-x86-64", "x86_64", BMI2, FMA), "own-1.0-variants.json")
    status, _out, err = run_cli("rank", path, "--fixture", fixture("linux-x86_64-haswell"), "--explain")
    assert "variant-detect-x86-64 0.1.0 is installed (its own answer)" in err


def test_uv_builtin_name_gets_level_only(tmp_path: Path) -> None:
    # uv's x86-64-variant-provider 0.2.1 answers `level` alone: a feature variant never matches.
    data = _file("x86-64-variant-provider==0.2.1", "x86_64", BMI2, {"level": ["v3"]})
    assert rank(write(tmp_path, data), "--fixture", fixture("linux-x86_64-haswell")) == ["second"]


def test_aarch64_published_name_is_served_without_allow_provider(tmp_path: Path) -> None:
    pytest.importorskip("variant_detect_aarch64", reason="needs the aarch64 provider installed")
    # A Raspberry Pi 4's Cortex-A72 has no crypto extensions, so archspec finds no named target:
    # provider-variant-aarch64 answers `version 8a` alone, where ours reports crc32 too.
    data = _file("provider-variant-aarch64>=0.0.1", "aarch64", {"crc32": ["on"]}, {"version": ["8a"]})
    path = write(tmp_path, data)
    assert rank(path, "--fixture", fixture("linux-aarch64-cortex_a72-rpi4")) == ["second"]
    status, _out, err = run_cli("rank", path, "--fixture", fixture("linux-aarch64-cortex_a72-rpi4"), "--explain")
    assert status == 0, err
    assert "stand-in answer of provider-variant-aarch64 0.0.1.post2" in err


def test_own_name_on_aarch64_is_our_answer(tmp_path: Path) -> None:
    pytest.importorskip("variant_detect_aarch64", reason="needs the aarch64 provider installed")
    data = _file("variant-detect-aarch64", "aarch64", {"crc32": ["on"]}, {"version": ["8a"]})
    # both compatible (`version` outranks `crc32`, being first in the answer)
    assert rank(write(tmp_path, data), "--fixture", fixture("linux-aarch64-cortex_a72-rpi4")) == ["second", "first"]
