"""Wheels for the variant-marker and ABI-dependency end-to-end tests (own bytes, written here).

``mk-pkg`` variants (a static ``toy`` namespace) whose ``Requires-Dist`` uses
each PEP 825 variant marker, a non-variant ``mk-app`` that depends on it
through a marker, and one plain ``mk-*`` wheel per dependency, so what got
installed says which markers were true.

``abi-pkg`` variants built "against" ``base-lib`` 1 and 2 (PEP 850
``builtin: "abi_dependency"``) plus the null variant, and ``base-lib`` 1.0.0,
2.0.0 and 3.0.0. Variant wheels come from the real ``variantlib make-variant``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any


def _load_build() -> Any:
    spec = importlib.util.spec_from_file_location("variant_detect_test_build", Path(__file__).with_name("_build.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _load_build()
VARIANTLIB = str(Path(sys.executable).parent / "variantlib")

MK_PYPROJECT = """\
[variant.default-priorities]
namespace = ["toy"]

[variant.providers.toy]
static-properties = { level = ["v2", "v1"], arch = ["b", "a"] }
feature-order = ["level", "arch"]
"""

# label -> properties; "c" is declared by v2a but not supported, so it is filtered out (PEP 825 step 3).
MK_VARIANTS = {
    "v2a": ["toy :: level :: v2", "toy :: arch :: a", "toy :: arch :: c"],
    "v1": ["toy :: level :: v1"],
}

# dependency -> marker; the tests name which ones each variant must get.
MK_REQUIRES = {
    "mk-label": 'variant_label == "v2a"',
    "mk-ns": '"toy" in variant_namespaces',
    "mk-feat": '"toy :: arch" in variant_features',
    "mk-prop": "'toy::arch::a' in variant_properties",
    "mk-unsupported": '"toy :: arch :: c" in variant_properties',
    "mk-plain": 'variant_label == ""',
    "mk-null": 'variant_label == "null"',
    "mk-py2": '"toy" in variant_namespaces and python_version < "3"',
    "mk-not-v1": 'variant_label != "v1" and sys_platform != "nonesuch"',
    "mk-not-ns": '"toy" not in variant_namespaces',
    "mk-always": "",
}

ABI_PYPROJECT = """\
[variant.default-priorities]
namespace = ["abi"]

[variant.providers.abi]
builtin = "abi_dependency"
"""

ABI_VARIANTS = {"lib1": ["abi :: base_lib :: 1"], "lib2": ["abi :: base_lib :: 2"]}


def _requires(table: dict[str, str]) -> tuple[str, ...]:
    return tuple(f"{name}; {marker}" if marker else name for name, marker in table.items())


def _variants(dist: Path, work: Path, base: Path, pyproject: str, variants: dict[str, list[str]]) -> None:
    toml = work / f"{base.name}.pyproject.toml"
    toml.write_text(pyproject)
    tool = [VARIANTLIB, "make-variant", "-f", str(base), "-o", str(dist), "--no-isolation"]
    tool += ["--skip-plugin-validation", "--pyproject-toml", str(toml)]
    for label, properties in variants.items():
        props = [arg for prop in properties for arg in ("-p", prop)]
        subprocess.run([*tool, *props, "--variant-label", label], check=True, capture_output=True)
    subprocess.run([*tool, "--null-variant"], check=True, capture_output=True)


def make_markers(dist: Path, work: Path) -> None:
    base_dir = work / "mk-base"
    base_dir.mkdir()
    base = _build.plain_wheel(base_dir, "mk-pkg", "1.0.0", _requires(MK_REQUIRES))
    _variants(dist, work, base, MK_PYPROJECT, MK_VARIANTS)
    subprocess.run([VARIANTLIB, "generate-index-json", "-d", str(dist)], check=True, capture_output=True)
    (dist / base.name).write_bytes(base.read_bytes())
    app = {"mk-pkg": 'variant_label == ""', "mk-never": 'variant_label != ""'}
    _build.plain_wheel(dist, "mk-app", "1.0.0", _requires(app))
    for name in [*MK_REQUIRES, "mk-never"]:
        _build.plain_wheel(dist, name, "1.0.0")


def make_abi(dist: Path, work: Path) -> None:
    base_dir = work / "abi-base"
    base_dir.mkdir()
    base = _build.plain_wheel(base_dir, "abi-pkg", "1.0.0", ("base-lib",))
    _variants(dist, work, base, ABI_PYPROJECT, ABI_VARIANTS)
    subprocess.run([VARIANTLIB, "generate-index-json", "-d", str(dist)], check=True, capture_output=True)
    for version in ("1.0.0", "2.0.0", "3.0.0"):
        _build.plain_wheel(dist, "base-lib", version)
