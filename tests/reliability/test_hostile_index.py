"""Hostile index files against ``variant-detect rank`` / ``install``.

Big files are generated here, in tmp, at test time (never committed). Each
command runs in a fresh interpreter that reports its own peak RSS
(``VmHWM`` of /proc/self/status) and wall time, so the bounds in docs/reliability.md
are measured, not guessed. Every refusal is exit status 2 with one line naming
the file; nothing is installed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

_MEASURE = r"""
import json, sys, time
from variant_detect._cli import main
start = time.perf_counter()
rc = main(sys.argv[1:])
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report
# the forking test process's peak; VmHWM belongs to this address space only.
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
with open(__import__("os").environ["MEASURE_OUT"], "w") as handle:
    json.dump({"rc": rc, "seconds": seconds, "maxrss_mib": hwm / 1024}, handle)
sys.exit(rc)
"""

PROFILE = {"schema": 1, "profile": {"x86_64": {"level": ["v3", "v2", "v1"], "f1": ["on"]}}}


def run_cli(tmp: Path, command: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    out = tmp / "measure.json"
    full_env = {**os.environ, "MEASURE_OUT": str(out), **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, command, *args],
        capture_output=True,
        env=full_env,
        timeout=300,
        check=False,
    )
    result: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {"rc": done.returncode}
    result["stdout"] = done.stdout.decode("utf-8", "replace")
    result["stderr"] = done.stderr.decode("utf-8", "replace")
    assert result["rc"] == done.returncode
    assert "Traceback" not in result["stderr"], result["stderr"]
    return result


@pytest.fixture
def profile(tmp_path: Path) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE))
    return str(path)


def _many_variants(path: Path, count: int) -> None:
    with path.open("w") as handle:
        handle.write('{"default-priorities": {"namespace": ["x86_64"]}, "variants": {"null": {}')
        for start in range(0, count, 10_000):
            handle.write(
                "".join(
                    f', "l{i:07d}_v{1 + i % 4}": {{"x86_64": {{"level": ["v{1 + i % 4}"], "f{i % 50}": ["on"]}}}}'
                    for i in range(start, min(count, start + 10_000))
                )
            )
        handle.write("}}")


def test_one_million_variants(tmp_path: Path, profile: str, tally: Counter[str], measured: dict[str, object]) -> None:
    """1,000,000 variants (74 MB): ranked, within the time and memory bounds stated in the docs."""
    path = tmp_path / "pkg-1.0-variants.json"
    _many_variants(path, 1_000_000)
    result = run_cli(tmp_path, "rank", str(path), "--profile", profile, "--no-cache")
    tally["hostile files tried"] += 1
    assert result["rc"] == 0, result["stderr"]
    labels = result["stdout"].split()
    # Compatible: f1 (i % 50 == 1) and a level the profile has (not v4, i % 4 != 3).
    assert len(labels) == sum(1 for i in range(1_000_000) if i % 50 == 1 and i % 4 != 3) + 1
    assert labels[0].endswith("_v2") and labels[-1] == "null"  # i % 50 == 1: odd, so v2 or v4
    measured["1,000,000 variants (MB)"] = round(path.stat().st_size / 1e6, 1)
    measured["1,000,000 variants: seconds"] = round(result["seconds"], 1)
    measured["1,000,000 variants: peak RSS MiB"] = round(result["maxrss_mib"])
    assert result["seconds"] < 120 and result["maxrss_mib"] < 3072


def test_hundred_megabytes(tmp_path: Path, profile: str, tally: Counter[str], measured: dict[str, object]) -> None:
    """100 MB in one string: parsed within bounds; with a lower limit refused before parsing."""
    path = tmp_path / "pkg-1.0-variants.json"
    pad = "x" * (100 << 20)
    path.write_text(
        json.dumps(
            {
                "default-priorities": {"namespace": ["x86_64"]},
                "providers": {"x86_64": {"requires": ["x"], "plugin-api": pad}},
                "variants": {"null": {}},
            }
        )
    )
    del pad
    result = run_cli(tmp_path, "rank", str(path), "--profile", profile, "--no-cache")
    tally["hostile files tried"] += 1
    assert result["rc"] == 0 and result["stdout"].split() == ["null"]
    measured["100 MB variants.json: seconds"] = round(result["seconds"], 2)
    measured["100 MB variants.json: peak RSS MiB"] = round(result["maxrss_mib"])
    limited = run_cli(
        tmp_path, "rank", str(path), "--profile", profile, env={"VARIANT_DETECT_MAX_METADATA_BYTES": str(16 << 20)}
    )
    tally["hostile files tried"] += 1
    assert limited["rc"] == 2 and "over the limit of 16777216 bytes" in limited["stderr"]
    measured["100 MB over a 16 MiB limit: peak RSS MiB"] = round(limited["maxrss_mib"])
    assert limited["maxrss_mib"] < result["maxrss_mib"]


BAD_FILES: dict[str, bytes] = {
    "deep nesting": b'{"variants": ' + b"[" * 200_000,
    "not UTF-8": b'{"variants": {"\xff\xfe": {}}}',
    "empty file": b"",
    "NUL bytes": b"\0" * 4096,
    "huge number": b'{"variants": {"a": {"x": {"f": [' + b"9" * 10_000 + b"]}}}}",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_a_clear_error(name: str, tmp_path: Path, profile: str, tally: Counter[str]) -> None:
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_bytes(BAD_FILES[name])
    result = run_cli(tmp_path, "rank", str(path), "--profile", profile)
    tally["hostile files tried"] += 1
    assert result["rc"] == 2, result
    lines = result["stderr"].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"variant-detect: error: {path}"), lines


# A defect confined to one variant skips that variant with one warning (PEP 825: degrade
# gracefully); the label is never used as a path either way.
BAD_VARIANTS: dict[str, tuple[str, str]] = {
    "label with /": ("a/b", '"a/b": {"x": {"f": ["1"]}}'),
    "label with NUL": ("a\0b", '"a\\u0000b": {"x": {"f": ["1"]}}'),
    "upper-case label": ("AB", '"AB": {"x": {"f": ["1"]}}'),
    "value with ..": ("a", '"a": {"x": {"f": ["../1"]}}'),
    "value of the wrong type": ("a", '"a": {"x": {"f": [{"a": 1}]}}'),
}


@pytest.mark.parametrize("name", sorted(BAD_VARIANTS))
def test_bad_variant_is_skipped_with_one_warning(name: str, tmp_path: Path, profile: str, tally: Counter[str]) -> None:
    label, entry = BAD_VARIANTS[name]
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text('{"default-priorities": {"namespace": ["x"]}, "variants": {"null": {}, ' + entry + "}}")
    result = run_cli(tmp_path, "rank", str(path), "--profile", profile)
    tally["hostile files tried"] += 1
    assert result["rc"] == 0, result
    assert result["stdout"].split() == ["null"]
    lines = result["stderr"].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"variant-detect: warning: {path}: variant {label!r} skipped: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["measure.json", "pkg-1.0-variants.json", "profile.json"]


def test_duplicate_keys_last_wins_like_json_and_variantlib(tmp_path: Path, profile: str, tally: Counter[str]) -> None:
    """Duplicate keys are not refused (json, variantlib 0.2.2 and uv keep the last): the
    reader must see exactly one meaning, and the wheel check then holds a wheel to it."""
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text(
        '{"default-priorities": {"namespace": ["x86_64"]}, "variants": {'
        '"fast": {"x86_64": {"level": ["v4"]}}, "fast": {"x86_64": {"level": ["v1"]}}}}'
    )
    result = run_cli(tmp_path, "rank", str(path), "--profile", profile, "--json")
    tally["hostile files tried"] += 1
    assert result["rc"] == 0 and json.loads(result["stdout"]) == ["fast"]  # v1: supported; v4 would not be


# -- install: a label's wheel must say what the index says; a label never becomes a path --


def _wheel(directory: Path, label: str, variant_json: dict[str, Any]) -> Path:
    name, version = "pkg", "1.0"
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": b"",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist_info}/variant.json": json.dumps(variant_json).encode(),
    }
    path = directory / f"{name}-{version}-py3-none-any-{label}.whl"
    with zipfile.ZipFile(path, "w") as archive:
        lines = []
        for file_name, data in files.items():
            archive.writestr(file_name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"{file_name},sha256={digest},{len(data)}")
        archive.writestr(f"{dist_info}/RECORD", "\n".join([*lines, f"{dist_info}/RECORD,,"]) + "\n")
    return path


def _index_file(directory: Path, variants: dict[str, Any]) -> dict[str, Any]:
    data = {"default-priorities": {"namespace": ["x86_64"]}, "variants": variants}
    (directory / "pkg-1.0-variants.json").write_text(json.dumps(data))
    return data


def _target_env(tmp_path: Path) -> Path:
    target = tmp_path / "target"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
    return target


def _installed(target: Path) -> list[str]:
    return sorted(p.name for p in target.rglob("site-packages/*") if not p.name.startswith("_"))


def test_label_claiming_other_properties_installs_nothing(tmp_path: Path, profile: str, tally: Counter[str]) -> None:
    links = tmp_path / "links"
    links.mkdir()
    _index_file(links, {"safe": {"x86_64": {"level": ["v1"]}}})
    _wheel(
        links,
        "safe",
        {"default-priorities": {"namespace": ["x86_64"]}, "variants": {"safe": {"x86_64": {"level": ["v4"]}}}},
    )
    target = _target_env(tmp_path)
    before = _installed(target)
    result = run_cli(
        tmp_path, "install", "pkg", "--no-index", "--find-links", str(links), "--profile", profile,
        "--installer", "pip", "--python", str(target / "bin" / "python"),
    )  # fmt: skip
    tally["hostile files tried"] += 1
    assert result["rc"] == 2 and "wheel says" in result["stderr"] and "index file" in result["stderr"]
    assert _installed(target) == before


def test_label_dotdot_never_becomes_a_path(tmp_path: Path, profile: str, tally: Counter[str]) -> None:
    """``..`` matches [a-z0-9_.]+; it must stay part of a file name, in the directory of kept wheels."""
    links = tmp_path / "links"
    links.mkdir()
    props = {"x86_64": {"level": ["v1"]}}
    data = _index_file(links, {"..": props})
    _wheel(links, "..", data)
    for installer in ("pip", "uv"):
        result = run_cli(
            tmp_path, "install", "pkg", "--no-index", "--find-links", str(links), "--profile", profile,
            "--installer", installer, "--dry-run",
        )  # fmt: skip
        tally["hostile files tried"] += 1
        if installer == "uv" and result["rc"] == 2 and "no 'uv' on PATH" in result["stderr"]:
            continue
        assert result["rc"] == 0, result["stderr"]
        paths = [word for word in result["stdout"].split() if word.endswith(".whl")]
        assert paths, result["stdout"]
        for word in paths:
            assert os.path.normpath(word) == word and os.path.basename(word).startswith("pkg-1.0-py3-none-any"), word
            # Kept where the printed command can find it: <cache dir>/staged/<digest>/NAME.
            assert Path(word).parent.parent == Path(os.environ["VARIANT_DETECT_CACHE_DIR"]) / "staged", word
            assert Path(word).is_file(), word
