"""The provider base class: isolation, validation, the variantlib protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from variant_detect_runtime import (
    Feature,
    InvalidConfigError,
    Probe,
    Provider,
    ReplayProbe,
    Report,
    VariantDetectWarning,
)


class Toy(Provider[str]):
    namespace = "toy"
    distribution = "toy-provider"
    version = "1.0"

    def __init__(self, raw: str = "ok", fail_collect: bool = False, fail_parse: bool = False) -> None:
        self.raw = raw
        self.fail_collect = fail_collect
        self.fail_parse = fail_parse

    def collect(self, probe: Probe, report: Report) -> str:
        if self.fail_collect:
            raise OSError("driver exploded")
        return self.raw

    def parse(self, raw: str, report: Report) -> list[Feature]:
        if self.fail_parse:
            raise ValueError("garbage in /proc")
        if raw == "bad-name":
            return [Feature("Level", ["v1"])]
        if raw == "bad-value":
            return [Feature("level", ["v1", "V2"])]
        if raw == "empty":
            return [Feature("level", [])]
        if raw == "twice":
            return [Feature("level", ["v1"]), Feature("level", ["v2"])]
        report.explain("level", "toy-source", "saw v2")
        return [Feature("level", ["v2", "v1"]), Feature("arch", ["b", "a"], multi_value=True)]

    def all_features(self) -> list[Feature]:
        return [Feature("level", ["v3", "v2", "v1"]), Feature("arch", ["c", "b", "a"], multi_value=True)]


@pytest.fixture
def probe(tmp_path: Path) -> ReplayProbe:
    (tmp_path / "m").mkdir()
    return ReplayProbe(str(tmp_path / "m"), overrides={})


def test_detect_returns_plain_features(probe: ReplayProbe) -> None:
    detection = Toy().detect(probe)
    assert detection.as_profile() == {"level": ["v2", "v1"], "arch": ["b", "a"]}
    assert detection.explanations == [("level", "toy-source", "saw v2")]
    assert detection.config().feature("arch") == Feature("arch", ["b", "a"], True)


@pytest.mark.parametrize(("kwargs", "source"), [({"fail_collect": True}, "collect"), ({"fail_parse": True}, "parse")])
def test_a_broken_source_is_a_warning_not_a_crash(probe: ReplayProbe, kwargs: dict[str, bool], source: str) -> None:
    detection = Toy(**kwargs).detect(probe)
    assert detection.features == []
    assert len(detection.warnings) == 1
    assert detection.warnings[0].startswith(f"toy: {source}: ")


@pytest.mark.parametrize("raw", ["bad-name", "bad-value", "empty", "twice"])
def test_invalid_configs_are_rejected_naming_the_provider(probe: ReplayProbe, raw: str) -> None:
    with pytest.raises(InvalidConfigError, match=r"provider 'toy' \(toy-provider\)"):
        Toy(raw).detect(probe)


def test_disable_variable(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    probe = ReplayProbe(str(tmp_path / "m"), overrides={"VARIANT_DETECT_DISABLE": "other, toy"})
    detection = Toy().detect(probe)
    assert detection.features == []
    assert detection.overrides == [
        {
            "namespace": "toy",
            "variable": "VARIANT_DETECT_DISABLE",
            "value": "other, toy",
            "effect": "namespace disabled: no features reported",
        }
    ]


def test_protocol_methods_return_model_objects_and_warn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "linux-x86_64-m").mkdir()
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", str(tmp_path / "linux-x86_64-m"))
    configs = Toy().get_supported_configs()
    assert isinstance(configs, list)
    assert configs == [Feature("level", ["v2", "v1"]), Feature("arch", ["b", "a"], True)]
    with pytest.warns(VariantDetectWarning, match="toy: collect: OSError: driver exploded"):
        assert Toy(fail_collect=True).get_supported_configs() == []
    assert [c.name for c in Toy().get_all_configs()] == ["level", "arch"]


def test_missing_fixture_fails_the_plugin_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", str(tmp_path / "absent"))
    with pytest.raises(Exception, match="does not exist"):
        Toy().get_supported_configs()
