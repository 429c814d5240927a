"""Bad input as a new user gives it (issue 16): one clear line naming it, the documented status.

Each case runs the command as a user would (``variant-detect`` in a fresh
interpreter) and checks: the exit status docs/cli.md and docs/resolver.md
give, no traceback, the message names what was wrong, nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "hw_fixtures"
HASWELL = FIXTURES / "linux-x86_64-haswell"
A100 = FIXTURES / "linux-x86_64-zen2-a100"
SCRIPT = [sys.executable, "-c", "from variant_detect._cli import entry; entry()"]

VARIANTS = {
    "default-priorities": {"namespace": ["x86_64"]},
    "providers": {"x86_64": {"requires": ["variant-detect-x86-64"]}},
    "variants": {"v3": {"x86_64": {"level": ["v3"]}}, "v2": {"x86_64": {"level": ["v2"]}}},
}


def cli(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "VARIANT_DETECT_FIXTURE"}
    done = subprocess.run(
        [*SCRIPT, *argv], capture_output=True, text=True, env={**full, **(env or {})}, cwd=cwd, timeout=120, check=False
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def bad(done: subprocess.CompletedProcess[str], *names: str, status: int = 2) -> None:
    """Exit *status*, one error line on stderr, naming each of *names*."""
    assert done.returncode == status, (done.returncode, done.stderr)
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, done.stderr
    for name in names:
        assert name in errors[0], (name, errors[0])


def variants_file(tmp_path: Path, data: dict[str, object] | None = None) -> str:
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text(json.dumps(data or VARIANTS))
    return str(path)


def copy_fixture(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target, symlinks=True)
    return target


# -- destinations -----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["/proc/x", "/sys/x", "FILE/x", "FILE/x/y", "EXISTING"])
def test_record_into_a_directory_it_cannot_create(where: str, tmp_path: Path, tally: Counter[str]) -> None:
    (tmp_path / "FILE").write_text("a regular file")
    (tmp_path / "EXISTING").mkdir()
    target = where if where.startswith("/") else str(tmp_path / where)
    done = cli("record", target)
    tally["bad user inputs tried"] += 1
    reason = "already exists" if where == "EXISTING" else "cannot create"
    bad(done, target, reason)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["EXISTING", "FILE"]  # nothing half-written


@pytest.mark.parametrize("where", ["/proc/nope", "FILE/x"])
def test_new_provider_into_a_directory_it_cannot_create(where: str, tmp_path: Path, tally: Counter[str]) -> None:
    (tmp_path / "FILE").write_text("a regular file")
    target = where if where.startswith("/") else str(tmp_path / where)
    done = cli("new-provider", "acme", "--dest", target)
    tally["bad user inputs tried"] += 1
    bad(done, target)


# -- fixtures ---------------------------------------------------------------------------------


def test_a_sysroot_link_out_of_the_fixture_is_a_fixture_error(tmp_path: Path, tally: Counter[str]) -> None:
    fixture = copy_fixture(HASWELL, tmp_path)
    cpuinfo = fixture / "sysroot" / "proc" / "cpuinfo"
    cpuinfo.unlink()
    cpuinfo.symlink_to("/proc/cpuinfo")
    tally["bad user inputs tried"] += 1
    bad(cli("--json", "--fixture", str(fixture)), str(cpuinfo), "/proc/cpuinfo", "leaves the fixture")
    bad(cli("rank", variants_file(tmp_path), "--fixture", str(fixture)), str(cpuinfo))


def test_a_link_inside_the_fixture_is_followed(tmp_path: Path) -> None:
    fixture = copy_fixture(HASWELL, tmp_path)
    cpuinfo = fixture / "sysroot" / "proc" / "cpuinfo"
    cpuinfo.rename(fixture / "cpuinfo.txt")
    cpuinfo.symlink_to("../../cpuinfo.txt")
    done = cli("--json", "-q", "--fixture", str(fixture))
    assert done.returncode == 0 and json.loads(done.stdout)["profile"]["x86_64"]["level"] == ["v3", "v2", "v1"]


MALFORMED = {
    "commands.json not JSON": ("commands.json", "[{"),
    "commands.json an object": ("commands.json", "{}"),
    "commands.json argv a string": ("commands.json", '[{"argv": "nvidia-smi"}]'),
    "commands.json stdout a number": ("commands.json", '[{"argv": ["x"], "stdout": 3}]'),
    "calls.json not JSON": ("calls.json", "{"),
    "calls.json a list": ("calls.json", "[]"),
    "calls.json libraries a list": ("calls.json", '{"libraries": []}'),
    "calls.json calls an object": ("calls.json", '{"libraries": {"nvml": {"calls": {}}}}'),
    "calls.json call without function": ("calls.json", '{"libraries": {"nvml": {"calls": [{"args": []}]}}}'),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_fixture_file_is_bad_input(case: str, tmp_path: Path, tally: Counter[str]) -> None:
    fixture = copy_fixture(A100, tmp_path)
    name, text = MALFORMED[case]
    (fixture / name).write_text(text)
    tally["bad user inputs tried"] += 1
    bad(cli("--json", "--fixture", str(fixture)), str(fixture / name))


def test_a_missing_fixture_under_variantlib_is_one_clear_line(tmp_path: Path, tally: Counter[str]) -> None:
    """variantlib shows the plugin subprocess's stderr inside its PluginError: ours is one line."""
    variantlib = Path(sys.executable).with_name("variantlib")
    if not variantlib.exists():
        pytest.skip("variantlib is not installed here")
    missing = str(tmp_path / "nope")
    done = subprocess.run(
        [str(variantlib), "plugins", "get-configs", "-s"],
        capture_output=True,
        text=True,
        env={**os.environ, "VARIANT_DETECT_FIXTURE": missing},
        timeout=120,
        check=False,
    )
    tally["bad user inputs tried"] += 1
    ours = [line for line in done.stderr.splitlines() if missing in line]
    assert done.returncode != 0 and len(ours) == 1, done.stderr
    assert ours[0].startswith("variant-detect: error: VARIANT_DETECT_FIXTURE=") and "does not exist" in ours[0]
    assert "/variant_detect/" not in done.stderr  # none of our frames: no traceback of ours


def test_a_missing_fixture_in_the_environment_is_bad_input(tmp_path: Path, tally: Counter[str]) -> None:
    missing = str(tmp_path / "nope")
    tally["bad user inputs tried"] += 1
    bad(cli("--json", env={"VARIANT_DETECT_FIXTURE": missing}), "VARIANT_DETECT_FIXTURE", missing)
    # In a library caller (variantlib's plugin subprocess): a FixtureError naming the variable; uncaught, one line.
    code = "from variant_detect import detect; detect()"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "VARIANT_DETECT_FIXTURE": missing},
        check=False,
    )
    problem = f"fixture directory {missing!r} does not exist or is not a directory"
    expected = f"variant-detect: error: VARIANT_DETECT_FIXTURE={missing}: {problem}"
    assert done.returncode == 1 and done.stderr.strip().splitlines() == [expected]


# -- options, environment, files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["--namespace-priority", "BAD!!"], ["--namespace-priority", "'BAD!!'"]),
        (["--namespace-priority", "x86_64,Nope"], ["--namespace-priority", "'Nope'"]),
        (["--enable-optional", "BAD!!"], ["--enable-optional", "'BAD!!'"]),
    ],
)
def test_bad_namespace_options_are_bad_input(
    argv: list[str], names: list[str], tmp_path: Path, tally: Counter[str]
) -> None:
    tally["bad user inputs tried"] += 1
    bad(cli("rank", variants_file(tmp_path), "--fixture", str(HASWELL), *argv), *names)


def test_enabling_an_optional_provider_the_file_lacks_is_a_warning(tmp_path: Path, tally: Counter[str]) -> None:
    done = cli("rank", variants_file(tmp_path), "--fixture", str(HASWELL), "--enable-optional", "nosuch")
    tally["bad user inputs tried"] += 1
    assert done.returncode == 0 and done.stdout.split() == ["v3", "v2"]
    assert "warning: --enable-optional nosuch: no optional provider" in done.stderr


def test_an_invalid_enable_if_marker_is_a_warning_naming_it(tmp_path: Path, tally: Counter[str]) -> None:
    data = json.loads(json.dumps(VARIANTS))
    data["providers"]["x86_64"]["enable-if"] = "os_name ==== x"
    done = cli("rank", variants_file(tmp_path, data), "--fixture", str(HASWELL))
    tally["bad user inputs tried"] += 1
    assert done.returncode == 0 and done.stdout == ""
    assert "providers.x86_64.enable-if: 'os_name ==== x' is not a valid environment marker" in done.stderr


def test_an_invalid_requirement_is_named_not_offered_to_allow(tmp_path: Path, tally: Counter[str]) -> None:
    data = json.loads(json.dumps(VARIANTS))
    data["providers"]["x86_64"]["requires"] = ["!!!not a req"]
    done = cli("rank", variants_file(tmp_path, data), "--fixture", str(HASWELL), "--no-cache")
    tally["bad user inputs tried"] += 1
    bad(done, "pkg-1.0-variants.json", "providers.x86_64.requires[0]", "'!!!not a req'")
    assert "--allow-provider" not in done.stderr


def test_the_size_limit_message_gives_the_file_size(tmp_path: Path, tally: Counter[str]) -> None:
    path = variants_file(tmp_path)
    size = os.path.getsize(path)
    done = cli("rank", path, "--fixture", str(HASWELL), env={"VARIANT_DETECT_MAX_METADATA_BYTES": "50"})
    tally["bad user inputs tried"] += 1
    bad(done, path, f"file is {size} bytes, over the limit of 50 bytes", "VARIANT_DETECT_MAX_METADATA_BYTES")


@pytest.mark.parametrize("namespace", ["X86 64", "", "x86-64"])
def test_a_profile_namespace_that_breaks_the_rule_is_bad_input(
    namespace: str, tmp_path: Path, tally: Counter[str]
) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"schema": 1, "profile": {namespace: {"level": ["v3"]}}}))
    tally["bad user inputs tried"] += 1
    bad(cli("rank", variants_file(tmp_path), "--profile", str(profile)), str(profile), repr(namespace))


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("VARIANT_DETECT_MAX_METADATA_BYTES", "-5"),
        ("VARIANT_DETECT_MAX_METADATA_BYTES", "0"),
        ("VARIANT_DETECT_MAX_METADATA_BYTES", "lots"),
        ("VARIANT_DETECT_TIMEOUT", "-1"),
        ("VARIANT_DETECT_TIMEOUT", "0"),
        ("VARIANT_DETECT_TIMEOUT", "nan"),
        ("VARIANT_DETECT_TIMEOUT", "1e400"),
    ],
)
def test_bad_numbers_in_the_environment_name_the_variable(
    variable: str, value: str, tmp_path: Path, tally: Counter[str]
) -> None:
    (tmp_path / "wheels").mkdir()
    argv = ["pick", "pkg", "--no-index", "--find-links", str(tmp_path / "wheels"), "--fixture", str(HASWELL)]
    if variable.endswith("BYTES"):
        argv = ["rank", variants_file(tmp_path), "--fixture", str(HASWELL)]
    tally["bad user inputs tried"] += 1
    bad(cli(*argv, env={variable: value}), variable, repr(value))


# -- Ctrl-C ------------------------------------------------------------------------------------


def test_ctrl_c_is_one_line_and_status_130(tmp_path: Path, tally: Counter[str]) -> None:
    """SIGINT while pick waits on an index that accepts the connection and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/simple"
        env = {k: v for k, v in os.environ.items() if k != "VARIANT_DETECT_FIXTURE"}
        process = subprocess.Popen(
            [*SCRIPT, "pick", "pkg", "--index-url", url, "--fixture", str(HASWELL), "--no-cache"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "VARIANT_DETECT_TIMEOUT": "60"},
        )
        server.settimeout(60)
        connection, _address = server.accept()  # pick is now waiting for an answer that never comes
        with connection:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    tally["bad user inputs tried"] += 1
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines() == ["variant-detect: interrupted"]
    assert out == ""


def test_ctrl_c_while_the_installer_runs_is_one_line_and_130(tmp_path: Path, tally: Counter[str]) -> None:
    """SIGINT while pip runs (here a --python that hangs): the installer is stopped, status 130."""
    pytest.importorskip("variant_detect_x86_64")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    plain = "dummy_pkg-1.0.0-py3-none-any.whl"
    import zipfile

    with zipfile.ZipFile(wheels / plain, "w") as archive:
        archive.writestr(
            "dummy_pkg-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: dummy-pkg\nVersion: 1.0.0\n"
        )
    started = tmp_path / "started"
    python = tmp_path / "python"
    python.write_text(f"#!/bin/sh\ntouch {started}\nexec sleep 60\n")
    python.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "VARIANT_DETECT_FIXTURE"}
    argv = ["install", "dummy-pkg", "--no-index", "--find-links", str(wheels), "--installer", "pip"]
    process = subprocess.Popen(
        [*SCRIPT, *argv, "--python", str(python), "--fixture", str(HASWELL)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    tally["bad user inputs tried"] += 1
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "variant-detect: interrupted"


def test_ctrl_c_while_recording_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    import variant_detect._record as record
    from variant_detect._cli import main

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(record, "_write_tree", interrupted)
    target = tmp_path / "machine"
    tally["bad user inputs tried"] += 1
    assert main(["-q", "record", str(target)]) == 130
    assert list(tmp_path.iterdir()) == []
