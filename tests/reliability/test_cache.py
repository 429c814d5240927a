"""The resolver's on-disk cache of provider answers under attack and accident.

Corrupt, truncated and deeply nested entries; an unwritable directory; a
symlink planted where an entry goes; N processes writing the same entry at
once; a driver upgraded (or a library installed) under the same boot id. Never
a crash, never a stale or foreign answer, every write atomic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from variant_detect._resolver import _cache
from variant_detect._resolver._cache import Cache

FEATURES = [("level", ("v3", "v2", "v1"), False), ("avx2", ("on",), False)]


def _entry(cache: Cache) -> tuple[str, str, Path]:
    digest, material = cache.key("x86_64", "variant-detect-x86-64", "0.1.0", "variant_detect_x86_64")
    return digest, material, Path(cache.directory) / f"{digest}.json"


def _valid_blob(cache: Cache) -> bytes:
    digest, material, path = _entry(cache)
    cache.put(digest, material, FEATURES)
    return path.read_bytes()


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "garbage": lambda blob: b"\x00\xffnot json",
    "truncated": lambda blob: blob[: len(blob) // 2],
    "empty": lambda blob: b"",
    "deep nesting": lambda blob: b"[" * 100_000,
    "wrong shape": lambda blob: b'{"format": 1, "key": 3, "created": "x", "features": [[1, 2]]}',
    "features not triples": lambda blob: blob.replace(b'"features": [', b'"features": [[1], '),
    "NaN creation time": lambda blob: blob.replace(b'"created": ', b'"created": NaN, "x": '),
    "not UTF-8": lambda blob: blob.replace(b"v3", b"\xff\xfe"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_corrupt_entry_is_a_miss_with_a_warning(name: str, tmp_path: Path, tally: Counter[str]) -> None:
    cache = Cache(str(tmp_path))
    blob = _valid_blob(cache)
    digest, material, path = _entry(cache)
    path.write_bytes(CORRUPTIONS[name](blob))
    tally["cache corruptions tried"] += 1
    got = cache.get(digest, material)
    assert got is None or got == FEATURES, got
    cache.put(digest, material, FEATURES)  # rewritten, atomically
    assert Cache(str(tmp_path)).get(digest, material) == FEATURES


WRONG_SHAPES: dict[str, Callable[[list[Any]], object]] = {
    "values a string": lambda f: [["level", "v2", False]],
    "value breaks the naming rule": lambda f: [["level", ["V 3"], False]],
    "values empty": lambda f: [["level", [], False]],
    "multi_value not a bool": lambda f: [["level", ["v3"], "yes"]],
    "feature name a number": lambda f: [[3, ["v3"], False]],
    "feature listed twice": lambda f: [*f, f[0]],
    "features an object": lambda f: {"level": ["v3"]},
}


@pytest.mark.parametrize("name", sorted(WRONG_SHAPES))
def test_valid_json_of_the_wrong_shape_is_a_miss_with_a_warning(name: str, tmp_path: Path, tally: Counter[str]) -> None:
    """Edited into valid JSON that breaks the model: validated like any input, never trusted."""
    cache = Cache(str(tmp_path))
    data = json.loads(_valid_blob(cache))
    digest, material, path = _entry(cache)
    data["features"] = WRONG_SHAPES[name](data["features"])
    path.write_text(json.dumps(data))
    tally["cache corruptions tried"] += 1
    assert cache.get(digest, material) is None
    assert any(str(path) in w and "corrupt" in w for w in cache.warnings), cache.warnings


def test_unwritable_directory_is_a_warning(tmp_path: Path, tally: Counter[str]) -> None:
    """A *file* where the directory goes: unwritable even for root (chmod is not)."""
    (tmp_path / "providers").write_text("in the way")
    cache = Cache(str(tmp_path))
    digest, material, _path = _entry(cache)
    cache.put(digest, material, FEATURES)
    tally["cache corruptions tried"] += 1
    assert cache.get(digest, material) is None
    assert any("cannot write" in w for w in cache.warnings), cache.warnings
    (tmp_path / "tags").write_text("in the way")  # the memo files degrade the same way
    cache.write_memo("tags", "material", ["x"])
    assert cache.read_memo("tags", "material") is None


def test_planted_symlink_is_replaced_not_followed(tmp_path: Path, tally: Counter[str]) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    cache = Cache(str(tmp_path / "cache"))
    digest, material, path = _entry(cache)
    path.parent.mkdir(parents=True)
    path.symlink_to(victim)
    tally["cache corruptions tried"] += 1
    assert cache.get(digest, material) is None  # the target is no cache entry: a miss
    cache.put(digest, material, FEATURES)
    assert victim.read_text() == "precious"
    assert not path.is_symlink() and Cache(str(tmp_path / "cache")).get(digest, material) == FEATURES


def test_foreign_entry_under_our_name_is_never_used(tmp_path: Path, tally: Counter[str]) -> None:
    """An entry whose stored key is another machine's (copied cache, digest collision): a miss."""
    cache = Cache(str(tmp_path))
    digest, material, path = _entry(cache)
    foreign = json.loads(material)
    foreign["state"]["release"] = "another-kernel"
    data = {"format": 1, "created": 4e9, "key": json.dumps(foreign, sort_keys=True), "features": FEATURES}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    tally["cache corruptions tried"] += 1
    assert cache.get(digest, material) is None


def test_driver_upgrade_under_the_same_boot_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    boot, driver, ldcache = tmp_path / "boot_id", tmp_path / "nvidia-version", tmp_path / "ld.so.cache"
    boot.write_text("11111111-2222-3333-4444-555555555555\n")
    driver.write_text("570.133.20\n")
    ldcache.write_bytes(b"glibc-ld.so.cache1.1")
    monkeypatch.setattr(_cache, "_STATE_FILES", (str(boot), str(driver)))
    monkeypatch.setattr(_cache, "_STAT_FILES", (str(ldcache),))
    old = Cache(str(tmp_path / "cache"))
    digest, material, _path = _entry(old)
    old.put(digest, material, FEATURES)
    assert Cache(str(tmp_path / "cache")).get(*_entry(Cache(str(tmp_path / "cache")))[:2]) == FEATURES
    driver.write_text("580.65.06\n")  # module reloaded, same boot id
    fresh = Cache(str(tmp_path / "cache"))
    assert fresh.get(*_entry(fresh)[:2]) is None
    driver.write_text("570.133.20\n")
    os.utime(ldcache, ns=(1, 1))  # ldconfig after installing a library: new stat
    again = Cache(str(tmp_path / "cache"))
    assert again.get(*_entry(again)[:2]) is None
    tally["cache corruptions tried"] += 2


_WRITER = r"""
import sys
from variant_detect._resolver._cache import Cache
root, me, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
features = [("level", ("v3", "v2", "v1"), False), ("writer", (f"w{me}",) * 1, False)]
bad = 0
for _ in range(rounds):
    cache = Cache(root)
    digest, material = cache.key("x86_64", "d", "1", "e")
    cache.put(digest, material, features)
    got = cache.get(digest, material)
    if got is None or got[0] != features[0] or not got[1][1][0].startswith("w") or cache.warnings:
        bad += 1
print(bad)
"""

WRITERS, ROUNDS = 8, 150


def test_concurrent_writers(tmp_path: Path, tally: Counter[str], measured: dict[str, object]) -> None:
    """N processes write and read the same entry at once: every read is a whole entry."""
    root = str(tmp_path / "cache")
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, root, str(i), str(ROUNDS)], stdout=subprocess.PIPE)
        for i in range(WRITERS)
    ]
    bad = [int(proc.communicate(timeout=120)[0]) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    tally["concurrent cache writers"] += WRITERS
    tally["concurrent cache write+read rounds"] += WRITERS * ROUNDS
    tally["cache reads torn or lost"] += sum(bad)
    assert bad == [0] * WRITERS
    leftovers = [name for name in os.listdir(os.path.join(root, "providers")) if name.startswith(".tmp-")]
    assert leftovers == []
    measured["concurrent cache writers x rounds"] = f"{WRITERS} x {ROUNDS}"


def test_corrupt_memo_is_a_miss(tmp_path: Path, tally: Counter[str]) -> None:
    cache = Cache(str(tmp_path))
    cache.write_memo("tags", "material", ["py3-none-any"])
    (memo,) = (tmp_path / "tags").iterdir()
    for blob in (b"[" * 100_000, b"", b"\xff", b'{"key": "material"}'):
        memo.write_bytes(blob)
        tally["cache corruptions tried"] += 1
        assert cache.read_memo("tags", "material") is None
