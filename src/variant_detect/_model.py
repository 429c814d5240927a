"""The data model: frozen, validated attrs classes.

These are what plugin consumers (variantlib 0.2.2, installers) receive from
``get_supported_configs()`` / ``get_all_configs()``: objects with ``name``,
``values`` (most preferred first) and ``multi_value``. The start-up path of the
CLI never imports this module (importing attrs costs about three bare
interpreter starts); it carries the same data as validated plain tuples, checked
by the same functions in :mod:`variant_detect._names`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from variant_detect._names import (
    check_name,
    check_unique_features,
    check_values,
)

if TYPE_CHECKING:
    from collections.abc import Iterable


def _check_name(_inst: Any, attribute: attrs.Attribute[str], value: str) -> None:
    check_name(attribute.name, value)


def _check_values(inst: FeatureConfig, _attribute: Any, value: tuple[str, ...]) -> None:
    check_values(value, where=str(getattr(inst, "name", "")))


def _check_bool(_inst: Any, attribute: attrs.Attribute[bool], value: bool) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{attribute.name} must be a bool, got {value!r}")


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _feature_tuple(features: Iterable[FeatureConfig]) -> tuple[FeatureConfig, ...]:
    return tuple(features)


@attrs.frozen
class FeatureConfig:
    """One feature a provider supports: its values, most preferred first."""

    name: str = attrs.field(validator=_check_name)
    values: tuple[str, ...] = attrs.field(converter=_str_tuple, validator=_check_values)
    multi_value: bool = attrs.field(default=False, validator=_check_bool)

    @classmethod
    def from_plain(cls, plain: tuple[str, tuple[str, ...], bool]) -> FeatureConfig:
        name, values, multi_value = plain
        return cls(name, values, multi_value)

    def to_plain(self) -> tuple[str, tuple[str, ...], bool]:
        return (self.name, self.values, self.multi_value)


def _check_features(inst: ProviderConfig, _attribute: Any, value: tuple[FeatureConfig, ...]) -> None:
    for feature in value:
        if not isinstance(feature, FeatureConfig):
            raise TypeError(f"{inst.namespace}: features must be FeatureConfig, got {feature!r}")
    check_unique_features((f.name for f in value), where=inst.namespace)


@attrs.frozen
class ProviderConfig:
    """What one provider reports: features in priority order (highest first)."""

    namespace: str = attrs.field(validator=_check_name)
    features: tuple[FeatureConfig, ...] = attrs.field(converter=_feature_tuple, validator=_check_features)

    @classmethod
    def from_plain(cls, namespace: str, plain: Iterable[tuple[str, tuple[str, ...], bool]]) -> ProviderConfig:
        return cls(namespace, tuple(FeatureConfig.from_plain(p) for p in plain))

    def feature(self, name: str) -> FeatureConfig | None:
        for feature in self.features:
            if feature.name == name:
                return feature
        return None

    def as_dict(self) -> dict[str, list[str]]:
        return {f.name: list(f.values) for f in self.features}
