"""nvidia provider: detection paths, bad answers and CUDA_VISIBLE_DEVICES, on fixture variants."""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest

import variant_detect_nvidia
from variant_detect_nvidia._visible import cuda_order, parse_visible, select_by_index, select_by_uuid
from variant_detect_runtime.testing import replay

sys.path.insert(0, os.path.dirname(__file__))
from nvidia_testing import FORCE_CUDA, FORCE_SM, lower, set_answer, sm, variant_of

PLUGIN = variant_detect_nvidia._plugin
H100 = "linux-x86_64-sapphirerapids-h100"
A100 = "linux-x86_64-zen2-a100"
MIXED = "linux-x86_64-zen4-rtxa6000-rtx4090"  # NVML 0 = RTX A6000 (8.6), 1 = RTX 4090 (8.9)
Libraries = dict[str, Any]


@pytest.fixture(autouse=True)
def _no_force_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (FORCE_CUDA, FORCE_SM):
        monkeypatch.delenv(name, raising=False)


def nvml(libraries: Libraries) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = libraries["nvml"]["calls"]
    return calls


# -- bad answers ----------------------------------------------------------------------------
@pytest.mark.parametrize("driver", ["R580", "garbage \x01", "", "9999999.1"])
def test_odd_driver_string_is_a_warning_and_lists_stay_valid(tmp_path: os.PathLike[str], driver: str) -> None:
    path = variant_of(
        tmp_path, H100, edit=lambda c: set_answer(nvml(c), "nvmlSystemGetDriverVersion", [], result=driver)
    )
    detection = replay(PLUGIN, path)
    assert any("nvmlSystemGetDriverVersion" in w and repr(driver) in w for w in detection.warnings)
    assert detection.as_profile()["cuda_version_lower_bound"] == lower(13, 0)


@pytest.mark.parametrize("driver", ["580.65.06", "470.256.02"])
def test_real_driver_strings_are_fine(tmp_path: os.PathLike[str], driver: str) -> None:
    cuda = 13000 if driver.startswith("580") else 11040

    def edit(c: Libraries) -> None:
        set_answer(nvml(c), "nvmlSystemGetDriverVersion", [], result=driver)
        set_answer(nvml(c), "nvmlSystemGetCudaDriverVersion_v2", [], result=cuda)

    detection = replay(PLUGIN, variant_of(tmp_path, H100, edit=edit))
    assert detection.warnings == []
    assert detection.as_profile()["cuda_version_lower_bound"][0] == ("13.0" if cuda == 13000 else "11.4")


@pytest.mark.parametrize("cc", [[0, 0], [99, 9], [9], "9.0", [13, 0]])
def test_implausible_compute_capability_is_ignored_with_a_warning(tmp_path: os.PathLike[str], cc: Any) -> None:
    path = variant_of(
        tmp_path, MIXED, edit=lambda c: set_answer(nvml(c), "nvmlDeviceGetCudaComputeCapability", [1], result=cc)
    )
    detection = replay(PLUGIN, path)
    assert any("nvmlDeviceGetCudaComputeCapability(1)" in w and "GPU ignored" in w for w in detection.warnings)
    assert detection.as_profile()["sm_arch"] == sm(8, 6)  # the other GPU


def test_every_compute_capability_bad_gives_bounds_and_a_warning(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:
        for i in range(8):
            set_answer(nvml(c), "nvmlDeviceGetCudaComputeCapability", [i], result=[0, 0])

    detection = replay(PLUGIN, variant_of(tmp_path, H100, edit=edit))
    assert list(detection.as_profile()) == ["cuda_version_lower_bound", "cuda_version_upper_bound"]
    assert any("no compute capability" in w for w in detection.warnings)


def test_count_disagreeing_with_handles(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:
        set_answer(nvml(c), "nvmlDeviceGetCount_v2", [], result=3)
        set_answer(
            nvml(c), "nvmlDeviceGetCudaComputeCapability", [2], error={"code": 2, "name": "NVML_ERROR_INVALID_ARGUMENT"}
        )

    detection = replay(PLUGIN, variant_of(tmp_path, MIXED, edit=edit))
    assert any("nvmlDeviceGetCudaComputeCapability(2)" in w and "disagree" in w for w in detection.warnings)
    assert detection.as_profile()["sm_arch"] == sm(8, 9)


@pytest.mark.parametrize("count", [-1, 10_000, "8", None])
def test_garbage_count(tmp_path: os.PathLike[str], count: Any) -> None:
    path = variant_of(tmp_path, H100, edit=lambda c: set_answer(nvml(c), "nvmlDeviceGetCount_v2", [], result=count))
    detection = replay(PLUGIN, path)
    assert detection.features == []
    assert any("nvmlDeviceGetCount_v2" in w for w in detection.warnings)


@pytest.mark.parametrize(("version", "shown"), [(16000, "16.0"), (10020, "10.2")])
def test_detected_cuda_outside_the_range_gives_nothing(tmp_path: os.PathLike[str], version: int, shown: str) -> None:
    path = variant_of(
        tmp_path, H100, edit=lambda c: set_answer(nvml(c), "nvmlSystemGetCudaDriverVersion_v2", [], result=version)
    )
    detection = replay(PLUGIN, path)
    assert detection.features == []
    assert any(shown in w and "outside 11.0-15.20" in w for w in detection.warnings)


def test_garbage_cuda_version_is_a_warning(tmp_path: os.PathLike[str]) -> None:
    path = variant_of(
        tmp_path, H100, edit=lambda c: set_answer(nvml(c), "nvmlSystemGetCudaDriverVersion_v2", [], result=7)
    )
    detection = replay(PLUGIN, path)
    assert detection.features == []
    assert any("nvmlSystemGetCudaDriverVersion_v2" in w and "got 7" in w for w in detection.warnings)


def test_v2_missing_falls_back_to_v1_like_the_reference(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:
        set_answer(
            nvml(c),
            "nvmlSystemGetCudaDriverVersion_v2",
            [],
            error={"code": 13, "name": "NVML_ERROR_FUNCTION_NOT_FOUND"},
        )
        set_answer(nvml(c), "nvmlSystemGetCudaDriverVersion", [], result=12080)

    detection = replay(PLUGIN, variant_of(tmp_path, H100, edit=edit))
    assert detection.as_profile()["cuda_version_lower_bound"] == lower(12, 8)


def test_compute_capability_below_5_warns_like_the_reference(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:  # a Tesla K80 on R470
        set_answer(nvml(c), "nvmlSystemGetDriverVersion", [], result="470.256.02")
        set_answer(nvml(c), "nvmlSystemGetCudaDriverVersion_v2", [], result=11040)
        set_answer(nvml(c), "nvmlDeviceGetCount_v2", [], result=1)
        set_answer(nvml(c), "nvmlDeviceGetCudaComputeCapability", [0], result=[3, 7])

    detection = replay(PLUGIN, variant_of(tmp_path, "linux-x86_64-cascadelake-t4", edit=edit))
    assert list(detection.as_profile()) == ["cuda_version_lower_bound", "cuda_version_upper_bound"]
    assert any("3.7" in w for w in detection.warnings)


def test_driver_loaded_but_no_gpu(tmp_path: os.PathLike[str]) -> None:
    path = variant_of(tmp_path, H100, edit=lambda c: set_answer(nvml(c), "nvmlDeviceGetCount_v2", [], result=0))
    detection = replay(PLUGIN, path)
    assert detection.features == [] and detection.warnings == []


def test_forward_compat_that_works_keeps_the_newer_cuda(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:
        c["cuda"]["calls"] = [
            {"function": "cuDriverGetVersion", "args": [], "result": 13000},
            {"function": "cuInit", "args": [0], "result": None},
        ]

    detection = replay(PLUGIN, variant_of(tmp_path, "linux-x86_64-sapphirerapids-h100-compat-803", edit=edit))
    assert detection.warnings == []
    assert detection.as_profile()["cuda_version_lower_bound"] == lower(13, 0)


def test_procfs_is_the_last_resort(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:
        c.clear()  # neither NVML nor libcuda can be loaded

    detection = replay(PLUGIN, variant_of(tmp_path, H100, edit=edit))
    assert detection.as_profile() == {
        "cuda_version_lower_bound": lower(13, 0),
        "cuda_version_upper_bound": detection.as_profile()["cuda_version_upper_bound"],
    }
    assert any("inferred from kernel driver 580.65.06" in w for w in detection.warnings)


def test_nvml_hang_at_init(tmp_path: os.PathLike[str]) -> None:
    path = variant_of(tmp_path, H100, edit=lambda c: set_answer(nvml(c), "nvmlInitWithFlags", [1], hang=True))
    detection = replay(PLUGIN, path)
    assert detection.features == []
    assert any("nvmlInitWithFlags" in w and "did not return" in w for w in detection.warnings)


def test_cuinit_hang_on_jetson(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:
        set_answer(c["cuda"]["calls"], "cuInit", [0], hang=True)

    detection = replay(PLUGIN, variant_of(tmp_path, "linux-aarch64-cortex_a78ae-jetson_orin", edit=edit))
    assert detection.features == []
    assert any("libcuda cuInit" in w for w in detection.warnings)


def test_other_systems_have_no_cuda(tmp_path: os.PathLike[str]) -> None:
    root = os.path.join(tmp_path, "macos-arm64-m4")
    os.makedirs(root)
    detection = replay(PLUGIN, root)
    assert detection.features == [] and detection.warnings == []


# -- CUDA_VISIBLE_DEVICES ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("env", "top"),
    [
        ({"CUDA_VISIBLE_DEVICES": "0", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}, (8, 6)),
        ({"CUDA_VISIBLE_DEVICES": "1", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}, (8, 9)),
        ({"CUDA_VISIBLE_DEVICES": "1,0", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}, (8, 9)),
        ({"CUDA_VISIBLE_DEVICES": "0,7,1", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}, (8, 6)),  # 7 ends the list
        ({"CUDA_VISIBLE_DEVICES": "-1,1", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}, None),
        ({"CUDA_VISIBLE_DEVICES": "0,0", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}, None),
        ({"CUDA_VISIBLE_DEVICES": "GPU-11111111"}, (8, 6)),
        ({"CUDA_VISIBLE_DEVICES": "GPU-22222222-2222"}, (8, 9)),
        ({"CUDA_VISIBLE_DEVICES": "GPU-"}, None),  # ambiguous prefix ends the list
        ({"CUDA_VISIBLE_DEVICES": "GPU-33333333"}, None),
        # FASTEST_FIRST without libcuda in the fixture: newest compute capability first.
        ({"CUDA_VISIBLE_DEVICES": "0"}, (8, 9)),
        ({"CUDA_VISIBLE_DEVICES": "1"}, (8, 6)),
    ],
)
def test_visible_devices_on_a_mixed_host(tmp_path: os.PathLike[str], env: dict[str, str], top: Any) -> None:
    detection = replay(PLUGIN, variant_of(tmp_path, MIXED, env=env))
    profile = detection.as_profile()
    if top is None:
        assert profile == {} and detection.warnings == []
    else:
        assert profile["sm_arch"] == sm(*top)
    assert any(source == "CUDA_VISIBLE_DEVICES" for _f, source, _m in detection.explanations)


def test_visible_devices_fastest_first_asks_libcuda(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:  # CUDA itself, with CUDA_VISIBLE_DEVICES=1 applied, sees the A6000
        c["cuda"] = {
            "load": "ok",
            "calls": [
                {"function": "cuDriverGetVersion", "args": [], "result": 12080},
                {"function": "cuInit", "args": [0], "result": None},
                {"function": "cuDeviceGetCount", "args": [], "result": 1},
                {"function": "cuDeviceGetAttribute", "args": [75, 0], "result": 8},
                {"function": "cuDeviceGetAttribute", "args": [76, 0], "result": 6},
            ],
        }

    detection = replay(PLUGIN, variant_of(tmp_path, MIXED, env={"CUDA_VISIBLE_DEVICES": "1"}, edit=edit))
    assert detection.as_profile()["sm_arch"] == sm(8, 6)


def test_visibility_change_is_reported_as_an_override(tmp_path: os.PathLike[str]) -> None:
    env = {"CUDA_VISIBLE_DEVICES": "0", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}
    detection = replay(PLUGIN, variant_of(tmp_path, MIXED, env=env))
    assert [o["variable"] for o in detection.overrides] == ["CUDA_VISIBLE_DEVICES"]


def test_unknown_mig_uuid_hides_the_gpu(tmp_path: os.PathLike[str]) -> None:
    path = variant_of(tmp_path, "linux-x86_64-sapphirerapids-h100-mig", env={"CUDA_VISIBLE_DEVICES": "MIG-deadbeef"})
    assert replay(PLUGIN, path).features == []


@pytest.mark.parametrize(
    ("value", "kind", "entries"),
    [
        (None, "all", []),
        ("", "none", []),
        (" ", "none", []),
        ("0,1", "index", [0, 1]),
        ("1gpu2,3", "index", [1, 3]),
        ("+2", "index", [2]),
        ("0,-1,2", "index", [0]),
        ("0,x,2", "index", [0]),
        ("1,1", "none", []),
        ("GPU-ab, GPU-cd", "GPU", ["GPU-ab", "GPU-cd"]),
        ("GPU-ab,0", "GPU", ["GPU-ab"]),
        ("MIG-ab", "MIG", ["MIG-ab"]),
    ],
)
def test_parse_visible(value: str | None, kind: str, entries: list[Any]) -> None:
    selection = parse_visible(value)
    assert (selection.kind, selection.entries) == (kind, entries)


def test_cuda_order() -> None:
    ccs = [(7, 5), (9, 0), (8, 0)]
    assert cuda_order(3, None, [None] * 3, ccs) == [1, 2, 0]
    assert cuda_order(3, "PCI_BUS_ID", ["0000:b1:00.0", "0000:17:00.0", "0000:65:00.0"], ccs) == [1, 2, 0]


def test_select_helpers() -> None:
    assert select_by_index([2, 0], [0, 1, 2])[0] == [2, 0]
    assert select_by_index([0, 5, 1], [0, 1])[0] == [0]
    uuids = [["GPU-aaa1"], ["GPU-aab2"]]
    assert select_by_uuid(["GPU-aab"], uuids)[0] == [1]
    assert select_by_uuid(["GPU-aa"], uuids)[0] == []
    assert select_by_uuid(["GPU-aaa1", "GPU-aaa"], uuids) == (
        [],
        "'GPU-aaa' names a device twice: CUDA then sees no device",
    )


def test_nvml_that_fails_is_not_overruled_by_procfs(tmp_path: os.PathLike[str]) -> None:
    def edit(c: Libraries) -> None:  # NVML loads but refuses; no libcuda to ask
        set_answer(nvml(c), "nvmlInitWithFlags", [1], error={"code": 4, "name": "NVML_ERROR_NO_PERMISSION"})

    detection = replay(PLUGIN, variant_of(tmp_path, H100, edit=edit))
    assert detection.features == []
    assert any("NVML nvmlInitWithFlags" in w and "NO_PERMISSION" in w for w in detection.warnings)
    assert not any("inferred" in w for w in detection.warnings)
