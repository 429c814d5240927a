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
    return canonical(name.strip()), version.strip()


def declared(distribution: str, plugin: object | None) -> tuple[str, ...]:
    """The stand-in pins of an installed provider (its attribute, else :data:`KNOWN`)."""
    value = getattr(plugin, ATTRIBUTE, None) if plugin is not None else None
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    # *distribution* comes from the entry-point scan, already normalised (the same rule as
    # packaging's canonicalize_name; tests/resolver/test_standards.py checks they agree).
    return KNOWN.get(distribution, ())


class Requirement:
    """One ``requires`` entry as packaging reads it, for the target interpreter.

    ``name`` is the canonical (normalised) distribution name, ``applies``
    whether its marker holds for the interpreter we resolve for (PEP 850:
    entries whose marker is false are dropped).
    """

    __slots__ = ("applies", "name", "text")

    def __init__(self, text: str, name: str, applies: bool) -> None:
        self.text = text
        self.name = name
        self.applies = applies

    @property
    def dist_info_name(self) -> str:
        """The name in dist-info form (``-`` -> ``_``): PEP 850's default ``plugin-api``."""
        return self.name.replace("-", "_")


def parse_requires(requires: list[str], cache: Cache | None = None) -> list[Requirement | None]:
    """Each entry parsed by packaging (``None`` where it is not a PEP 508 requirement).

    Memoised in *cache* per interpreter: importing packaging's requirement
    parser costs about as much as the rest of a warm pick.
    """
    import sys

    material = "\n".join([sys.version, sys.platform, *requires])
    if cache is not None:
        memo = cache.read_memo("requires", material)
        if _valid_memo(memo, len(requires)):
            return [None if m is None else Requirement(t, m[0], m[1]) for t, m in zip(requires, memo, strict=True)]
    out = [_parse_one(text) for text in requires]
    if cache is not None:
        cache.write_memo("requires", material, [None if r is None else [r.name, r.applies] for r in out])
    return out


def _valid_memo(memo: object, count: int) -> bool:
    if not isinstance(memo, list) or len(memo) != count:
        return False
    return all(
        m is None or (isinstance(m, list) and len(m) == 2 and isinstance(m[0], str) and isinstance(m[1], bool))
        for m in memo
    )


def _parse_one(text: str) -> Requirement | None:
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Parsed
    from packaging.utils import canonicalize_name

    try:
        parsed = Parsed(text)
    except InvalidRequirement:
        return None
    applies = parsed.marker is None or parsed.marker.evaluate({"extra": ""})
    return Requirement(text, str(canonicalize_name(parsed.name)), bool(applies))


def canonical(name: str) -> str:
    """A distribution name normalised as packaging does (``canonicalize_name``)."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def admits(requirement: str, pins: Iterable[str], cache: Cache | None = None) -> str | None:
    """The first pin (``name==version``) that *requirement* accepts, else None.

    uv 0.13.9's rule for its vendored providers: same distribution, and the
    specifier admits the version reproduced. Memoised in *cache*: the answer
    depends only on the strings, and packaging's requirement parser costs more
    to import than the rest of a warm pick.
    """
    pins = tuple(pins)
    if not pins:
        return None
    material = "\n".join([requirement, *pins])
    if cache is not None:
        memo = cache.read_memo("decisions", material)
        if isinstance(memo, list) and len(memo) == 1 and (memo[0] is None or isinstance(memo[0], str)):
            return memo[0]
    answer = _admits(requirement, pins)
    if cache is not None:
        cache.write_memo("decisions", material, [answer])
    return answer


def _admits(requirement: str, pins: tuple[str, ...]) -> str | None:
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Parsed

    try:
        parsed = Parsed(requirement)
    except InvalidRequirement:
        return None
    name = canonical(parsed.name)
    for pin_name, version in (split_pin(p) for p in pins):
        if pin_name == name and parsed.specifier.contains(version, prereleases=True):
            return f"{pin_name}=={version}"
    return None
