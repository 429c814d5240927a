"""PEP 825 variant environment markers: decided in the chosen wheel's Requires-Dist.

Unit tests of :mod:`variant_detect._resolver._markers`, then end to end: real
``variantlib make-variant`` wheels whose ``Requires-Dist`` uses each marker,
installed by uv (0.13.8 and 0.13.9: conftest's ``uv`` fixture) and by pip; what got installed says which markers held.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from variant_detect._exit import EXIT_BAD_INPUT, EXIT_OK
from variant_detect._resolver import _markers

BIN = Path(sys.executable).parent
CLI = str(BIN / "variant-detect")
SITE = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"

ORDER: list[tuple[str, str, tuple[str, ...]]] = [("toy", "level", ("v2", "v1")), ("toy", "arch", ("b", "a"))]
V2A = {"toy": {"level": ["v2"], "arch": ["a", "c"]}}


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"variant_detect_test_{name}", Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_deps = _load("_build_deps")


def env_v2a() -> _markers.VariantEnv:
    return _markers.environment("v2a", V2A, ORDER)


# -- the four values ------------------------------------------------------------------


def test_values_are_filtered_to_supported_properties() -> None:
    """PEP 825 step 3: 'toy :: arch :: c' is declared but unsupported, so it is not a property."""
    env = env_v2a()
    assert env.label == "v2a"
    assert env.properties == {"toy :: level :: v2", "toy :: arch :: a"}
    assert env.features == {"toy :: level", "toy :: arch"}
    assert env.namespaces == {"toy"}


def test_null_variant_has_its_label_and_empty_sets() -> None:
    env = _markers.environment("null", {}, ORDER)
    assert env.label == "null"
    assert not env.properties and not env.features and not env.namespaces
    assert _markers.decide('variant_label == "null"', env) == (True, None)
    assert _markers.decide('variant_label == ""', env) == (True, _markers.FALSE)


def test_non_variant_wheel_has_empty_values() -> None:
    env = _markers.environment(None, None, ORDER)
    assert env.label == ""
    assert not env.properties and not env.features and not env.namespaces


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ('variant_label == "v2a"', True),
        ('variant_label != "v2a"', False),
        ('"v2a" == variant_label', True),
        ('variant_label in "v1 v2a"', True),
        ('"toy" in variant_namespaces', True),
        ('"toy" not in variant_namespaces', False),
        ('"toy :: arch" in variant_features', True),
        ('"toy::arch::a" in variant_properties', True),  # whitespace around :: does not matter
        ('"toy  ::arch::   a" in variant_properties', True),
        ('"toy :: arch :: c" in variant_properties', False),  # declared, not supported
        ('"toy :: arch :: b" in variant_properties', False),  # supported, not declared
        ("'toy' in variant_namespaces and 'toy :: level' in variant_features", True),
        ('("x" in variant_namespaces or variant_label == "v2a")', True),
    ],
)
def test_variant_only_markers_are_decided(marker: str, expected: bool) -> None:
    assert _markers.decide(marker, env_v2a()) == (True, None if expected else _markers.FALSE)


def test_other_variables_stay_for_the_installer() -> None:
    used, rest = _markers.decide('"toy" in variant_namespaces and sys_platform == "linux"', env_v2a())
    assert used
    assert rest == f'{_markers.TRUE} and sys_platform == "linux"'
    used, rest = _markers.decide('variant_label == "v1" or extra == "gpu"', env_v2a())
    assert rest == f'{_markers.FALSE} or extra == "gpu"'
    assert _markers.decide('sys_platform == "variant_label"', env_v2a()) == (False, 'sys_platform == "variant_label"')


def test_constants_mean_what_they_say() -> None:
    from packaging.markers import Marker

    assert Marker(_markers.TRUE).evaluate() is True
    assert Marker(_markers.FALSE).evaluate() is False


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ('variant_features == "toy"', "variant_features is a set"),
        ('variant_namespaces in "toy"', "variant_namespaces is a set"),
        ('variant_label ~= "1"', "~= is not defined on the string variant_label"),
        ("variant_label == variant_label", "expected a quoted string"),
        ("variant_label == os_name", "expected a quoted string"),
        ("variant_label", "outside a comparison"),
    ],
)
def test_misused_markers_are_refused(marker: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _markers.decide(marker, env_v2a())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('dep>=1; variant_label == "v2a"', (True, "dep>=1")),
        ('dep[x]; "toy :: arch :: c" in variant_properties', (True, None)),
        (
            'dep; "toy" in variant_namespaces and python_version < "3"',
            (True, f'dep; {_markers.TRUE} and python_version < "3"'),
        ),
        ('dep @ https://example.org/dep.whl ; variant_label == "v2a"', (True, "dep @ https://example.org/dep.whl")),
        (
            'dep @ https://h/d.whl ; variant_label == "v2a" and os_name == "nt"',
            (True, f'dep @ https://h/d.whl ; {_markers.TRUE} and os_name == "nt"'),
        ),
        ('dep; sys_platform == "linux"', (False, 'dep; sys_platform == "linux"')),
        ("dep", (False, "dep")),
    ],
)
def test_requirement_lines(line: str, expected: tuple[bool, str | None]) -> None:
    assert _markers.rewrite_requirement(line, env_v2a()) == expected


def test_metadata_keeps_everything_else_byte_for_byte() -> None:
    text = (
        "Metadata-Version: 2.1\nName: p\nVersion: 1\n"
        'Requires-Dist: a; variant_label == "v2a"\n'
        'Requires-Dist: b; variant_label == "v1"\n'
        "requires-dist: c;\n  'toy' in variant_namespaces\n"
        'Requires-Dist: d; sys_platform == "linux"\n'
        '\nDescription mentions Requires-Dist: e; variant_label == "v1"\n'
    )
    new = _markers.rewrite_metadata(text, env_v2a(), "p.whl")
    assert new == (
        "Metadata-Version: 2.1\nName: p\nVersion: 1\n"
        "Requires-Dist: a\n"
        "Requires-Dist: c\n"
        'Requires-Dist: d; sys_platform == "linux"\n'
        '\nDescription mentions Requires-Dist: e; variant_label == "v1"\n'
    )
    assert _markers.rewrite_metadata('Name: p\nRequires-Dist: d; os_name == "nt"\n', env_v2a(), "p.whl") is None


def test_bad_marker_in_metadata_names_the_wheel_and_line() -> None:
    from variant_detect._exit import BadInput

    expected = r"p\.whl: Requires-Dist: d; variant_features == \"x\": .*variant_features is a set; expected"
    with pytest.raises(BadInput, match=expected):
        _markers.rewrite_metadata('Name: p\nRequires-Dist: d; variant_features == "x"\n', env_v2a(), "p.whl")


# -- end to end -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mk_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("markers")
    out = work / "dist"
    out.mkdir()
    _deps.make_markers(out, work)
    return out


def _venv(uv: str, path: Path, env: dict[str, str]) -> Path:
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(path)], check=True, timeout=60, env=env)
    return path / "bin" / "python"


def _installed(python: Path) -> set[str]:
    site = python.parent.parent / SITE
    return {p.name.split("-", 1)[0] for p in site.glob("*.dist-info")} - {"pip", "setuptools"}


def _run(uv: str, tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}
    env["PATH"] = f"{Path(uv).parent}{os.pathsep}{env.get('PATH', '')}"  # the installer found first
    return subprocess.run([CLI, *argv], capture_output=True, text=True, timeout=300, env=env, check=False)


V2A_GETS = {"mk_pkg", "mk_label", "mk_ns", "mk_feat", "mk_prop", "mk_not_v1", "mk_always"}


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ((), V2A_GETS),
        (("--variant", "v1"), {"mk_pkg", "mk_ns", "mk_always"}),
        (("--variant", "null"), {"mk_pkg", "mk_null", "mk_not_v1", "mk_not_ns", "mk_always"}),
        (("--no-variant",), {"mk_pkg", "mk_plain", "mk_not_v1", "mk_not_ns", "mk_always"}),
    ],
)
def test_uv_installs_the_dependencies_the_markers_select(
    uv: str, option: tuple[str, ...], expected: set[str], mk_dist: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}
    python = _venv(uv, tmp_path / "venv", env)
    argv = ["install", "mk-pkg", *option, "--find-links", str(mk_dist), "--no-index", "--installer", "uv"]
    done = _run(uv, tmp_path, *argv, "--python", str(python))
    assert done.returncode == EXIT_OK, done.stderr
    assert f"{Path(uv).parent}" in done.stderr  # that uv ran
    assert _installed(python) == expected


def test_pip_installs_the_dependencies_the_markers_select(mk_dist: Path, tmp_path: Path) -> None:
    """mk-app (non-variant, ``mk-pkg; variant_label == ""``) needs the variant package mk-pkg: both picked here."""
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=120)
    python = tmp_path / "venv" / "bin" / "python"
    argv = ["install", "mk-app", "--find-links", str(mk_dist), "--no-index", "--installer", "pip"]
    done = _run(str(BIN / "uv"), tmp_path, *argv, "--python", str(python))
    assert done.returncode == EXIT_OK, done.stderr
    picked = "mk_pkg-1.0.0-py3-none-any-v2a.whl (best compatible variant of 3 (PEP 825 order); a dependency of mk-app)"
    assert picked in done.stderr
    assert _installed(python) == {*V2A_GETS, "mk_app"}  # never mk_never
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout  # the installed METADATA parses for pip too
    metadata = next((python.parent.parent / SITE).glob("mk_pkg-*.dist-info/METADATA")).read_text()
    assert "variant_" not in metadata


def test_uv_gets_the_variant_dependency_picked_here(uv: str, mk_dist: Path, tmp_path: Path) -> None:
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}
    python = _venv(uv, tmp_path / "venv", env)
    argv = ["install", "mk-app", "--find-links", str(mk_dist), "--no-index", "--installer", "uv"]
    done = _run(uv, tmp_path, *argv, "--python", str(python))
    assert done.returncode == EXIT_OK, done.stderr
    assert _installed(python) == {*V2A_GETS, "mk_app"}


def test_target_marker_environment_is_the_target_interpreters(tmp_path: Path) -> None:
    from packaging.markers import default_environment

    from variant_detect._exit import BadInput
    from variant_detect._resolver import _deps

    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}
    python = _venv(str(BIN / "uv"), tmp_path / "venv", env)
    theirs = _deps.marker_environment(str(python))
    assert theirs == {key: str(value) for key, value in default_environment().items()}  # same interpreter build
    with pytest.raises(BadInput, match="--python /nonexistent/python: cannot run it"):
        _deps.marker_environment("/nonexistent/python")


def test_installers_refuse_the_markers_themselves(mk_dist: Path, tmp_path: Path) -> None:
    """Why the rewrite exists: uv 0.13.8 cannot parse a variant marker (installers.md §1)."""
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}
    python = _venv(str(BIN / "uv"), tmp_path / "venv", env)
    wheel = mk_dist / "mk_pkg-1.0.0-py3-none-any.whl"
    argv = [str(BIN / "uv"), "pip", "install", "--python", str(python), "--no-index", "--find-links", str(mk_dist)]
    done = subprocess.run([*argv, str(wheel)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode != 0
    assert "variant_label" in done.stderr


def test_bad_marker_installs_nothing(mk_dist: Path, tmp_path: Path) -> None:
    from variant_detect._resolver._install import rewrite_wheel

    links = tmp_path / "links"
    links.mkdir()
    for path in mk_dist.iterdir():
        (links / path.name).write_bytes(path.read_bytes())
    wheel = mk_dist / "mk_pkg-1.0.0-py3-none-any-v2a.whl"
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode()
    broken = text.replace('mk-label; variant_label == "v2a"', 'mk-label; variant_features == "v2a"')
    rewrite_wheel(str(wheel), str(links / wheel.name), None, broken.encode())
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}
    python = _venv(str(BIN / "uv"), tmp_path / "venv", env)
    argv = ["install", "mk-pkg", "--find-links", str(links), "--no-index", "--installer", "uv"]
    done = _run(str(BIN / "uv"), tmp_path, *argv, "--python", str(python))
    assert done.returncode == EXIT_BAD_INPUT
    assert "mk_pkg-1.0.0-py3-none-any-v2a.whl" in done.stderr
    assert 'Requires-Dist: mk-label; variant_features == "v2a": ' in done.stderr
    assert "variant_features is a set" in done.stderr
    assert "running" not in done.stderr
    assert _installed(python) == set()
