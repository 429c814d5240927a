"""Run a provider the user allowed (``--allow-provider NAME``) in its own venv.

The providers draft: a provider that is not trusted (not installed, not a
stand-in) MUST NOT be installed or run without opt-in, and SHOULD run isolated.
With the opt-in we create a virtual environment under our cache directory (one
per set of requirements), install the ``requires`` there with the same index
options as the pick, and call the plugin in a fresh interpreter the way
variantlib 0.2.2 does (``plugins/loader.py``): the plugin object is imported
from ``plugin-api`` and never instantiated, ``get_supported_configs()`` is
called with no arguments, and the answer comes back as JSON on stdout
(anything the plugin prints goes to stderr). Both pip and the query run with
``python -I``: the working directory is not on ``sys.path`` (a ``pip.py`` or a
module named like the plugin there must not be what runs), and ``PYTHONPATH``
and the user site cannot leak the caller's packages into the provider's venv.
"""

from __future__ import annotations

import os
import sys

from variant_detect._resolver._errors import InstallerFailure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._resolver._metadata import ProviderSpec
    from variant_detect._resolver._supported import Options

INSTALL_TIMEOUT = 300.0
QUERY_TIMEOUT = 60.0

# Runs inside the provider's venv; stdout carries only our JSON.
_QUERY = r"""
import importlib, json, sys
module, _, attrs = sys.argv[1].partition(":")
real_stdout, sys.stdout = sys.stdout, sys.stderr
obj = importlib.import_module(module.strip())
for part in filter(None, attrs.strip().split(".")):
    obj = getattr(obj, part)
configs = obj.get_supported_configs()
out = [{"name": c.name, "values": list(c.values), "multi_value": bool(getattr(c, "multi_value", False))}
       for c in configs]
real_stdout.write(json.dumps({"get_supported_configs": out}))
"""


def plugin_api(spec: ProviderSpec) -> str:
    """``plugin-api``, else the first requirement's name with ``-`` -> ``_`` (variantlib's default)."""
    if spec.plugin_api:
        return spec.plugin_api
    from variant_detect._resolver._standins import requirement_name

    first = spec.requires[0]
    raw = first[: len(first) - len(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."))]
    return (raw or requirement_name(first)).replace("-", "_")


def _venv_python(venv: str) -> str:
    if os.name == "nt":
        return os.path.join(venv, "Scripts", "python.exe")
    return os.path.join(venv, "bin", "python")


def _run(argv: list[str], timeout: float, what: str) -> str:
    import subprocess

    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise InstallerFailure(f"{what}: no answer within {timeout:.0f} s") from None
    except OSError as exc:
        raise InstallerFailure(f"{what}: cannot run {argv[0]}: {exc}") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise InstallerFailure(f"{what} failed (exit {done.returncode}): {' | '.join(tail)}")
    return done.stdout.decode("utf-8", "replace")


def ensure_venv(spec: ProviderSpec, options: Options) -> str:
    """A venv with the provider's requirements installed (reused when complete)."""
    import hashlib

    from variant_detect._resolver._paths import user_cache_dir

    digest = hashlib.sha256("\n".join([*spec.requires, *options.installer_args]).encode()).hexdigest()[:16]
    venv = os.path.join(user_cache_dir(), "provider-venvs", digest)
    done_marker = os.path.join(venv, ".variant-detect-complete")
    if os.path.exists(done_marker):
        return _venv_python(venv)
    what = f"installing provider {', '.join(spec.requires)}"
    _run([sys.executable, "-I", "-m", "venv", "--clear", venv], INSTALL_TIMEOUT, what)
    python = _venv_python(venv)
    pip = [python, "-I", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--only-binary", ":all:"]
    _run([*pip, *options.installer_args, *spec.requires], INSTALL_TIMEOUT, what)
    with open(done_marker, "w", encoding="utf-8") as handle:
        handle.write("\n".join(spec.requires) + "\n")
    return python


def query(spec: ProviderSpec, options: Options) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    """The provider's supported features, or none plus a warning when it fails."""
    import json

    from variant_detect._names import check_features

    try:
        python = ensure_venv(spec, options)
        api = plugin_api(spec)
        out = _run([python, "-I", "-c", _QUERY, api], QUERY_TIMEOUT, f"provider {api}")
        configs = json.loads(out)["get_supported_configs"]
        checked = check_features(spec.namespace, ((c["name"], c["values"], c["multi_value"]) for c in configs))
    except (InstallerFailure, ValueError, KeyError, TypeError) as exc:
        return [], [f"{spec.namespace}: {exc}; variants using it are skipped"]
    return [(name, values) for name, values, _m in checked], []
