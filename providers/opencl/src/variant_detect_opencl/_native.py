"""Live bindings behind ``probe.library(...)``: part of the probe layer.

``IsolatedOpenCL`` is the ``opencl`` library as the provider sees it. Loading
it runs ``python -m variant_detect_opencl._query`` in a child process, bounded
by a timeout; the child enumerates platforms and devices and prints every call
with its answer. The methods then answer the provider's calls from that list,
so a vendor ICD that hangs costs the timeout and one that crashes kills only
the child. A fixture answers the same calls from its ``calls.json``.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError, ProbeTimeout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: CL status codes the provider explains by name (cl.h, cl_ext.h).
STATUS_NAMES = {
    -1: "CL_DEVICE_NOT_FOUND",
    -2: "CL_DEVICE_NOT_AVAILABLE",
    -5: "CL_OUT_OF_RESOURCES",
    -6: "CL_OUT_OF_HOST_MEMORY",
    -30: "CL_INVALID_VALUE",
    -32: "CL_INVALID_PLATFORM",
    -33: "CL_INVALID_DEVICE",
    -1001: "CL_PLATFORM_NOT_FOUND_KHR",
}


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class IsolatedOpenCL:
    def __init__(self, timeout: float) -> None:
        import subprocess
        import sys

        argv = [sys.executable, "-m", "variant_detect_opencl._query"]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise ProbeTimeout(f"the OpenCL query did not finish within {timeout:g} s (a vendor ICD hangs)") from exc
        if done.returncode < 0:
            name = _signal_name(-done.returncode)
            raise ProbeError(f"the OpenCL query process was killed by {name} (a vendor ICD crashed)")
        self._calls = self._decode(done.returncode, done.stdout, done.stderr)

    @staticmethod
    def _decode(returncode: int, stdout: bytes, stderr: bytes) -> list[dict[str, Any]]:
        import json

        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        if returncode != 0:
            raise ProbeError(f"the OpenCL query process exited with status {returncode}: {tail[0][:200]}")
        try:
            answer = json.loads(stdout.decode("utf-8", "replace") or "{}")
        except ValueError as exc:
            raise ProbeError(f"the OpenCL query printed no JSON: {exc}") from exc
        if "load_error" in answer:
            raise ProbeError(f"cannot load opencl: {answer['load_error']}")
        calls = answer.get("calls")
        if not isinstance(calls, list):
            raise ProbeError(f"the OpenCL query answered {answer!r}")
        return calls

    def _answer(self, function: str, *args: int) -> Any:
        for call in self._calls:
            if call.get("function") == function and call.get("args") == list(args):
                error = call.get("error")
                if isinstance(error, dict):
                    code = int(error.get("code", 0))
                    raise LibraryCallError(function, code, STATUS_NAMES.get(code, ""))
                return call.get("result")
        raise ProbeError(f"{function}{args!r} was not queried")

    def clGetPlatformIDs(self) -> Any:
        return self._answer("clGetPlatformIDs")

    def clGetPlatformInfo(self, platform: int, param: int) -> Any:
        return self._answer("clGetPlatformInfo", platform, param)

    def clGetDeviceIDs(self, platform: int) -> Any:
        return self._answer("clGetDeviceIDs", platform)

    def clGetDeviceInfo(self, platform: int, device: int, param: int) -> Any:
        return self._answer("clGetDeviceInfo", platform, device, param)


class Pyopencl:
    """Is the optional pyopencl installed? (Only asked when no ICD file exists.)

    A path lookup, no import: importing pyopencl costs 80-175 ms.
    """

    def __init__(self) -> None:
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec("pyopencl")
        if spec is None:
            raise ProbeError("cannot load pyopencl: package not installed")
        self._origin = spec.origin or ""

    def installed(self) -> bool:
        return True
