"""blas_lapack provider: fixtures, hints, overrides, tables, and the real consumer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import jsonschema
import pytest

import variant_detect_blas_lapack
from variant_detect_blas_lapack import _parse, _probe, _table
from variant_detect_blas_lapack._provider import parse_override
from variant_detect_runtime import ReplayProbe, Report
from variant_detect_runtime.testing import check_fixture, fixture_dirs, ldcache_writer, replay

HERE = os.path.dirname(__file__)

FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_blas_lapack.__file__), "data")
PLUGIN = variant_detect_blas_lapack._plugin
BLAS_FIXTURES = fixture_dirs(FIXTURES, "blas_lapack")
WHEELNEXT_ORDER = ("accelerate", "openblas", "mkl")


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def test_the_issue_fixtures_exist() -> None:
    names = {os.path.basename(f) for f in BLAS_FIXTURES}
    assert {
        "linux-x86_64-skylakex-mkl",
        "linux-x86_64-zen2-openblas",
        "linux-x86_64-generic-flexiblas",
        "macos-arm64-m2-accelerate",
        "macos-x86_64-coffeelake-macos12-blas",
        "windows-amd64-skylake-numpy-openblas",
    } <= names


@pytest.mark.parametrize("fixture_dir", BLAS_FIXTURES, ids=os.path.basename)
def test_fixture(fixture_dir: str) -> None:
    detection = check_fixture(PLUGIN, fixture_dir)
    # Every value is always offered (all_properties_compatible); only the order moves.
    assert sorted(detection.as_profile()["provider"]) == sorted(WHEELNEXT_ORDER)


def test_table_matches_schema() -> None:
    with open(os.path.join(DATA, "blas_lapack.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "blas_lapack.schema.json")) as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(table, schema)


def test_all_configs_are_wheelnexts_list() -> None:
    configs = PLUGIN.get_all_configs()
    assert [(c.name, tuple(c.values), c.multi_value) for c in configs] == [("provider", WHEELNEXT_ORDER, False)]


def test_module_is_a_plugin_by_itself() -> None:
    module = variant_detect_blas_lapack
    assert module.namespace == "blas_lapack"
    assert module.all_properties_compatible is True
    for name in ("get_supported_configs", "get_all_configs"):
        assert callable(getattr(module, name))


# -- hints ------------------------------------------------------------------------------------


def test_explain_names_the_deciding_hint() -> None:
    detection = replay(PLUGIN, fixture("windows-amd64-skylake-numpy-openblas"))
    decided = [(s, m) for _f, s, m in detection.explanations if "decided by" in m]
    assert decided == [(decided[0][0], decided[0][1])]
    assert decided[0][0] == "python environment"
    assert decided[0][1].startswith("openblas first") and "numpy.libs" in decided[0][1]


def test_environment_beats_cpu_and_platform() -> None:
    detection = replay(PLUGIN, fixture("windows-amd64-skylake-numpy-openblas"))
    sources = [s for _f, s, _m in detection.explanations]
    assert sources[:3] == ["PROCESSOR_IDENTIFIER", "platform", "python environment"]


def test_flexiblas_env_beats_config_files() -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-generic-flexiblas"), env={})
    assert detection.as_profile()["provider"][0] == "mkl"
    root = fixture("linux-x86_64-generic-flexiblas")
    raw = _raw_from(root)
    raw.flexiblas_env = "/usr/lib64/libflexiblas_openblas-openmp.so"
    report = _report()
    assert _parse.parse(raw, _table.load(), report)[0][1][0] == "openblas"
    assert any(s == "FLEXIBLAS" and "decided" in m for _f, s, m in report.explanations)


def test_flexiblas_backend_outside_our_values_has_no_effect() -> None:
    raw = _raw_from(fixture("linux-x86_64-generic-flexiblas"))
    raw.flexiblas_env = "NETLIB"
    report = _report()
    order = _parse.parse(raw, _table.load(), report)[0][1]
    assert order == ("openblas", "mkl", "accelerate")  # the cache's order: OpenBLAS listed first
    assert any("NETLIB is none of" in m for _f, _s, m in report.explanations)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"default = OPENBLAS-OPENMP\n", "OPENBLAS-OPENMP"),
        (b"# c\ndefault=NETLIB ; note\ndefault = BLIS\n", "BLIS"),
        (b"[MKL]\ndefault = MKL\n", None),  # inside a backend section: not the default
        (b"library = x.so\n", None),
    ],
)
def test_flexiblas_default(text: bytes, expected: str | None) -> None:
    assert _parse.flexiblas_default(text) == expected


def test_macos_plist_garbage_falls_back_to_darwin_release(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "macos-arm64-test")
    plist_dir = os.path.join(root, "sysroot", "System", "Library", "CoreServices")
    os.makedirs(plist_dir)
    with open(os.path.join(plist_dir, "SystemVersion.plist"), "wb") as handle:
        handle.write(b"<plist><dict><key>ProductVersion</key><string>fourteen</string></dict></plist>")
    with open(os.path.join(root, "machine.json"), "w") as handle:
        json.dump({"system": "Darwin", "machine": "arm64", "release": "22.4.0"}, handle)
    detection = replay(PLUGIN, root)
    assert detection.as_profile()["provider"][0] == "accelerate"  # Darwin 22.4 = macOS 13.3
    assert any("SystemVersion.plist" in w and "'fourteen'" in w for w in detection.warnings)


def test_macos_13_2_puts_accelerate_last(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "macos-arm64-test")
    os.makedirs(root)
    with open(os.path.join(root, "machine.json"), "w") as handle:
        json.dump({"system": "Darwin", "machine": "arm64", "release": "22.3.0"}, handle)
    assert replay(PLUGIN, root).as_profile()["provider"] == ["openblas", "mkl", "accelerate"]


def test_cache_entries_of_another_architecture_are_ignored(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "linux-x86_64-test")
    os.makedirs(os.path.join(root, "sysroot", "etc"))
    entries = [(0x0003, "libmkl_rt.so", "/usr/lib/i386-linux-gnu/libmkl_rt.so")]  # i386, libc6
    with open(os.path.join(root, "sysroot", "etc", "ld.so.cache"), "wb") as handle:
        handle.write(ldcache_writer.new_format(entries))
    assert replay(PLUGIN, root).as_profile()["provider"][0] == "openblas"


def test_unreadable_cache_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "linux-x86_64-test")
    os.makedirs(os.path.join(root, "sysroot", "etc"))
    open(os.path.join(root, "sysroot", "etc", "ld.so.cache"), "wb").close()
    with open(os.path.join(root, "file_errors.json"), "w") as handle:
        json.dump({"/etc/ld.so.cache": "EACCES"}, handle)
    detection = replay(PLUGIN, root)
    assert detection.as_profile()["provider"] == ["openblas", "mkl", "accelerate"]
    assert any("/etc/ld.so.cache: cannot read" in w for w in detection.warnings)


# -- override ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "good", "bad"),
    [("mkl", ["mkl"], []), (" MKL, openblas ", ["mkl", "openblas"], []), ("atlas mkl", ["mkl"], ["atlas"])],
)
def test_parse_override(value: str, good: list[str], bad: list[str]) -> None:
    assert parse_override(value, WHEELNEXT_ORDER) == (good, bad)


def test_override_beats_every_hint() -> None:
    env = {"VARIANT_DETECT_BLAS_LAPACK_PROVIDER": "mkl"}
    detection = replay(PLUGIN, fixture("windows-amd64-skylake-numpy-openblas"), env=env)
    assert detection.as_profile()["provider"] == ["mkl", "openblas", "accelerate"]
    assert detection.overrides[0]["variable"] == "VARIANT_DETECT_BLAS_LAPACK_PROVIDER"
    assert "decided by the user override" in detection.explanations[-1][2]


def test_override_that_agrees_records_nothing() -> None:
    env = {"VARIANT_DETECT_BLAS_LAPACK_PROVIDER": "openblas"}
    detection = replay(PLUGIN, fixture("linux-x86_64-zen2-openblas"), env=env)
    assert detection.overrides == []
    assert detection.as_profile()["provider"][0] == "openblas"


def test_bad_override_is_a_warning() -> None:
    env = {"VARIANT_DETECT_BLAS_LAPACK_PROVIDER": "netlib"}
    detection = replay(PLUGIN, fixture("linux-x86_64-zen2-openblas"), env=env)
    assert detection.as_profile()["provider"][0] == "openblas"
    assert any("'netlib'" in w for w in detection.warnings)


# -- cost rules -------------------------------------------------------------------------------


def test_live_detection_never_imports_numpy() -> None:
    code = (
        "import sys, variant_detect_blas_lapack as m; d = m._plugin.detect(); "
        "print('numpy' in sys.modules, sorted(d.as_profile()['provider']))"
    )
    env = {k: v for k, v in os.environ.items() if k != "VARIANT_DETECT_FIXTURE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split("\n")[0] == "False ['accelerate', 'mkl', 'openblas']"


# -- the real consumer ------------------------------------------------------------------------


def test_variantlib_ranks_with_our_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from variantlib.api import get_variants_by_priority

    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", fixture("windows-amd64-skylake-numpy-openblas"))
    variants_json = {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": ["blas_lapack"]},
        # No plugin-api: variantlib imports variant_detect_blas_lapack itself, in its own subprocess.
        "providers": {"blas_lapack": {"requires": ["variant-detect-blas-lapack"]}},
        "variants": {v: {"blas_lapack": {"provider": [v]}} for v in WHEELNEXT_ORDER},
    }
    ranked = [v.label for v in get_variants_by_priority(variants_json=variants_json)]
    assert ranked == [*replay(PLUGIN, fixture("windows-amd64-skylake-numpy-openblas")).as_profile()["provider"], "null"]
    assert ranked[0] == "openblas"


def test_variant_detect_cli_json_on_a_fixture() -> None:
    exe = shutil.which("variant-detect", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("variant-detect console script not installed next to this interpreter")
    root = fixture("macos-arm64-m2-accelerate")
    out = subprocess.run(
        [exe, "--json", "--fixture", root, "--namespace", "blas_lapack"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["profile"] == {"blas_lapack": {"provider": ["accelerate", "openblas", "mkl"]}}


# -- helpers ----------------------------------------------------------------------------------


def _report() -> Report:
    return Report("blas_lapack")


def _raw_from(root: str) -> _probe.RawSources:
    return _probe.collect(ReplayProbe(root, overrides={}), _report(), _table.load())


@pytest.mark.parametrize(
    "name", ["linux-x86_64-skylakex-mkl", "macos-arm64-m2-accelerate", "linux-x86_64-zen2-openblas"]
)
def test_standin_answers_the_published_fixed_order(name: str) -> None:
    # blas-lapack-variant-provider 0.0.3 (interop.md section 2) answers this list on every machine,
    # whatever our hints say (our own answer on these fixtures puts mkl / openblas first).
    from variant_detect_blas_lapack import _plugin as plugin
    from variant_detect_runtime import ReplayProbe

    fixture = os.path.join(os.path.dirname(__file__), "..", "..", "..", "hw_fixtures", name)
    standin = plugin.standin("blas-lapack-variant-provider==0.0.3")
    assert standin.detect(ReplayProbe(fixture)).features == [("provider", ("accelerate", "openblas", "mkl"), False)]
    if "accelerate" not in name:  # where our hints put another library first, the answers differ
        assert plugin.detect(ReplayProbe(fixture)).features != standin.detect(ReplayProbe(fixture)).features
