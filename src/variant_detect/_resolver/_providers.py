"""``providers.<namespace>`` entries of a variants.json, normalised to :class:`ProviderSpec`.

Under the PEP 850 schema (as uv 0.13.9 reads it) an entry is exactly one of
``static-properties`` (with ``feature-order`` when it has several features),
``requires`` (with an optional ``plugin-api``) or ``builtin``, each with an
optional ``optional``. Pre-PEP files keep ``enable-if``, ``install-time``,
``plugin-use`` and the top-level ``static-properties`` with their old meaning.
"""

from __future__ import annotations

from variant_detect._exit import MetadataError
from variant_detect._resolver._schema import (
    NAMES,
    Schema,
    as_dict,
    fail,
    feature_table,
    only_keys,
    str_list,
)
from variant_detect_runtime import Feature, is_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_KINDS = ("static-properties", "requires", "builtin")
_STRICT_PROVIDER_KEYS = frozenset({*_KINDS, "optional", "plugin-api", "feature-order"})
_LEGACY_PROVIDER_KEYS = _STRICT_PROVIDER_KEYS | {"enable-if", "install-time", "plugin-use"}
_PLUGIN_USE = ("all", "build", "none")


class ProviderSpec:
    """One ``providers.<namespace>`` entry, normalised.

    ``static`` holds the values of a provider that is not queried at install
    time (``static-properties``; pre-PEP: ``install-time = false`` with the
    top-level table, ``plugin-use`` ``none``/``build`` with
    ``default-priorities.property``), features in priority order. ``None``
    means "ask a plugin" (``requires``) or a builtin (``builtin``).
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
        self.static: list[Feature] | None = None
        self.feature_order: list[str] = []
        self.builtin: str | None = None

    def identity(self) -> tuple[object, ...]:
        """What must agree between two files describing the same package."""
        static = None if self.static is None else tuple(self.static)
        return (
            tuple(self.requires),
            self.plugin_api,
            self.enable_if,
            self.install_time,
            self.optional,
            static,
            self.builtin,
        )

    def __repr__(self) -> str:
        return f"ProviderSpec({self.namespace!r}, requires={self.requires!r}, static={self.static!r})"


class ProviderContext:
    """What parsing a provider entry may consult besides the entry itself."""

    __slots__ = ("property_priorities", "schema", "source", "top_static")

    def __init__(
        self,
        source: str,
        schema: Schema,
        top_static: dict[str, Any],
        property_priorities: dict[str, dict[str, list[str]]],
    ) -> None:
        self.source = source
        self.schema = schema
        self.top_static = top_static
        self.property_priorities = property_priorities


def provider(ctx: ProviderContext, ns: str, raw: object) -> ProviderSpec:
    src = ctx.source
    where = f"providers.{ns}"
    data = as_dict(src, where, raw)
    only_keys(src, where, data, _STRICT_PROVIDER_KEYS if ctx.schema.strict else _LEGACY_PROVIDER_KEYS, ctx.schema)
    spec = ProviderSpec(ns)
    spec.requires = list(str_list(src, f"{where}.requires", data.get("requires", []), None, "requirement strings"))
    for key, attr in (("plugin-api", "plugin_api"), ("enable-if", "enable_if"), ("builtin", "builtin")):
        if key not in data:
            continue
        value = data[key]
        if type(value) is not str or not value.strip():
            raise fail(src, f"{where}.{key}", "a non-empty string", value)
        setattr(spec, attr, value)
    for key, attr in (("optional", "optional"), ("install-time", "install_time")):
        value = data.get(key, getattr(spec, attr))
        if type(value) is not bool:
            raise fail(src, f"{where}.{key}", "true or false", value)
        setattr(spec, attr, value)
    use = data.get("plugin-use", "all")
    if use not in _PLUGIN_USE:
        raise fail(src, f"{where}.plugin-use", "one of all, build, none", use)
    if use != "all":
        spec.install_time = False
    if ctx.schema.strict:
        _strict_kind(src, where, data)
    _static(ctx, spec, data, where)
    if spec.static is None and not spec.requires and spec.builtin is None and spec.install_time:
        raise MetadataError(src, where, "expected one of requires, static-properties or builtin; got none of them")
    return spec


def _strict_kind(src: str, where: str, data: dict[str, Any]) -> None:
    """PEP 850 (as uv 0.13.9 reads it): exactly one kind; plugin-api only with requires."""
    kinds = [k for k in _KINDS if k in data]
    if len(kinds) != 1:
        raise MetadataError(
            src, where, f"expected exactly one of {', '.join(_KINDS)}; got {', '.join(kinds) or 'none'}"
        )
    if "plugin-api" in data and kinds != ["requires"]:
        raise MetadataError(src, f"{where}.plugin-api", "only valid with requires")
    if kinds == ["requires"] and not data["requires"]:
        raise fail(src, f"{where}.requires", "at least one requirement", data["requires"])


def _static(ctx: ProviderContext, spec: ProviderSpec, data: dict[str, Any], where: str) -> None:
    src = ctx.source
    order = data.get("feature-order")
    if "feature-order" in data:
        spec.feature_order = list(str_list(src, f"{where}.feature-order", order, is_name, NAMES))
    table: dict[str, list[str]] | None = None
    table_key = ""
    if "static-properties" in data:
        table_key = f"{where}.static-properties"
        # PEP 850: an empty list is a feature with no supported value, not a broken file.
        table = feature_table(src, table_key, data["static-properties"], allow_empty=ctx.schema.strict)
        if spec.requires:
            raise MetadataError(src, where, "expected either requires or static-properties, got both")
    elif not spec.install_time:
        if spec.namespace in ctx.top_static:
            table_key = f"static-properties.{spec.namespace}"
            table = feature_table(src, table_key, ctx.top_static[spec.namespace], allow_empty=False)
        else:
            table_key = f"default-priorities.property.{spec.namespace}"
            table = ctx.property_priorities.get(spec.namespace, {})
    if table is None:
        if spec.feature_order:
            raise MetadataError(src, f"{where}.feature-order", "only valid with static-properties")
        return
    if spec.feature_order and (sorted(spec.feature_order) != sorted(table)):
        raise fail(src, f"{where}.feature-order", f"each feature of {table_key} once {sorted(table)}", order)
    if ctx.schema.strict and len(table) > 1 and not spec.feature_order:
        raise MetadataError(
            src, f"{where}.feature-order", f"required with more than one static feature ({', '.join(sorted(table))})"
        )
    names = spec.feature_order or list(table)
    # PEP 850: a feature listed with no value has no supported value; it is left out.
    spec.static = [Feature(feat, table[feat]) for feat in names if table[feat]]
