"""PEP 850's ABI Dependency Variant Provider (``builtin: "abi_dependency"``).

A namespace whose provider entry is ``{"builtin": "abi_dependency"}`` says
which versions of other distributions a variant was built against:

* a feature is a distribution name in dist-info normal form (``foo_bar``);
* a value is a release prefix of one to three components in canonical form
  (``2``, ``2.1``, ``2.1.3``); it needs that distribution at ``==X.Y.*``
  (uv 0.13.9's reading: ``crates/uv-distribution-types/src/variants_json.rs``,
  ``abi_dependency``); several values of one feature are alternatives.

What the target supports (our choices, recorded in docs/standards.md):

* the distribution is installed in the *target* environment (the interpreter
  of ``install --python``, else this one) at version V: the prefixes of V,
  most specific first (``2.1.3``, ``2.1``, ``2``; V's release padded to three
  components, so ``2`` offers ``2.0.0``, ``2.0``, ``2``, as ``==2.0.*``
  matches ``2``). variantlib PR #123 lists them least specific first.
* the distribution is named by a requirement of the same ``install`` command:
  every valid value any variant declares, those matching the installed
  version (if any) first, then newest first; the installer is then handed the
  constraint ``name==X.Y.*`` of the chosen variant (:func:`constraints`).
* otherwise no value: variants needing it are incompatible.

``VARIANT_ABI_DEPENDENCY=name==version,...`` (variantlib's override) replaces
the installed versions; a malformed value is bad user input.
"""

from __future__ import annotations

import os
import sys

from variant_detect._exit import BadInput
from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from packaging.specifiers import SpecifierSet

    from variant_detect._resolver._metadata import VariantsMeta
    from variant_detect._resolver._pick import Choice
    from variant_detect._resolver._supported import Outcome


BUILTIN = "abi_dependency"
OVERRIDE_ENV = "VARIANT_ABI_DEPENDENCY"

# Prints {name: version or null} for the names given, in the target interpreter.
_QUERY = (
    "import importlib.metadata as m, json, sys\n"
    "def v(n):\n"
    "    try:\n"
    "        return m.version(n)\n"
    "    except m.PackageNotFoundError:\n"
    "        return None\n"
    "print(json.dumps({n: v(n) for n in sys.argv[1:]}))\n"
)


class Context:
    """The target environment, and what the same command installs (name -> its specifier)."""

    __slots__ = ("python", "same_command")

    def __init__(self, python: str | None = None, same_command: dict[str, SpecifierSet | None] | None = None) -> None:
        self.python = python
        self.same_command = {dist_info_name(n): s for n, s in (same_command or {}).items()}


def dist_info_name(name: str) -> str:
    """``Foo.Bar-baz`` -> ``foo_bar_baz`` (the dist-info normal form)."""
    from packaging.utils import canonicalize_name

    return canonicalize_name(name).replace("-", "_")


def value_problem(value: str) -> str | None:
    """Why *value* is not a canonical release prefix of 1-3 components (None when it is)."""
    from packaging.version import InvalidVersion, Version

    try:
        version = Version(value)
    except InvalidVersion:
        return "not a version"
    release = ".".join(str(part) for part in version.release)
    if len(version.release) > 3 or release != value:
        return "expected a canonical release prefix of one to three components (X, X.Y or X.Y.Z)"
    return None


def prefixes(version: str) -> list[str]:
    """Release prefixes *version* satisfies as ``==P.*``, most specific first."""
    from packaging.version import Version

    release = (*Version(version).release, 0, 0)[:3]
    return [".".join(str(part) for part in release[:size]) for size in (3, 2, 1)]


def _override() -> dict[str, str]:
    from packaging.version import InvalidVersion, Version

    raw = os.environ.get(OVERRIDE_ENV, "")
    out: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, sep, version = item.partition("==")
        try:
            Version(version)
        except InvalidVersion:
            sep = ""
        if not sep or not name.strip():
            raise BadInput(f"{OVERRIDE_ENV}: {item!r}: expected name==version (comma-separated)")
        out[dist_info_name(name.strip())] = version.strip()
    return out


def installed_versions(names: list[str], python: str | None) -> dict[str, str | None]:
    """Versions of *names* installed for *python* (None: this interpreter)."""
    # Not realpath: a venv's python is a symlink to the same binary as every other venv's.
    if python is None or os.path.abspath(python) == os.path.abspath(sys.executable):
        import importlib.metadata

        found: dict[str, str | None] = {}
        for name in names:
            try:
                found[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                found[name] = None
    else:
        found = _query(names, python)
    found.update({name: version for name, version in _override().items() if name in found})
    return found


def _query(names: list[str], python: str) -> dict[str, str | None]:
    import json
    import subprocess

    try:
        done = subprocess.run(
            [python, "-I", "-c", _QUERY, *names], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BadInput(f"--python {python}: cannot run it to read installed versions: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BadInput(f"--python {python}: cannot read installed versions: {last}")
    answer: dict[str, str | None] = json.loads(done.stdout)
    return answer


# -- what the target supports ---------------------------------------------------------


def _declared(meta: VariantsMeta, ns: str) -> dict[str, list[str]]:
    """Every feature of *ns* the variants use, with the values they declare (first seen first)."""
    out: dict[str, list[str]] = {}
    for props in meta.variants.values():
        for feat, values in props.get(ns, {}).items():
            known = out.setdefault(feat, [])
            known.extend(v for v in values if v not in known)
    return out


def _prefixes_or_none(version: str | None, where: str, outcome: Outcome) -> list[str]:
    from packaging.version import InvalidVersion

    if version is None:
        return []
    try:
        return prefixes(version)
    except InvalidVersion:
        outcome.warnings.append(f"{where}: installed version {version!r} is not a valid version; treated as absent")
        return []


def _admits(specifier: SpecifierSet | None, prefix: str) -> bool:
    """Can the command's requirement on a distribution be met at ``==prefix.*``?

    Tried on ``prefix`` padded to X.Y.Z and on every version the specifier
    itself names under that prefix (``>=1.5,<2`` admits ``1`` through 1.5).
    """
    from packaging.specifiers import Specifier
    from packaging.version import InvalidVersion, Version

    if specifier is None:
        return True
    wanted = Specifier(f"=={prefix}.*")
    candidates = [".".join([*prefix.split("."), "0", "0"][:3])]
    for item in specifier:
        text = item.version.removesuffix(".*")
        try:
            Version(text)
        except InvalidVersion:
            continue
        candidates.append(text)
    return any(wanted.contains(c, prereleases=True) and specifier.contains(c, prereleases=True) for c in candidates)


def _newest_first(values: list[str]) -> list[str]:
    from packaging.version import Version

    return sorted(values, key=lambda v: (Version(v), len(v)), reverse=True)


def supported(meta: VariantsMeta, ns: str, context: Context, outcome: Outcome) -> None:
    """Fill ``outcome.supported[ns]`` for an ``abi_dependency`` namespace."""
    declared = _declared(meta, ns)
    valid: dict[str, list[str]] = {}
    for feat in sorted(declared):
        expected = dist_info_name(feat)
        if expected != feat:
            outcome.warnings.append(
                f"{ns} :: {feat}: expected a distribution name in dist-info normal form ({expected!r}); "
                "variants using it are skipped"
            )
            continue
        for value in declared[feat]:
            problem = value_problem(value)
            if problem is not None:
                outcome.warnings.append(f"{ns} :: {feat} :: {value}: {problem}; variants needing it are skipped")
        valid[feat] = [v for v in declared[feat] if value_problem(v) is None]
    versions = installed_versions(list(valid), context.python) if valid else {}
    features: list[Feature] = []
    for feat, values in valid.items():
        have = versions.get(feat)
        matching = _prefixes_or_none(have, f"{ns} :: {feat}", outcome)
        if not matching:
            have = None
        if feat in context.same_command:
            admitted = [v for v in values if _admits(context.same_command[feat], v)]
            first = [v for v in matching if v in admitted]
            offered = first + [v for v in _newest_first(admitted) if v not in first]
            how = f"{feat} is installed by this command (constraint handed to the installer)"
        elif have is not None:
            offered = matching
            how = f"{feat} {have} is installed in the target environment"
        else:
            outcome.explanations.append(f"{ns} :: {feat}: not installed in the target environment; no value")
            continue
        if offered:
            features.append(Feature(feat, offered))
            outcome.explanations.append(f"{ns} :: {feat}: {', '.join(offered)} ({how})")
    outcome.supported[ns] = features


# -- what the installer is told --------------------------------------------------------


def constraints(choice: Choice) -> list[str]:
    """``name==X.Y.*`` for each ABI dependency of the chosen variant (its best supported value)."""
    if choice.meta is None or choice.label is None:
        return []
    props = choice.meta.variants.get(choice.label, {})
    out = []
    for ns, feat, values in choice.order:
        spec = choice.meta.providers.get(ns)
        if spec is None or spec.builtin != BUILTIN:
            continue
        declared = props.get(ns, {}).get(feat, [])
        best = next((v for v in values if v in declared), None)
        if best is not None:
            out.append(f"{feat}=={best}.*")
    return out


def reconcile(choices: list[Choice], repick: Callable[[str], Choice]) -> list[Choice]:
    """Re-pick a requirement of the same command that an ABI constraint excludes.

    ``install pkg dep``: *pkg*'s variant counted on *dep* being installed by
    this command at ``==X.Y.*``; if the wheel picked for *dep* is another
    version, *dep* is picked again with that constraint added (NoMatch if none).
    """
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    needs: dict[str, SpecifierSet] = {}
    for choice in choices:
        for line in constraints(choice):
            constraint = Requirement(line)
            name = dist_info_name(constraint.name)
            needs[name] = needs.get(name, SpecifierSet()) & constraint.specifier
    out = []
    for choice in choices:
        wanted = needs.get(dist_info_name(choice.wheel.name))
        if wanted is not None and not wanted.contains(choice.version, prereleases=True):
            requirement = Requirement(choice.requirement)
            requirement.specifier &= wanted
            out.append(repick(str(requirement)))
        else:
            out.append(choice)
    return out
