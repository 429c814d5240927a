"""The naming rules, ``Feature`` and the attrs model of a provider's answer."""

from __future__ import annotations

import pickle
import re

import attrs
import pytest

from variant_detect_runtime import Feature, InvalidConfigError, ProviderConfig, check_features, is_name, is_value


@pytest.mark.parametrize("name", ["level", "avx512_bf16", "sm_arch", "a", "0"])
def test_valid_names(name: str) -> None:
    assert Feature(name, ["v1"]).name == name
    assert is_name(name)


@pytest.mark.parametrize("name", ["Level", "sm-arch", "", "a.b", "a b", "ü", None, 3, "a\n"])
def test_invalid_names_show_the_value(name: object) -> None:
    with pytest.raises(InvalidConfigError, match=re.escape(repr(name))):
        Feature(name, ["on"])  # type: ignore[arg-type]
    assert not is_name(name)


@pytest.mark.parametrize("value", ["V1", "12-9", "", " on", "x/y", 9, "1\n"])
def test_invalid_values_show_the_value(value: object) -> None:
    with pytest.raises(InvalidConfigError) as info:
        Feature("level", ["v1", value])  # type: ignore[list-item]
    assert repr(value) in str(info.value)
    assert "level" in str(info.value)
    assert not is_value(value)


def test_dotted_values_are_valid() -> None:
    assert Feature("cuda_version_lower_bound", ["12.9", "12"]).values == ["12.9", "12"]


def test_empty_values_are_impossible() -> None:
    with pytest.raises(InvalidConfigError, match="must not be empty"):
        Feature("level", [])


def test_duplicate_values_rejected() -> None:
    with pytest.raises(InvalidConfigError, match="unique"):
        Feature("level", ["v1", "v1"])


def test_multi_value_must_be_bool() -> None:
    with pytest.raises(InvalidConfigError, match="multi_value"):
        Feature("level", ["v1"], multi_value=1)  # type: ignore[arg-type]


def test_feature_is_immutable_and_values_is_a_fresh_list() -> None:
    feature = Feature("level", ["v2", "v1"])
    assert feature.values == ["v2", "v1"]  # PEP 850: values is a list[str]
    feature.values.append("v0")
    assert feature.values == ["v2", "v1"]
    with pytest.raises(AttributeError):
        feature.name = "x"  # type: ignore[misc]
    name, values, multi_value = feature
    assert (name, values, multi_value) == ("level", ("v2", "v1"), False)
    assert pickle.loads(pickle.dumps(feature)) == feature
    assert hash(feature) == hash(Feature("level", ("v2", "v1")))
    assert repr(feature) == "Feature('level', ['v2', 'v1'], multi_value=False)"


def test_provider_config_is_frozen_and_rejects_duplicates_and_bad_namespace() -> None:
    level = Feature("level", ["v1"])
    with pytest.raises(InvalidConfigError, match="listed twice"):
        ProviderConfig("x86_64", [level, level])
    with pytest.raises(InvalidConfigError, match="'x86-64'"):
        ProviderConfig("x86-64", [level])
    with pytest.raises(TypeError, match="must be Feature"):
        ProviderConfig("x86_64", [("level", ("v1",), False)])  # type: ignore[list-item]
    config = ProviderConfig("x86_64", [level])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.namespace = "x"  # type: ignore[misc]


def test_provider_config_lookup_and_dict() -> None:
    config = ProviderConfig("x86_64", [Feature("level", ("v2", "v1")), Feature("avx", ("on",))])
    assert config.feature("avx") == Feature("avx", ["on"])
    assert config.feature("missing") is None
    assert config.as_dict() == {"level": ["v2", "v1"], "avx": ["on"]}


def test_check_features_validates_plain_answers_naming_the_namespace() -> None:
    assert check_features("ns", [("level", ["v1"], False)]) == [Feature("level", ["v1"])]
    with pytest.raises(InvalidConfigError, match="ns::level"):
        check_features("ns", [("level", ["V1"], False)])
    with pytest.raises(InvalidConfigError, match="listed twice"):
        check_features("ns", [("a", ["1"], False), ("a", ["2"], False)])
    with pytest.raises(InvalidConfigError, match="must be a Feature"):
        check_features("ns", ["level"])
