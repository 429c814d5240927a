"""Which installed provider may answer for a ``requires`` in a variants.json.

A published variants.json names the provider its author used
(``requires = ["nvidia-variant-provider>=0.0.1,<1"]``). We run a provider only
when it is installed in this environment and either *is* that distribution or
declares that it stands in for it bit for bit (same namespace, feature names,
values and order), the way uv 0.13.8 serves four providers with Rust
re-implementations matched by name and version.

The declaration is an attribute of the entry-point object::

    stands_in_for = ("nvidia-variant-provider==0.0.1", "nvidia-variant-provider==0.0.2")

pinned requirements naming each published version reproduced exactly. A file's
``requires`` entry is served when it names the same distribution and its
specifier admits one of those versions. Our own providers' declarations are
also copied into :data:`KNOWN`, so a warm ``pick`` decides without importing
the provider; ``tests/resolver/test_standins_known.py`` keeps the copy equal to
the providers' attributes.
"""

from __future__ import annotations

from variant_detect._discovery import normalize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from variant_detect._resolver._cache import Cache

ATTRIBUTE = "stands_in_for"

#: our distribution -> the published versions it reproduces. x86_64 ``level``
#: equals uv 0.13.8's builtin ``x86-64-variant-provider`` 0.2.1 (interop §3)
#: and ``provider-variant-x86-64`` 0.0.1.post2's ``level`` (interop §2); nvidia
#: reproduces ``nvidia-variant-provider`` 0.0.1/0.0.2 (interop §2.1).
KNOWN: dict[str, tuple[str, ...]] = {
    "variant-detect-x86-64": (
        "x86-64-variant-provider==0.2.1",
        "provider-variant-x86-64==0.0.1.post2",
    ),
    "variant-detect-nvidia": (
        "nvidia-variant-provider==0.0.1",
        "nvidia-variant-provider==0.0.2",
    ),
}


def split_pin(pin: str) -> tuple[str, str]:
    """``"name==1.2"`` -> (normalised name, version)."""
    name, sep, version = pin.partition("==")
    if not sep or not name.strip() or not version.strip():
        raise ValueError(f"stand-in declaration must look like 'name==version', got {pin!r}")
    return normalize(name.strip()), version.strip()


def declared(distribution: str, plugin: object | None) -> tuple[str, ...]:
    """The stand-in pins of an installed provider (its attribute, else :data:`KNOWN`)."""
    value = getattr(plugin, ATTRIBUTE, None) if plugin is not None else None
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return KNOWN.get(normalize(distribution), ())


def requirement_name(requirement: str) -> str:
    """The normalised distribution name of a PEP 508 string, without packaging."""
    end = len(requirement)
    for index, char in enumerate(requirement):
        if not (char.isalnum() or char in "-_."):
            end = index
            break
    return normalize(requirement[:end].strip())


def admits(requirement: str, pins: Iterable[str], cache: Cache | None = None) -> str | None:
    """The first pin (``name==version``) that *requirement* accepts, else None.

    Memoised in *cache*: the answer depends only on the strings, and packaging's
    requirement parser costs more to import than the rest of a warm pick.
    """
    name = requirement_name(requirement)
    candidates = [(n, v) for n, v in (split_pin(p) for p in pins) if n == name]
    if not candidates:
        return None
    material = "\n".join([requirement, *pins])
    if cache is not None:
        memo = cache.read_memo("decisions", material)
        if isinstance(memo, list) and len(memo) == 1:
            return memo[0] if isinstance(memo[0], str) or memo[0] is None else None
    answer = _admits(requirement, candidates)
    if cache is not None:
        cache.write_memo("decisions", material, [answer])
    return answer


def _admits(requirement: str, candidates: list[tuple[str, str]]) -> str | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        return None
    for pin_name, version in candidates:
        if parsed.specifier.contains(version, prereleases=True):
            return f"{pin_name}=={version}"
    return None
