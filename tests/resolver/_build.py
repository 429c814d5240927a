"""Build the dummy wheels of the end-to-end tests (own bytes, written here).

A plain ``dummy-pkg`` wheel (depends on ``dummy-dep``) is turned into variant
wheels by the real ``variantlib make-variant --no-isolation``: x86_64 levels
v1-v4 declared for uv's builtin provider (``x86-64-variant-provider``), two
BLAS libraries as a static provider, and the null variant. ``variantlib
generate-index-json`` writes the ``-variants.json``; the non-variant wheel sits
beside them. ``simple_index`` lays the same files out as a PEP 503 index.
"""

from __future__ import annotations

import base64
import hashlib
import html
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

PYPROJECT = """\
[variant.default-priorities]
namespace = ["x86_64", "blas_lapack"]

[variant.providers.x86_64]
requires = ["x86-64-variant-provider>=0.2,<0.3"]

[variant.providers.blas_lapack]
static-properties = { provider = ["openblas", "mkl"] }
"""

VARIANTS = {
    "x86_64_v1": ["x86_64 :: level :: v1"],
    "x86_64_v2": ["x86_64 :: level :: v2"],
    "x86_64_v3": ["x86_64 :: level :: v3"],
    "x86_64_v4": ["x86_64 :: level :: v4"],
    "x86_64_v3_openblas": ["x86_64 :: level :: v3", "blas_lapack :: provider :: openblas"],
    "x86_64_v3_mkl": ["x86_64 :: level :: v3", "blas_lapack :: provider :: mkl"],
}


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def plain_wheel(directory: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> Path:
    module = name.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{module}/__init__.py": f"NAME = {name!r}\n".encode(),
        f"{dist_info}/METADATA": metadata.encode(),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: variant-detect tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    path = directory / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file_name, data in files.items():
            archive.writestr(file_name, data)
        record = [_record_line(n, d) for n, d in files.items()] + [f"{dist_info}/RECORD,,"]
        archive.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return path


def make_variants(dist: Path, work: Path) -> None:
    """Variant wheels + variants.json + the plain wheels in *dist*."""
    base_dir = work / "base"
    base_dir.mkdir()
    base = plain_wheel(base_dir, "dummy-pkg", "1.0.0", ("dummy-dep",))
    (work / "pyproject.toml").write_text(PYPROJECT)
    tool = [str(Path(sys.executable).parent / "variantlib"), "make-variant", "-f", str(base), "-o", str(dist)]
    tool += ["--no-isolation", "--skip-plugin-validation", "--pyproject-toml", str(work / "pyproject.toml")]
    for label, properties in VARIANTS.items():
        props = [arg for prop in properties for arg in ("-p", prop)]
        subprocess.run([*tool, *props, "--variant-label", label], check=True, capture_output=True)
    subprocess.run([*tool, "--null-variant"], check=True, capture_output=True)
    variantlib = str(Path(sys.executable).parent / "variantlib")
    subprocess.run([variantlib, "generate-index-json", "-d", str(dist)], check=True, capture_output=True)
    shutil.copy(base, dist / base.name)
    plain_wheel(dist, "dummy-dep", "1.0.0")


def simple_index(dist: Path, root: Path, corrupt: str | None = None) -> None:
    """A PEP 503 index of *dist* under *root*/simple; *corrupt*: a file whose hash is wrong."""
    files = root / "files"
    files.mkdir(parents=True)
    projects: dict[str, list[str]] = {}
    for path in sorted(dist.iterdir()):
        shutil.copy(path, files / path.name)
        project = path.name.split("-", 1)[0].replace("_", "-")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if path.name == corrupt:
            digest = "0" * 64
        anchor = f'<a href="../../files/{html.escape(path.name)}#sha256={digest}">{html.escape(path.name)}</a><br>'
        projects.setdefault(project, []).append(anchor)
    simple = root / "simple"
    for project, anchors in projects.items():
        (simple / project).mkdir(parents=True)
        (simple / project / "index.html").write_text(
            "<!DOCTYPE html><html><body>\n" + "\n".join(anchors) + "\n</body></html>\n"
        )
    links = "".join(f'<a href="{p}/">{p}</a><br>\n' for p in projects)
    (simple / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")


# -- a third-party provider that is not installed (the --allow-provider tests) ---------

PROVIDER_DIST = "acme-fpga-provider"
PROVIDER_MODULE = "acme_fpga_provider"
PROVIDER_MARKER_ENV = "ACME_FPGA_PROVIDER_MARKER"

# A fictional namespace, the plugin protocol at module level (no class, no
# variantlib import). Importing it appends the interpreter's path to the file
# named by $ACME_FPGA_PROVIDER_MARKER, so a test can tell whether (and where)
# it ran.
PROVIDER_SOURCE = f'''\
import os
import sys

namespace = "acme_fpga"
all_properties_compatible = False

_marker = os.environ.get("{PROVIDER_MARKER_ENV}")
if _marker:
    with open(_marker, "a", encoding="utf-8") as _handle:
        _handle.write(sys.executable + "\\n")


class _Config:
    def __init__(self, name, values, multi_value=False):
        self.name = name
        self.values = values
        self.multi_value = multi_value


def get_all_configs():
    return [_Config("family", ["agilex", "stratix", "cyclone"]), _Config("lanes", ["x16", "x8", "x4"])]


def get_supported_configs():
    print("acme: probing (stdout of a plugin must not reach the JSON answer)")
    return [_Config("family", ["stratix", "cyclone"]), _Config("lanes", ["x8", "x4"])]
'''

FPGA_PYPROJECT = f"""\
[variant.default-priorities]
namespace = ["acme_fpga"]

[variant.providers.acme_fpga]
requires = ["{PROVIDER_DIST}>=1.0"]
"""

FPGA_VARIANTS = {
    "agilex": ["acme_fpga :: family :: agilex"],
    "stratix": ["acme_fpga :: family :: stratix"],
    "stratix_x16": ["acme_fpga :: family :: stratix", "acme_fpga :: lanes :: x16"],
    "cyclone_x8": ["acme_fpga :: family :: cyclone", "acme_fpga :: lanes :: x8"],
}


def wheel(directory: Path, name: str, version: str, files: dict[str, bytes]) -> Path:
    """A pure-Python wheel of *files* (paths inside the wheel) with its dist-info."""
    module = name.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    files = {
        **files,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: variant-detect tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    path = directory / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file_name, data in files.items():
            archive.writestr(file_name, data)
        record = [_record_line(n, d) for n, d in files.items()] + [f"{dist_info}/RECORD,,"]
        archive.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return path


def make_fpga(dist: Path, work: Path) -> None:
    """``fpga-pkg`` variants for the acme_fpga namespace + null + plain wheel, and the provider wheel."""
    base_dir = work / "fpga-base"
    base_dir.mkdir()
    base = plain_wheel(base_dir, "fpga-pkg", "1.0.0")
    pyproject = work / "fpga-pyproject.toml"
    pyproject.write_text(FPGA_PYPROJECT)
    variantlib = str(Path(sys.executable).parent / "variantlib")
    tool = [variantlib, "make-variant", "-f", str(base), "-o", str(dist)]
    tool += ["--no-isolation", "--skip-plugin-validation", "--pyproject-toml", str(pyproject)]
    for label, properties in FPGA_VARIANTS.items():
        props = [arg for prop in properties for arg in ("-p", prop)]
        subprocess.run([*tool, *props, "--variant-label", label], check=True, capture_output=True)
    subprocess.run([*tool, "--null-variant"], check=True, capture_output=True)
    subprocess.run([variantlib, "generate-index-json", "-d", str(dist)], check=True, capture_output=True)
    shutil.copy(base, dist / base.name)
    wheel(dist, PROVIDER_DIST, "1.0.0", {f"{PROVIDER_MODULE}/__init__.py": PROVIDER_SOURCE.encode()})
