"""The provider template and ``variant-detect new-provider``.

Fast tests render the template in-process. The end-to-end test does what a
vendor would: install the core's wheel into a fresh virtual environment,
render a provider there with ``variant-detect new-provider`` (the template
then comes from the installed core, not from this checkout), build its wheel,
install it beside the core, load it through its entry point with
``variant-detect`` and variantlib 0.2.2, and run the rendered provider's own
tests with that environment's pytest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from variant_detect import _newprovider
from variant_detect._cli import command_parser, main
from variant_detect._newprovider import MARKER, render, template_dir
from variant_detect_runtime import __version__ as runtime_version

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "providers" / "_template"
TOKENS = ("fictional_hw", "fictional-hw", "FictionalHw", "FICTIONAL_HW")
EXAMPLE_FIXTURE = "fixtures/linux-x86_64-generic-deepthought"


def _tree(root: Path) -> dict[str, bytes]:
    # pip compiles the shipped copy's .py files: bytecode is not part of the template.
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _template_tree() -> dict[str, bytes]:
    return {path: data for path, data in _tree(TEMPLATE).items() if path in _newprovider.template_files(str(TEMPLATE))}


def test_the_renderer_reads_this_checkouts_template() -> None:
    # An editable install reads providers/_template; an installed core its shipped copy.
    used = Path(template_dir())
    assert used == TEMPLATE or _tree(used) == _template_tree()


def test_rendering_renames_every_spelling(tmp_path: Path) -> None:
    dest, markers = render("acme_npu", dest=str(tmp_path / "out"))
    tree = _tree(Path(dest))
    for path, data in tree.items():
        for token in TOKENS:
            assert token not in path and token.encode() not in data, (path, token)
    assert "tests/conftest.py" not in tree  # the repo-only pytest guard stays behind
    assert "src/variant_detect_acme_npu/data/acme_npu.json" in tree
    pyproject = tree["pyproject.toml"].decode()
    assert 'name = "variant-detect-acme-npu"' in pyproject
    assert 'acme_npu = "variant_detect_acme_npu"' in pyproject
    provider = tree["src/variant_detect_acme_npu/_provider.py"].decode()
    assert "class AcmeNpuProvider(" in provider
    assert 'namespace = "acme_npu"' in provider
    assert '"VARIANT_DETECT_ACME_NPU_ARCHITECTURE"' in provider
    assert markers == sum(data.count(MARKER.encode()) for data in _template_tree().values()) > 0


def test_namespace_can_differ_from_the_name(tmp_path: Path) -> None:
    dest, _markers = render("acme", namespace="acme_npu", dest=str(tmp_path / "out"))
    tree = _tree(Path(dest))
    assert 'acme_npu = "variant_detect_acme"' in tree["pyproject.toml"].decode()
    provider = tree["src/variant_detect_acme/_provider.py"].decode()
    assert 'namespace = "acme_npu"' in provider and 'distribution = "variant-detect-acme"' in provider


def test_rendering_the_template_name_gives_the_template_back(tmp_path: Path) -> None:
    dest, _markers = render("fictional_hw", dest=str(tmp_path / "out"))
    assert _tree(Path(dest)) == _template_tree()


def test_default_destination_is_named_after_the_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new-provider", "acme"]) == 0
    assert (tmp_path / "variant-detect-acme" / "src" / "variant_detect_acme" / "__init__.py").is_file()
    out = capsys.readouterr().out
    assert "pip install -e '.[test]'" in out and MARKER in out
    assert [p.name for p in tmp_path.iterdir()] == ["variant-detect-acme"]  # no temporary left


@pytest.mark.parametrize("name", ["Acme", "3d", "acme-npu", "acme_", "", "acme npu", "abi_dependency", "acmé"])
def test_bad_names_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    assert main(["new-provider", name, "--dest", str(tmp_path / "out")]) == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_bad_namespace_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-provider", "acme", "--namespace", "Acme.NPU", "--dest", str(tmp_path / "out")]) == 2
    assert "namespace must match [a-z0-9_]+" in capsys.readouterr().err


def test_existing_destination_is_refused_unless_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    assert main(["new-provider", "acme", "--dest", str(full)]) == 2
    assert "exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in full.iterdir()] == ["keep.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["new-provider", "acme", "-q", "--dest", str(empty)]) == 0
    assert (empty / "pyproject.toml").is_file()


def test_a_failed_rendering_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = _newprovider.render_bytes
    calls = []

    def failing(data: bytes, table: dict[str, str]) -> bytes:
        calls.append(1)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real(data, table)

    monkeypatch.setattr(_newprovider, "render_bytes", failing)
    assert main(["new-provider", "acme", "--dest", str(tmp_path / "out")]) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_profile_path_does_not_import_the_renderer() -> None:
    fixture = ROOT / "hw_fixtures" / "linux-x86_64-haswell"
    code = (
        "import sys; from variant_detect._cli import main; "
        f"main(['--json', '-q', '--fixture', {str(fixture)!r}]); "
        "sys.stderr.write(str('variant_detect._newprovider' in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.endswith("False")


def test_template_requires_this_runtime_version() -> None:
    pyproject = (TEMPLATE / "pyproject.toml").read_text()
    major, minor = runtime_version.split(".")[:2]
    assert f'"variant-detect-runtime>={major}.{minor},<{major}.{int(minor) + 1}"' in pyproject


# -- docs/writing-a-provider.md cannot drift from the template --------------------------------

DOC = ROOT / "docs" / "writing-a-provider.md"


def _marked_blocks(marker: str) -> list[tuple[str, str]]:
    """(argument, body) of each fenced block right after ``<!-- marker: argument -->``."""
    import re

    found = re.findall(rf"<!-- {marker}: (.+?) -->\n```\w*\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    assert found, f"no <!-- {marker}: ... --> block in {DOC.name}"
    return found


def test_doc_lists_every_new_provider_option() -> None:
    text = DOC.read_text()
    actions = command_parser("new-provider")._actions
    options = {o for a in actions for o in a.option_strings if o not in ("-h", "--help")}
    missing = sorted(o for o in options if f"`{o}" not in text)
    assert not missing, f"{DOC.name} does not document {missing}"


@pytest.mark.parametrize("excerpt", _marked_blocks("excerpt"), ids=lambda e: e[0])
def test_doc_excerpts_are_the_template_code(excerpt: tuple[str, str]) -> None:
    path, body = excerpt
    code = (TEMPLATE / path).read_text()
    for chunk in body.split("\n\n"):  # an excerpt may skip what lies between its paragraphs
        assert chunk in code, f"{DOC.name}: excerpt of {path} differs from the template:\n{chunk}"


# -- end to end: a fresh environment, as a vendor would do it -----------------------------

_BUILD_JUNK = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".*cache")


def _needs_build_tools() -> None:
    try:
        setuptools = version("setuptools")
    except PackageNotFoundError:
        pytest.skip("setuptools is not installed; the wheels are built without isolation (offline)")
    if int(setuptools.split(".")[0]) < 77:
        pytest.skip(f"setuptools {setuptools} is too old to build our wheels (pyproject needs >=77)")
    pip = tuple(int(part) for part in version("pip").split(".")[:2])
    if pip < (22, 3):
        pytest.skip(f"pip {version('pip')} cannot install into another interpreter (--python needs 22.3)")


def _run(argv: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VARIANT_DETECT_", "PYTHON", "PIP_REQUIRE"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def _core_wheel(work: Path) -> Path:
    """The core's wheel, built from a copy of the files its sdist holds (never in this checkout)."""
    source = work / "core-src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=_BUILD_JUNK)
    shutil.copytree(TEMPLATE, source / "providers" / "_template", ignore=_BUILD_JUNK)
    return _wheel(source, work / "wheels", "variant_detect")


def _runtime_wheel(work: Path) -> Path:
    """The provider runtime's wheel, built from a copy of its folder."""
    source = work / "runtime-src"
    shutil.copytree(ROOT / "runtime", source, ignore=_BUILD_JUNK)
    return _wheel(source, work / "wheels", "variant_detect_runtime")


def _wheel(source: Path, wheels: Path, module: str) -> Path:
    """Build *source*'s wheel with the running interpreter's setuptools (no download)."""
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    _run([*pip_wheel, "-w", wheels, source], source)
    return next(wheels.glob(f"{module}-[0-9]*.whl"))


class Fresh:
    """A fresh virtual environment with the core and a rendered provider installed."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.venv = work / "venv"
        self.bin = self.venv / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / "python"
        self.provider = work / "variant-detect-acme-npu"
        self.env = _clean_env()

    def pip(self, *args: str | Path) -> None:
        # The running pip installs into the fresh interpreter: no pip bootstrap there.
        command: list[str | Path] = [sys.executable, "-m", "pip", "--python", self.python, "install", "-q"]
        _run([*command, "--disable-pip-version-check", *args], self.work, self.env)

    def setup(self) -> None:
        import venv

        venv.create(self.venv, with_pip=False)
        self.pip(_runtime_wheel(self.work), _core_wheel(self.work))
        # Render with the installed core: the template comes from the wheel.
        _run([self.bin / "variant-detect", "new-provider", "acme_npu", "-q"], self.work, self.env)
        provider_wheel = _wheel(self.provider, self.work / "wheels", "variant_detect_acme_npu")
        self.pip(f"{provider_wheel}[test]")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Fresh:
    _needs_build_tools()
    env = Fresh(tmp_path_factory.mktemp("template-e2e"))
    env.setup()
    return env


def _expected(fresh: Fresh) -> dict[str, list[str]]:
    data = json.loads((fresh.provider / EXAMPLE_FIXTURE / "expected.json").read_text())
    profile: dict[str, list[str]] = data["profile"]["acme_npu"]
    return profile


def test_installed_core_rendered_from_its_own_copy(fresh: Fresh) -> None:
    code = "import variant_detect._newprovider as n; print(n.template_dir())"
    where = Path(_run([fresh.python, "-c", code], fresh.work, fresh.env).strip())
    assert fresh.venv in where.parents


def test_variant_detect_loads_the_rendered_provider(fresh: Fresh) -> None:
    fixture = fresh.provider / EXAMPLE_FIXTURE
    out = _run([fresh.bin / "variant-detect", "--json", "--fixture", fixture], fresh.work, fresh.env)
    report = json.loads(out)
    assert report["profile"] == {"acme_npu": _expected(fresh)}
    assert report["providers"]["acme_npu"]["distribution"] == "variant-detect-acme-npu"
    assert report["warnings"] == []


def test_variantlib_loads_the_rendered_provider(fresh: Fresh) -> None:
    env = _clean_env(VARIANT_DETECT_FIXTURE=str(fresh.provider / EXAMPLE_FIXTURE))
    out = _run([fresh.bin / "variantlib", "plugins", "get-configs", "-s"], fresh.work, env)
    configs = {ns: {c["name"]: c["values"] for c in features} for ns, features in json.loads(out).items()}
    assert configs == {"acme_npu": _expected(fresh)}


def test_doc_commands_run_in_the_rendered_provider(fresh: Fresh) -> None:
    (_where, body), *_ = _marked_blocks("run")
    env = _clean_env(PATH=f"{fresh.bin}{os.pathsep}{os.environ.get('PATH', '')}")
    for line in body.splitlines():
        # The doc speaks of the fictional_hw rendering; this one is acme_npu.
        command = line.replace("fictional_hw", "acme_npu")
        done = subprocess.run(
            ["bash", "-c", command], cwd=fresh.provider, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
        assert "acme_npu" in done.stdout, command


def test_rendered_provider_passes_its_own_tests(fresh: Fresh) -> None:
    out = _run([fresh.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], fresh.provider, fresh.env)
    assert " passed" in out and "failed" not in out and "error" not in out.lower(), out
