"""PEP 825 variant ordering, fast enough for 100,000 variants.

PEP 825 ("Variant ordering"): namespaces in ``default-priorities.namespace``
order, features and values in the order the provider (or static list, or user)
gives. A variant is compatible iff every feature it declares has at least one
supported value. Each compatible variant gets keys ``(namespace, feature,
best value)`` as indices, sorted ascending; variants compare by those lists,
a longer list beating its own prefix, ties broken by label. The null variant
(no keys) therefore comes after every other variant.

variantlib 0.2.2 computes the same order with one slot per supported feature
(``sys.maxsize`` when absent). We number the supported features once
(``slot``), encode ``(slot, value index)`` as one int ``slot * width + index``
and end each key with ``slots * width``, larger than any code, so that a
shorter key loses against a longer key it prefixes. Sorting tuples of small
ints is what CPython does fastest; nothing is allocated per property.

User and file priorities are applied to the supported lists before ranking,
exactly as variantlib aggregates them: user lists (``--namespace-priority``,
then ``variants.toml``) first, then the file's, then the provider's own order.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from variant_detect._resolver._metadata import Props, VariantsMeta
    from variant_detect_runtime import Feature

    Supported = dict[str, list[Feature]]
    Slot = tuple[str, str, tuple[str, ...]]


class Priorities:
    """User priorities: ``variants.toml`` plus command-line options (first wins)."""

    __slots__ = ("features", "namespaces", "properties", "source")

    def __init__(
        self,
        namespaces: list[str] | None = None,
        features: dict[str, list[str]] | None = None,
        properties: dict[str, dict[str, list[str]]] | None = None,
        source: str = "",
    ) -> None:
        self.namespaces = namespaces or []
        self.features = features or {}
        self.properties = properties or {}
        self.source = source

    def before(self, namespaces: list[str]) -> Priorities:
        """These priorities with *namespaces* (the command line) put in front."""
        return Priorities(aggregate(namespaces, self.namespaces), self.features, self.properties, self.source)


def aggregate(*lists: Iterable[str]) -> list[str]:
    """Concatenate priority lists, first occurrence winning (variantlib's rule)."""
    out: list[str] = []
    seen: set[str] = set()
    for items in lists:
        for item in items:
            if item not in seen:
                seen.add(item)
                out.append(item)
    return out


def _reorder(items: Iterable[str], preferred: list[str]) -> list[str]:
    """Listed items first in listed order, the rest in their own order (stable)."""
    items = list(items)
    present = set(items)
    head = [item for item in preferred if item in present]
    chosen = set(head)
    return head + [item for item in items if item not in chosen]


def slots(meta: VariantsMeta, supported: Supported, user: Priorities | None = None) -> list[Slot]:
    """Every supported (namespace, feature, values) in priority order."""
    user = user or Priorities()
    namespaces = _reorder(supported, aggregate(user.namespaces, meta.namespaces))
    out: list[Slot] = []
    for ns in namespaces:
        features: dict[str, tuple[str, ...]] = {f[0]: f[1] for f in supported[ns]}
        spec = meta.providers.get(ns)
        feature_prio = aggregate(
            user.features.get(ns, ()),
            meta.feature_priorities.get(ns, ()),
            spec.feature_order if spec is not None else (),
        )
        for feat in _reorder(features, feature_prio):
            value_prio = aggregate(
                user.properties.get(ns, {}).get(feat, ()),
                meta.property_priorities.get(ns, {}).get(feat, ()),
            )
            out.append((ns, feat, tuple(_reorder(list(features[feat]), value_prio))))
    return out


def rank(variants: dict[str, Props], order: list[Slot]) -> list[str]:
    """Labels of the compatible variants, best first (null included if present)."""
    import gc

    # Profiled at 100,000 variants: with the collector on, the key tuples
    # allocated here trigger full collections that walk the whole parsed
    # file again and again (half the run time); they hold no cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _rank(variants, order)
    finally:
        if enabled:
            gc.enable()


def _rank(variants: dict[str, Props], order: list[Slot]) -> list[str]:
    width = max((len(values) for _ns, _feat, values in order), default=0) + 1
    table: dict[str, dict[str, tuple[int, dict[str, int]]]] = {}
    for slot, (ns, feat, slot_values) in enumerate(order):
        table.setdefault(ns, {})[feat] = (slot * width, {v: i for i, v in enumerate(slot_values)})
    end = len(order) * width
    keyed: list[tuple[tuple[int, ...], str]] = []
    append = keyed.append
    for label, props in variants.items():
        key: list[int] = []
        for ns, features in props.items():
            by_feature = table.get(ns)
            if by_feature is None:
                break
            for feat, values in features.items():
                entry = by_feature.get(feat)
                if entry is None:
                    break
                base, index_of = entry
                best = width
                for value in values:
                    index = index_of.get(value, width)
                    if index < best:  # noqa: PLR1730 - hot loop: calling min() costs more
                        best = index
                if best == width:
                    break
                key.append(base + best)
            else:
                continue
            break
        else:
            key.sort()
            key.append(end)
            append((tuple(key), label))
    keyed.sort()
    return [label for _key, label in keyed]


def why_not(props: Props, order: list[Slot]) -> str | None:
    """Why a variant is incompatible (``None`` when it is compatible)."""
    supported = {(ns, feat): set(values) for ns, feat, values in order}
    namespaces = {ns for ns, _f, _v in order}
    for ns, features in props.items():
        if ns not in namespaces:
            return f"namespace {ns} is not supported here"
        for feat, values in features.items():
            have = supported.get((ns, feat))
            if have is None:
                return f"feature {ns} :: {feat} is not supported here"
            if not have.intersection(values):
                return f"{ns} :: {feat} needs one of {', '.join(values)}; this machine has {', '.join(sorted(have))}"
    return None


def matched(props: Props, order: list[Slot]) -> list[str]:
    """The best supported property of each declared feature, in priority order."""
    out = []
    for ns, feat, values in order:
        declared = props.get(ns, {}).get(feat)
        if declared:
            best = min((values.index(v) for v in declared if v in values), default=None)
            if best is not None:
                out.append(f"{ns} :: {feat} :: {values[best]}")
    return out
