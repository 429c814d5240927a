"""The `variant-detect` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("variant_detect_x86_64", reason="needs the x86_64 provider installed")

from variant_detect import __version__
from variant_detect._cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "hw_fixtures"
HASWELL = str(FIXTURES / "linux-x86_64-haswell")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_profile_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--json", "--fixture", HASWELL)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["schema"] == 1
    assert list(data) == ["schema", "source", "profile", "providers", "warnings", "overrides"]
    assert data["profile"]["x86_64"]["level"] == ["v3", "v2", "v1"]
    assert data["providers"]["x86_64"] == {"distribution": "variant-detect-x86-64", "version": "0.1.0"}
    assert data["warnings"] == [] and data["overrides"] == []


def test_text_profile(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--fixture", HASWELL)
    assert code == 0
    assert "x86_64  [variant-detect-x86-64 0.1.0]" in out
    assert "  level" in out and "v3 v2 v1" in out


def test_text_profile_of_a_recorded_machine_shows_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _err = run(capsys, "--fixture", str(FIXTURES / "linux-x86_64-zen4-kvm"))
    assert "2 physical cores" in out and "GiB memory" in out


def test_missing_fixture_is_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--json", "--fixture", str(tmp_path / "nope"))
    assert code == 2 and out == ""
    assert "error:" in err and "nope" in err and "does not exist" in err
    assert "Traceback" not in err


def test_degraded_profile_warns_on_stderr_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    fixture = str(FIXTURES / "linux-x86_64-generic-cpuinfo-garbage")
    code, out, err = run(capsys, "--json", "--fixture", fixture)
    assert code == 0
    data = json.loads(out)
    assert "x86_64" not in data["profile"]
    assert any(w.startswith("x86_64: /proc/cpuinfo: ") for w in data["warnings"])
    assert err.startswith("variant-detect: warning: x86_64: /proc/cpuinfo: ")
    code, _out, err = run(capsys, "-q", "--json", "--fixture", fixture)
    assert code == 0 and err == ""


def test_overrides_and_explain(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARIANT_DETECT_X86_64_LEVEL", "v2")
    _code, out, _err = run(capsys, "--json", "--explain", "--fixture", HASWELL)
    data = json.loads(out)
    assert data["profile"]["x86_64"]["level"] == ["v2", "v1"]
    assert data["overrides"][0]["variable"] == "VARIANT_DETECT_X86_64_LEVEL"
    reasons = [e["message"] for e in data["explain"]["x86_64"]]
    assert any("x86-64-v4 needs avx512bw" in r for r in reasons)
    assert any("capped at v2" in r for r in reasons)
    _code, out, _err = run(capsys, "--explain", "--fixture", HASWELL)
    assert "why level: /proc/cpuinfo: flags satisfy x86-64-v3" in out
    assert "overrides in effect:" in out


def test_namespace_filter(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _err = run(capsys, "--json", "--namespace", "nothing_here", "--fixture", HASWELL)
    data = json.loads(out)
    assert data["profile"] == {}
    assert data["warnings"] == ["nothing_here: no installed provider has this namespace"]


def test_version_and_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"variant-detect {__version__}"
    _code, _out, err = run(capsys, "-v", "--json", "--fixture", HASWELL)
    assert "variant-detect: x86_64: " in err and " ms" in err


def _third_party(site: Path, name: str, body: str) -> None:
    meta = site / f"{name}_plugin-1.2.dist-info"
    meta.mkdir(parents=True)
    (meta / "entry_points.txt").write_text(f"[variant_plugins]\n{name} = {name}_plugin\n")
    (site / f"{name}_plugin.py").write_text(body)


GOOD = """
print("a plugin that prints")
class _C:
    def __init__(self, name, values, multi_value=False):
        self.name, self.values, self.multi_value = name, values, multi_value
def get_supported_configs():
    print("noise on stdout")
    return [_C("arch", ["deepthought"], True)]
def get_all_configs():
    return get_supported_configs()
"""
BROKEN = "def get_supported_configs():\n    raise RuntimeError('hw on fire')\ndef get_all_configs():\n    return []\n"


def test_third_party_plugins_load_through_entry_points(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _third_party(tmp_path, "fictional_hw", GOOD)
    _third_party(tmp_path, "broken_hw", BROKEN)
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out, err = run(capsys, "--json", "--namespace", "fictional_hw", "--namespace", "broken_hw")
    assert code == 0
    data = json.loads(out)  # noise the plugins print goes to stderr, not into our JSON
    assert data["profile"] == {"fictional_hw": {"arch": ["deepthought"]}}
    assert data["providers"]["fictional_hw"] == {"distribution": "fictional-hw-plugin", "version": "1.2"}
    assert "broken_hw: get_supported_configs: RuntimeError: hw on fire" in data["warnings"]
    assert "noise on stdout" in err and "Traceback" not in err
    # A plugin that cannot replay a fixture is skipped there, with a warning.
    _code, out, _err = run(capsys, "--json", "--namespace", "fictional_hw", "--fixture", HASWELL)
    assert json.loads(out)["profile"] == {}


def test_console_script_prints_pure_json() -> None:
    script = Path(sys.executable).with_name("variant-detect")
    fixture = str(FIXTURES / "linux-x86_64-generic-cpuinfo-noblock")
    done = subprocess.run([script, "--json", "--fixture", fixture], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert json.loads(done.stdout)["profile"].get("x86_64") is None
    assert "no processor block found" in done.stderr


def test_record_then_replay(tmp_path: Path) -> None:
    out = tmp_path / "linux-x86_64-here"
    env = {k: v for k, v in os.environ.items() if k != "VARIANT_DETECT_FIXTURE"}
    script = Path(sys.executable).with_name("variant-detect")
    done = subprocess.run([script, "record", str(out)], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    live = subprocess.run([script, "--json"], capture_output=True, text=True, env=env, check=True)
    replay = subprocess.run([script, "--json", "--fixture", str(out)], capture_output=True, text=True, check=True)
    assert json.loads(live.stdout)["profile"] == json.loads(replay.stdout)["profile"]
    machine = json.loads((out / "machine.json").read_text())
    assert machine["summary"]["physical_cores"] >= 1 and machine["recorded_by"] == f"variant-detect {__version__}"
    again = subprocess.run([script, "record", str(out)], capture_output=True, text=True, env=env, check=False)
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.parametrize(
    "value",
    [{}, [], {"a": []}, {"x": ["v1", 'q"uote', "ü\n"], "n": {"m": [1, None, True]}}, [{"a": 1}, [2]], "s"],
)
def test_compact_json_round_trips(value: object) -> None:
    from variant_detect._profile import dumps

    assert json.loads(dumps(value)) == value


def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys, contextlib, io\n"
        "from variant_detect._cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({argv!r})\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_commands_are_imported_only_when_used() -> None:
    profile = _modules_after(["--json", "-q", "--fixture", HASWELL])
    assert "variant_detect._resolver.cli" not in profile and "variant_detect._newprovider" not in profile
    assert "shutil" not in profile  # argparse's help formatter would import it (~2 ms)
    ranked = _modules_after(["rank", "--help"])
    assert "variant_detect._resolver.cli" in ranked and "variant_detect._newprovider" not in ranked


@pytest.mark.parametrize("command", ["record", "rank", "pick", "install", "cache", "new-provider"])
def test_each_command_help_lists_its_own_options(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _err = run(capsys, command, "--help")
    assert code == 0 and out.startswith(f"usage: variant-detect {command}")
    expected = {"record": "DIR", "rank": "--profile", "pick": "--find-links", "install": "--dry-run"}
    assert expected.get(command, "-h") in out


def test_shared_options_apply_before_or_after_the_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    meta = tmp_path / "variants.json"
    meta.write_text(json.dumps({"default-priorities": {"namespace": ["x86_64"]}, "providers": {}, "variants": {}}))
    before = run(capsys, "--json", "--fixture", HASWELL, "rank", str(meta))
    after = run(capsys, "rank", str(meta), "--json", "--fixture", HASWELL)
    assert before == after and before[0] == 0 and json.loads(before[1]) == []


@pytest.mark.parametrize(
    "argv", [["--jsn"], ["-q", "-v"], ["--fixture"], ["rank"], ["rank", "x.json", "--no-such"], ["nosuch"]]
)
def test_usage_errors_are_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "usage: variant-detect" in err and "Traceback" not in err
