"""The public attrs model of one provider's answer.

:class:`ProviderConfig` is frozen and validated: a namespace and its
:class:`~variant_detect_runtime.Feature` objects in priority order. It is what
:meth:`Detection.config` and the command's ``variant_detect.detect()`` return.
The plugin protocol and the start-up paths never import this module (attrs
costs about four bare interpreter starts to import); they carry ``Feature``
objects, which this model holds unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from variant_detect_runtime._feature import Feature, check_features
from variant_detect_runtime._names import check_name

if TYPE_CHECKING:
    from collections.abc import Iterable


def _check_namespace(_inst: Any, attribute: attrs.Attribute[str], value: str) -> None:
    check_name(attribute.name, value)


def _feature_tuple(features: Iterable[Feature]) -> tuple[Feature, ...]:
    return tuple(features)


def _check_features(inst: ProviderConfig, _attribute: Any, value: tuple[Feature, ...]) -> None:
    for feature in value:
        if not isinstance(feature, Feature):
            raise TypeError(f"{inst.namespace}: features must be Feature, got {feature!r}")
    check_features(inst.namespace, value)


@attrs.frozen
class ProviderConfig:
    """What one provider reports: features in priority order (highest first)."""

    namespace: str = attrs.field(validator=_check_namespace)
    features: tuple[Feature, ...] = attrs.field(converter=_feature_tuple, validator=_check_features)

    def feature(self, name: str) -> Feature | None:
        for feature in self.features:
            if feature.name == name:
                return feature
        return None

    def as_dict(self) -> dict[str, list[str]]:
        return {f.name: f.values for f in self.features}
