"""Which installed provider may answer for a ``requires`` in a variants.json, and with which answer.

A published variants.json names the provider its author used
(``requires = ["provider-variant-x86-64>=0.0.1,<1"]``). We run a provider only when it is
installed in this environment and either *is* that distribution (its own answer) or declares
that it stands in for it, the way uv 0.13.8 serves four providers with Rust re-implementations
matched by name and version. A stand-in answers as the published provider does, exactly (same
features, values and order, quirks included), not as our own distribution does.

The declaration lives in one place, the provider object (its entry point), as pins of each
published release whose behaviour was compared (the "version range" it is known for)::

    stands_in_for = ("provider-variant-x86-64==0.0.1.post2", "x86-64-variant-provider==0.2.1")

    def standin(self, pin):  # optional: the provider that answers as *pin*
        ...

A file's ``requires`` entry is served when it names the same distribution and its specifier
admits one of those versions. A provider whose own answer already equals the published one
(nvidia, amd) has no ``standin`` and answers itself. To keep a warm ``pick`` from importing
providers, the declarations read from an installed provider are memoised in the cache, keyed
by its distribution, version, entry point and location.
"""

from __future__ import annotations

from variant_detect._discovery import PluginEntry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from variant_detect._resolver._cache import Cache

ATTRIBUTE = "stands_in_for"
FACTORY = "standin"


class StandInEntry(PluginEntry):
    """An installed provider's entry point, loaded as the stand-in for one published release."""

    __slots__ = ("pin",)

    def __init__(self, entry: PluginEntry, pin: str) -> None:
        # The value differs from the plain entry's, so cached answers never mix.
        super().__init__(
            entry.namespace, f"{entry.value}#standin={pin}", entry.distribution, entry.version, entry.location
        )
        self.pin = pin

    def load(self) -> object:
        plugin = PluginEntry(
            self.namespace, self.value.partition("#")[0], self.distribution, self.version, self.location
        ).load()
        factory = getattr(plugin, FACTORY, None)
        return factory(self.pin) if callable(factory) else plugin


def answered_as(plugin: object, pin: str) -> str:
    """How ``--explain`` names the answer *plugin* gives for *pin*."""
    factory = getattr(plugin, FACTORY, None)
    if not callable(factory):
        return "its own answer, which equals the published one"
    return f"the stand-in answer of {getattr(factory(pin), 'answers_as', '') or pin}"


def declared_by(entry: PluginEntry, cache: Cache | None) -> dict[str, str]:
    """pin -> how its answer is named, for an installed provider (memoised per installed version)."""
    material = "\n".join([entry.distribution, entry.version, entry.value, entry.location])
    if cache is not None:
        memo = cache.read_memo("standins", material)
        if isinstance(memo, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in memo.items()):
            return memo
    try:
        plugin = entry.load()
        pins = {pin: answered_as(plugin, pin) for pin in declared(plugin)}
    except Exception:  # noqa: BLE001 - a broken plugin simply does not stand in
        return {}
    if cache is not None:
        cache.write_memo("standins", material, pins)
    return pins


def declared(plugin: object) -> tuple[str, ...]:
    """The stand-in pins of a loaded provider object (its ``stands_in_for``)."""
    value = getattr(plugin, ATTRIBUTE, None)
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()


def split_pin(pin: str) -> tuple[str, str]:
    """``"name==1.2"`` -> (normalised name, version)."""
    name, sep, version = pin.partition("==")
    if not sep or not name.strip() or not version.strip():
        raise ValueError(f"stand-in declaration must look like 'name==version', got {pin!r}")
    return canonical(name.strip()), version.strip()


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
