"""intel provider: fixtures, the table, overrides, and parity with intel-variant-provider's own code."""

from __future__ import annotations

import json
import os
import sys

import jsonschema
import pytest

import variant_detect_intel
from variant_detect_intel import _table
from variant_detect_runtime.testing import check_fixture, fixture_dirs, replay

sys.path.insert(0, os.path.dirname(__file__))
import _cases
import published_intel

HERE = os.path.dirname(__file__)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "hw_fixtures"))
DATA = os.path.join(os.path.dirname(variant_detect_intel.__file__), "data")
PLUGIN = variant_detect_intel._plugin
INTEL_FIXTURES = fixture_dirs(FIXTURES, "intel")
FORCE = "INTEL_VARIANT_PROVIDER_FORCE_DEVICE_IP"
with open(os.path.join(HERE, "data", "published_intel.json")) as _handle:
    PUBLISHED = json.load(_handle)


@pytest.mark.parametrize("path", INTEL_FIXTURES, ids=os.path.basename)
@pytest.mark.parametrize("release", [None, "0.0.2", "0.0.3"])
def test_fixture(path: str, release: str | None) -> None:
    provider = PLUGIN if release is None else PLUGIN.standin(f"intel-variant-provider=={release}")
    check_fixture(provider, path)


def test_fixtures_cover_the_issue() -> None:
    names = {os.path.basename(p) for p in INTEL_FIXTURES}
    assert {
        "linux-x86_64-sapphirerapids-arc-a770",
        "linux-x86_64-zen5-arc-b580",
        "linux-x86_64-meteorlake-arc",
        "linux-x86_64-lunarlake-arc140v",
        "linux-x86_64-sapphirerapids-max1550",
        "linux-x86_64-sapphirerapids-no-gpu",
        "linux-x86_64-zen5-arc-b580-ze-uninitialized",
    } <= names


def test_table_matches_schema_and_published_order() -> None:
    with open(os.path.join(DATA, "intel.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "intel.schema.json")) as handle:
        schema = json.load(handle)
    jsonschema.validate(table, schema)
    tables = _table.from_json(table)
    for release in _cases.RELEASES:
        assert tables.known_ips(release) == PUBLISHED[release]["all"]
    ids = [i for row in table["devices"] for i in row["device_ids"]]
    assert len(ids) == len(set(ids)), "a device id in two families"
    for ip, compat in tables.compat.items():
        assert compat in tables.known_ips(_table.RELEASES[-1]), (ip, compat)


def test_schema_rejects_a_row_without_source() -> None:
    with open(os.path.join(DATA, "intel.json")) as handle:
        table = json.load(handle)
    with open(os.path.join(DATA, "intel.schema.json")) as handle:
        schema = json.load(handle)
    del table["devices"][0]["source"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(table, schema)


def test_decoding_follows_hw_ip_version() -> None:
    tables = _table.load()
    assert tables.decode(0x030DC008) == "12.55.8"
    assert tables.decode(0x0311C004) == "12.71.4"
    assert tables.decode(0x08C2C000) == "35.11.0"


def _level_zero_fixture(tmp_path: str | os.PathLike[str], devices: list[list[int]]) -> str:
    """A Linux machine with one Intel card the rules cannot name, so Level Zero answers."""
    root = os.path.join(str(tmp_path), "linux-x86_64-generic-intel-ze")
    card = os.path.join(root, "sysroot", "sys", "class", "drm", "card0", "device")
    os.makedirs(card, exist_ok=True)
    for name, value in (("vendor", "0x8086"), ("device", "0xffff"), ("revision", "0x00")):
        with open(os.path.join(card, name), "w") as handle:
            handle.write(value + "\n")
    with open(os.path.join(root, "machine.json"), "w") as handle:
        json.dump({"system": "Linux", "machine": "x86_64", "release": "6.8.0"}, handle)
    calls = {"level_zero": {"load": "ok", "calls": [{"function": "device_ips", "args": [], "result": devices}]}}
    with open(os.path.join(root, "calls.json"), "w") as handle:
        json.dump({"libraries": calls}, handle)
    return root


@pytest.mark.parametrize("release", _cases.RELEASES)
def test_standin_equals_published_on_level_zero_answers(release: str, tmp_path: os.PathLike[str]) -> None:
    provider = PLUGIN.standin(f"intel-variant-provider=={release}")
    agree = 0
    for number, (devices, want) in enumerate(zip(_cases.CASES, PUBLISHED[release]["devices"], strict=True)):
        path = _level_zero_fixture(os.path.join(str(tmp_path), str(number)), devices)
        got = replay(provider, path).as_profile().get("device_ip", [])
        assert got == want, (devices, got, want)
        agree += 1
    print(f"intel-variant-provider {release}: {agree}/{len(_cases.CASES)} Level Zero cases agree")
    assert agree == len(_cases.CASES)


@pytest.mark.parametrize("release", _cases.RELEASES)
def test_forced_device_ip(release: str) -> None:
    provider = PLUGIN.standin(f"intel-variant-provider=={release}")
    a770 = os.path.join(FIXTURES, "linux-x86_64-sapphirerapids-arc-a770")
    known = _table.load().known_ips(release)
    for value, want in zip(_cases.FORCED, PUBLISHED[release]["forced"], strict=True):
        detection = replay(provider, a770, env={FORCE: value})
        got = detection.as_profile().get("device_ip", [])
        if value.strip() in known and value == value.strip():
            assert got == want == [value]
            assert detection.overrides
        elif not value:
            assert got == want == ["12.55.8"]
        else:
            # Documented divergence: the published provider answers nothing for an override
            # its table does not know (or one with blanks); ours warns and keeps detection.
            assert want == [] or value != value.strip()
            assert got == ["12.55.8"] if value.strip() not in known else got == [value.strip()]
            if value.strip() not in known:
                assert any(FORCE in w for w in detection.warnings), detection.warnings


def test_bad_override_is_bounded_and_ignored() -> None:
    a770 = os.path.join(FIXTURES, "linux-x86_64-sapphirerapids-arc-a770")
    detection = replay(PLUGIN, a770, env={FORCE: "9" * 5000})
    assert detection.as_profile() == {"device_ip": ["12.55.8"]}
    assert all(len(w) < 300 for w in detection.warnings)
    assert any(FORCE in w and "ignored" in w for w in detection.warnings)


def test_own_answer_adds_compat_after_a_forced_ip() -> None:
    a770 = os.path.join(FIXTURES, "linux-x86_64-sapphirerapids-arc-a770")
    assert replay(PLUGIN, a770, env={FORCE: "12.56.5"}).as_profile() == {"device_ip": ["12.56.5", "12.55.8"]}
    standin = PLUGIN.standin("intel-variant-provider==0.0.3")
    assert replay(standin, a770, env={FORCE: "12.56.5"}).as_profile() == {"device_ip": ["12.56.5"]}


def test_own_answer_knows_the_head_table(tmp_path: os.PathLike[str]) -> None:
    path = _level_zero_fixture(tmp_path, [[0x8086, 0xFFFF, 0x0780C001]])  # Wildcat Lake 30.3.1
    assert replay(PLUGIN, path).as_profile() == {"device_ip": ["30.3.1", "30.0.4"]}
    assert replay(PLUGIN.standin("intel-variant-provider==0.0.3"), path).as_profile() == {}


def test_standin_rejects_other_pins() -> None:
    with pytest.raises(ValueError, match=r"intel-variant-provider==0\.0\.2"):
        PLUGIN.standin("intel-variant-provider==0.0.1")


def test_no_level_zero_when_sysfs_names_every_gpu() -> None:
    # No calls.json in these fixtures: a Level Zero call would fail and warn.
    for name in ("linux-x86_64-sapphirerapids-arc-a770", "linux-x86_64-meteorlake-arc"):
        assert replay(PLUGIN, os.path.join(FIXTURES, name)).warnings == []


@pytest.mark.parametrize("release", _cases.RELEASES)
def test_committed_answers_are_the_published_code(release: str) -> None:
    if published_intel.available(release) is None:
        pytest.skip(f"{published_intel.ENV} does not point at unpacked intel-variant-provider wheels")
    assert published_intel.all_configs(release) == PUBLISHED[release]["all"]
    assert [published_intel.answer(release, d) for d in _cases.CASES] == PUBLISHED[release]["devices"]
    assert [published_intel.answer(release, [[0x8086, 0x56A0, 0x030DC008]], f) for f in _cases.FORCED] == PUBLISHED[
        release
    ]["forced"]


def _sysfs_fixture(tmp_path: str | os.PathLike[str], cards: dict[str, dict[str, str]], errors: dict[str, str]) -> str:
    root = os.path.join(str(tmp_path), "linux-x86_64-generic-intel-sysfs")
    for card, files in cards.items():
        folder = os.path.join(root, "sysroot", "sys", "class", "drm", card, "device")
        os.makedirs(folder, exist_ok=True)
        for name, value in files.items():
            with open(os.path.join(folder, name), "w") as handle:
                handle.write(value)
    os.makedirs(os.path.join(root, "sysroot", "sys", "class", "drm", "card0-DP-1"), exist_ok=True)
    os.makedirs(os.path.join(root, "sysroot", "sys", "class", "drm", "renderD128"), exist_ok=True)
    with open(os.path.join(root, "machine.json"), "w") as handle:
        json.dump({"system": "Linux", "machine": "x86_64", "release": "6.8.0"}, handle)
    with open(os.path.join(root, "file_errors.json"), "w") as handle:
        json.dump(errors, handle)
    return root


A770 = {"vendor": "0x8086\n", "device": "0x56a0\n", "revision": "0x08\n"}


def test_unknown_device_without_level_zero_warns(tmp_path: str) -> None:
    path = _sysfs_fixture(tmp_path, {"card0": {"vendor": "0x8086\n", "device": "0xfffe\n", "revision": "0x00\n"}}, {})
    detection = replay(PLUGIN, path)
    assert detection.as_profile() == {}
    assert any("Level Zero" in w for w in detection.warnings), detection.warnings


def test_unlisted_revision_needs_level_zero(tmp_path: str) -> None:
    path = _sysfs_fixture(tmp_path, {"card0": {**A770, "revision": "0x02\n"}}, {})
    detection = replay(PLUGIN, path)
    assert detection.as_profile() == {}
    assert any("Level Zero" in w for w in detection.warnings)


def test_unreadable_card_warns_and_others_answer(tmp_path: str) -> None:
    cards = {"card0": {"vendor": "0x8086\n"}, "card1": A770}
    path = _sysfs_fixture(tmp_path, cards, {"/sys/class/drm/card0/device/vendor": "EACCES"})
    detection = replay(PLUGIN, path)
    assert detection.as_profile() == {"device_ip": ["12.55.8"]}
    assert any("card0" in w for w in detection.warnings)


@pytest.mark.parametrize("revision", ["0xzz\n", "", "0x" + "8" * 200, "\x00\x00"])
def test_garbage_revision_is_not_a_stepping(tmp_path: str, revision: str) -> None:
    path = _sysfs_fixture(tmp_path, {"card0": {**A770, "revision": revision}}, {})
    detection = replay(PLUGIN, path)
    assert detection.as_profile() == {}
    assert detection.warnings


def test_pvc_stepping_is_the_low_three_bits(tmp_path: str) -> None:
    cards = {"card0": {"vendor": "0x8086\n", "device": "0x0bd5\n", "revision": "0x2d\n"}}  # 0x2d & 7 = 5: B0
    path = _sysfs_fixture(tmp_path, cards, {})
    assert replay(PLUGIN, path).as_profile() == {}  # 12.60.5 is in no published table
    assert any("12.60.5" in w for w in replay(PLUGIN, path).warnings)


def test_not_linux_or_windows_reports_nothing() -> None:
    macos = [p for p in os.listdir(FIXTURES) if p.startswith("macos-")]
    assert macos
    detection = replay(PLUGIN, os.path.join(FIXTURES, macos[0]), env={FORCE: "12.55.8"})
    # The override is read on every system (as published); nothing else is.
    assert detection.as_profile() == {"device_ip": ["12.55.8"]}
    assert replay(PLUGIN, os.path.join(FIXTURES, macos[0])).as_profile() == {}
