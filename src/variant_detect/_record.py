"""``variant-detect record``: answer live, keep every answer, write a fixture.

Secrets are redacted when the fixture is written, with every answer in hand,
so one secret maps to one stable fake everywhere it appears: a GPU UUID in an
NVML answer and the same UUID (or a prefix of it) in ``CUDA_VISIBLE_DEVICES``
still match on replay.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from typing import TYPE_CHECKING, Any

from variant_detect_runtime import (
    DEFAULT_READ_LIMIT,
    DEFAULT_TIMEOUT,
    Library,
    LibraryCallError,
    LiveProbe,
    Probe,
    ProbeError,
    ProbeTimeout,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from variant_detect_runtime._probe import CommandResult, Isolate

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SERIAL_LINE = re.compile(r"(?im)^(\s*(?:serial(?:[ _]?number)?|board serial)\s*[:=]\s*)(\S.*?)\s*$")
_SERIAL_FUNCTION = re.compile(r"(?i)serial|uuid|boardpartnumber|hostname")
_BOOT_ID = "/proc/sys/kernel/random/boot_id"


class RecordingProbe(Probe):
    """A live probe that remembers what it answered."""

    def __init__(self, live: LiveProbe | None = None) -> None:
        self.live = live or LiveProbe()
        self.identity = self.live.identity
        self.files: dict[str, bytes] = {}
        self.file_errors: dict[str, str] = {}
        self.dirs: dict[str, list[tuple[str, bool]]] = {}
        self.present: dict[str, bool] = {}
        self.env: dict[str, str] = {}
        self.commands: list[dict[str, Any]] = []
        self.libraries: dict[str, dict[str, Any]] = {}

    def getenv(self, name: str) -> str | None:
        value = self.live.getenv(name)
        if value is not None:
            self.env[name] = value
        return value

    def environ(self) -> Mapping[str, str]:
        return self.live.environ()

    def read_bytes(self, path: str, limit: int = DEFAULT_READ_LIMIT) -> bytes:
        try:
            data = self.live.read_bytes(path, limit)
        except FileNotFoundError:
            raise
        except OSError as exc:
            import errno

            self.file_errors[path] = errno.errorcode.get(exc.errno or 0, "EIO")
            raise
        # Two providers may read one file with different limits: keep the
        # longest answer, so each replays what it read.
        if len(data) >= len(self.files.get(path, b"")):
            self.files[path] = data
        return data

    def listdir(self, path: str) -> list[str]:
        names = self.live.listdir(path)
        self.dirs[path] = [(n, os.path.isdir(os.path.join(path, n))) for n in names]
        return names

    def exists(self, path: str) -> bool:
        found = self.live.exists(path)
        self.present.setdefault(path, found)
        return found

    def access(self, path: str, write: bool = False) -> bool:
        allowed = self.live.access(path, write)
        if self.live.exists(path):
            self.present[path] = True
            if not allowed:
                self.file_errors[path] = "EACCES"
        return allowed

    def run(self, argv: Sequence[str], timeout: float = DEFAULT_TIMEOUT) -> CommandResult:
        entry: dict[str, Any] = {"argv": list(argv)}
        self.commands.append(entry)
        try:
            result = self.live.run(argv, timeout)
        except ProbeTimeout:
            entry["hang"] = True
            raise
        except OSError as exc:
            entry["error"] = str(exc)
            raise
        entry["returncode"] = result.returncode
        _store_blob(entry, "stdout", result.stdout)
        _store_blob(entry, "stderr", result.stderr)
        return result

    def library(
        self,
        name: str,
        loader: Callable[[], object],
        threaded: bool = True,
        isolate: Isolate | None = None,
    ) -> Library:
        self.live.library(name, loader, threaded, isolate)
        self.libraries.setdefault(name, {"load": "ok", "calls": []})
        return Library(self, name)

    def _library_call(self, library: str, function: str, args: tuple[Any, ...], timeout: float) -> Any:
        record = self.libraries[library]
        call: dict[str, Any] = {"function": function, "args": list(args)}
        try:
            result = self.live._library_call(library, function, args, timeout)
        except ProbeTimeout:
            call["hang"] = True
            record["calls"].append(call)
            raise
        except LibraryCallError as exc:
            call["error"] = {"code": exc.code, "name": exc.name}
            record["calls"].append(call)
            raise
        except ProbeError as exc:
            if not record["calls"] and "cannot load" in str(exc):
                record["load"] = {"error": str(exc)}
            else:
                call["error"] = str(exc)
                record["calls"].append(call)
            raise
        call["result"] = result
        record["calls"].append(call)
        return result


def _store_blob(entry: dict[str, Any], key: str, data: bytes) -> None:
    try:
        entry[key] = data.decode("utf-8")
    except UnicodeDecodeError:
        import base64

        entry[f"{key}_base64"] = base64.b64encode(data).decode("ascii")


def _fake_uuid(number: int) -> str:
    digits = (f"{number:x}" * 32)[:32]
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


class Redactor:
    """Maps each secret to a stable fake, the same fake wherever it appears."""

    def __init__(self, hostnames: Sequence[str] = ()) -> None:
        self.mapping: dict[str, str] = {}
        self._uuids = 0
        self._others = 0
        for name in hostnames:
            if name and name not in ("localhost", "(none)"):
                self.secret(name, "redacted-host")

    def secret(self, value: str, kind: str) -> str:
        if value not in self.mapping:
            if _UUID.fullmatch(value):
                self._uuids += 1
                self.mapping[value] = _fake_uuid(self._uuids)
            else:
                self._others += 1
                self.mapping[value] = f"{kind}-{self._others}"
        return self.mapping[value]

    def learn(self, text: str) -> None:
        for match in _UUID.finditer(text):
            self.secret(match.group(0).lower(), "uuid")
        for match in _SERIAL_LINE.finditer(text):
            self.secret(match.group(2), "serial")

    def apply(self, text: str) -> str:
        text = _UUID.sub(lambda m: self.mapping.get(m.group(0).lower(), m.group(0)), text)
        for secret, fake in sorted(self.mapping.items(), key=lambda kv: -len(kv[0])):
            if secret in text:
                # Whole tokens only: a host called "vm" must not turn the cpuinfo
                # flag "vme" into garbage (seen when recording a VM named "vm").
                pattern = rf"(?<![A-Za-z0-9_]){re.escape(secret)}(?![A-Za-z0-9_])"
                text = re.sub(pattern, fake.replace("\\", "\\\\"), text)
        return self._apply_prefixes(text)

    def _apply_prefixes(self, text: str) -> str:
        # CUDA_VISIBLE_DEVICES may name a GPU by a unique UUID prefix ("GPU-8a1b").
        def swap(match: re.Match[str]) -> str:
            head, prefix = match.group(1), match.group(2).lower()
            for secret, fake in self.mapping.items():
                if _UUID.fullmatch(secret) and secret.startswith(prefix):
                    return head + fake[: len(prefix)]
            return match.group(0)

        return re.sub(r"((?:GPU|MIG)-)([0-9a-fA-F-]{1,35})(?![0-9a-fA-F])", swap, text)

    def value(self, value: Any, function: str = "") -> Any:
        """Redact a JSON value from a library answer."""
        if isinstance(value, str):
            if function and _SERIAL_FUNCTION.search(function) and value:
                return self.secret(value, "serial") if not _UUID.search(value) else self.apply(value)
            return self.apply(value)
        if isinstance(value, list):
            return [self.value(v, function) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v, function) for k, v in value.items()}
        return value


def _hostnames() -> list[str]:
    import socket

    names = {socket.gethostname()}
    if hasattr(os, "uname"):
        names.add(os.uname().nodename)
    return [n for n in names if n]


def write_fixture(
    directory: str, recording: RecordingProbe, metadata: dict[str, Any], redactor: Redactor | None = None
) -> None:
    """Write *recording* as a fixture at *directory*, atomically (all or nothing)."""
    from variant_detect._newdir import cannot_create, check_new_directory

    check_new_directory(directory, "record")
    redactor = redactor or Redactor(_hostnames())
    if _BOOT_ID in recording.files:
        boot_id = recording.files[_BOOT_ID].decode("ascii", "replace").strip()
        redactor.secret(boot_id.lower(), "boot-id")
    _learn_all(recording, redactor)
    parent = os.path.dirname(os.path.abspath(directory))
    try:
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".record-", dir=parent)
    except OSError as exc:
        raise cannot_create(directory, "record", exc) from None
    try:
        _write_tree(staging, recording, metadata, redactor)
        os.rename(staging, directory)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):  # a full disk, say: not the user's input (exit 1)
            from variant_detect._exit import CommandError

            reason = exc.strerror or exc
            raise CommandError(f"record {directory}: cannot write: {reason}; nothing was left behind") from None
        raise


def _learn_all(recording: RecordingProbe, redactor: Redactor) -> None:
    for data in recording.files.values():
        redactor.learn(data.decode("utf-8", "replace"))
    for lib in recording.libraries.values():
        for call in lib["calls"]:
            function = call["function"]
            for item in _strings(call.get("result")):
                if _SERIAL_FUNCTION.search(function) and not _UUID.search(item):
                    redactor.secret(item, "serial")
                redactor.learn(item)
    for entry in recording.commands:
        redactor.learn(str(entry.get("stdout", "")))
    # Last, so GPUs keep the fakes their answers gave them: a variable naming a GPU
    # by a full UUID that no answer mentions (no driver here) is still redacted.
    for value in recording.env.values():
        redactor.learn(value)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _dump(path: str, data: Any) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")


def _sysroot_path(root: str, path: str) -> str:
    relative = path.replace("\\", "/")
    if len(relative) > 1 and relative[1] == ":":
        relative = relative[2:]  # a Windows drive, as replay maps it; PCI slots keep their colons
    return os.path.join(root, "sysroot", relative.lstrip("/"))


def _write_tree(root: str, recording: RecordingProbe, metadata: dict[str, Any], redactor: Redactor) -> None:
    for path, entries in recording.dirs.items():
        for name, is_dir in entries:
            target = _sysroot_path(root, f"{path.rstrip('/')}/{name}")
            if is_dir:
                os.makedirs(target, exist_ok=True)
            elif not os.path.exists(target):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                open(target, "wb").close()  # listed, never read: an empty stand-in
    for path, found in recording.present.items():
        target = _sysroot_path(root, path)
        if found and not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "wb").close()
    for path, data in recording.files.items():
        target = _sysroot_path(root, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        text = data.decode("utf-8", "surrogateescape")
        with open(target, "wb") as handle:
            handle.write(redactor.apply(text).encode("utf-8", "surrogateescape"))
    _write_json_parts(root, recording, metadata, redactor)


def _write_json_parts(root: str, recording: RecordingProbe, metadata: dict[str, Any], redactor: Redactor) -> None:
    _dump(os.path.join(root, "machine.json"), metadata)
    _dump(os.path.join(root, "env.json"), {k: redactor.apply(v) for k, v in sorted(recording.env.items())})
    if recording.file_errors:
        _dump(os.path.join(root, "file_errors.json"), recording.file_errors)
    if recording.commands:
        commands = [
            {k: (redactor.apply(v) if k in ("stdout", "stderr") else v) for k, v in entry.items()}
            for entry in recording.commands
        ]
        _dump(os.path.join(root, "commands.json"), commands)
    if recording.libraries:
        libraries = {
            name: {
                "load": lib["load"],
                "calls": [
                    {**call, "result": redactor.value(call["result"], call["function"])} if "result" in call else call
                    for call in lib["calls"]
                ],
            }
            for name, lib in recording.libraries.items()
        }
        _dump(os.path.join(root, "calls.json"), {"libraries": libraries})
