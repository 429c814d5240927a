"""The user's ``variants.toml``: variantlib 0.2.2's format and search order.

Only the first existing file is read (``./variants.toml``, then
``sys.prefix``, the user config dir and the site config dir of ``variantlib``).
Format (variantlib ``models/configuration.py``)::

    namespace_priorities = ["nvidia", "x86_64"]
    [feature_priorities]
    x86_64 = ["level"]
    [property_priorities.x86_64]
    level = ["v3"]

Listed items move to the front; everything else keeps its default order.
"""

from __future__ import annotations

import os

from variant_detect._exit import BadInput
from variant_detect._resolver._rank import Priorities
from variant_detect_runtime import NAME_PATTERN, VALUE_PATTERN, is_name, is_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_KEYS = ("namespace_priorities", "feature_priorities", "property_priorities")


def _bad(path: str, key: str, expected: str, got: object) -> BadInput:
    return BadInput(f"{path}: {key}: expected {expected}, got {got!r}")


def _names(path: str, key: str, value: object, rule: Callable[[object], bool] = is_name) -> list[str]:
    pattern = NAME_PATTERN if rule is is_name else VALUE_PATTERN
    what = f"a list of {'names' if rule is is_name else 'values'} matching {pattern}"
    if not isinstance(value, list) or not all(rule(v) for v in value):
        raise _bad(path, key, what, value)
    return value


def _table(path: str, key: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(path, key, "a table", value)
    for name in value:
        if not is_name(name):
            raise _bad(path, f"{key}.{name}", f"a name matching {NAME_PATTERN}", name)
    return value


def parse(data: dict[str, Any], path: str) -> Priorities:
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise BadInput(f"{path}: {unknown[0]}: unknown key; expected one of {', '.join(_KEYS)}")
    namespaces = _names(path, "namespace_priorities", data.get("namespace_priorities", []))
    features = {
        ns: _names(path, f"feature_priorities.{ns}", feats)
        for ns, feats in _table(path, "feature_priorities", data.get("feature_priorities", {})).items()
    }
    properties: dict[str, dict[str, list[str]]] = {}
    for ns, table in _table(path, "property_priorities", data.get("property_priorities", {})).items():
        where = f"property_priorities.{ns}"
        properties[ns] = {
            feat: _names(path, f"{where}.{feat}", values, is_value)
            for feat, values in _table(path, where, table).items()
        }
    return Priorities(namespaces, features, properties, path)


def load_file(path: str) -> Priorities:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:  # tomllib.load decodes the bytes itself
        raise BadInput(f"{path}: not valid TOML: not UTF-8: {exc}") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise BadInput(f"{path}: not valid TOML: nested too deeply") from None
    return parse(data, path)


def find() -> str | None:
    from variant_detect._resolver._paths import variants_toml_candidates

    for candidate in variants_toml_candidates():
        if os.path.isfile(candidate):
            return candidate
    return None


def load_user(explicit: str | None = None) -> Priorities:
    """Priorities from *explicit* or the first ``variants.toml`` found (or none)."""
    path = explicit or find()
    return load_file(path) if path else Priorities()
