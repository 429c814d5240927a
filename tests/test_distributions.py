"""Every distribution in the repo is ready to publish.

The command (the repo root), the provider runtime (``runtime/``) and each
``providers/<name>`` (not ``_template``)
must build an sdist and, from it, a wheel (``python -m build``), pass
``twine check --strict``, and carry its own version, a README, a license
file, classifiers and ``py.typed``. Builds run on copies in a temporary
directory, never in the checkout (a stale ``build/`` there could leak
into a wheel), two at a time, without build isolation (offline).
"""

from __future__ import annotations

import email.parser
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROVIDERS = sorted(p for p in (ROOT / "providers").iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
DISTRIBUTIONS = {"core": ROOT, "runtime": ROOT / "runtime", **{f"providers/{p.name}": p for p in PROVIDERS}}
# What the core's sdist is made of (pyproject.toml maps providers/_template in).
CORE_FILES = ("pyproject.toml", "README.md", "LICENSE", "src", "providers/_template")
_JUNK = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".*cache", ".tox", ".venv")


def _missing_tools() -> str | None:
    missing = [name for name in ("build", "twine") if importlib.util.find_spec(name) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (pip install build twine; they belong in the dev extra)"
    try:
        setuptools = version("setuptools")
    except PackageNotFoundError:
        return "setuptools is not installed (builds run without isolation)"
    if int(setuptools.split(".")[0]) < 77:
        return f"setuptools {setuptools} is too old: our pyproject files need setuptools>=77"
    return None


class Built:
    """The outcome of ``python -m build`` on one distribution."""

    def __init__(self, source: Path, outdir: Path, returncode: int, log: str) -> None:
        self.source = source
        self.returncode = returncode
        self.log = log
        self.sdists = sorted(outdir.glob("*.tar.gz"))
        self.wheels = sorted(outdir.glob("*.whl"))

    def metadata(self) -> email.message.Message:
        with zipfile.ZipFile(self.wheels[0]) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            return email.parser.Parser().parsestr(wheel.read(name).decode("utf-8"))

    def wheel_names(self) -> list[str]:
        with zipfile.ZipFile(self.wheels[0]) as wheel:
            return wheel.namelist()


def _copy(key: str, source: Path, target: Path) -> Path:
    if key != "core":
        shutil.copytree(source, target, ignore=_JUNK)
        return target
    target.mkdir()
    for name in CORE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name, ignore=_JUNK)
        else:
            shutil.copy2(ROOT / name, target / name)
    return target


def _build(key: str, source: Path, work: Path) -> Built:
    slug = key.replace("/", "-")
    copy = _copy(key, source, work / slug)
    outdir = work / f"{slug}-dist"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(copy)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    return Built(source, outdir, done.returncode, done.stdout[-3000:] + done.stderr[-3000:])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    reason = _missing_tools()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("distributions")
    buildable = {k: p for k, p in DISTRIBUTIONS.items() if (p / "pyproject.toml").is_file()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(_build, key, path, work) for key, path in buildable.items()}
        return {key: future.result() for key, future in futures.items()}


def _get(built: dict[str, Built], key: str) -> Built:
    if key not in built:
        pytest.fail(f"{key}: no pyproject.toml, so it is not a distribution yet")
    result = built[key]
    assert result.returncode == 0, f"{key}: python -m build failed\n{result.log}"
    assert len(result.sdists) == 1 and len(result.wheels) == 1, f"{key}: {result.sdists} {result.wheels}"
    return result


def test_every_provider_is_found() -> None:
    assert "providers/x86_64" in DISTRIBUTIONS
    assert not any(key.startswith("providers/_") for key in DISTRIBUTIONS)


@pytest.mark.parametrize("key", DISTRIBUTIONS)
def test_has_readme_and_license_files(key: str) -> None:
    folder = DISTRIBUTIONS[key]
    missing = [name for name in ("pyproject.toml", "README.md", "LICENSE") if not (folder / name).is_file()]
    assert not missing, f"{key} lacks {', '.join(missing)}"


@pytest.mark.parametrize("key", DISTRIBUTIONS)
def test_builds_and_passes_twine_check(built: dict[str, Built], key: str) -> None:
    result = _get(built, key)
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, result.sdists + result.wheels)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{key}: twine check\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize("key", DISTRIBUTIONS)
def test_metadata(built: dict[str, Built], key: str) -> None:
    meta = _get(built, key).metadata()
    from packaging.version import Version

    assert Version(meta["Version"]), f"{key}: no version"
    assert meta["Requires-Python"], f"{key}: no Requires-Python"
    assert meta.get_content_type() == "text/markdown" or meta["Description-Content-Type"] == "text/markdown", key
    assert len(meta.get_payload() or meta["Description"] or "") > 200, f"{key}: README missing from the metadata"
    assert meta["License-Expression"] or meta["License"], f"{key}: no license in the metadata"
    assert meta.get_all("License-File"), f"{key}: no License-File in the metadata"
    classifiers = meta.get_all("Classifier") or []
    for needed in ("Programming Language :: Python :: 3", "Typing :: Typed"):
        assert needed in classifiers, f"{key}: classifier {needed!r} missing"


@pytest.mark.parametrize("key", [k for k in DISTRIBUTIONS if k.startswith("providers/")])
def test_provider_version_is_its_own(built: dict[str, Built], key: str) -> None:
    # Each provider is versioned on its own, and its plugin reports that version.
    meta = _get(built, key).metadata()
    assert meta["Name"] != "variant-detect"
    package = DISTRIBUTIONS[key] / "src" / f"variant_detect_{DISTRIBUTIONS[key].name}"
    sources = "".join(p.read_text() for p in package.glob("*.py"))
    assert f'version = "{meta["Version"]}"' in sources, f"{key}: the provider class's version is not {meta['Version']}"


@pytest.mark.parametrize("key", DISTRIBUTIONS)
def test_wheel_ships_license_and_py_typed(built: dict[str, Built], key: str) -> None:
    names = _get(built, key).wheel_names()
    license_files = [n for n in names if n.endswith(("dist-info/licenses/LICENSE", "dist-info/LICENSE"))]
    assert license_files, f"{key}: no LICENSE in the wheel's dist-info"
    packages = {n.split("/")[0] for n in names if n.endswith("/__init__.py") and n.count("/") == 1}
    assert packages, f"{key}: no package in the wheel"
    for package in packages:
        assert f"{package}/py.typed" in names, f"{key}: {package}/py.typed missing from the wheel"


def test_core_wheel_holds_every_package_and_the_template(built: dict[str, Built]) -> None:
    names = set(_get(built, "core").wheel_names())
    src = ROOT / "src"
    for init in src.rglob("__init__.py"):
        relative = init.relative_to(src).as_posix()
        assert relative in names, (
            f"{relative} is not in the core's wheel: add its package to [tool.setuptools] packages"
        )
    assert "variant_detect/_template/pyproject.toml" in names
    assert "variant_detect/_template/src/variant_detect_fictional_hw/_probe.py" in names
    assert "variant_detect/_template/tests/conftest.py" not in names


@pytest.mark.parametrize("key", DISTRIBUTIONS)
def test_sdist_holds_readme_license_and_pyproject(built: dict[str, Built], key: str) -> None:
    with tarfile.open(_get(built, key).sdists[0]) as sdist:
        names = {name.split("/", 1)[-1] for name in sdist.getnames()}
    missing = {"README.md", "LICENSE", "pyproject.toml"} - names
    assert not missing, f"{key}: the sdist lacks {', '.join(sorted(missing))}"


# -- footprint: a provider installs the runtime and attrs, nothing of the command's --------

# What installing one provider may bring: itself, the runtime, and attrs.
PROVIDER_FOOTPRINT = 3


def _installs(built: dict[str, Built], key: str, work: Path) -> list[str]:
    """Names pip would install into an empty environment for *key*'s wheel (our wheels local, attrs from the index)."""
    import json

    wheels = work / "footprint-wheels"
    wheels.mkdir(exist_ok=True)
    for other in ("runtime", key):
        shutil.copy2(_get(built, other).wheels[0], wheels)
    target = work / f"footprint-{key.replace('/', '-')}"
    report = work / f"{target.name}.json"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--dry-run", "--ignore-installed",
         "--target", str(target), "--find-links", str(wheels), "--report", str(report),
         str(_get(built, key).wheels[0])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0 and "attrs" in done.stderr:
        pytest.skip(f"attrs cannot be fetched from the index here: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr[-3000:]
    return sorted(item["metadata"]["name"] for item in json.loads(report.read_text())["install"])


@pytest.mark.parametrize("key", [k for k in DISTRIBUTIONS if k.startswith("providers/")])
def test_a_provider_installs_only_itself_the_runtime_and_attrs(
    built: dict[str, Built], key: str, tmp_path: Path
) -> None:
    names = _installs(built, key, tmp_path)
    provider = _get(built, key).metadata()["Name"]
    assert names == sorted(["attrs", "variant-detect-runtime", provider]), names
    assert len(names) <= PROVIDER_FOOTPRINT


def test_one_provider_in_a_fresh_venv_answers_as_a_plugin(built: dict[str, Built], tmp_path: Path) -> None:
    """Install the x86_64 provider's and the runtime's wheels for real and call the plugin."""
    import venv

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    wheels = [_get(built, k).wheels[0] for k in ("runtime", "providers/x86_64")]
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--disable-pip-version-check",
         *map(str, wheels)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0 and "attrs" in done.stderr:
        pytest.skip(f"attrs cannot be fetched from the index here: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr[-3000:]
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "list", "--format=freeze", "--exclude-editable"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    installed = sorted(
        line.split("==")[0].lower() for line in listed if line.split("==")[0] not in ("pip", "setuptools")
    )
    assert installed == ["attrs", "variant-detect-runtime", "variant-detect-x86-64"], installed
    code = (
        "import sys, variant_detect_x86_64 as p; configs = p.get_supported_configs(); "
        "assert isinstance(configs, list); assert all(isinstance(c.values, list) for c in configs); "
        "assert 'attrs' not in sys.modules and 'variant_detect' not in sys.modules; "
        "print(len(p.get_all_configs()))"
    )
    out = subprocess.run([str(python), "-I", "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 50
