"""Stand-in parity: our answer for provider-variant-x86-64 / -aarch64 equals theirs, machine by machine.

The expected answers were written by the published wheels' own code on archspec's recorded
machines (``data/README.md``); here the same machines replay through our probe seam.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from tests.parity._replay import fixture, published

from variant_detect_runtime import ReplayProbe

pytest.importorskip("variant_detect_x86_64", reason="needs the x86_64 provider installed")
pytest.importorskip("variant_detect_aarch64", reason="needs the aarch64 provider installed")

if TYPE_CHECKING:
    from pathlib import Path

X86 = published("x86_64")
ARM = published("aarch64")


def _answer(plugin: object, pin: str, directory: Path) -> list[list[object]]:
    provider = plugin.standin(pin)  # type: ignore[attr-defined]
    detection = provider.detect(ReplayProbe(str(directory)))
    return [[name, list(values)] for name, values, _multi in detection.features]


@pytest.mark.parametrize("name", sorted(X86))
def test_x86_64_standin_equals_provider_variant_x86_64(name: str, tmp_path: Path) -> None:
    from variant_detect_x86_64 import _plugin as plugin

    got = _answer(plugin, "provider-variant-x86-64==0.0.1.post2", fixture(name, "x86_64", tmp_path))
    assert got == X86[name]["answer"]


@pytest.mark.parametrize("name", sorted(ARM))
def test_aarch64_standin_equals_provider_variant_aarch64(name: str, tmp_path: Path) -> None:
    from variant_detect_aarch64 import _plugin as plugin

    got = _answer(plugin, "provider-variant-aarch64==0.0.1.post2", fixture(name, "aarch64", tmp_path))
    assert got == ARM[name]["answer"]


def test_corpus_covers_every_machine_the_published_code_reads() -> None:
    # 17 Linux + 3 macOS + 2 Windows x86-64 machines; 13 Linux + 3 macOS AArch64 machines.
    assert len(X86) == 22 and len(ARM) == 16
    assert any(not answer["answer"] for answer in X86.values())  # k10: below v2, nothing
    assert all(answer["answer"] for answer in ARM.values())


@pytest.mark.parametrize("family", ["x86_64", "aarch64"])
def test_published_tables_match_their_schema(family: str) -> None:
    import json
    from pathlib import Path

    import jsonschema  # type: ignore[import-untyped]

    data = Path(__file__).resolve().parents[2] / "providers" / family / "src" / f"variant_detect_{family}" / "data"
    table = json.loads((data / "published.json").read_text())
    jsonschema.validate(table, json.loads((data / "published.schema.json").read_text()))


# Our own answer where it corrects the published one (docs/providers/aarch64.md): Apple M2
# implements Armv8.6-A; archspec 0.2.5's m2 row stops at armv8.5a.
CORRECTED_VERSION = {"linux-asahi-m2": "8.6a"}


@pytest.mark.parametrize(
    ("name", "family"),
    [(n, "x86_64") for n in sorted(X86) if n.startswith("linux")]
    + [(n, "aarch64") for n in sorted(ARM) if n.startswith("linux")],
)
def test_own_answer_keeps_every_published_name(name: str, family: str, tmp_path: Path) -> None:
    # Our own answer (a file naming variant-detect-<name>) reports at least what the published one
    # reports, under the same names and value strings, on every Linux machine of the corpus.
    import importlib

    plugin = importlib.import_module(f"variant_detect_{family}")._plugin
    own = {f: v for f, v, _m in plugin.detect(ReplayProbe(str(fixture(name, family, tmp_path)))).features}
    answer = (X86 if family == "x86_64" else ARM)[name]["answer"]
    assert isinstance(answer, list)
    published_answer = {str(f): tuple(v) for f, v in answer}
    assert set(published_answer) <= set(own)
    for key in ("level", "version"):
        if key in published_answer:
            top = CORRECTED_VERSION.get(name, published_answer[key][0])
            assert own[key][0] == top
            assert set(published_answer[key]) <= set(own[key])
