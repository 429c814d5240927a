"""Read ``{name}-{version}-variants.json`` and a wheel's ``variant.json``.

One reader for every schema found in the wild, normalised to one model:

* pre-PEP wheelnext ``v0.0.2`` (provider ``plugin-use``: ``"none"``/``"build"``
  take their values from ``default-priorities.property``; the null variant may
  be labelled ``00000000``);
* ``v0.0.3`` / PEP 817 (``enable-if``, ``install-time``, a top-level
  ``static-properties`` for ``install-time = false`` providers,
  ``default-priorities.feature`` and ``.property``);
* variantlib 0.2.2's ``v0.2.0`` (provider ``static-properties`` +
  ``feature-order``, ``builtin``);
* PEP 825 ``v0.1.1`` (no ``providers`` at all) and the providers draft.

``$schema`` is not trusted to say which (published files use several URLs, and
uv 0.13.8 does not check it either); every key of every schema is accepted
where it belongs and anything else is refused, naming the file, the key path,
what was expected and what was found.
"""

from __future__ import annotations

from variant_detect._resolver._errors import MetadataError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Props = dict[str, dict[str, list[str]]]

NULL_LABEL = "null"
LEGACY_NULL_LABEL = "00000000"  # pre-PEP files (v0.0.2) label the null variant so
# Well above the 100,000-variant benchmark file (about 20 MB); see docs/resolver.md.
DEFAULT_MAX_BYTES = 256 << 20
MAX_BYTES_ENV = "VARIANT_DETECT_MAX_METADATA_BYTES"

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_VALUE_CHARS = _NAME_CHARS | {"."}
_LABEL_CHARS = _VALUE_CHARS

_TOP_KEYS = frozenset({"$schema", "default-priorities", "providers", "variants", "static-properties"})
_PRIORITY_KEYS = frozenset({"namespace", "feature", "property"})
_PROVIDER_KEYS = frozenset(
    {
        "requires",
        "plugin-api",
        "enable-if",
        "install-time",
        "optional",
        "static-properties",
        "feature-order",
        "builtin",
        "plugin-use",
    }
)
_PLUGIN_USE = ("all", "build", "none")


class ProviderSpec:
    """One ``providers.<namespace>`` entry, normalised.

    ``static`` holds the values of a provider that is not queried at install
    time (``static-properties``; ``install-time = false`` with the top-level
    table; ``plugin-use`` ``none``/``build`` with ``default-priorities.property``),
    features in priority order. ``None`` means "ask a plugin".
    """

    __slots__ = (
        "builtin",
        "enable_if",
        "feature_order",
        "install_time",
        "namespace",
        "optional",
        "plugin_api",
        "requires",
        "static",
    )

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.requires: list[str] = []
        self.plugin_api: str | None = None
        self.enable_if: str | None = None
        self.install_time = True
        self.optional = False
        self.static: list[tuple[str, tuple[str, ...]]] | None = None
        self.feature_order: list[str] = []
        self.builtin: str | None = None

    def identity(self) -> tuple[object, ...]:
        """What must agree between two files describing the same package."""
        return (
            tuple(self.requires),
            self.plugin_api,
            self.enable_if,
            self.install_time,
            self.optional,
            None if self.static is None else tuple(self.static),
            self.builtin,
        )

    def __repr__(self) -> str:
        return f"ProviderSpec({self.namespace!r}, requires={self.requires!r}, static={self.static!r})"


class VariantsMeta:
    """A whole variants.json (or variant.json): priorities, providers, variants."""

    __slots__ = ("feature_priorities", "namespaces", "property_priorities", "providers", "schema", "source", "variants")

    def __init__(self, source: str) -> None:
        self.source = source
        self.schema = ""
        self.namespaces: list[str] = []
        self.feature_priorities: dict[str, list[str]] = {}
        self.property_priorities: dict[str, dict[str, list[str]]] = {}
        self.providers: dict[str, ProviderSpec] = {}
        self.variants: dict[str, Props] = {}

    def used_namespaces(self) -> list[str]:
        """Namespaces some variant declares, in priority order."""
        used: set[str] = set()
        for props in self.variants.values():
            used.update(props)
        return [ns for ns in self.namespaces if ns in used]

    def has_null(self) -> bool:
        return any(not props for props in self.variants.values())


# -- small checks -------------------------------------------------------------------


def _fail(source: str, key: str, expected: str, got: object) -> MetadataError:
    shown = repr(got)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return MetadataError(source, key, f"expected {expected}, got {shown}")


def _dict(source: str, key: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(source, key, "a JSON object", value)
    return value


def _str_list(source: str, key: str, value: object, chars: frozenset[str] | None, what: str) -> list[str]:
    if not isinstance(value, list):
        raise _fail(source, key, f"a list of {what}", value)
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item or (chars is not None and not chars.issuperset(item)):
            raise _fail(source, f"{key}[{index}]", what, item)
    return value


def _name(source: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value or not _NAME_CHARS.issuperset(value):
        raise _fail(source, key, "a name matching [a-z0-9_]+", value)
    return value


def _only_keys(source: str, key: str, data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        where = f"{key}.{unknown[0]}" if key else unknown[0]
        raise MetadataError(source, where, f"unknown key; expected one of {', '.join(sorted(allowed))}")


_NAMES = "names matching [a-z0-9_]+"
_VALUES = "values matching [a-z0-9_.]+"


# -- default-priorities ---------------------------------------------------------------


def _priorities(meta: VariantsMeta, data: dict[str, Any]) -> None:
    src = meta.source
    prio = _dict(src, "default-priorities", data.get("default-priorities", {}))
    _only_keys(src, "default-priorities", prio, _PRIORITY_KEYS)
    key = "default-priorities.namespace"
    meta.namespaces = list(_str_list(src, key, prio.get("namespace", []), _NAME_CHARS, _NAMES))
    if len(set(meta.namespaces)) != len(meta.namespaces):
        raise _fail(src, key, "each namespace once", meta.namespaces)
    for ns, features in _dict(src, "default-priorities.feature", prio.get("feature", {})).items():
        where = f"default-priorities.feature.{ns}"
        _name(src, where, ns)
        meta.feature_priorities[ns] = list(_str_list(src, where, features, _NAME_CHARS, _NAMES))
    for ns, table in _dict(src, "default-priorities.property", prio.get("property", {})).items():
        where = f"default-priorities.property.{ns}"
        _name(src, where, ns)
        meta.property_priorities[ns] = _feature_table(src, where, table)


def _feature_table(src: str, where: str, table: object) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for feat, values in _dict(src, where, table).items():
        _name(src, f"{where}.{feat}", feat)
        out[feat] = list(_str_list(src, f"{where}.{feat}", values, _VALUE_CHARS, _VALUES))
        if not out[feat]:
            raise _fail(src, f"{where}.{feat}", "at least one value", values)
    return out


# -- providers ------------------------------------------------------------------------


def _provider(meta: VariantsMeta, ns: str, raw: object, top_static: dict[str, Any]) -> ProviderSpec:
    src = meta.source
    where = f"providers.{ns}"
    data = _dict(src, where, raw)
    _only_keys(src, where, data, _PROVIDER_KEYS)
    spec = ProviderSpec(ns)
    spec.requires = list(_str_list(src, f"{where}.requires", data.get("requires", []), None, "requirement strings"))
    for key, attr in (("plugin-api", "plugin_api"), ("enable-if", "enable_if"), ("builtin", "builtin")):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _fail(src, f"{where}.{key}", "a non-empty string", value)
        setattr(spec, attr, value)
    for key, attr in (("optional", "optional"), ("install-time", "install_time")):
        value = data.get(key, getattr(spec, attr))
        if not isinstance(value, bool):
            raise _fail(src, f"{where}.{key}", "true or false", value)
        setattr(spec, attr, value)
    use = data.get("plugin-use", "all")
    if use not in _PLUGIN_USE:
        raise _fail(src, f"{where}.plugin-use", "one of all, build, none", use)
    if use != "all":
        spec.install_time = False
    _provider_static(meta, spec, data, top_static, where)
    if spec.static is None and not spec.requires and spec.builtin is None and spec.install_time:
        raise MetadataError(src, where, "expected one of requires, static-properties or builtin; got none of them")
    return spec


def _provider_static(
    meta: VariantsMeta, spec: ProviderSpec, data: dict[str, Any], top_static: dict[str, Any], where: str
) -> None:
    src = meta.source
    order = data.get("feature-order")
    if order is not None:
        spec.feature_order = list(_str_list(src, f"{where}.feature-order", order, _NAME_CHARS, _NAMES))
    table: dict[str, list[str]] | None = None
    table_key = ""
    if "static-properties" in data:
        table_key = f"{where}.static-properties"
        table = _feature_table(src, table_key, data["static-properties"])
        if spec.requires:
            raise MetadataError(src, where, "expected either requires or static-properties, got both")
    elif not spec.install_time:
        if spec.namespace in top_static:
            table_key = f"static-properties.{spec.namespace}"
            table = _feature_table(src, table_key, top_static[spec.namespace])
        else:
            table_key = f"default-priorities.property.{spec.namespace}"
            table = meta.property_priorities.get(spec.namespace, {})
    if table is None:
        if spec.feature_order:
            raise MetadataError(src, f"{where}.feature-order", "only valid with static-properties")
        return
    if spec.feature_order and set(spec.feature_order) != set(table):
        raise _fail(src, f"{where}.feature-order", f"exactly the features of {table_key} {sorted(table)}", order)
    names = spec.feature_order or list(table)
    spec.static = [(feat, tuple(table[feat])) for feat in names]


# -- variants -------------------------------------------------------------------------


def _variants(meta: VariantsMeta, data: object) -> None:  # noqa: PLR0912 - one pass at 100k variants; calls cost
    """Validate the variants table in place (it is kept as parsed: fast at 100k)."""
    src = meta.source
    variants = _dict(src, "variants", data)
    checked: set[str] = set()  # names and values repeat a lot: check each once
    for label, props in variants.items():
        if not label or not _LABEL_CHARS.issuperset(label):
            raise _fail(src, f"variants.{label}", "a label matching [0-9a-z._]+", label)
        if type(props) is not dict:
            raise _fail(src, f"variants.{label}", "a JSON object", props)
        if not props:
            if label not in (NULL_LABEL, LEGACY_NULL_LABEL):
                raise MetadataError(src, f"variants.{label}", "a variant with no properties must be labelled 'null'")
            continue
        if label == NULL_LABEL:
            raise MetadataError(src, "variants.null", "the label 'null' is reserved for the variant with no properties")
        for ns, features in props.items():
            if type(features) is not dict or not features:
                raise _fail(src, f"variants.{label}.{ns}", "a non-empty JSON object", features)
            if ns not in checked:
                _name(src, f"variants.{label}.{ns}", ns)
                checked.add(ns)
            for feat, values in features.items():
                if type(values) is not list or not values:
                    raise _fail(src, f"variants.{label}.{ns}.{feat}", "a non-empty list of values", values)
                if feat not in checked:
                    _name(src, f"variants.{label}.{ns}.{feat}", feat)
                    checked.add(feat)
                for value in values:
                    if value not in checked:
                        _check_value(src, f"variants.{label}.{ns}.{feat}", value)
                        checked.add(value)
    meta.variants = variants


def _check_value(src: str, key: str, value: object) -> None:
    if type(value) is not str or not value or not _VALUE_CHARS.issuperset(value):
        raise _fail(src, key, "a value matching [a-z0-9_.]+", value)


# -- entry points ---------------------------------------------------------------------


def parse(data: object, source: str) -> VariantsMeta:
    """Normalise a parsed variants.json / variant.json; raise MetadataError."""
    meta = VariantsMeta(source)
    top = _dict(source, "", data)
    _only_keys(source, "", top, _TOP_KEYS)
    schema = top.get("$schema", "")
    if not isinstance(schema, str):
        raise _fail(source, "$schema", "a URL string", schema)
    meta.schema = schema
    _priorities(meta, top)
    top_static = _dict(source, "static-properties", top.get("static-properties", {}))
    for ns in top_static:
        _name(source, f"static-properties.{ns}", ns)
    for ns, raw in _dict(source, "providers", top.get("providers", {})).items():
        _name(source, f"providers.{ns}", ns)
        meta.providers[ns] = _provider(meta, ns, raw, top_static)
    _variants(meta, top.get("variants", {}))
    _check_namespaces(meta)
    return meta


def _check_namespaces(meta: VariantsMeta) -> None:
    listed = set(meta.namespaces)
    for label, props in meta.variants.items():
        for ns in props:
            if ns not in listed:
                raise MetadataError(
                    meta.source,
                    "default-priorities.namespace",
                    f"expected every namespace the variants use; {ns!r} (used by variants.{label}) is missing",
                )
    for ns in meta.providers:
        if ns not in listed:
            raise MetadataError(
                meta.source, "default-priorities.namespace", f"expected every provider's namespace; {ns!r} is missing"
            )


def max_bytes(environ: dict[str, str] | None = None) -> int:
    import os

    value = (environ if environ is not None else os.environ).get(MAX_BYTES_ENV)
    if not value:
        return DEFAULT_MAX_BYTES
    try:
        return max(1, int(value))
    except ValueError:
        from variant_detect._resolver._errors import BadInput

        raise BadInput(f"{MAX_BYTES_ENV}: expected a number of bytes, got {value!r}") from None


def loads(blob: bytes, source: str, limit: int | None = None) -> VariantsMeta:
    """Parse bytes of a variants.json, refusing files over the size limit."""
    limit = max_bytes() if limit is None else limit
    if len(blob) > limit:
        raise MetadataError(
            source, "", f"file is {len(blob)} bytes, over the limit of {limit} bytes (raise it with {MAX_BYTES_ENV})"
        )
    import gc
    import json

    # At 100,000 variants the cyclic GC would walk the growing tree of dicts
    # over and over while json builds it: most of the parse time (profiled).
    enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            data = json.loads(blob)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MetadataError(source, "", f"not valid JSON: {exc}") from None
        except RecursionError:  # json's C scanner gives up near 1000 levels: "[[[[...".
            raise MetadataError(source, "", "not valid JSON: nested too deeply") from None
        return parse(data, source)
    finally:
        if enabled:
            gc.enable()


def load(path: str, limit: int | None = None) -> VariantsMeta:
    limit = max_bytes() if limit is None else limit
    try:
        with open(path, "rb") as handle:
            blob = handle.read(limit + 1)
    except OSError as exc:
        from variant_detect._resolver._errors import BadInput

        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    return loads(blob, path, limit)


# -- consistency between files --------------------------------------------------------


def same_properties(a: Props, b: Props) -> bool:
    """Equal as sets of properties (value order inside a feature does not matter)."""
    if a.keys() != b.keys():
        return False
    for ns, features in a.items():
        other = b[ns]
        if features.keys() != other.keys():
            return False
        if any(set(values) != set(other[feat]) for feat, values in features.items()):
            return False
    return True


def describe(props: Props) -> str:
    lines = sorted(f"{ns} :: {feat} :: {v}" for ns, fs in props.items() for feat, vs in fs.items() for v in vs)
    return "{" + ", ".join(lines) + "}" if lines else "{} (null)"


def merge(into: VariantsMeta, other: VariantsMeta) -> None:
    """Add *other*'s variants to *into*; a label must mean the same thing in both."""
    for label, props in other.variants.items():
        mine = into.variants.get(label)
        if mine is None:
            into.variants[label] = props
        elif not same_properties(mine, props):
            raise MetadataError(
                other.source,
                f"variants.{label}",
                f"label means {describe(props)} here but {describe(mine)} in {into.source}",
            )
    for ns, spec in other.providers.items():
        mine_spec = into.providers.get(ns)
        if mine_spec is None:
            into.providers[ns] = spec
        elif mine_spec.identity() != spec.identity():
            raise MetadataError(other.source, f"providers.{ns}", f"differs from the same provider in {into.source}")
    for ns in other.namespaces:
        if ns not in into.namespaces:
            into.namespaces.append(ns)


def check_wheel_agrees(index: VariantsMeta, wheel: VariantsMeta, label: str) -> None:
    """A wheel's variant.json must describe its label exactly as the index file does."""
    if list(wheel.variants) != [label]:
        raise MetadataError(
            wheel.source,
            "variants",
            f"expected exactly the label {label!r} of the file name, got {list(wheel.variants)}",
        )
    theirs = index.variants.get(label)
    if theirs is None:
        raise MetadataError(
            index.source, f"variants.{label}", "label of the chosen wheel is missing from the index file"
        )
    if not same_properties(wheel.variants[label], theirs):
        raise MetadataError(
            wheel.source,
            f"variants.{label}",
            f"wheel says {describe(wheel.variants[label])}, index file {index.source} says {describe(theirs)}",
        )
    for ns in wheel.variants[label]:
        a, b = wheel.providers.get(ns), index.providers.get(ns)
        if (a is None) != (b is None) or (a is not None and b is not None and a.identity() != b.identity()):
            raise MetadataError(wheel.source, f"providers.{ns}", f"differs from the index file {index.source}")
