"""The probe seam's isolated libraries (``Probe.library(..., isolate=...)``): a binding
built and called in a child interpreter, so a crash or hang cannot reach the caller.

The bindings here are a toy module written to a temporary directory and put on
the child's path with ``VARIANT_DETECT_ISOLATED_PATH`` (``python -I`` ignores
``PYTHONPATH``). Their misbehaviour is plain Python (``os.kill``, ``time.sleep``),
which is what a segfaulting or wedged driver looks like from the parent.
"""

from __future__ import annotations

import gc
import os
import signal
import time
from pathlib import Path

import pytest

from variant_detect._record import RecordingProbe
from variant_detect_runtime import LibraryCallError, LiveProbe, ProbeError, ProbeTimeout
from variant_detect_runtime._isolated import PATH_ENV

TOY = r"""
import os, sys, time
from variant_detect_runtime import LibraryCallError, ProbeError

print("import-time noise on stdout")
os.write(1, b"raw noise on fd 1\n")


class Toy:
    def __init__(self, mode="ok"):
        if mode == "missing":
            raise ProbeError("cannot load toy: no such library")
        if mode == "broken":
            raise RuntimeError("constructor failed")
        if mode == "crash":
            os.kill(os.getpid(), 11)
        if mode == "hang":
            time.sleep(60)
        print("constructor noise")

    def add(self, a, b):
        print("call noise", a, b)
        os.write(1, b"{\"result\": 666}\n")
        return a + b

    def pid(self):
        return os.getpid()

    def fail(self, code):
        raise LibraryCallError("toyFail", code, "TOY_ERROR")

    def crash(self):
        os.kill(os.getpid(), 11)

    def hang(self):
        time.sleep(60)

    def handle(self):
        return object()

    def oops(self):
        raise ValueError("bad value")
"""


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "toy_binding.py").write_text(TOY)
    monkeypatch.setenv(PATH_ENV, str(tmp_path))
    return "toy_binding:Toy"


def never(name: str) -> object:
    raise AssertionError(f"the in-process loader of {name} ran")


def test_results_come_from_one_child_and_stdout_noise_stays_out(toy: str) -> None:
    probe = LiveProbe()
    one = probe.library("one", lambda: never("one"), isolate=(toy, []))
    two = probe.library("two", lambda: never("two"), isolate=(toy, ["ok"]))
    assert one.call("add", 2, 3) == 5
    assert two.call("add", 4, 5) == 9
    assert one.call("pid") == two.call("pid") != os.getpid()  # one child per probe, shared


def test_library_error_code_keeps_its_number(toy: str) -> None:
    library = LiveProbe().library("toy", lambda: never("toy"), isolate=(toy, []))
    with pytest.raises(LibraryCallError) as caught:
        library.call("fail", 9)
    assert (caught.value.function, caught.value.code, caught.value.name) == ("toyFail", 9, "TOY_ERROR")
    assert library.call("add", 1, 1) == 2  # the child still serves


def test_other_exceptions_in_a_call_are_probe_errors(toy: str) -> None:
    library = LiveProbe().library("toy", lambda: never("toy"), isolate=(toy, []))
    with pytest.raises(ProbeError, match=r"toy.oops raised ValueError: bad value"):
        library.call("oops")
    with pytest.raises(ProbeError, match="not a JSON value"):
        library.call("handle")


@pytest.mark.parametrize(
    ("mode", "message"),
    [("missing", "cannot load toy: no such library"), ("broken", "cannot load toy: constructor failed")],
)
def test_load_failure_is_cached(toy: str, mode: str, message: str) -> None:
    library = LiveProbe().library("toy", lambda: never("toy"), isolate=(toy, [mode]))
    for _ in range(2):
        with pytest.raises(ProbeError) as caught:
            library.call("add", 1, 2)
        assert str(caught.value) == message


def test_unknown_factory_is_a_load_error(toy: str) -> None:
    library = LiveProbe().library("toy", lambda: never("toy"), isolate=("no_such_module_here:Toy", []))
    with pytest.raises(ProbeError, match="cannot load toy: No module named 'no_such_module_here'"):
        library.call("add", 1, 2)


def test_crash_on_load_names_the_signal_and_spares_other_libraries(toy: str) -> None:
    probe = LiveProbe()
    good = probe.library("good", lambda: never("good"), isolate=(toy, []))
    first = good.call("pid")
    bad = probe.library("bad", lambda: never("bad"), isolate=(toy, ["crash"]))
    with pytest.raises(ProbeError) as caught:
        bad.call("add", 1, 2)
    assert str(caught.value) == "cannot load bad: crashed with SIGSEGV while loading bad"
    with pytest.raises(ProbeError, match="crashed with SIGSEGV"):
        bad.call("add", 1, 2)  # not loaded again
    assert good.call("pid") != first  # reloaded in a fresh child
    assert good.call("add", 1, 2) == 3


def test_crash_in_a_call(toy: str) -> None:
    library = LiveProbe().library("toy", lambda: never("toy"), isolate=(toy, []))
    with pytest.raises(ProbeError) as caught:
        library.call("crash")
    assert not isinstance(caught.value, ProbeTimeout)
    assert str(caught.value) == "toy.crash crashed with SIGSEGV (isolated process)"


@pytest.mark.parametrize("where", ["load", "call"])
def test_hang_is_a_timeout_within_the_limit(toy: str, where: str) -> None:
    probe = LiveProbe()
    library = probe.library("toy", lambda: never("toy"), isolate=(toy, ["hang" if where == "load" else "ok"]))
    start = time.perf_counter()
    with pytest.raises(ProbeTimeout) as caught:
        library.call("hang" if where == "call" else "add", timeout=0.5)
    assert time.perf_counter() - start < 3.0
    expected = "toy.hang did not return within 0.5 s" if where == "call" else "cannot load toy: loading toy did not"
    assert str(caught.value).startswith(expected)
    start = time.perf_counter()
    with pytest.raises(ProbeTimeout):
        library.call("add", 1, 2)  # fails fast, with the same error
    assert time.perf_counter() - start < 0.1


def test_child_is_killed_when_the_probe_is_collected(toy: str) -> None:
    probe = LiveProbe()
    pid = probe.library("toy", lambda: never("toy"), isolate=(toy, [])).call("pid")
    del probe
    gc.collect()
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    pytest.fail(f"isolated child {pid} still running after its probe was collected")


def test_recording_keeps_isolated_calls_like_in_process_ones(toy: str) -> None:
    probe = RecordingProbe()
    library = probe.library("toy", lambda: never("toy"), isolate=(toy, []))
    assert library.call("add", 1, 2) == 3
    with pytest.raises(LibraryCallError):
        library.call("fail", 4)
    with pytest.raises(ProbeTimeout):
        library.call("hang", timeout=0.3)
    broken = probe.library("broken", lambda: never("broken"), isolate=(toy, ["missing"]))
    with pytest.raises(ProbeError):
        broken.call("add", 1, 2)
    assert probe.libraries["toy"]["calls"] == [
        {"function": "add", "args": [1, 2], "result": 3},
        {"function": "fail", "args": [4], "error": {"code": 4, "name": "TOY_ERROR"}},
        {"function": "hang", "args": [], "hang": True},
    ]
    assert probe.libraries["broken"] == {"load": {"error": "cannot load toy: no such library"}, "calls": []}


def test_in_process_loader_still_used_without_isolate() -> None:
    probe = LiveProbe()

    class Binding:
        def pid(self) -> int:
            return os.getpid()

    assert probe.library("here", Binding).call("pid") == os.getpid()
    assert probe._host is None  # no child started for in-process libraries
