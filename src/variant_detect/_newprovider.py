"""``variant-detect new-provider NAME``: render the provider template for a new provider.

The template is ``providers/_template`` in the source tree: a small, working
provider for the fictional ``fictional_hw`` device, with its tests and
fixtures. The core's wheel ships that same directory as
``variant_detect/_template`` (``package-dir`` in the root pyproject.toml), so
the command works from an installed core; from a source checkout (an editable
install) it reads ``providers/_template`` directly. One source of truth.

Rendering renames the template's identifiers for NAME and the namespace and
leaves every ``<REPLACE ME>`` marker for the author. The new directory is
written beside its destination under a temporary name and renamed into place,
so a failure leaves nothing half-written.

Imported only when the command is used: the profile path never pays for it.
"""

from __future__ import annotations

import os
import sys

from variant_detect._exit import EXIT_OK, BadInput, CommandError
from variant_detect._newdir import cannot_create
from variant_detect_runtime import is_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

#: The template's own name and namespace; every spelling below is renamed.
TEMPLATE_NAME = "fictional_hw"
MARKER = "<REPLACE ME>"
# variantlib 0.2.2 reserves this namespace for its own use (constants.py).
RESERVED_NAMESPACES = frozenset({"abi_dependency"})
# Left out of a rendering: the repo-only pytest guard (a path relative to the
# template), and whatever a build or a test run left inside the template.
_REPO_ONLY = frozenset({os.path.join("tests", "conftest.py")})
_SKIPPED_DIRS = frozenset({"__pycache__", "build", "dist", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox"})
_SKIPPED_SUFFIXES = (".pyc", ".egg-info")


class TemplateError(BadInput):
    """Bad input for the renderer: a name, a destination, a missing template."""


def template_dir() -> str:
    """The template directory: shipped in the wheel, or in this source tree."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [
        os.path.join(here, "_template"),  # installed from a wheel or an sdist
        os.path.join(here, os.pardir, os.pardir, "providers", "_template"),  # source checkout
    ]
    for candidate in candidates:
        if os.path.isfile(os.path.join(candidate, "pyproject.toml")):
            return os.path.normpath(candidate)
    raise TemplateError(f"the provider template is missing; looked in {', '.join(candidates)}")


def check_identifier(kind: str, value: str) -> str:
    """A provider name or namespace: ``[a-z0-9_]+``, starting with a letter, not ending in ``_``."""
    if not is_name(value):
        raise TemplateError(f"{kind} must match [a-z0-9_]+ (lower case, digits, underscores), got {value!r}")
    if not value[0].isalpha():
        raise TemplateError(f"{kind} must start with a letter (it names a Python package and class), got {value!r}")
    if value.endswith("_"):
        raise TemplateError(f"{kind} must not end with '_' (a distribution name cannot end with '-'), got {value!r}")
    if value in RESERVED_NAMESPACES:
        raise TemplateError(f"{kind} {value!r} is reserved by variantlib")
    return value


def camel(name: str) -> str:
    """``acme_npu`` -> ``AcmeNpu`` (the provider class is ``AcmeNpuProvider``)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def distribution_name(name: str) -> str:
    return f"variant-detect-{name.replace('_', '-')}"


def replacements(name: str, namespace: str) -> dict[str, str]:
    """Template spelling -> rendered spelling; longer and more specific first."""
    return {
        f"variant_detect_{TEMPLATE_NAME}": f"variant_detect_{name}",
        distribution_name(TEMPLATE_NAME): distribution_name(name),
        f"VARIANT_DETECT_{TEMPLATE_NAME.upper()}": f"VARIANT_DETECT_{namespace.upper()}",
        camel(TEMPLATE_NAME): camel(name),
        TEMPLATE_NAME: namespace,
        TEMPLATE_NAME.replace("_", "-"): namespace.replace("_", "-"),
    }


def substitute(text: str, table: dict[str, str]) -> str:
    """Replace every key of *table* in one pass (a replacement is never replaced again)."""
    import re

    pattern = re.compile("|".join(re.escape(key) for key in sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda match: table[match.group(0)], text)


def _skipped(name: str) -> bool:
    return name in _SKIPPED_DIRS or name.endswith(_SKIPPED_SUFFIXES)


def template_files(template: str) -> list[str]:
    """Relative paths of the files to render, sorted."""
    found = []
    for root, dirs, files in os.walk(template):
        dirs[:] = sorted(d for d in dirs if not _skipped(d))
        relative = os.path.relpath(root, template)
        for name in sorted(files):
            path = os.path.normpath(os.path.join(relative, name))
            if not _skipped(name) and path not in _REPO_ONLY:
                found.append(path)
    return found


def render_bytes(data: bytes, table: dict[str, str]) -> bytes:
    """Rename inside a text file; a file that is not UTF-8 is copied as it is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return substitute(text, table).encode("utf-8")


def _check_destination(dest: str) -> None:
    if os.path.isdir(dest):
        if os.listdir(dest):
            raise TemplateError(f"destination {dest!r} exists and is not empty; choose another with --dest")
    elif os.path.lexists(dest):
        raise TemplateError(f"destination {dest!r} exists and is not a directory")
    parent = os.path.dirname(os.path.abspath(dest))
    if not os.path.isdir(parent):
        raise TemplateError(f"the parent directory of {dest!r} does not exist")


def _write_tree(template: str, target: str, table: dict[str, str]) -> int:
    """Render every template file under *target*; returns the number of markers left."""
    markers = 0
    for relative in template_files(template):
        with open(os.path.join(template, relative), "rb") as handle:
            data = render_bytes(handle.read(), table)
        markers += data.count(MARKER.encode())
        out = os.path.join(target, substitute(relative, table))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as handle:
            handle.write(data)
    return markers


def render(name: str, namespace: str | None = None, dest: str | None = None) -> tuple[str, int]:
    """Render the template for provider *name*; returns (directory, markers left)."""
    import shutil
    import tempfile

    check_identifier("NAME", name)
    namespace = check_identifier("namespace", namespace or name)
    dest = dest or distribution_name(name)
    _check_destination(dest)
    template = template_dir()
    parent = os.path.dirname(os.path.abspath(dest))
    try:
        temporary = tempfile.mkdtemp(prefix=f".{os.path.basename(os.path.abspath(dest))}-", dir=parent)
    except OSError as exc:
        raise cannot_create(dest, "new-provider --dest", exc) from None
    try:
        markers = _write_tree(template, temporary, replacements(name, namespace))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o777 & ~umask)  # mkdtemp made it private
        if os.path.isdir(dest):
            os.rmdir(dest)  # empty, checked above
        os.rename(temporary, dest)
    except BaseException as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        if isinstance(exc, OSError):  # a full disk, say: not the user's input (exit 1)
            raise CommandError(f"cannot write {dest}: {exc.strerror or exc}; nothing was left behind") from None
        raise
    return dest, markers


def define(parser: argparse.ArgumentParser, command: str) -> None:
    """The arguments of ``new-provider``; called by variant_detect._cli."""
    parser.description = (
        "Create a new provider distribution from variant-detect's template "
        "(a working provider for a fictional device, with tests and fixtures)."
    )
    parser.add_argument("name", metavar="NAME", help="provider name (distribution variant-detect-NAME)")
    parser.add_argument(
        "--namespace", metavar="NS", dest="provider_namespace", help="variant namespace (default: NAME)"
    )
    parser.add_argument("--dest", metavar="DIR", help="new directory to create (default: ./variant-detect-NAME)")
    from variant_detect._cli import shared

    shared(parser, "--quiet", help_for={"--quiet": "do not print the next steps"})
    parser.set_defaults(run=run)


def _next_steps(dest: str, markers: int) -> str:
    return (
        f"created {dest}\n"
        f"next:\n"
        f"  cd {dest}\n"
        f"  python -m pip install -e '.[test]'\n"
        f"  python -m pytest\n"
        f"then make it detect your device: {markers} places are marked {MARKER} "
        f"(grep -rn '<REPLACE[ ]ME>' .)\n"
    )


def run(args: argparse.Namespace) -> int:
    """``variant-detect new-provider``; a bad name or destination raises BadInput (exit 2)."""
    dest, markers = render(args.name, args.provider_namespace, args.dest)
    if not args.quiet:
        sys.stdout.write(_next_steps(dest, markers))
    return EXIT_OK
