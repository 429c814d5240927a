"""``Feature``: one feature with its ordered values, the one type for that concept.

Providers build them, the base class validates them, the plugin protocol hands
them to installers, and the command's profile, resolver and cache carry them.
It is a tuple subclass rather than an attrs class on purpose: an installer
starts a fresh interpreter for every plugin call, and importing attrs there
costs about four bare interpreter starts (tests/benchmarks/plugin_answer.py),
while a ``Feature`` costs nothing to import. It is immutable, hashable,
validated on construction, unpacks as ``name, values, multi_value``, and
offers the PEP 850 config attributes ``name``, ``values`` (a fresh
``list[str]`` on each access) and ``multi_value``.
"""

from __future__ import annotations

from variant_detect_runtime._names import check_name, check_values

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


class Feature(tuple[str, tuple[str, ...], bool]):
    """A feature name, its values most preferred first, and whether a variant may declare several."""

    __slots__ = ()

    def __new__(cls, name: str, values: Iterable[str], multi_value: bool = False, *, where: str = "") -> Feature:
        checked_name = check_name("feature name", name, where)
        here = f"{where}::{checked_name}" if where else checked_name
        checked_values = check_values(values, here)
        if not isinstance(multi_value, bool):
            from variant_detect_runtime._errors import InvalidConfigError

            raise InvalidConfigError(f"{here}: multi_value must be a bool, got {multi_value!r}")
        return tuple.__new__(cls, (checked_name, checked_values, multi_value))

    def __getnewargs__(self) -> tuple[str, tuple[str, ...], bool]:  # pickling and copying
        return (self[0], self[1], self[2])

    @property
    def name(self) -> str:
        return self[0]

    @property
    def values(self) -> list[str]:
        """The values, most preferred first (PEP 850 asks for a ``list[str]``)."""
        return list(self[1])

    @property
    def multi_value(self) -> bool:
        return self[2]

    def __repr__(self) -> str:
        return f"Feature({self[0]!r}, {list(self[1])!r}, multi_value={self[2]!r})"


def check_features(namespace: str, features: Iterable[object]) -> list[Feature]:
    """Validate a provider's answer: each item a ``Feature`` (or a 3-tuple), names unique."""
    from variant_detect_runtime._names import check_unique_features

    checked: list[Feature] = []
    for item in features:
        if isinstance(item, Feature):
            checked.append(item)
            continue
        if not isinstance(item, tuple) or len(item) != 3:
            from variant_detect_runtime._errors import InvalidConfigError

            raise InvalidConfigError(f"{namespace}: a feature must be a Feature, got {item!r}")
        checked.append(Feature(item[0], item[1], item[2], where=namespace))
    check_unique_features((f[0] for f in checked), where=namespace)
    return checked
