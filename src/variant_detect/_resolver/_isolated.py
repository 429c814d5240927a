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

from variant_detect._exit import InstallerFailure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._resolver._metadata import ProviderSpec
    from variant_detect._resolver._supported import Options
    from variant_detect_runtime import Feature

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


def ensure_venv(requires: list[str], options: Options) -> str:
    """A venv with the provider's requirements installed (reused when complete).

    Built in a private staging directory and renamed into place only when
    complete, so two runs at once never install into (or ``--clear``) the same
    directory: the second rename fails and that run uses the winner's venv.
    The venv's own ``python`` finds its prefix from where it lies, so the
    move is safe for ``python -m pip`` and the query (the console scripts of
    what pip installed would keep the staging path; nothing here runs them).
    """
    import hashlib
    import shutil
    import tempfile

    from variant_detect._resolver._paths import user_cache_dir

    digest = hashlib.sha256("\n".join([*requires, *options.installer_args]).encode()).hexdigest()[:16]
    root = os.path.join(user_cache_dir(), "provider-venvs")
    venv = os.path.join(root, digest)
    if _complete(venv):
        return _venv_python(venv)
    what = f"installing provider {', '.join(requires)}"
    try:
        os.makedirs(root, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=f".{digest}-", dir=root)
    except OSError as exc:
        raise InstallerFailure(f"{what}: cannot create a directory under {root}: {exc.strerror or exc}") from None
    try:
        _run([sys.executable, "-I", "-m", "venv", staging], INSTALL_TIMEOUT, what)
        python = _venv_python(staging)
        pip = [python, "-I", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--only-binary", ":all:"]
        _run([*pip, *options.installer_args, *requires], INSTALL_TIMEOUT, what)
        with open(os.path.join(staging, _DONE), "w", encoding="utf-8") as handle:
            handle.write("\n".join(requires) + "\n")
        if os.path.isdir(venv) and not _complete(venv):
            shutil.rmtree(venv, ignore_errors=True)  # left by an interrupted older version
        try:
            os.rename(staging, venv)
        except OSError:
            if not _complete(venv):  # not a concurrent run that finished first
                raise InstallerFailure(f"{what}: cannot move the new venv to {venv}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _venv_python(venv)


_DONE = ".variant-detect-complete"


def _complete(venv: str) -> bool:
    return os.path.exists(os.path.join(venv, _DONE))


def query(spec: ProviderSpec, options: Options, requires: list[str], api: str) -> tuple[list[Feature], list[str]]:
    """The provider's supported features, or none plus a warning when it fails.

    *requires* are the entries whose markers hold here, *api* the plugin-api
    (explicit, or the first entry's name in dist-info form). A feature with
    an empty ``values`` list is a feature with no supported value: it is left
    out, and the rest of the namespace stands (PEP 850 example).
    """
    import json

    from variant_detect_runtime import check_features

    try:
        python = ensure_venv(requires, options)
        out = _run([python, "-I", "-c", _QUERY, api], QUERY_TIMEOUT, f"provider {api}")
        configs = [c for c in json.loads(out)["get_supported_configs"] if c["values"]]
        checked = check_features(spec.namespace, ((c["name"], c["values"], c["multi_value"]) for c in configs))
    except (InstallerFailure, ValueError, KeyError, TypeError) as exc:
        return [], [f"{spec.namespace}: {exc}; variants using it are skipped"]
    return checked, []
