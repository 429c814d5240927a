"""The probe seam: the one door through which providers reach the machine.

A provider's ``_probe.py`` asks a :class:`Probe` for files, directory listings,
environment variables, commands and library calls; it never touches ``os``,
``ctypes`` or ``subprocess`` itself. :class:`LiveProbe` answers from this
machine, :class:`ReplayProbe` from a fixture directory (format:
``hw_fixtures/README.md``) and :class:`RecordingProbe` answers live while
keeping every answer so ``variant-detect record`` can write a fixture.

Nothing here imports ``threading``, ``subprocess`` or ``json`` until a source
needs it: this module is on the start-up path of every install.
"""

from __future__ import annotations

import os
import sys

from variant_detect_runtime._errors import (
    FixtureError,
    LibraryCallError,
    ProbeError,
    ProbeTimeout,
)

TYPE_CHECKING = False  # typing costs ~5 ms to import; mypy honours this name
if TYPE_CHECKING:
    import ctypes
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    from variant_detect_runtime._isolated import Host

    # ("module:callable", JSON args): how a child interpreter builds the binding
    Isolate = tuple[str, Sequence[Any]]

FIXTURE_ENV = "VARIANT_DETECT_FIXTURE"
DEFAULT_READ_LIMIT = 1 << 20
DEFAULT_TIMEOUT = 10.0
# What a command may print on stdout, and on stderr, before it is stopped: with
# no bound, a tool that prints forever filled memory at GB/s until its timeout
# (1.7 GB in 2 s, measured: tests/reliability/test_hung_sources.py).
OUTPUT_LIMIT = 8 << 20


def is_override_variable(name: str) -> bool:
    """True for the variables a user sets to steer detection.

    They survive fixture replay: the fixture's environment applies first, and
    these, taken from the real environment, apply on top.
    """
    if name == FIXTURE_ENV:
        return False
    return name.startswith("VARIANT_DETECT_") or "_FORCE_" in name or "_VARIANT_PROVIDER_" in name


class Identity:
    """Which OS and architecture the answers describe."""

    __slots__ = ("machine", "release", "system")

    def __init__(self, system: str, machine: str, release: str = "") -> None:
        self.system = system
        self.machine = machine
        self.release = release

    def as_dict(self) -> dict[str, str]:
        return {"system": self.system, "machine": self.machine, "release": self.release}

    def __repr__(self) -> str:
        return f"Identity({self.system!r}, {self.machine!r}, {self.release!r})"


class CommandResult:
    __slots__ = ("returncode", "stderr", "stdout")

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes = b"") -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


class Library:
    """A loaded (or unloadable) library; every call goes through the probe."""

    def __init__(self, probe: Probe, name: str) -> None:
        self._probe = probe
        self.name = name

    def call(self, function: str, *args: Any, timeout: float = DEFAULT_TIMEOUT) -> Any:
        """Call *function*; raise LibraryCallError, ProbeError or ProbeTimeout."""
        return self._probe._library_call(self.name, function, args, timeout)


class Probe:
    """The interface every provider probes through. Subclasses answer it."""

    identity: Identity

    # -- environment -----------------------------------------------------------
    def getenv(self, name: str) -> str | None:
        raise NotImplementedError

    def environ(self) -> Mapping[str, str]:
        """The whole effective environment (used for override bookkeeping)."""
        raise NotImplementedError

    # -- files -------------------------------------------------------------------
    def read_bytes(self, path: str, limit: int = DEFAULT_READ_LIMIT) -> bytes:
        """Read at most ``limit + 1`` bytes, so the caller can tell a truncated file."""
        raise NotImplementedError

    def read_text(self, path: str, limit: int = DEFAULT_READ_LIMIT) -> str:
        return self.read_bytes(path, limit).decode("utf-8", errors="replace")

    def listdir(self, path: str) -> list[str]:
        raise NotImplementedError

    def exists(self, path: str) -> bool:
        raise NotImplementedError

    def access(self, path: str, write: bool = False) -> bool:
        """May this process open *path* (for reading, and writing if asked)?"""
        raise NotImplementedError

    # -- commands and libraries --------------------------------------------------
    def run(self, argv: Sequence[str], timeout: float = DEFAULT_TIMEOUT) -> CommandResult:
        raise NotImplementedError

    def library(
        self,
        name: str,
        loader: Callable[[], object],
        threaded: bool = True,
        isolate: Isolate | None = None,
    ) -> Library:
        """Register *loader* (called lazily, live only) and return the library handle.

        Calls into a driver run in a worker thread with a timeout. A library
        whose calls cannot hang (the interpreter answering about itself, a pure
        computation) may pass ``threaded=False`` to skip the thread (~1.5 ms
        for the first one in a process).

        A native driver library should pass ``isolate=("module:callable", args)``:
        live, the loader is then not called in-process; the binding is built as
        ``callable(*args)`` (JSON *args*) in a child interpreter, shared by every
        isolated library of this probe, so a library that crashes or hangs while
        loading or in a call becomes a ProbeError / ProbeTimeout instead of
        killing or hanging the caller (``variant_detect_runtime._isolated``). Pass it
        only once a cheap check has found the library: the child costs an
        interpreter start. Replay ignores both *loader* and *isolate*.
        """
        raise NotImplementedError

    def _library_call(self, library: str, function: str, args: tuple[Any, ...], timeout: float) -> Any:
        raise NotImplementedError

    @property
    def description(self) -> str:
        return "this machine"


def _live_identity() -> Identity:
    if hasattr(os, "uname"):
        uname = os.uname()
        return Identity(uname.sysname, uname.machine, uname.release)
    import platform  # Windows: no os.uname

    return Identity(platform.system(), platform.machine(), platform.release())


def _run_with_timeout(func: Callable[[], Any], timeout: float, what: str) -> Any:
    """Run *func* in a daemon thread; a hang becomes ProbeTimeout, not a hung install.

    ctypes releases the GIL around foreign calls, so a wedged driver call only
    blocks its own thread; the daemon thread is abandoned at exit.
    """
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=target, name=f"variant-detect {what}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise ProbeTimeout(f"{what} did not return within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


class LiveProbe(Probe):
    """Answers from this machine."""

    def __init__(self) -> None:
        self.identity = _live_identity()
        self._loaders: dict[str, Callable[[], object]] = {}
        self._bindings: dict[str, object] = {}
        self._load_errors: dict[str, ProbeError] = {}
        self._unthreaded: set[str] = set()
        self._isolate: dict[str, Isolate] = {}
        self._host: Host | None = None

    def getenv(self, name: str) -> str | None:
        return os.environ.get(name)

    def environ(self) -> Mapping[str, str]:
        return os.environ

    def read_bytes(self, path: str, limit: int = DEFAULT_READ_LIMIT) -> bytes:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)

    def listdir(self, path: str) -> list[str]:
        return sorted(os.listdir(path))

    def exists(self, path: str) -> bool:
        # lexists, as on replay: a dangling symlink (a half-removed library)
        # is there, and reading it then fails with a warning naming it.
        return os.path.lexists(path)

    def access(self, path: str, write: bool = False) -> bool:
        return os.access(path, os.R_OK | (os.W_OK if write else 0))

    def run(self, argv: Sequence[str], timeout: float = DEFAULT_TIMEOUT) -> CommandResult:
        import subprocess

        pipe = subprocess.PIPE
        process = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=pipe, stderr=pipe)
        readers = [_CappedReader(stream, process) for stream in (process.stdout, process.stderr)]
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            process.wait()
            raise ProbeTimeout(f"{argv[0]} did not finish within {timeout:g} s") from exc
        finally:
            for reader in readers:
                reader.thread.join(1.0)
        if any(reader.overflow for reader in readers):
            raise ProbeError(f"{argv[0]} printed more than {OUTPUT_LIMIT} bytes; stopped it")
        return CommandResult(process.returncode, b"".join(readers[0].chunks), b"".join(readers[1].chunks))

    def library(
        self,
        name: str,
        loader: Callable[[], object],
        threaded: bool = True,
        isolate: Isolate | None = None,
    ) -> Library:
        self._loaders.setdefault(name, loader)
        if not threaded:
            self._unthreaded.add(name)
        if isolate is not None:
            self._isolate.setdefault(name, isolate)
        return Library(self, name)

    def _binding(self, library: str) -> object:
        if library in self._bindings:
            return self._bindings[library]
        if library in self._load_errors:
            raise self._load_errors[library]
        try:
            binding = self._loaders[library]()
        except ProbeError as exc:
            self._load_errors[library] = exc
            raise
        except Exception as exc:
            error = ProbeError(f"cannot load {library}: {exc}")
            self._load_errors[library] = error
            raise error from exc
        self._bindings[library] = binding
        return binding

    def _library_call(self, library: str, function: str, args: tuple[Any, ...], timeout: float) -> Any:
        if library in self._isolate:
            if self._host is None:
                from variant_detect_runtime._isolated import Host

                self._host = Host()
            return self._host.call(library, self._isolate[library], function, args, timeout)
        binding = self._binding(library)
        method = getattr(binding, function)
        if library in self._unthreaded:
            return method(*args)
        return _run_with_timeout(lambda: method(*args), timeout, f"{library}.{function}")


class _CappedReader:
    """Drain one pipe in a daemon thread, keeping at most OUTPUT_LIMIT bytes; past
    that, kill the command (a blocked writer would otherwise wait for its timeout)."""

    def __init__(self, stream: Any, process: Any) -> None:
        import threading

        self.chunks: list[bytes] = []
        self.overflow = False
        self.thread = threading.Thread(target=self._drain, args=(stream, process), daemon=True)
        self.thread.start()

    def _drain(self, stream: Any, process: Any) -> None:
        size = 0
        with stream:
            while chunk := stream.read1(1 << 16):
                size += len(chunk)
                if size > OUTPUT_LIMIT:
                    self.overflow = True
                    process.kill()
                    return
                self.chunks.append(chunk)


def open_first_library(candidates: Sequence[str], what: str) -> ctypes.CDLL:
    """``ctypes.CDLL`` of the first candidate that loads, for a provider's binding.

    Called inside a binding's loader (live only); every failure is named in
    the ProbeError, which the seam turns into "library absent".
    """
    import ctypes

    errors = []
    for name in candidates:
        try:
            return ctypes.CDLL(name)
        except OSError as exc:
            errors.append(str(exc))
    raise ProbeError(f"cannot load {what}: {'; '.join(errors) or 'no candidate path'}")


def _json_load(path: str, what: str) -> Any:
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FixtureError(f"{path}: cannot read {what}: {exc}") from exc


def _expect(value: Any, kind: type, path: str, field: str) -> Any:
    if not isinstance(value, kind):
        raise FixtureError(f"{path}: field {field!r} must be a {kind.__name__}, got {type(value).__name__} {value!r}")
    return value


_KNOWN_ARCHES = ("x86_64", "aarch64", "arm64", "amd64", "i686", "i386", "armv7l", "ppc64le", "s390x")
_KNOWN_SYSTEMS = {"linux": "Linux", "macos": "Darwin", "darwin": "Darwin", "windows": "Windows", "freebsd": "FreeBSD"}


def _identity_from_name(name: str) -> Identity:
    """``<os>-<arch>-...`` names a fixture's OS and architecture (hw_fixtures/README.md)."""
    parts = name.lower().split("-")
    system = _KNOWN_SYSTEMS.get(parts[0], "Linux")
    machine = "unknown"
    if len(parts) > 1 and parts[1] in _KNOWN_ARCHES:
        machine = parts[1]
    return Identity(system, machine, "")


class ReplayProbe(Probe):
    """Answers from a fixture directory; what the fixture lacks is absent hardware."""

    def __init__(
        self,
        directory: str,
        overrides: Mapping[str, str] | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        """*overrides*: the real environment (default ``os.environ``), of which only
        override variables apply; *extra_env*: applied unfiltered on top (tests)."""
        if not os.path.isdir(directory):
            raise FixtureError(f"fixture directory {directory!r} does not exist or is not a directory")
        self.directory = os.path.abspath(directory)
        self.sysroot = os.path.join(self.directory, "sysroot")
        self.identity = self._load_identity()
        self._env = self._load_env(os.environ if overrides is None else overrides)
        self._env.update(extra_env or {})
        self._file_errors = self._load_file_errors()
        _check_links(self.directory)
        # Loaded now, not on first use, so that a malformed file is the
        # fixture error it is (exit 2) rather than one provider's warning.
        self._commands: list[dict[str, Any]] | None = _check_commands(
            self._optional_json("commands.json", list), os.path.join(self.directory, "commands.json")
        )
        self._calls: dict[str, Any] | None = _check_calls(
            self._optional_json("calls.json", dict), os.path.join(self.directory, "calls.json")
        )

    # -- loading -------------------------------------------------------------------
    def _optional_json(self, name: str, kind: type) -> Any:
        path = os.path.join(self.directory, name)
        if not os.path.exists(path):
            return None
        return _expect(_json_load(path, name), kind, path, "(top level)")

    def _load_identity(self) -> Identity:
        data = self._optional_json("machine.json", dict)
        guess = _identity_from_name(os.path.basename(self.directory))
        if data is None:
            return guess
        path = os.path.join(self.directory, "machine.json")
        fields = {}
        for key, default in (("system", guess.system), ("machine", guess.machine), ("release", "")):
            fields[key] = _expect(data.get(key, default), str, path, key)
        return Identity(fields["system"], fields["machine"], fields["release"])

    def _load_env(self, real: Mapping[str, str]) -> dict[str, str]:
        data = self._optional_json("env.json", dict) or {}
        path = os.path.join(self.directory, "env.json")
        env = {str(k): _expect(v, str, path, str(k)) for k, v in data.items()}
        env.update({k: v for k, v in real.items() if is_override_variable(k)})
        return env

    def _load_file_errors(self) -> dict[str, str]:
        data = self._optional_json("file_errors.json", dict) or {}
        path = os.path.join(self.directory, "file_errors.json")
        return {str(k): _expect(v, str, path, str(k)) for k, v in data.items()}

    # -- environment ----------------------------------------------------------------
    def getenv(self, name: str) -> str | None:
        return self._env.get(name)

    def environ(self) -> Mapping[str, str]:
        return self._env

    # -- files ------------------------------------------------------------------------
    def _host_path(self, path: str) -> str:
        if not path.startswith("/") and not (len(path) > 2 and path[1] == ":"):
            raise ProbeError(f"fixture paths are absolute, got {path!r}")
        relative = path.replace("\\", "/")
        if len(relative) > 1 and relative[1] == ":":
            relative = relative[2:]  # a Windows drive; colons elsewhere (PCI slots 0000:00:04.0) stay
        relative = relative.lstrip("/")
        full = os.path.normpath(os.path.join(self.sysroot, relative))
        if full != self.sysroot and not full.startswith(self.sysroot + os.sep):
            raise ProbeError(f"{path!r} escapes the fixture's sysroot")
        real = os.path.realpath(full)
        home = os.path.realpath(self.directory)
        if real != home and not real.startswith(home + os.sep):  # a link planted after loading
            raise FixtureError(
                f"{full}: a symbolic link that leaves the fixture (to {real}); replay reads only the fixture"
            )
        return full

    def _raise_recorded_error(self, path: str) -> None:
        name = self._file_errors.get(path)
        if name is None:
            return
        import errno

        code = getattr(errno, name, errno.EIO)
        raise OSError(code, f"{os.strerror(code)} (recorded in fixture)", path)

    def read_bytes(self, path: str, limit: int = DEFAULT_READ_LIMIT) -> bytes:
        self._raise_recorded_error(path)
        with open(self._host_path(path), "rb") as handle:
            return handle.read(limit + 1)

    def listdir(self, path: str) -> list[str]:
        self._raise_recorded_error(path)
        return sorted(os.listdir(self._host_path(path)))

    def exists(self, path: str) -> bool:
        return os.path.lexists(self._host_path(path))

    def access(self, path: str, write: bool = False) -> bool:
        # A device node present in the sysroot counts as accessible; a recorded
        # error (EACCES on /dev/kfd, say) means it is not.
        return path not in self._file_errors and self.exists(path)

    # -- commands ---------------------------------------------------------------------
    def run(self, argv: Sequence[str], timeout: float = DEFAULT_TIMEOUT) -> CommandResult:
        for entry in self._commands or []:
            if entry.get("argv") == list(argv):
                return self._command_answer(entry, argv, timeout)
        raise FileNotFoundError(2, "command not in fixture", argv[0])

    def _command_answer(self, entry: dict[str, Any], argv: Sequence[str], timeout: float) -> CommandResult:
        if entry.get("hang"):
            raise ProbeTimeout(f"{argv[0]} did not finish within {timeout:g} s (recorded hang)")
        if "error" in entry:
            raise FileNotFoundError(2, str(entry["error"]), argv[0])
        return CommandResult(
            int(entry.get("returncode", 0)), _decode_blob(entry, "stdout"), _decode_blob(entry, "stderr")
        )

    # -- libraries -----------------------------------------------------------------------
    def library(
        self,
        name: str,
        loader: Callable[[], object],
        threaded: bool = True,
        isolate: Isolate | None = None,
    ) -> Library:
        return Library(self, name)

    def _library_record(self, library: str) -> dict[str, Any]:
        record = (self._calls or {}).get(library)
        if record is None:
            raise ProbeError(f"cannot load {library}: not present in fixture")
        load = record.get("load", "ok")
        if load != "ok":
            message = load.get("error", load) if isinstance(load, dict) else load
            raise ProbeError(f"cannot load {library}: {message}")
        return record  # type: ignore[no-any-return]

    def _library_call(self, library: str, function: str, args: tuple[Any, ...], timeout: float) -> Any:
        record = self._library_record(library)
        wanted = list(args)
        for call in record.get("calls", []):
            if call.get("function") == function and call.get("args", []) == wanted:
                return _call_answer(library, call, timeout)
        raise ProbeError(f"{library}.{function}{tuple(args)!r} is not recorded in the fixture")

    @property
    def description(self) -> str:
        return f"fixture {self.directory}"


_ONLY_FIXTURE = "replay reads nothing outside the fixture directory"


def _check_links(directory: str) -> None:
    """A symbolic link in a fixture must stay inside it: replay never reads this machine."""
    home = os.path.realpath(directory)
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                continue
            target = os.path.realpath(path)
            if target != home and not target.startswith(home + os.sep):
                raise FixtureError(
                    f"{path}: a symbolic link to {os.readlink(path)!r} leaves the fixture; {_ONLY_FIXTURE}"
                )


def _check_commands(data: list[Any] | None, path: str) -> list[dict[str, Any]]:
    for index, entry in enumerate(data or []):
        where = f"{path}: entry {index}"
        if not isinstance(entry, dict):
            raise FixtureError(f"{where}: expected an object, got {type(entry).__name__}")
        argv = entry.get("argv")
        if not isinstance(argv, list) or not all(isinstance(word, str) for word in argv):
            raise FixtureError(f"{where}: 'argv' must be a list of strings, got {argv!r:.80}")
        for key in ("stdout", "stderr", "stdout_base64", "stderr_base64", "error"):
            if key in entry and not isinstance(entry[key], str):
                raise FixtureError(f"{where}: {key!r} must be a string, got {type(entry[key]).__name__}")
        if not isinstance(entry.get("returncode", 0), int):
            raise FixtureError(f"{where}: 'returncode' must be an integer, got {entry['returncode']!r:.80}")
    return data or []


def _check_calls(data: dict[str, Any] | None, path: str) -> dict[str, Any]:
    libraries = (data or {}).get("libraries", {})
    if not isinstance(libraries, dict):
        raise FixtureError(f"{path}: 'libraries' must be an object, got {type(libraries).__name__}")
    for library, record in libraries.items():
        where = f"{path}: libraries.{library}"
        if not isinstance(record, dict):
            raise FixtureError(f"{where}: expected an object, got {type(record).__name__}")
        calls = record.get("calls", [])
        if not isinstance(calls, list):
            raise FixtureError(f"{where}.calls: expected a list, got {type(calls).__name__}")
        for index, call in enumerate(calls):
            if not isinstance(call, dict) or not isinstance(call.get("function"), str):
                raise FixtureError(
                    f"{where}.calls[{index}]: expected an object with a 'function' name, got {call!r:.80}"
                )
            if not isinstance(call.get("args", []), list):
                raise FixtureError(f"{where}.calls[{index}].args: expected a list, got {call['args']!r:.80}")
    return libraries


def _call_answer(library: str, call: dict[str, Any], timeout: float) -> Any:
    function = call["function"]
    if call.get("hang"):
        raise ProbeTimeout(f"{library}.{function} did not return within {timeout:g} s (recorded hang)")
    error = call.get("error")
    if error is not None:
        if isinstance(error, dict):
            raise LibraryCallError(function, int(error.get("code", -1)), str(error.get("name", "")))
        raise ProbeError(f"{library}.{function} failed: {error}")
    return call.get("result")


def _decode_blob(entry: dict[str, Any], key: str) -> bytes:
    if f"{key}_base64" in entry:
        import base64

        return base64.b64decode(entry[f"{key}_base64"])
    return str(entry.get(key, "")).encode("utf-8")


_SHARED: dict[str, Probe] = {}


def default_probe() -> Probe:
    """The probe providers use when nobody hands them one.

    ``VARIANT_DETECT_FIXTURE`` selects replay (it reaches our providers inside
    variantlib's plugin subprocess, too); otherwise the live machine. One probe
    is shared per process so a fixture is parsed once.
    """
    fixture = os.environ.get(FIXTURE_ENV, "")
    key = fixture or ":live:"
    probe = _SHARED.get(key)
    if probe is None:
        probe = _replay_from_environment(fixture) if fixture else LiveProbe()
        _SHARED[key] = probe
    return probe


def _replay_from_environment(fixture: str) -> Probe:
    """The fixture ``VARIANT_DETECT_FIXTURE`` names; a bad one is a FixtureError naming the variable.

    The caller is often a plugin host (variantlib's plugin subprocess) that
    lets the error end the process and shows its stderr: if nobody catches it,
    it is printed as one line, not as a traceback of our frames.
    """
    try:
        return ReplayProbe(fixture)
    except FixtureError as exc:
        _one_line_if_uncaught()
        raise FixtureError(f"{FIXTURE_ENV}={fixture}: {exc}") from None


def _one_line_if_uncaught() -> None:
    """Print an uncaught FixtureError as one line (a host's own excepthook is left alone)."""
    if sys.excepthook is not sys.__excepthook__:
        return

    def hook(kind: type[BaseException], value: BaseException, traceback: Any) -> None:
        if isinstance(value, FixtureError):
            sys.stderr.write(f"variant-detect: error: {value}\n")
        else:
            sys.__excepthook__(kind, value, traceback)

    sys.excepthook = hook
