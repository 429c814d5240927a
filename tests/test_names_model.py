"""The naming rules and the attrs model."""

from __future__ import annotations

import attrs
import pytest

from variant_detect import FeatureConfig, InvalidConfigError, ProviderConfig
from variant_detect._names import check_feature, check_features


@pytest.mark.parametrize("name", ["level", "avx512_bf16", "sm_arch", "a", "0"])
def test_valid_names(name: str) -> None:
    assert FeatureConfig(name, ["v1"]).name == name


@pytest.mark.parametrize("name", ["Level", "sm-arch", "", "a.b", "a b", "ü", None, 3])
def test_invalid_names_show_the_value(name: object) -> None:
    with pytest.raises(InvalidConfigError, match=repr(name).replace("(", r"\(").replace(")", r"\)")):
        FeatureConfig(name, ["on"])  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["V1", "12-9", "", " on", "x/y", 9])
def test_invalid_values_show_the_value(value: object) -> None:
    with pytest.raises(InvalidConfigError) as info:
        FeatureConfig("level", ["v1", value])  # type: ignore[list-item]
    assert repr(value) in str(info.value)
    assert "level" in str(info.value)


def test_dotted_values_are_valid() -> None:
    assert FeatureConfig("cuda_version_lower_bound", ["12.9", "12"]).values == ("12.9", "12")


def test_empty_values_are_impossible() -> None:
    with pytest.raises(InvalidConfigError, match="must not be empty"):
        FeatureConfig("level", [])


def test_duplicate_values_rejected() -> None:
    with pytest.raises(InvalidConfigError, match="unique"):
        FeatureConfig("level", ["v1", "v1"])


def test_multi_value_must_be_bool() -> None:
    with pytest.raises(TypeError, match="multi_value"):
        FeatureConfig("level", ["v1"], multi_value=1)  # type: ignore[arg-type]


def test_model_is_frozen_and_values_are_a_tuple() -> None:
    config = FeatureConfig("level", ["v2", "v1"])
    assert config.values == ("v2", "v1")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.name = "x"  # type: ignore[misc]


def test_provider_config_rejects_duplicate_features_and_bad_namespace() -> None:
    level = FeatureConfig("level", ["v1"])
    with pytest.raises(InvalidConfigError, match="listed twice"):
        ProviderConfig("x86_64", [level, level])
    with pytest.raises(InvalidConfigError, match="'x86-64'"):
        ProviderConfig("x86-64", [level])


def test_provider_config_lookup_and_dict() -> None:
    config = ProviderConfig.from_plain("x86_64", [("level", ("v2", "v1"), False), ("avx", ("on",), False)])
    assert config.feature("avx") == FeatureConfig("avx", ["on"])
    assert config.feature("missing") is None
    assert config.as_dict() == {"level": ["v2", "v1"], "avx": ["on"]}


def test_plain_checks_agree_with_the_model() -> None:
    assert check_feature("level", ["v1"], False) == ("level", ("v1",), False)
    with pytest.raises(InvalidConfigError, match="ns::level"):
        check_feature("level", ["V1"], False, where="ns")
    with pytest.raises(InvalidConfigError, match="listed twice"):
        check_features("ns", [("a", ["1"], False), ("a", ["2"], False)])
