"""PEP 850's ABI Dependency Variant Provider (``builtin: "abi_dependency"``).

Unit tests of :mod:`variant_detect._resolver._abi`, then end to end with
``abi-pkg`` variants built against ``base-lib`` 1 and 2 (real ``variantlib
make-variant`` wheels), ``base-lib`` 1.0.0/2.0.0/3.0.0 beside them, installed
by uv (0.13.8 and 0.13.9: conftest's ``uv`` fixture) and pip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from variant_detect._exit import EXIT_BAD_INPUT, EXIT_OK
from variant_detect._resolver import _abi, _metadata
from variant_detect._resolver._supported import Outcome
from variant_detect_runtime import Feature

BIN = Path(sys.executable).parent
CLI = str(BIN / "variant-detect")
SITE = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"variant_detect_test_{name}", Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_deps = _load("_build_deps")


# -- values and names -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "1.2", "1.2.3", "0", "10.20.30"])
def test_release_prefixes_are_accepted(value: str) -> None:
    assert _abi.value_problem(value) is None


@pytest.mark.parametrize("value", ["1.2.3.4", "01", "1.02", "1.0a1", "1.2.post1", "1!2", "1.2.*", "x", "1.2+local"])
def test_other_values_are_refused(value: str) -> None:
    """uv 0.13.9: a canonical release prefix of one to three components (``abi_dependency`` in variants_json.rs)."""
    assert _abi.value_problem(value) is not None


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2.1.3", ["2.1.3", "2.1", "2"]),
        ("2.1.3.post1", ["2.1.3", "2.1", "2"]),
        ("2", ["2.0.0", "2.0", "2"]),
        ("2.1.0rc1", ["2.1.0", "2.1", "2"]),
        ("1!4.5", ["4.5.0", "4.5", "4"]),
    ],
)
def test_prefixes_of_an_installed_version(version: str, expected: list[str]) -> None:
    assert _abi.prefixes(version) == expected
    for prefix in expected:  # each is one packaging itself matches with ==P.*, epoch aside
        if "!" not in version:
            assert Version(version) in SpecifierSet(f"=={prefix}.*", prereleases=True)


def test_dist_info_name() -> None:
    assert _abi.dist_info_name("Foo.Bar-baz__Qux") == "foo_bar_baz_qux"


META = {
    "default-priorities": {"namespace": ["abi"]},
    "providers": {"abi": {"builtin": "abi_dependency"}},
    "variants": {
        "one": {"abi": {"base_lib": ["1"]}},
        "two": {"abi": {"base_lib": ["2", "2.1"]}},
        "bad": {"abi": {"base__lib": ["2"]}},
        "worse": {"abi": {"base_lib": ["2.1.0.1"]}},
        "null": {},
    },
}


def _supported(context: _abi.Context) -> Outcome:
    outcome = Outcome()
    _abi.supported(_metadata.parse(json.loads(json.dumps(META)), "abi.json"), "abi", context, outcome)
    return outcome


def test_installed_version_gives_its_prefixes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_abi.OVERRIDE_ENV, "base-lib==2.1.5")
    outcome = _supported(_abi.Context())
    assert outcome.supported == {"abi": [Feature("base_lib", ("2.1.5", "2.1", "2"))]}
    expected = "base__lib: expected a distribution name in dist-info normal form ('base_lib')"
    assert any(expected in w for w in outcome.warnings)
    assert any("base_lib :: 2.1.0.1: expected a canonical release prefix" in w for w in outcome.warnings)


def test_not_installed_gives_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_abi.OVERRIDE_ENV, raising=False)
    outcome = _supported(_abi.Context())  # base_lib is not installed in the test environment
    assert outcome.supported == {"abi": []}


def test_same_command_offers_what_variants_declare(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_abi.OVERRIDE_ENV, raising=False)
    assert _supported(_abi.Context(None, {"base-lib": None})).supported == {
        "abi": [Feature("base_lib", ("2.1", "2", "1"))]
    }
    monkeypatch.setenv(_abi.OVERRIDE_ENV, "base_lib==1.0")  # the installed one first
    installed_first = Feature("base_lib", ("1", "2.1", "2"))
    assert _supported(_abi.Context(None, {"base-lib": None})).supported == {"abi": [installed_first]}


@pytest.mark.parametrize(
    ("specifier", "offered"),
    [("<2", ("1",)), (">=1.5,<2", ("1",)), ("==2.1.3", ("2.1", "2")), (">=2.2", ("2",)), ("==3.*", ())],
)
def test_same_command_respects_the_requirement(
    specifier: str, offered: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(_abi.OVERRIDE_ENV, raising=False)
    outcome = _supported(_abi.Context(None, {"base_lib": SpecifierSet(specifier)}))
    assert outcome.supported == {"abi": [Feature("base_lib", offered)] if offered else []}


@pytest.mark.parametrize("value", ["base_lib", "base_lib==", "==1", "base_lib==not.a.version"])
def test_bad_override_is_bad_input(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from variant_detect._exit import BadInput

    monkeypatch.setenv(_abi.OVERRIDE_ENV, value)
    with pytest.raises(BadInput, match=_abi.OVERRIDE_ENV):
        _supported(_abi.Context())


# -- end to end -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def abi_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("abi")
    out = work / "dist"
    out.mkdir()
    _deps.make_abi(out, work)
    return out


def _env(uv: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1", **extra}
    env["PATH"] = f"{Path(uv).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop(_abi.OVERRIDE_ENV, None)
    return env


def _cli(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *argv], capture_output=True, text=True, timeout=300, env=env, check=False)


def _versions(python: Path) -> dict[str, tuple[str, str | None]]:
    """name -> (version, variant label or None) of what is installed."""
    out = {}
    for info in (python.parent.parent / SITE).glob("*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").split("-")
        variant = info / "variant.json"
        label = next(iter(json.loads(variant.read_text())["variants"])) if variant.exists() else None
        out[name] = (version, label)
    return out


def _uv_venv(uv: str, path: Path, env: dict[str, str]) -> Path:
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(path)], check=True, timeout=60, env=env)
    return path / "bin" / "python"


def test_uv_takes_the_variant_built_against_the_installed_version(uv: str, abi_dist: Path, tmp_path: Path) -> None:
    env = _env(uv, tmp_path)
    links = ("--find-links", str(abi_dist), "--no-index", "--installer", "uv")
    for installed, label in (("1.0.0", "lib1"), ("2.0.0", "lib2")):
        python = _uv_venv(uv, tmp_path / installed, env)
        wheel = str(abi_dist / f"base_lib-{installed}-py3-none-any.whl")
        subprocess.run([uv, "pip", "install", "-q", "--python", str(python), wheel], check=True, env=env, timeout=60)
        done = _cli(env, "install", "abi-pkg", *links, "--python", str(python))
        assert done.returncode == EXIT_OK, done.stderr
        assert _versions(python) == {"abi_pkg": ("1.0.0", label), "base_lib": (installed, None)}
        assert f"constraint base_lib=={label[-1]}.* (ABI dependency)" in done.stderr
    python = _uv_venv(uv, tmp_path / "3.0.0", env)  # no variant was built against 3: the null variant
    wheel = str(abi_dist / "base_lib-3.0.0-py3-none-any.whl")
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python), wheel], check=True, env=env, timeout=60)
    done = _cli(env, "install", "abi-pkg", *links, "--python", str(python), "--dry-run")
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stdout.rstrip().endswith("abi_pkg-1.0.0-py3-none-any-null.whl")  # (uv and null: issue 14 item 7)
    assert "--constraint" not in done.stdout


def test_same_command_hands_the_installer_the_constraint(uv: str, abi_dist: Path, tmp_path: Path) -> None:
    """base-lib 3.0.0 is the newest, but the best variant needs 2.*: base-lib 2.0.0 is installed with it."""
    env = _env(uv, tmp_path)
    python = _uv_venv(uv, tmp_path / "venv", env)
    links = ("--find-links", str(abi_dist), "--no-index", "--installer", "uv", "--python", str(python))
    done = _cli(env, "install", "abi-pkg", "base-lib", *links)
    assert done.returncode == EXIT_OK, done.stderr
    assert _versions(python) == {"abi_pkg": ("1.0.0", "lib2"), "base_lib": ("2.0.0", None)}
    assert "--constraint" in done.stderr
    python = _uv_venv(uv, tmp_path / "venv-lt2", env)
    done = _cli(env, "install", "abi-pkg", "base-lib<2", *links[:-1], str(python))
    assert done.returncode == EXIT_OK, done.stderr
    assert _versions(python) == {"abi_pkg": ("1.0.0", "lib1"), "base_lib": ("1.0.0", None)}
    # --dry-run prints a command that runs as printed: the constraints file it names is kept too.
    import shlex

    python = _uv_venv(uv, tmp_path / "venv-dry", env)
    planned = _cli(env, "install", "abi-pkg", "base-lib", *links[:-1], str(python), "--dry-run")
    assert planned.returncode == EXIT_OK, planned.stderr
    command = shlex.split(planned.stdout)
    constraint = Path(command[command.index("--constraint") + 1])
    assert constraint.is_file() and constraint.read_text() == "base_lib==2.*\n"
    subprocess.run(command, check=True, timeout=300, env=env)
    assert _versions(python) == {"abi_pkg": ("1.0.0", "lib2"), "base_lib": ("2.0.0", None)}


def test_not_installed_and_not_in_the_command_is_incompatible(abi_dist: Path, tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=120)  # with pip
    python = tmp_path / "venv" / "bin" / "python"
    env = _env(str(BIN / "uv"), tmp_path)
    argv = ["install", "abi-pkg", "--find-links", str(abi_dist), "--no-index", "--installer", "pip"]
    done = _cli(env, *argv, "--python", str(python))
    assert done.returncode == EXIT_OK, done.stderr
    installed = {k: v for k, v in _versions(python).items() if k in ("abi_pkg", "base_lib")}
    assert installed == {"abi_pkg": ("1.0.0", "null"), "base_lib": ("3.0.0", None)}


def test_pip_same_command(abi_dist: Path, tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=120)  # with pip
    python = tmp_path / "venv" / "bin" / "python"
    env = _env(str(BIN / "uv"), tmp_path)
    argv = ["install", "abi-pkg", "base-lib", "--find-links", str(abi_dist), "--no-index", "--installer", "pip"]
    done = _cli(env, *argv, "--python", str(python))
    assert done.returncode == EXIT_OK, done.stderr
    installed = {k: v for k, v in _versions(python).items() if k in ("abi_pkg", "base_lib")}
    assert installed == {"abi_pkg": ("1.0.0", "lib2"), "base_lib": ("2.0.0", None)}


@pytest.mark.parametrize(
    ("override", "label"), [("base-lib==1.4", "lib1"), ("Base_Lib==2.0.1,other==1", "lib2"), ("base_lib==3", "null")]
)
def test_pick_with_the_override(override: str, label: str, abi_dist: Path, tmp_path: Path) -> None:
    env = {**_env(str(BIN / "uv"), tmp_path), _abi.OVERRIDE_ENV: override}
    done = _cli(env, "pick", "abi-pkg", "--find-links", str(abi_dist), "--json")
    assert done.returncode == EXIT_OK, done.stderr
    chosen = json.loads(done.stdout)
    assert chosen["label"] == label
    assert chosen["constraints"] == ([] if label == "null" else [f"base_lib=={label[-1]}.*"])


def test_pick_with_a_bad_override_exits_2(abi_dist: Path, tmp_path: Path) -> None:
    env = {**_env(str(BIN / "uv"), tmp_path), _abi.OVERRIDE_ENV: "base-lib"}
    done = _cli(env, "pick", "abi-pkg", "--find-links", str(abi_dist))
    assert done.returncode == EXIT_BAD_INPUT
    assert "VARIANT_ABI_DEPENDENCY: 'base-lib': expected name==version" in done.stderr
