"""`record`: every answer kept, secrets redacted consistently, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from variant_detect._exit import BadInput, CommandError
from variant_detect._record import RecordingProbe, Redactor, write_fixture
from variant_detect_runtime import Feature, Probe, Provider, ReplayProbe, Report

UUID = "GPU-8a1b2c3d-1111-2222-3333-444455556666"
OTHER = "GPU-9f9f9f9f-aaaa-bbbb-cccc-ddddeeeeffff"


class FakeNvml:
    def nvmlDeviceGetCount_v2(self) -> int:
        return 2

    def nvmlDeviceGetUUID(self, index: int) -> str:
        return [UUID, OTHER][index]

    def nvmlDeviceGetSerial(self, index: int) -> str:
        return ["1320123456789", "1320999999999"][index]


class Spy(Provider[dict[str, object]]):
    """Reads one of every kind of source, like a real provider's _probe.py."""

    namespace = "spy"

    def __init__(self, root: str) -> None:
        self.root = root

    def collect(self, probe: Probe, report: Report) -> dict[str, object]:
        lib = probe.library("nvml", FakeNvml)
        count = lib.call("nvmlDeviceGetCount_v2")
        return {
            "info": probe.read_text(os.path.join(self.root, "info")),
            "listing": probe.listdir(os.path.join(self.root, "dev")),
            "visible": probe.getenv("CUDA_VISIBLE_DEVICES") or "",
            "uuids": [lib.call("nvmlDeviceGetUUID", i) for i in range(count)],
            "serials": [lib.call("nvmlDeviceGetSerial", i) for i in range(count)],
        }

    def parse(self, raw: dict[str, object], report: Report) -> list[Feature]:
        visible = str(raw["visible"]).lower()
        uuids = [str(u).lower() for u in raw["uuids"]]  # type: ignore[attr-defined]
        chosen = [str(i) for i, u in enumerate(uuids) if u.startswith(visible)] if visible else ["0", "1"]
        return [Feature("device", chosen, multi_value=True), Feature("devices", [str(len(raw["listing"]))])]  # type: ignore[arg-type]

    def all_features(self) -> list[Feature]:
        return []


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = tmp_path / "machine"
    (root / "dev").mkdir(parents=True)
    (root / "dev" / "nvidia0").write_bytes(b"")
    (root / "dev" / "nvidia1").write_bytes(b"")
    boot = "0f0e0d0c-0b0a-4908-8706-050403020100"
    (root / "info").write_text(f"host: build-box-7\nSerial Number: ABC123XYZ\nboot {boot}\nuuid {UUID}\n")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-8a1b")  # a unique prefix of the first GPU
    monkeypatch.setenv("API_TOKEN", "hunter2")  # never read by a provider: never recorded
    return str(root)


def _record(machine: str, out: str) -> RecordingProbe:
    recording = RecordingProbe()
    live = Spy(machine).detect(recording)
    assert live.as_profile() == {"device": ["0"], "devices": ["2"]}
    write_fixture(out, recording, {"system": "Linux", "machine": "x86_64"}, Redactor(["build-box-7"]))
    return recording


def test_recorded_fixture_replays_to_the_same_answer(machine: str, tmp_path: Path) -> None:
    out = str(tmp_path / "linux-x86_64-spy")
    _record(machine, out)
    replayed = Spy(machine).detect(ReplayProbe(out, overrides={}))
    assert replayed.as_profile() == {"device": ["0"], "devices": ["2"]}


def test_secrets_are_redacted_consistently(machine: str, tmp_path: Path) -> None:
    out = tmp_path / "linux-x86_64-spy"
    _record(machine, str(out))
    everything = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())
    for secret in ("build-box-7", "ABC123XYZ", "8a1b2c3d", "1320123456789", "0f0e0d0c", "hunter2", "API_TOKEN"):
        assert secret not in everything, secret
    env = json.loads((out / "env.json").read_text())
    calls = json.loads((out / "calls.json").read_text())["libraries"]["nvml"]["calls"]
    fake_uuid = next(c["result"] for c in calls if c["function"] == "nvmlDeviceGetUUID" and c["args"] == [0])
    assert fake_uuid != UUID and fake_uuid.startswith("GPU-")
    assert env["CUDA_VISIBLE_DEVICES"] == fake_uuid[: len("GPU-8a1b")]
    info = (out / "sysroot" / machine.lstrip("/") / "info").read_text()
    assert fake_uuid[4:] in info  # the same fake wherever the secret appeared
    assert "host: redacted-host-1" in info


def test_listed_entries_become_stand_ins(machine: str, tmp_path: Path) -> None:
    out = tmp_path / "linux-x86_64-spy"
    _record(machine, str(out))
    assert sorted(os.listdir(out / "sysroot" / machine.lstrip("/") / "dev")) == ["nvidia0", "nvidia1"]


def test_recording_never_overwrites(machine: str, tmp_path: Path) -> None:
    out = tmp_path / "linux-x86_64-spy"
    out.mkdir()
    with pytest.raises(BadInput, match="already exists"):
        _record(machine, str(out))


def test_failed_write_leaves_nothing(machine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import variant_detect._record as record

    def boom(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(record, "_write_json_parts", boom)
    with pytest.raises(CommandError, match="cannot write: disk full; nothing was left behind") as info:
        _record(machine, str(tmp_path / "out"))
    assert info.value.exit_code == 1  # the machine's fault, not the user's input
    assert sorted(os.listdir(tmp_path)) == ["machine"]


def test_host_names_are_replaced_as_whole_tokens_only() -> None:
    redactor = Redactor(["vm"])
    assert redactor.apply("flags : fpu vme svm\nhost vm\n") == "flags : fpu vme svm\nhost redacted-host-1\n"


def test_sysroot_paths_keep_colons_but_drop_windows_drives() -> None:
    from variant_detect._record import _sysroot_path

    root = os.path.join("out", "fx")
    assert _sysroot_path(root, "/sys/bus/pci/devices/0000:00:04.0/vendor") == os.path.join(
        root, "sysroot", "sys/bus/pci/devices/0000:00:04.0/vendor"
    )
    assert _sysroot_path(root, "C:\\Windows\\System32\\nvml.dll") == os.path.join(
        root, "sysroot", "Windows/System32/nvml.dll"
    )
