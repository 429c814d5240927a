"""The naming rules of variant properties: one home, plain regular expressions.

PEP 825 ("Variant property"): namespaces and feature names match
``[a-z0-9_]+``, values ``[a-z0-9_.]+`` (variantlib 0.2.2 ``constants.py``
full-matches the same). An empty value list aborts a whole ranking in
variantlib 0.2.2 (``List must not be empty``), so it is refused here.
"""

from __future__ import annotations

import re

from variant_detect_runtime._errors import InvalidConfigError

TYPE_CHECKING = False  # typing costs ~5 ms to import; mypy honours this name
if TYPE_CHECKING:
    from collections.abc import Iterable

NAME_PATTERN = "[a-z0-9_]+"
VALUE_PATTERN = "[a-z0-9_.]+"
_NAME = re.compile(NAME_PATTERN)
_VALUE = re.compile(VALUE_PATTERN)


def _where(where: str) -> str:
    return f"{where}: " if where else ""


def is_name(text: object) -> bool:
    """True if *text* is a valid namespace or feature name."""
    return isinstance(text, str) and _NAME.fullmatch(text) is not None


def is_value(text: object) -> bool:
    """True if *text* is a valid property value."""
    return isinstance(text, str) and _VALUE.fullmatch(text) is not None


def check_name(kind: str, name: object, where: str = "") -> str:
    """Return *name* if it is a valid namespace or feature name, else raise."""
    if not is_name(name):
        raise InvalidConfigError(f"{_where(where)}{kind} must be a str matching {NAME_PATTERN}, got {name!r}")
    return name  # type: ignore[return-value]  # is_name checked the type


def check_values(values: Iterable[object], where: str = "") -> tuple[str, ...]:
    """Return *values* as a tuple if all are valid, unique and there is one at least."""
    checked = tuple(values)
    if not checked:
        raise InvalidConfigError(f"{_where(where)}values must not be empty (leave the feature out instead)")
    for value in checked:
        if not is_value(value):
            raise InvalidConfigError(f"{_where(where)}value must be a str matching {VALUE_PATTERN}, got {value!r}")
    if len(set(checked)) != len(checked):
        raise InvalidConfigError(f"{_where(where)}values must be unique, got {list(checked)!r}")
    return checked  # type: ignore[return-value]  # every item was checked to be a str


def check_unique_features(names: Iterable[str], where: str = "") -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidConfigError(f"{_where(where)}feature {name!r} is listed twice")
        seen.add(name)
