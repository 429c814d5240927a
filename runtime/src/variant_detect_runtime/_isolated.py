"""Native libraries loaded and called in a child interpreter, so a crash or hang
in ``dlopen``, a library's constructors or a later call cannot take the caller
with it.

Used by :meth:`variant_detect_runtime._probe.LiveProbe.library` when a provider passes
``isolate=("module:callable", args)``: the parent (:class:`Host`) starts one
child per probe on the first isolated call, and reuses it for every isolated
library of that probe. The child (:func:`main`) builds each binding with
``callable(*args)`` and answers calls by name. They speak JSON lines over the
child's stdin and a duplicate of its original stdout::

    -> {"op": "load", "library": "nvml", "factory": "pkg.mod:Nvml", "args": [["libnvidia-ml.so.1"]]}
    <- {"result": null}
    -> {"op": "call", "library": "nvml", "function": "nvmlInitWithFlags", "args": [1]}
    <- {"result": 0}   or   {"error": {"kind": "call", "function": ..., "code": 9, "name": ""}}
                       or   {"error": {"kind": "probe", "message": "..."}}

The child points its own fd 1 and ``sys.stdout`` at stderr before it imports a
binding, so nothing a library prints reaches the protocol (or variantlib's JSON
on the parent's stdout).

Failure handling (parent side): a reply that does not come within the call's
timeout kills the child and raises ``ProbeTimeout``; a child that dies raises
``ProbeError`` naming the signal ("crashed with SIGSEGV while loading nvml").
The library that hung or crashed then fails fast with that same error on every
later call; any other isolated library is loaded again in a fresh child when
it is next called.

The child runs ``python -I`` (no user site, no ``PYTHONPATH``, no current
directory) with the parent's ``sys.path`` handed over, so it imports the same
``variant_detect`` and providers as the parent; entries of the environment
variable ``VARIANT_DETECT_ISOLATED_PATH`` (``os.pathsep``-separated) come
first, which is how tests put a binding module from a temporary directory on
its path.
"""

from __future__ import annotations

import os
import sys

from variant_detect_runtime._errors import LibraryCallError, ProbeError, ProbeTimeout

TYPE_CHECKING = False
if TYPE_CHECKING:
    import queue
    import subprocess
    from collections.abc import Sequence
    from typing import Any, BinaryIO

PATH_ENV = "VARIANT_DETECT_ISOLATED_PATH"
# How long the child may take to start and say it is ready; a cold interpreter
# on a loaded 2-core CI machine took ~0.3 s, on a quiet one ~20 ms.
START_TIMEOUT = 10.0
_BOOTSTRAP = (
    "import os, sys\n"
    f"sys.path[:0] = [p for p in os.environ.get({PATH_ENV!r}, '').split(os.pathsep) if p]\n"
    "from variant_detect_runtime._isolated import main\n"
    "main()\n"
)


# -- the child ------------------------------------------------------------------------


def main() -> None:
    """The child's loop: one request line in, one reply line out, until stdin closes."""
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what a library writes to fd 1 goes to stderr
    sys.stdout = sys.stderr
    import json

    bindings: dict[str, object] = {}
    _send(protocol, {"ready": True})
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            reply = _answer(request, bindings)
        except Exception as exc:  # noqa: BLE001 - a bad request becomes an error reply
            reply = _probe_error(f"isolated process: bad request: {type(exc).__name__}: {exc}")
        _send(protocol, reply)


def _send(protocol: BinaryIO, message: dict[str, Any]) -> None:
    import json

    try:
        data = json.dumps(message)
    except (TypeError, ValueError) as exc:
        data = json.dumps(_probe_error(f"answer is not a JSON value: {exc}"))
    protocol.write(data.encode("utf-8") + b"\n")
    protocol.flush()


def _probe_error(message: str) -> dict[str, Any]:
    return {"error": {"kind": "probe", "message": message}}


def _load(library: str, request: dict[str, Any], bindings: dict[str, object]) -> dict[str, Any]:
    try:
        bindings[library] = _build(str(request["factory"]), request.get("args", []))
    except ProbeError as exc:
        return _probe_error(str(exc))
    except Exception as exc:  # noqa: BLE001 - as LiveProbe._binding words it
        return _probe_error(f"cannot load {library}: {exc}")
    return {"result": None}


def _answer(request: dict[str, Any], bindings: dict[str, object]) -> dict[str, Any]:
    library = str(request["library"])
    if request["op"] == "load":
        return _load(library, request, bindings)
    function = str(request["function"])
    try:
        return {"result": getattr(bindings[library], function)(*request.get("args", []))}
    except LibraryCallError as exc:
        return {"error": {"kind": "call", "function": exc.function, "code": exc.code, "name": exc.name}}
    except ProbeError as exc:
        return _probe_error(str(exc))
    except Exception as exc:  # noqa: BLE001 - reported, the child keeps serving
        return _probe_error(f"{library}.{function} raised {type(exc).__name__}: {exc}")


def _build(factory: str, args: list[Any]) -> object:
    module_name, _, name = factory.partition(":")
    module = __import__(module_name, fromlist=["_"])
    return getattr(module, name)(*args)


# -- the parent -----------------------------------------------------------------------


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    try:
        if process.stdin is not None:
            process.stdin.close()
        process.wait(1.0)
    except Exception:  # noqa: BLE001, S110 - at exit or in GC, nothing to report to
        pass


def _signal_text(returncode: int | None) -> str:
    if returncode is None:
        return "closed its pipe"
    if returncode < 0:
        import signal

        try:
            return f"crashed with {signal.Signals(-returncode).name}"
        except ValueError:
            return f"crashed with signal {-returncode}"
    return f"exited with status {returncode}"


def _read(stream: BinaryIO, replies: queue.Queue[bytes | None]) -> None:
    """The reader thread (a function, not a method: it must not keep the child alive)."""
    with stream:
        for line in stream:
            replies.put(line)
    replies.put(None)


class _Child:
    """One child interpreter and the daemon thread that reads its replies."""

    def __init__(self) -> None:
        import queue
        import subprocess
        import threading
        import weakref

        extra = [p for p in os.environ.get(PATH_ENV, "").split(os.pathsep) if p]
        env = dict(os.environ)
        env[PATH_ENV] = os.pathsep.join(extra + [p for p in sys.path if p])
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOTSTRAP], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.replies: queue.Queue[bytes | None] = queue.Queue()
        reader = threading.Thread(
            target=_read, args=(self.process.stdout, self.replies), name="variant-detect isolated", daemon=True
        )
        reader.start()
        # Killed when the probe is collected, and at interpreter exit at the latest.
        self._finalizer = weakref.finalize(self, _stop, self.process)

    def stop(self) -> None:
        self._finalizer()

    def send(self, message: dict[str, Any]) -> None:
        import json

        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps(message).encode("utf-8") + b"\n")
        stdin.flush()

    def receive(self, timeout: float) -> bytes | None:
        """The next reply line; None when the child has gone. Raises queue.Empty on timeout."""
        return self.replies.get(timeout=timeout)


class Host:
    """The parent's side: a child started on demand, and which library it holds."""

    def __init__(self) -> None:
        self._child: _Child | None = None
        self._loaded: set[str] = set()
        self._failed: dict[str, ProbeError] = {}

    def call(
        self, library: str, isolate: tuple[str, Sequence[Any]], function: str, args: tuple[Any, ...], timeout: float
    ) -> Any:
        if library in self._failed:
            error = self._failed[library]
            raise type(error)(*error.args)
        if library not in self._loaded:
            factory, factory_args = isolate
            load = {"op": "load", "library": library, "factory": factory, "args": list(factory_args)}
            try:
                self._request(library, load, timeout, None)
            except ProbeError as exc:
                self._failed[library] = exc
                raise
            self._loaded.add(library)
        call = {"op": "call", "library": library, "function": function, "args": list(args)}
        try:
            return self._request(library, call, timeout, function)
        except ProbeError as exc:
            if self._child is None:  # it hung or crashed the child: do not ask it again
                self._failed[library] = exc
            raise

    def close(self) -> None:
        if self._child is not None:
            self._child.stop()
            self._child = None
        self._loaded.clear()

    def _start(self, library: str) -> _Child:
        if self._child is not None:
            return self._child
        try:
            child = _Child()
        except OSError as exc:
            raise ProbeError(f"cannot load {library}: cannot start an isolated process: {exc}") from exc
        self._child = child
        self._expect_reply(child, START_TIMEOUT, library, "")
        return child

    def _request(self, library: str, message: dict[str, Any], timeout: float, function: str | None) -> Any:
        """Send one request and wait for its reply; *function* None: a load."""
        child = self._start(library)
        import contextlib

        with contextlib.suppress(OSError):  # the child is gone; receive() says how
            child.send(message)
        reply = self._expect_reply(child, timeout, library, function)
        doing = f"calling {library}.{function}" if function else f"loading {library}"
        if "result" in reply:
            return reply["result"]
        error = reply.get("error")
        if not isinstance(error, dict):
            self.close()
            raise ProbeError(f"isolated process answered {reply!r} while {doing}")
        if error.get("kind") == "call":
            raise LibraryCallError(
                str(error.get("function", "")), int(error.get("code", -1)), str(error.get("name", ""))
            )
        raise ProbeError(str(error.get("message", "")))

    def _expect_reply(self, child: _Child, timeout: float, library: str, function: str | None) -> dict[str, Any]:
        """The next reply; *function* None while loading, "" while starting."""
        import json
        import queue

        doing = f"calling {library}.{function}" if function else f"loading {library}"
        if function == "":
            doing = f"starting the isolated process for {library}"
        try:
            line = child.receive(timeout)
        except queue.Empty:
            self.close()
            if function:
                raise ProbeTimeout(f"{library}.{function} did not return within {timeout:g} s") from None
            raise ProbeTimeout(f"cannot load {library}: {doing} did not finish within {timeout:g} s") from None
        if line is None:
            returncode = child.process.poll()
            if returncode is None:
                import contextlib
                import subprocess

                with contextlib.suppress(subprocess.TimeoutExpired):  # then: "closed its pipe"
                    returncode = child.process.wait(2.0)
            self.close()
            if function:
                raise ProbeError(f"{library}.{function} {_signal_text(returncode)} (isolated process)")
            raise ProbeError(f"cannot load {library}: {_signal_text(returncode)} while {doing}")
        try:
            reply = json.loads(line)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            self.close()
            raise ProbeError(f"isolated process wrote {line[:200]!r} while {doing}; expected a JSON object")
        return reply
