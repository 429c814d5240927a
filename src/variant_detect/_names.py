"""The naming rules of variant properties, without importing ``re`` or attrs.

variantlib 0.2.2 (``constants.py``) full-matches namespaces and feature names
against ``[a-z0-9_]+`` and values against ``[a-z0-9_.]+``; an empty value list
aborts a whole ranking there (``List must not be empty``), so it is refused
here. These checks run on the start-up path of every install, hence plain set
arithmetic instead of regular expressions.
"""

from __future__ import annotations

from variant_detect._errors import InvalidConfigError

TYPE_CHECKING = False  # typing costs ~5 ms to import; mypy honours this name
if TYPE_CHECKING:
    from collections.abc import Iterable

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_VALUE_CHARS = _NAME_CHARS | {"."}

NAME_PATTERN = "[a-z0-9_]+"
VALUE_PATTERN = "[a-z0-9_.]+"


def _where(where: str) -> str:
    return f"{where}: " if where else ""


def check_name(kind: str, name: object, where: str = "") -> str:
    """Return *name* if it is a valid namespace or feature name, else raise."""
    if not isinstance(name, str) or not name or not _NAME_CHARS.issuperset(name):
        raise InvalidConfigError(f"{_where(where)}{kind} must be a str matching {NAME_PATTERN}, got {name!r}")
    return name


def check_values(values: Iterable[object], where: str = "") -> tuple[str, ...]:
    """Return *values* as a tuple if all are valid, unique and there is one at least."""
    checked = tuple(values)
    if not checked:
        raise InvalidConfigError(f"{_where(where)}values must not be empty (leave the feature out instead)")
    for value in checked:
        if not isinstance(value, str) or not value or not _VALUE_CHARS.issuperset(value):
            raise InvalidConfigError(f"{_where(where)}value must be a str matching {VALUE_PATTERN}, got {value!r}")
    if len(set(checked)) != len(checked):
        raise InvalidConfigError(f"{_where(where)}values must be unique, got {list(checked)!r}")
    return checked  # type: ignore[return-value]  # every item was checked to be a str


def check_feature(
    name: object, values: Iterable[object], multi_value: object, where: str = ""
) -> tuple[str, tuple[str, ...], bool]:
    """Validate one feature and return it as a plain ``(name, values, multi_value)``."""
    checked_name = check_name("feature name", name, where)
    here = f"{where}::{checked_name}" if where else checked_name
    checked_values = check_values(values, here)
    if not isinstance(multi_value, bool):
        raise InvalidConfigError(f"{here}: multi_value must be a bool, got {multi_value!r}")
    return checked_name, checked_values, multi_value


def check_unique_features(names: Iterable[str], where: str = "") -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidConfigError(f"{_where(where)}feature {name!r} is listed twice")
        seen.add(name)


def check_features(
    namespace: str, features: Iterable[tuple[object, Iterable[object], object]]
) -> list[tuple[str, tuple[str, ...], bool]]:
    """Validate a provider's features in plain ``(name, values, multi_value)`` form."""
    checked = [check_feature(n, v, m, where=namespace) for n, v, m in features]
    check_unique_features((c[0] for c in checked), where=namespace)
    return checked
