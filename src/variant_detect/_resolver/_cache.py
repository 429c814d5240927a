"""On-disk cache of provider answers (detection.md §9).

One JSON file per (provider, machine state) under
``<user cache dir>/variant-detect/providers/``. The key covers everything that
can change an answer without a code change: provider distribution, version and
entry point; machine and kernel release; the boot id (new on every boot, so a
new GPU or driver is seen after a reboot); the loaded driver versions
(``/sys/module/{nvidia,amdgpu}/version``, ROCm's ``.info/version``); the stat
of ``/etc/ld.so.cache`` (changes whenever a library is installed or removed
system-wide); and every environment variable that steers detection
(``*_VISIBLE_DEVICES``, ``LD_LIBRARY_PATH``, ``MPI4PY_*``, ``*_FORCE_*``,
``VARIANT_DETECT_*``). Entries also expire after :data:`TTL_SECONDS`.

Only clean answers are stored (a detection with warnings may be a transient
failure). Writes are atomic (a temporary file then ``os.replace``); a corrupt
entry or an unwritable directory is a warning, never an error.
"""

from __future__ import annotations

import os
import time

from variant_detect_runtime import is_override_variable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from variant_detect_runtime import Feature

CACHE_FORMAT = 1
#: The small memo files beside the provider answers, one folder each; ``clear`` removes them all.
#: tags: interpreter wheel tags; requires, decisions, standins: parsed requirements and stand-in
#: decisions; checked: --find-links wheels pick checked against the index.
MEMO_KINDS = ("tags", "requires", "decisions", "standins", "checked")
TTL_SECONDS = 24 * 3600
_STATE_FILES = (
    "/proc/sys/kernel/random/boot_id",
    "/sys/module/nvidia/version",
    "/sys/module/amdgpu/version",
)
_STAT_FILES = ("/etc/ld.so.cache",)
_ENV_NAMES = (
    "CUDA_VISIBLE_DEVICES",
    "NVIDIA_VISIBLE_DEVICES",
    "ROCR_VISIBLE_DEVICES",
    "HIP_VISIBLE_DEVICES",
    "GPU_DEVICE_ORDINAL",
    "LD_LIBRARY_PATH",
    "ROCM_PATH",
    "OCL_ICD_VENDORS",
    "I_MPI_ROOT",
)


def _read_small(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read(256).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _stat(path: str) -> list[int]:
    try:
        st = os.stat(path)
    except OSError:
        return []
    return [st.st_mtime_ns, st.st_ino, st.st_size]


def machine_state() -> dict[str, Any]:
    """What about this machine can change any provider's answer (cheap: ~0.1 ms)."""
    rocm = os.environ.get("ROCM_PATH") or "/opt/rocm"
    files = {path: _read_small(path) for path in (*_STATE_FILES, os.path.join(rocm, ".info", "version"))}
    env = {k: v for k, v in os.environ.items() if k in _ENV_NAMES or k.startswith("MPI4PY_") or is_override_variable(k)}
    return {
        "machine": _uname()[0],
        "release": _uname()[1],
        "files": files,
        "stats": {path: _stat(path) for path in _STAT_FILES},
        "env": dict(sorted(env.items())),
    }


def _uname() -> tuple[str, str]:
    """(machine, release) without importing ``platform`` (it pulls in ``re``)."""
    if hasattr(os, "uname"):
        info = os.uname()
        return info.machine, info.release
    import platform

    return platform.machine(), platform.release()


def short_digest(material: str) -> str:
    """A file name for *material*. Not a security boundary: every entry stores
    its full key and a read compares it, so a collision is only a miss. zlib is
    built in; hashlib would cost a few ms of OpenSSL loading on every pick."""
    import zlib

    data = material.encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


class Cache:
    """Provider answers on disk; every failure is a warning in :attr:`warnings`."""

    def __init__(self, directory: str | None = None, enabled: bool = True) -> None:
        if directory is None:
            from variant_detect._resolver._paths import user_cache_dir

            directory = user_cache_dir()
        self.root = directory
        self.directory = os.path.join(directory, "providers")
        self.enabled = enabled
        self.warnings: list[str] = []
        self._state: dict[str, Any] | None = None

    def key(self, namespace: str, distribution: str, version: str, entry_point: str) -> tuple[str, str]:
        import json

        if self._state is None:
            self._state = machine_state()
        material = json.dumps(
            {
                "format": CACHE_FORMAT,
                "provider": [namespace, distribution, version, entry_point],
                "state": self._state,
            },
            sort_keys=True,
        )
        return short_digest(material), material

    def _path(self, digest: str) -> str:
        return os.path.join(self.directory, f"{digest}.json")

    def get(self, digest: str, material: str) -> list[Feature] | None:
        if not self.enabled:
            return None
        path = self._path(digest)
        try:
            with open(path, "rb") as handle:
                blob = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.warnings.append(f"cache: cannot read {path}: {exc.strerror or exc}; ignored")
            return None
        return self._decode(path, blob, material)

    def _decode(self, path: str, blob: bytes, material: str) -> list[Feature] | None:
        import json

        try:
            data = json.loads(blob)
            if data["format"] != CACHE_FORMAT or data["key"] != material:
                return None
            if time.time() - float(data["created"]) > TTL_SECONDS:
                return None
            # Validated like any input: an entry edited into valid JSON of the
            # wrong shape ("level": "v2", a bad name) is a miss, not a trusted answer.
            return _features(data["features"])
        except (ValueError, KeyError, TypeError, RecursionError) as exc:  # "[[[[..." -> RecursionError
            why = f"{type(exc).__name__}: {exc}" if isinstance(exc, ValueError) else type(exc).__name__
            self.warnings.append(f"cache: {path} is corrupt ({why:.200}); ignored and rewritten")
            return None

    def put(self, digest: str, material: str, features: list[Feature]) -> None:
        if not self.enabled:
            return
        import json
        import tempfile

        data = {"format": CACHE_FORMAT, "created": time.time(), "key": material, "features": features}
        try:
            os.makedirs(self.directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle)
                os.replace(tmp, self._path(digest))
            except BaseException:
                _unlink(tmp)
                raise
        except OSError as exc:
            self.warnings.append(f"cache: cannot write in {self.directory}: {exc.strerror or exc}; not cached")

    def clear(self) -> int:
        """Remove every cached answer (and our other cache files); return how many."""
        import shutil

        count = 0
        for sub in ("providers", "staged", *MEMO_KINDS):
            path = os.path.join(self.root, sub)
            if os.path.isdir(path):
                count += sum(len(files) for _d, _s, files in os.walk(path))
                shutil.rmtree(path)
        return count

    # -- small JSON memo files (interpreter tags, requirement decisions) ----------------
    def read_memo(self, kind: str, material: str) -> Any:
        """A memoised value for *material* (None when absent, stale or unreadable)."""
        if not self.enabled:
            return None
        import json

        try:
            with open(os.path.join(self.root, kind, f"{short_digest(material)}.json"), "rb") as handle:
                data = json.loads(handle.read())
            return data["value"] if data["key"] == material else None
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def write_memo(self, kind: str, material: str, value: Any) -> None:
        assert kind in MEMO_KINDS, f"memo kind {kind!r} missing from MEMO_KINDS (cache clear would leave it)"
        if not self.enabled:
            return
        import json
        import tempfile

        digest = short_digest(material)
        directory = os.path.join(self.root, kind)
        try:
            os.makedirs(directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": material, "value": value}, handle)
            os.replace(tmp, os.path.join(directory, f"{digest}.json"))
        except OSError as exc:
            self.warnings.append(f"cache: cannot write in {directory}: {exc.strerror or exc}; not cached")


def _unlink(path: str) -> None:
    import contextlib

    with contextlib.suppress(OSError):
        os.unlink(path)


def _features(data: object) -> list[Feature]:
    """A cached feature list: wrong shapes raise TypeError, broken names ValueError."""
    from variant_detect_runtime import check_features

    if not isinstance(data, list):
        raise TypeError("features: expected a list")
    for item in data:
        # A string where the values go would pass as its characters ("v2" -> "v", "2").
        if not isinstance(item, list) or len(item) != 3 or not isinstance(item[1], list):
            raise TypeError("features: expected [name, [values], multi_value] items")
    return check_features("cache", (tuple(item) for item in data))
