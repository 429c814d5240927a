"""Combining variant metadata (PEP 825 "Metadata consistency").

* ``default-priorities.namespace``: the lists must be equal, or the longer
  must start with the shorter; combining gives the longer.
* ``variants``: a label means the same set of properties everywhere;
  combining gives the union.

Where two inputs break these rules, PEP 825 leaves the response to the tool;
we refuse with exit status 2 naming both files, since any combined order
would be one that no publisher declared.
"""

from __future__ import annotations

from variant_detect._exit import MetadataError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._resolver._index import Link
    from variant_detect._resolver._metadata import Props, VariantsMeta
    from variant_detect._resolver._wheels import WheelName


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


def combined_namespaces(a: list[str], b: list[str]) -> list[str] | None:
    """The longer list when one starts with the other, else None."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return list(long) if long[: len(short)] == short else None


def merge(into: VariantsMeta, other: VariantsMeta) -> None:
    """Add *other* to *into* (PEP 825's combination rules)."""
    namespaces = combined_namespaces(into.namespaces, other.namespaces)
    if namespaces is None:
        raise MetadataError(
            other.source,
            "default-priorities.namespace",
            f"{other.namespaces} and {into.namespaces} (in {into.source}): "
            "expected equal lists, or one starting with the other",
        )
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
    for label, why in other.skipped.items():
        into.skipped.setdefault(label, why)
    into.namespaces = namespaces


def check_wheel_agrees(index: VariantsMeta, wheel: VariantsMeta, label: str) -> None:
    """A wheel's variant.json must describe its label exactly as the index file does."""
    if list(wheel.variants) != [label] or wheel.skipped:
        got = [*wheel.variants, *wheel.skipped]
        raise MetadataError(
            wheel.source, "variants", f"expected exactly the label {label!r} of the file name, got {got}"
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
    if combined_namespaces(wheel.namespaces, index.namespaces) is None:
        raise MetadataError(
            wheel.source,
            "default-priorities.namespace",
            f"{wheel.namespaces} disagrees with {index.namespaces} in {index.source} (neither starts with the other)",
        )
    for ns in wheel.variants[label]:
        a, b = wheel.providers.get(ns), index.providers.get(ns)
        if (a is None) != (b is None) or (a is not None and b is not None and a.identity() != b.identity()):
            raise MetadataError(wheel.source, f"providers.{ns}", f"differs from the index file {index.source}")


def from_wheels(metas: list[tuple[str, VariantsMeta]]) -> VariantsMeta:
    """The combined metadata of a release built from its wheels' own variant.json.

    *metas* pairs each wheel's label (from its file name) with its parsed
    ``variant.json``; one wheel per label is enough (PEP 825, "Installing a
    package from an index", step 5).
    """
    combined: VariantsMeta | None = None
    for label, meta in metas:
        if list(meta.variants) != [label] or meta.skipped:
            got = [*meta.variants, *meta.skipped]
            raise MetadataError(
                meta.source, "variants", f"expected exactly the label {label!r} of the file name, got {got}"
            )
        if combined is None:
            from variant_detect._resolver._metadata import VariantsMeta

            combined = VariantsMeta(f"variant.json of {len(metas)} wheel(s)")
            combined.schema, combined.strict = meta.schema, meta.strict
            combined.namespaces = list(meta.namespaces)
            combined.feature_priorities = meta.feature_priorities
            combined.property_priorities = meta.property_priorities
        merge(combined, meta)
    assert combined is not None
    return combined


def from_local_wheels(
    by_label: dict[str, list[tuple[WheelName, Link]]], version: str, warnings: list[str]
) -> VariantsMeta | None:
    """Combined metadata from one local wheel per label, or None (with a warning) for remote wheels."""
    name = next(iter(by_label.values()))[0][0].filename.split("-", 1)[0]
    if not all(link.local for wheels in by_label.values() for _w, link in wheels):
        warnings.append(
            f"{name} {version}: the index links no {name}-{version}-variants.json; its variant wheels "
            f"({', '.join(sorted(by_label))}) are treated as incompatible rather than downloading each one (PEP 825)"
        )
        return None
    from variant_detect._resolver._metadata import max_bytes
    from variant_detect._resolver._wheels import read_variant_json

    limit = max_bytes()
    metas = [
        (label, read_variant_json(wheels[0][1].location, label, limit)) for label, wheels in sorted(by_label.items())
    ]
    combined = from_wheels(metas)
    warnings.append(f"{name} {version}: no -variants.json; combined the variant.json of {len(metas)} local wheel(s)")
    return combined
