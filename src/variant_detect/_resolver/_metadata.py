"""Read ``{name}-{version}-variants.json`` and a wheel's ``variant.json``.

One reader for every schema found in the wild, normalised to one model; which
keys are allowed depends on ``$schema`` (:mod:`._schema`): the PEP 825/850
schemas strictly, the pre-PEP wheelnext files (v0.0.2, v0.0.3, variantlib
0.2.2's v0.2.0) with their old keys.

Defects are of two kinds (PEP 825 "Implementation requirements": degrade
gracefully rather than fail outright):

* confined to one variant (a label breaking the label rule, a namespace the
  file does not declare, a property of the wrong JSON type or breaking the
  name/value rule): that variant is left out of ``variants`` and recorded in
  ``skipped`` (label -> "key path: what was expected, got what"); the
  commands print one warning line for each;
* in the file as a whole (not JSON, wrong top-level types, malformed
  ``providers`` or ``default-priorities``, an unsupported schema): a
  :class:`MetadataError` naming the file and the key path (exit status 2).
"""

from __future__ import annotations

from variant_detect._exit import MetadataError
from variant_detect._resolver import _providers, _schema
from variant_detect._resolver._providers import ProviderSpec
from variant_detect_runtime import is_name, is_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Props = dict[str, dict[str, list[str]]]

__all__ = ["DEFAULT_MAX_BYTES", "MAX_BYTES_ENV", "NULL_LABEL", "ProviderSpec", "VariantsMeta", "load", "loads", "parse"]

NULL_LABEL = "null"
LEGACY_NULL_LABEL = "00000000"  # pre-PEP files (v0.0.2) label the null variant so
# Well above the 100,000-variant benchmark file (about 20 MB); see docs/resolver.md.
DEFAULT_MAX_BYTES = 256 << 20
MAX_BYTES_ENV = "VARIANT_DETECT_MAX_METADATA_BYTES"


class VariantsMeta:
    """A whole variants.json (or variant.json): priorities, providers, variants."""

    __slots__ = (
        "feature_priorities",
        "namespaces",
        "property_priorities",
        "providers",
        "schema",
        "skipped",
        "source",
        "strict",
        "variants",
    )

    def __init__(self, source: str) -> None:
        self.source = source
        self.schema = ""
        self.strict = False
        self.namespaces: list[str] = []
        self.feature_priorities: dict[str, list[str]] = {}
        self.property_priorities: dict[str, dict[str, list[str]]] = {}
        self.providers: dict[str, ProviderSpec] = {}
        self.variants: dict[str, Props] = {}
        self.skipped: dict[str, str] = {}

    def used_namespaces(self) -> list[str]:
        """Namespaces some variant declares, in priority order."""
        used: set[str] = set()
        for props in self.variants.values():
            used.update(props)
        return [ns for ns in self.namespaces if ns in used]

    def has_null(self) -> bool:
        return any(not props for props in self.variants.values())

    def skip_warnings(self) -> list[str]:
        """One line per variant left out, naming the file, the label and the reason."""
        return [f"{self.source}: variant {label!r} skipped: {why}" for label, why in self.skipped.items()]


# -- default-priorities ---------------------------------------------------------------


def _priorities(meta: VariantsMeta, data: dict[str, Any], schema: _schema.Schema) -> None:
    src = meta.source
    if schema.strict and "default-priorities" not in data:
        raise MetadataError(src, "default-priorities", "required (with a non-empty namespace list)")
    prio = _schema.as_dict(src, "default-priorities", data.get("default-priorities", {}))
    allowed = _schema.PRIORITY_KEYS_STRICT if schema.strict else _schema.PRIORITY_KEYS_LEGACY
    _schema.only_keys(src, "default-priorities", prio, allowed, schema)
    key = "default-priorities.namespace"
    names = _schema.NAMES
    meta.namespaces = list(_schema.str_list(src, key, prio.get("namespace", []), is_name, names))
    if len(set(meta.namespaces)) != len(meta.namespaces):
        raise _schema.fail(src, key, "each namespace once", meta.namespaces)
    if schema.strict and not meta.namespaces:
        raise _schema.fail(src, key, "at least one namespace", meta.namespaces)
    for ns, features in _schema.as_dict(src, "default-priorities.feature", prio.get("feature", {})).items():
        where = f"default-priorities.feature.{ns}"
        _schema.name(src, where, ns)
        meta.feature_priorities[ns] = list(_schema.str_list(src, where, features, is_name, names))
    for ns, table in _schema.as_dict(src, "default-priorities.property", prio.get("property", {})).items():
        where = f"default-priorities.property.{ns}"
        _schema.name(src, where, ns)
        meta.property_priorities[ns] = _schema.feature_table(src, where, table, allow_empty=False)


# -- providers ------------------------------------------------------------------------


def _read_providers(meta: VariantsMeta, top: dict[str, Any], schema: _schema.Schema) -> None:
    src = meta.source
    top_static = _schema.as_dict(src, "static-properties", top.get("static-properties", {}))
    for ns in top_static:
        _schema.name(src, f"static-properties.{ns}", ns)
    if schema.family == "850" and "providers" not in top:
        raise MetadataError(src, "providers", f"required under {schema.url}")
    ctx = _providers.ProviderContext(src, schema, top_static, meta.property_priorities)
    for ns, raw in _schema.as_dict(src, "providers", top.get("providers", {})).items():
        _schema.name(src, f"providers.{ns}", ns)
        meta.providers[ns] = _providers.provider(ctx, ns, raw)
    listed = set(meta.namespaces)
    for ns in meta.providers:
        if ns not in listed:
            raise MetadataError(
                src, "default-priorities.namespace", f"expected every provider's namespace; {ns!r} is missing"
            )
    if schema.strict and "providers" in top:
        missing = [ns for ns in meta.namespaces if ns not in meta.providers]
        if missing:
            raise MetadataError(
                src,
                f"providers.{missing[0]}",
                "missing: every namespace in default-priorities.namespace needs a provider (PEP 850)",
            )


# -- variants -------------------------------------------------------------------------


def _variant_problem(  # noqa: PLR0911 - one return per rule, each naming its key path
    label: str, props: object, declared: set[str], checked: set[str]
) -> str | None:
    """Why one variant cannot be used (key path: expected, got), or None."""
    where = f"variants.{label}"
    if type(props) is not dict:
        return f"{where}: expected a JSON object, got {_schema._short(props)}"
    if label == NULL_LABEL and props:
        return f"{where}: the label 'null' is reserved for the variant with no properties"
    for ns, features in props.items():
        at = f"{where}.{ns}"
        if ns not in checked:
            if not is_name(ns):
                return f"{at}: expected a namespace matching [a-z0-9_]+, got {ns!r}"
            checked.add(ns)
        if ns not in declared:
            return f"{at}: namespace not declared in default-priorities.namespace"
        if type(features) is not dict:
            return f"{at}: expected a JSON object of features, got {_schema._short(features)}"
        for feat, values in features.items():
            problem = _feature_problem(f"{at}.{feat}", feat, values, checked)
            if problem is not None:
                return problem
    return None


def _feature_problem(at: str, feat: str, values: object, checked: set[str]) -> str | None:
    if feat not in checked:
        if not is_name(feat):
            return f"{at}: expected a feature name matching [a-z0-9_]+, got {feat!r}"
        checked.add(feat)
    if type(values) is not list or not values:
        return f"{at}: expected a non-empty list of values, got {_schema._short(values)}"
    for index, value in enumerate(values):
        if value not in checked if type(value) is str else True:
            if type(value) is not str or not is_value(value):
                return f"{at}[{index}]: expected a value matching [a-z0-9_.]+, got {_schema._short(value)}"
            checked.add(value)
    if len(values) > 1 and len(set(values)) != len(values):
        return f"{at}: expected each value once, got {_schema._short(values)}"
    return None


def _variants(meta: VariantsMeta, data: object) -> None:
    """Keep the usable variants (as parsed: fast at 100k); record the others in ``skipped``."""
    variants = _schema.as_dict(meta.source, "variants", data)
    declared = set(meta.namespaces)
    checked: set[str] = set()  # names and values repeat a lot: check each once
    changed: dict[str, Props | None] = {}  # label -> cleaned properties, or None to leave out
    for label, props in variants.items():
        if not is_value(label):  # PEP 825: a label follows the value rule
            meta.skipped[label] = f"variants.{label}: expected a label matching [0-9a-z._]+ (never used as a path)"
            changed[label] = None
            continue
        problem = _variant_problem(label, props, declared, checked)
        if problem is not None:
            meta.skipped[label] = problem
            changed[label] = None
        elif not all(props.values()):  # an empty namespace object declares nothing (as uv 0.13.9 reads it)
            changed[label] = {ns: features for ns, features in props.items() if features}
    if changed:  # a new dict: the caller's data is never modified
        variants = {k: changed.get(k, v) for k, v in variants.items() if changed.get(k, v) is not None}
    meta.variants = variants


# -- entry points ---------------------------------------------------------------------


def parse(data: object, source: str) -> VariantsMeta:
    """Normalise a parsed variants.json / variant.json; raise MetadataError for a file-level defect."""
    meta = VariantsMeta(source)
    top = _schema.as_dict(source, "", data)
    schema = _schema.read_schema(source, top)
    meta.schema, meta.strict = schema.url, schema.strict
    _schema.only_keys(source, "", top, _schema.TOP_KEYS_STRICT if schema.strict else _schema.TOP_KEYS_LEGACY, schema)
    if schema.strict and "variants" not in top:
        raise MetadataError(source, "variants", "required")
    _priorities(meta, top, schema)
    _read_providers(meta, top, schema)
    _variants(meta, top.get("variants", {}))
    return meta


def max_bytes(environ: dict[str, str] | None = None) -> int:
    import os

    value = (environ if environ is not None else os.environ).get(MAX_BYTES_ENV)
    if not value:
        return DEFAULT_MAX_BYTES
    from variant_detect._exit import BadInput

    try:
        number = int(value)
    except ValueError:
        raise BadInput(f"{MAX_BYTES_ENV}: expected a number of bytes, got {value!r:.40}") from None
    if number < 1:
        raise BadInput(f"{MAX_BYTES_ENV}: expected a positive number of bytes, got {value!r:.40}")
    return number


def loads(blob: bytes, source: str, limit: int | None = None, size: int | None = None) -> VariantsMeta:
    """Parse bytes of a variants.json, refusing files over the size limit.

    *size* is the whole file's size when *blob* is only its first ``limit + 1``
    bytes (a read stops there), so that the message gives the file's size.
    """
    limit = max_bytes() if limit is None else limit
    if len(blob) > limit:
        size = len(blob) if size is None else size
        what = f"{size} bytes" if size > limit + 1 or len(blob) == size else f"more than {limit} bytes"
        raise MetadataError(
            source, "", f"file is {what}, over the limit of {limit} bytes (raise it with {MAX_BYTES_ENV})"
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
    import os

    limit = max_bytes() if limit is None else limit
    try:
        with open(path, "rb") as handle:
            blob = handle.read(limit + 1)
            size = os.fstat(handle.fileno()).st_size if len(blob) > limit else len(blob)
    except OSError as exc:
        from variant_detect._exit import BadInput

        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    return loads(blob, path, limit, size)
