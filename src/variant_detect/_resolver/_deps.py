"""Dependencies that are variant packages: picked here too, so they get the same treatment.

``install`` picks the packages it is given; their dependencies are the
installer's. But neither installer runs our providers, and neither can read
variant markers, so a dependency that is itself a variant package would be
chosen without our providers (pip: always the non-variant wheel) and refused
if its ``Requires-Dist`` uses variant markers. So, before anything is handed
over, the ``Requires-Dist`` of every chosen wheel is read (variant markers
decided, the rest evaluated for the target interpreter, no extras), and each
dependency not already chosen is looked up on the same indexes: a variant
package is picked like a command-line requirement (its newest version the
requirement admits, PEP 825 order) and its own dependencies read in turn; any
other dependency stays the installer's. Only chosen wheels are downloaded;
the cost is one index page per dependency.
"""

from __future__ import annotations

from variant_detect._exit import BadInput, IndexFailure, NoMatch

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from packaging.requirements import Requirement

    from variant_detect._resolver._pick import Choice

# The target interpreter's PEP 508 environment, computed there by the
# packaging this program uses (put first on its path for that one import).
_QUERY = (
    "import json, sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from packaging.markers import default_environment\n"
    "print(json.dumps(default_environment()))\n"
)


def marker_environment(python: str | None) -> dict[str, str]:
    """``packaging.markers.default_environment()`` of *python* (None: this interpreter)."""
    import os
    import sys

    from packaging.markers import default_environment

    if python is None or os.path.abspath(python) == os.path.abspath(sys.executable):
        return {key: str(value) for key, value in default_environment().items()}
    import json
    import subprocess

    import packaging

    where = os.path.dirname(os.path.dirname(os.path.abspath(packaging.__file__)))
    try:
        done = subprocess.run(
            [python, "-I", "-c", _QUERY, where], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BadInput(f"--python {python}: cannot run it: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BadInput(f"--python {python}: cannot read its environment markers: {last}")
    answer: dict[str, str] = json.loads(done.stdout)
    return answer


def requirements(path: str, choice: Choice, environment: Callable[[], dict[str, str]]) -> list[Requirement]:
    """Each dependency of the wheel at *path* that applies to the target (no extras)."""
    import zipfile

    from packaging.requirements import InvalidRequirement, Requirement

    from variant_detect._resolver import _markers

    env = _markers.for_choice(choice)
    with zipfile.ZipFile(path) as wheel:
        name = _markers.metadata_name(wheel.namelist())
        text = wheel.read(name).decode("utf-8") if name is not None else ""
    text = _markers.rewrite_metadata(text, env, path) or text
    out = []
    for line in text.split("\n\n", 1)[0].splitlines():
        if not line.lower().startswith("requires-dist:"):
            continue
        try:
            req = Requirement(line.split(":", 1)[1].strip())
        except InvalidRequirement:
            continue  # the installer will say so
        if req.url or (req.marker is not None and not req.marker.evaluate({**environment(), "extra": ""})):
            continue
        out.append(req)
    return out


def with_variant_dependencies(
    choices: list[Choice],
    fetch: Callable[[Choice], str],
    pick_dependency: Callable[[str], Choice],
    python: str | None,
) -> tuple[list[Choice], list[str]]:
    """*choices* plus every variant package they depend on (transitively), and explain lines."""
    from variant_detect._discovery import normalize

    known: list[dict[str, str]] = []

    def environment() -> dict[str, str]:  # asked of the target only when a marker needs it
        if not known:
            known.append(marker_environment(python))
        return known[0]

    chosen = {choice.wheel.name for choice in choices}
    out = list(choices)
    queue = list(choices)
    explanations: list[str] = []
    while queue:
        parent = queue.pop(0)
        for req in requirements(fetch(parent), parent, environment):
            name = normalize(req.name)
            requirement = f"{req.name}{req.specifier}"
            if name in chosen:
                continue
            chosen.add(name)
            try:
                dependency = pick_dependency(requirement)
            except (NoMatch, IndexFailure) as exc:
                explanations.append(f"{requirement} (needed by {parent.wheel.name}): left to the installer ({exc})")
                continue
            if dependency.meta is None and dependency.label is None:
                continue  # not a variant package: the installer resolves it as usual
            dependency.reason += f"; a dependency of {parent.wheel.name}"
            out.append(dependency)
            queue.append(dependency)
    return out, explanations
