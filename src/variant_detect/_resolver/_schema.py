"""Which schema a variants.json follows, and the key checks the reader shares.

``$schema`` decides how a file is read (PEP 825 "Variant metadata"):

* ``…/peps/825/vX.Y.Z.json`` and ``…/peps/850/vX.Y.Z.json`` are the PEPs' own
  versions (``…/peps/826/v0.2.0.json``, the providers draft's id before it got
  its number, is read as PEP 850 v0.2.0). Their files are read *strictly*: the
  keys the PEPs removed (``default-priorities.feature`` / ``.property``,
  ``enable-if``, ``install-time``, ``plugin-use``, top-level
  ``static-properties``) are errors naming the key, and a provider entry is
  exactly one of ``static-properties`` (+ ``feature-order``), ``requires``
  (+ ``plugin-api``) or ``builtin``, each with an optional ``optional``.
* the pre-PEP wheelnext URLs (``/v0.0.2.json``, ``/v0.0.3.json`` and
  variantlib 0.2.2's ``/v0.2.0.json``) that published indexes really use are
  read *leniently*: the old keys keep their old meaning.
* a file with no ``$schema`` predates versioning and is read leniently too.

Versions (PEP 825): a major version we do not support is refused; a 0.x
version is a draft over which no compatibility is assumed, so only the exact
versions in :data:`SUPPORTED` are read; with a supported major >= 1 a newer
minor is accepted.
"""

from __future__ import annotations

from variant_detect._exit import MetadataError
from variant_detect_runtime import NAME_PATTERN, VALUE_PATTERN, is_name, is_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

PEP825 = "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json"
PEP850 = "https://variants-schema.wheelnext.dev/peps/850/v0.2.0.json"
_HOST = "https://variants-schema.wheelnext.dev/"

#: (family, version) we read. "legacy" = the pre-PEP wheelnext URLs.
SUPPORTED: frozenset[tuple[str, tuple[int, int, int]]] = frozenset(
    {
        ("825", (0, 1, 1)),
        ("850", (0, 2, 0)),
        ("legacy", (0, 0, 2)),
        ("legacy", (0, 0, 3)),
        ("legacy", (0, 2, 0)),
    }
)
STRICT_FAMILIES = frozenset({"825", "850"})


class Schema:
    """``family`` (825, 850, legacy), ``version``, and whether old keys are errors."""

    __slots__ = ("family", "strict", "url", "version")

    def __init__(self, url: str, family: str, version: tuple[int, int, int]) -> None:
        self.url = url
        self.family = family
        self.version = version
        self.strict = family in STRICT_FAMILIES


def _version(text: str) -> tuple[int, int, int] | None:
    if not text.startswith("v") or not text.endswith(".json"):
        return None
    parts = text[1:-5].split(".")
    if len(parts) != 3 or not all(p.isdigit() and len(p) < 6 for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def _family(url: str) -> tuple[str, str] | None:
    """(family, last path part) of a schema URL we recognise, else None."""
    if not url.startswith(_HOST):
        return None
    path = url[len(_HOST) :].split("/")
    if len(path) == 1:
        return "legacy", path[0]
    if len(path) == 3 and path[0] == "peps" and path[1] in ("825", "826", "850"):
        return ("850" if path[1] == "826" else path[1]), path[2]
    return None


def accepts(family: str, version: tuple[int, int, int], supported: frozenset[tuple[str, tuple[int, int, int]]]) -> bool:
    """PEP 825's version rule against the (family, version) pairs we support."""
    if (family, version) in supported:
        return True
    if version[0] == 0:  # drafts: "MUST NOT make any compatibility assumptions"
        return False
    same_major = [v for f, v in supported if f == family and v[0] == version[0]]
    return any(version[1] > v[1] for v in same_major)  # a newer minor of a supported major


def read_schema(
    source: str, top: dict[str, Any], supported: frozenset[tuple[str, tuple[int, int, int]]] = SUPPORTED
) -> Schema:
    """The schema of a parsed file; an unsupported one is a MetadataError."""
    if "$schema" not in top:
        return Schema("", "legacy", (0, 0, 0))
    url = top["$schema"]
    if not isinstance(url, str):
        raise MetadataError(source, "$schema", f"expected a schema URL string, got {_short(url)}")
    known = _family(url)
    version = _version(known[1]) if known else None
    if known is None or version is None:
        raise MetadataError(
            source, "$schema", f"expected a variant metadata schema URL ({PEP825}, {PEP850}), got {_short(url)}"
        )
    if not accepts(known[0], version, supported):
        shown = ".".join(map(str, version))
        why = (
            "a draft version (0.x) this tool does not know"
            if version[0] == 0
            else f"major version {version[0]}, which this tool does not support"
        )
        raise MetadataError(
            source, "$schema", f"{url} is {why}; supported: {', '.join(_listed(supported))} (got {shown})"
        )
    return Schema(url, known[0], version)


def _listed(supported: frozenset[tuple[str, tuple[int, int, int]]]) -> list[str]:
    return sorted(f"{family} v{'.'.join(map(str, v))}" for family, v in supported)


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


# -- keys and checks shared by the reader -------------------------------------------

TOP_KEYS_STRICT = frozenset({"$schema", "default-priorities", "providers", "variants"})
TOP_KEYS_LEGACY = TOP_KEYS_STRICT | {"static-properties"}
PRIORITY_KEYS_STRICT = frozenset({"namespace"})
PRIORITY_KEYS_LEGACY = frozenset({"namespace", "feature", "property"})
REMOVED = frozenset({"static-properties", "feature", "property", "enable-if", "install-time", "plugin-use"})


def only_keys(source: str, key: str, data: dict[str, Any], allowed: frozenset[str], schema: Schema) -> None:
    unknown = sorted(set(data) - allowed)
    if not unknown:
        return
    where = f"{key}.{unknown[0]}" if key else unknown[0]
    if schema.strict and unknown[0] in REMOVED:
        raise MetadataError(source, where, f"removed by PEP 825/850; not allowed under {schema.url}")
    raise MetadataError(source, where, f"unknown key; expected one of {', '.join(sorted(allowed))}")


def fail(source: str, key: str, expected: str, got: object) -> MetadataError:
    return MetadataError(source, key, f"expected {expected}, got {_short(got)}")


def as_dict(source: str, key: str, value: object) -> dict[str, Any]:
    if type(value) is not dict:
        raise fail(source, key, "a JSON object", value)
    return value


def str_list(source: str, key: str, value: object, rule: Callable[[object], bool] | None, what: str) -> list[str]:
    """*value* if it is a list of non-empty strings each passing *rule* (the runtime's name/value rules)."""
    if type(value) is not list:
        raise fail(source, key, f"a list of {what}", value)
    for index, item in enumerate(value):
        if type(item) is not str or not item or (rule is not None and not rule(item)):
            raise fail(source, f"{key}[{index}]", what, item)
    return value


NAMES = f"names matching {NAME_PATTERN}"
VALUES = f"values matching {VALUE_PATTERN}"


def name(source: str, key: str, value: object) -> str:
    if type(value) is not str or not is_name(value):
        raise fail(source, key, f"a name matching {NAME_PATTERN}", value)
    return value


def feature_table(source: str, where: str, table: object, *, allow_empty: bool) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for feat, values in as_dict(source, where, table).items():
        name(source, f"{where}.{feat}", feat)
        out[feat] = list(str_list(source, f"{where}.{feat}", values, is_value, VALUES))
        if not out[feat] and not allow_empty:
            raise fail(source, f"{where}.{feat}", "at least one value", values)
        if len(set(out[feat])) != len(out[feat]):
            raise fail(source, f"{where}.{feat}", "each value once", values)
    return out
