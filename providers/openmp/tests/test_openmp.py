"""openmp provider: fixtures, the published stand-in answer, on-disk detection, overrides, tables."""

from __future__ import annotations

import json
import os
from importlib.metadata import version

import jsonschema
import pytest

import variant_detect_openmp
from variant_detect_openmp._provider import MAX_OVERRIDE, OVERRIDE_ENV, parse_override
from variant_detect_runtime import ReplayProbe
from variant_detect_runtime.testing import check_fixture, fixture_dirs, ldcache_writer, replay

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_openmp.__file__), "data")
PLUGIN = variant_detect_openmp._plugin
ENV = OVERRIDE_ENV
OUR_FIXTURES = fixture_dirs(FIXTURES, "openmp")
X86_64 = 0x0303


def _published() -> dict[str, dict[str, object]]:
    with open(os.path.join(HERE, "data", "published_openmp.json"), encoding="utf-8") as handle:
        versions: dict[str, dict[str, object]] = json.load(handle)["versions"]
    return versions


PUBLISHED = _published()
PUBLISHED_ORDER = ["gnu", "intel", "llvm"]


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def test_the_issue_fixtures_exist() -> None:
    assert {os.path.basename(f) for f in OUR_FIXTURES} >= {
        "linux-x86_64-haswell-libgomp",
        "linux-x86_64-zen4-libomp-libgomp",
        "linux-x86_64-cascadelake-conda-libiomp5",
        "linux-x86_64-sapphirerapids-no-openmp",
    }


@pytest.mark.parametrize("fixture_dir", OUR_FIXTURES, ids=os.path.basename)
def test_fixture(fixture_dir: str) -> None:
    detection = check_fixture(PLUGIN, fixture_dir)
    # Every value is always offered; only the order moves.
    assert sorted(detection.as_profile()["provider"]) == sorted(PUBLISHED_ORDER)
    assert os.path.exists(os.path.join(fixture_dir, "sysroot", "proc", "cpuinfo")), "a whole machine has its CPU"


# -- the stand-in answer is the published one --------------------------------------------------


def test_published_answers_were_recorded_for_every_pin() -> None:
    assert {f"openmp-variant-provider=={v}" for v in PUBLISHED} == set(PLUGIN.stands_in_for)


@pytest.mark.parametrize("release", sorted(PUBLISHED))
@pytest.mark.parametrize("fixture_dir", OUR_FIXTURES, ids=os.path.basename)
def test_standin_answers_as_the_published_code(release: str, fixture_dir: str) -> None:
    published = PUBLISHED[release]
    standin = PLUGIN.standin(f"openmp-variant-provider=={release}")
    assert standin.namespace == published["namespace"]
    # Detection, and even the user override, must not move the published answer.
    detection = replay(standin, fixture_dir, env={ENV: "llvm"})
    ours = [{"name": n, "values": list(v), "multi_value": m} for n, v, m in detection.features]
    assert ours == published["get_supported_configs"]
    assert detection.warnings == [] and detection.overrides == []
    everything = [{"name": c.name, "values": c.values, "multi_value": c.multi_value} for c in standin.get_all_configs()]
    assert everything == published["get_all_configs"]


def test_standin_refuses_an_unknown_pin() -> None:
    with pytest.raises(ValueError, match=r"openmp-variant-provider==0\.0\.3"):
        PLUGIN.standin("openmp-variant-provider==0.0.3")


def test_own_answer_differs_from_the_published_one_where_documented() -> None:
    ours = replay(PLUGIN, fixture("linux-x86_64-zen4-libomp-libgomp")).as_profile()["provider"]
    theirs = PLUGIN.standin("openmp-variant-provider==0.0.2").detect(
        ReplayProbe(fixture("linux-x86_64-zen4-libomp-libgomp"), overrides={})
    )
    assert ours == ["gnu", "llvm", "intel"]
    assert theirs.as_profile()["provider"] == PUBLISHED_ORDER


def test_all_configs_are_the_published_list() -> None:
    configs = PLUGIN.get_all_configs()
    assert isinstance(configs, list)  # variantlib 0.2.2 rejects a tuple
    published = PUBLISHED["0.0.2"]["get_all_configs"]
    assert [{"name": c.name, "values": c.values, "multi_value": c.multi_value} for c in configs] == published


def test_module_is_a_plugin_by_itself() -> None:
    # PEP 850: the entry point names the module; its public names are the plugin API alone.
    module = variant_detect_openmp
    assert {n for n in dir(module) if not n.startswith("_")} == {
        "all_properties_compatible",
        "get_all_configs",
        "get_supported_configs",
        "namespace",
    }
    assert module.namespace == "openmp"
    # openmp-variant-provider 0.0.2 makes the same promise under its older name, is_build_plugin.
    assert module.all_properties_compatible is PUBLISHED["0.0.2"]["is_build_plugin"] is True


def test_version_matches_the_distribution() -> None:
    assert version(PLUGIN.distribution) == PLUGIN.version


# -- on-disk detection -----------------------------------------------------------------------


def _machine(
    tmp_path: os.PathLike[str],
    ld: list[tuple[int, str, str]] | None = None,
    files: tuple[str, ...] = (),
    python: dict[str, object] | None = None,
    name: str = "linux-x86_64-test",
    ld_bytes: bytes | None = None,
) -> str:
    root = os.path.join(tmp_path, name)
    os.makedirs(os.path.join(root, "sysroot"))
    if ld is not None or ld_bytes is not None:
        os.makedirs(os.path.join(root, "sysroot", "etc"))
        with open(os.path.join(root, "sysroot", "etc", "ld.so.cache"), "wb") as handle:
            handle.write(ld_bytes if ld_bytes is not None else ldcache_writer.new_format(ld or []))
    for path in files:
        full = os.path.join(root, "sysroot", path.replace("\\", "/").replace("C:/", "").lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        open(full, "wb").close()
    if python is not None:
        calls = {
            "libraries": {"python": {"load": "ok", "calls": [{"function": "sys_paths", "args": [], "result": python}]}}
        }
        with open(os.path.join(root, "calls.json"), "w", encoding="utf-8") as handle:
            json.dump(calls, handle)
    return root


def test_other_architectures_in_the_cache_do_not_count(tmp_path: os.PathLike[str]) -> None:
    # A 32-bit libiomp5 (flags libc6 without x86-64 bits) serves no x86-64 Python.
    root = _machine(tmp_path, ld=[(0x0003, "libiomp5.so", "/usr/lib/i386-linux-gnu/libiomp5.so")])
    assert replay(PLUGIN, root).as_profile() == {"provider": PUBLISHED_ORDER}
    root = _machine(tmp_path, ld=[(X86_64, "libiomp5.so", "/opt/intel/lib/libiomp5.so")], name="linux-x86_64-b")
    assert replay(PLUGIN, root).as_profile() == {"provider": ["intel", "gnu", "llvm"]}


def test_offload_plugins_are_not_runtimes(tmp_path: os.PathLike[str]) -> None:
    root = _machine(
        tmp_path,
        ld=[
            (X86_64, "libgomp-plugin-nvptx.so.1", "/lib/x86_64-linux-gnu/libgomp-plugin-nvptx.so.1"),
            (X86_64, "libomptarget.so.17", "/lib/x86_64-linux-gnu/libomptarget.so.17"),
            (X86_64, "libiomp5.so", "/opt/intel/lib/libiomp5.so"),
        ],
    )
    assert replay(PLUGIN, root).as_profile() == {"provider": ["intel", "gnu", "llvm"]}


def test_corrupt_cache_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    garbage = b"glibc-ld.so.cache1.1" + b"\xff" * 40 + b"libgomp.so.1\0"
    detection = replay(PLUGIN, _machine(tmp_path, ld_bytes=garbage))
    assert detection.as_profile() == {"provider": PUBLISHED_ORDER}
    assert any("/etc/ld.so.cache" in w for w in detection.warnings)


def test_cache_without_any_openmp_name_is_not_parsed(tmp_path: os.PathLike[str]) -> None:
    # Nothing to find: the bytes are not even parsed, so garbage there is no warning either.
    detection = replay(PLUGIN, _machine(tmp_path, ld_bytes=b"glibc-ld.so.cache1.1" + b"\xff" * 40))
    assert detection.as_profile() == {"provider": PUBLISHED_ORDER} and detection.warnings == []


def test_unreadable_cache_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    root = _machine(tmp_path, ld=[])
    with open(os.path.join(root, "file_errors.json"), "w", encoding="utf-8") as handle:
        json.dump({"/etc/ld.so.cache": "EACCES"}, handle)
    detection = replay(PLUGIN, root)
    assert detection.as_profile() == {"provider": PUBLISHED_ORDER}
    assert any("/etc/ld.so.cache: cannot read" in w for w in detection.warnings)


def test_environment_libraries_count_after_the_systems(tmp_path: os.PathLike[str]) -> None:
    prefix = "/home/u/miniforge3"
    root = _machine(
        tmp_path,
        ld=[(X86_64, "libgomp.so.1", "/lib/x86_64-linux-gnu/libgomp.so.1")],
        files=(f"{prefix}/lib/libomp.so", f"{prefix}/lib/libgomp.so.1"),
        python={"prefix": prefix, "base_prefix": prefix, "path": []},
    )
    detection = replay(PLUGIN, root)
    assert detection.as_profile() == {"provider": ["gnu", "llvm", "intel"]}
    said = " | ".join(m for _f, _s, m in detection.explanations)
    assert "libgomp.so.1 => /lib/x86_64-linux-gnu/libgomp.so.1" in said
    assert f"llvm: {prefix}/lib holds libomp.so" in said


def test_system_prefix_is_left_to_the_cache(tmp_path: os.PathLike[str]) -> None:
    # /usr/lib is ld.so.cache's: a file there that the cache does not list is not used by the loader.
    root = _machine(tmp_path, ld=[], files=("/usr/lib/libiomp5.so",), python={"prefix": "/usr", "base_prefix": "/usr"})
    assert replay(PLUGIN, root).as_profile() == {"provider": PUBLISHED_ORDER}


def test_unlistable_lib_dir_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    root = _machine(tmp_path, ld=[], files=("/opt/env/lib/libiomp5.so",), python={"prefix": "/opt/env"})
    with open(os.path.join(root, "file_errors.json"), "w", encoding="utf-8") as handle:
        json.dump({"/opt/env/lib": "EACCES"}, handle)
    detection = replay(PLUGIN, root)
    assert detection.as_profile() == {"provider": PUBLISHED_ORDER}
    assert any("/opt/env/lib: cannot list" in w for w in detection.warnings)


def test_windows_conda_environment(tmp_path: os.PathLike[str]) -> None:
    prefix = "C:\\Users\\u\\miniforge3"
    root = _machine(
        tmp_path,
        files=("C:/Users/u/miniforge3/Library/bin/libiomp5md.dll", "C:/Users/u/miniforge3/Library/bin/libomp.dll"),
        python={"prefix": prefix, "base_prefix": prefix},
        name="windows-amd64-test",
    )
    assert replay(PLUGIN, root).as_profile() == {"provider": ["intel", "llvm", "gnu"]}


def test_macos_homebrew_style_prefix(tmp_path: os.PathLike[str]) -> None:
    root = _machine(
        tmp_path,
        files=("/opt/env/lib/libomp.dylib",),
        python={"prefix": "/opt/env", "base_prefix": "/opt/env"},
        name="macos-arm64-test",
    )
    assert replay(PLUGIN, root).as_profile() == {"provider": ["llvm", "gnu", "intel"]}


def test_bad_interpreter_answer_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    detection = replay(PLUGIN, _machine(tmp_path, ld=[], python=["not", "an", "object"]))  # type: ignore[arg-type]
    assert detection.as_profile() == {"provider": PUBLISHED_ORDER}
    assert any("python.sys_paths" in w for w in detection.warnings)


# -- the user override -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("llvm", ["llvm", "gnu", "intel"]),
        ("llvm, intel", ["llvm", "intel", "gnu"]),
        ("INTEL;gnu", ["intel", "gnu", "llvm"]),
    ],
)
def test_override_orders(value: str, expected: list[str]) -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-haswell-libgomp"), env={ENV: value})
    assert detection.as_profile() == {"provider": expected}
    assert detection.overrides[0]["variable"] == ENV


def test_override_that_agrees_has_no_effect() -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-haswell-libgomp"), env={ENV: "gnu"})
    assert detection.as_profile() == {"provider": PUBLISHED_ORDER}
    assert detection.overrides == []


def test_unknown_override_words_are_warned_and_skipped() -> None:
    detection = replay(PLUGIN, fixture("linux-x86_64-haswell-libgomp"), env={ENV: "msvc,llvm"})
    assert detection.as_profile() == {"provider": ["llvm", "gnu", "intel"]}
    assert any(ENV in w and "'msvc'" in w for w in detection.warnings)


def test_override_length_is_bounded() -> None:
    value = "llvm," * (MAX_OVERRIDE // 5 + 1)
    detection = replay(PLUGIN, fixture("linux-x86_64-haswell-libgomp"), env={ENV: value})
    assert detection.as_profile() == {"provider": PUBLISHED_ORDER}
    assert detection.overrides == []
    assert any(ENV in w and "characters; ignored" in w for w in detection.warnings)


def test_parse_override() -> None:
    assert parse_override(" llvm ,, gnu llvm", ("gnu", "intel", "llvm")) == (["llvm", "gnu"], [])
    assert parse_override("vcomp", ("gnu", "intel", "llvm")) == ([], ["vcomp"])


def test_disable_switch() -> None:
    probe = ReplayProbe(fixture("linux-x86_64-haswell-libgomp"), overrides={"VARIANT_DETECT_DISABLE": "openmp"})
    assert PLUGIN.detect(probe).features == []


# -- the table ---------------------------------------------------------------------------------


def test_table_matches_schema() -> None:
    with open(os.path.join(DATA, "openmp.json"), encoding="utf-8") as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "openmp.schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(table, schema)
    assert table["values"]["order"] == PUBLISHED["0.0.2"]["get_all_configs"][0]["values"]  # type: ignore[index]
    for system in ("Linux", "Darwin", "Windows"):
        values = {row["value"] for row in table["runtimes"] if row["system"] == system}
        assert values == set(PUBLISHED_ORDER), f"{system}: every runtime needs a file name"


def test_nothing_on_stdout(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    # variantlib reads a plugin's answer as JSON on stdout: a stray print corrupts it.
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", fixture("linux-x86_64-zen4-libomp-libgomp"))
    configs = variant_detect_openmp.get_supported_configs()
    assert [(c.name, c.values) for c in configs] == [("provider", ["gnu", "llvm", "intel"])]
    assert capfd.readouterr().out == ""
