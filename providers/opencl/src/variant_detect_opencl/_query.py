"""The OpenCL query, run in a child interpreter: ``python -m variant_detect_opencl._query``.

Vendor ICDs run their own initialisation inside ``clGetPlatformIDs``; some
hang, some crash the process (a SIGSEGV in a driver is not a Python
exception). So the caller never loads ``libOpenCL`` itself: this child
enumerates every platform and device through ctypes (or pyopencl, the optional
extra, when the system has no ICD loader) and prints one JSON object on its
stdout, ``{"calls": [...]}`` in the ``calls.json`` call format, or
``{"load_error": "..."}``. The parent (``_native.IsolatedOpenCL``)
bounds it with a timeout and answers the provider's calls from that list.

Only the standard library (and ``_cl``, the cl.h constants) is imported here;
nothing runs at import time.
"""

from __future__ import annotations

import sys

from variant_detect_opencl._cl import (
    CL_DEVICE_TYPE,
    CL_DEVICE_TYPE_ALL,
    DEVICE_PARAMS,
    DEVICE_STRINGS,
    MAX_DEVICES,
    MAX_PLATFORMS,
    MAX_STRING,
    PLATFORM_PARAMS,
    ClError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LIBRARY_NAMES = {
    "linux": ["libOpenCL.so.1", "libOpenCL.so"],
    "darwin": ["/System/Library/Frameworks/OpenCL.framework/OpenCL"],
    "win32": ["OpenCL.dll"],
}


class CtypesOpenCL:
    """The system ICD loader through ctypes; platforms and devices by index."""

    def __init__(self) -> None:
        import ctypes

        names = LIBRARY_NAMES.get(sys.platform, LIBRARY_NAMES["linux"])
        errors = []
        for name in names:
            try:
                self.lib = ctypes.CDLL(name)
                break
            except OSError as exc:
                errors.append(str(exc))
        else:
            raise OSError("; ".join(errors))
        self.ctypes = ctypes
        self._declare()
        self.platforms: list[Any] = []
        self.devices: dict[int, list[Any]] = {}

    def _declare(self) -> None:
        """Prototypes from cl.h, so handles travel as pointers, never as C ints."""
        c = self.ctypes
        info = [c.c_void_p, c.c_uint32, c.c_size_t, c.c_void_p, c.POINTER(c.c_size_t)]
        prototypes = {
            "clGetPlatformIDs": [c.c_uint32, c.c_void_p, c.POINTER(c.c_uint32)],
            "clGetPlatformInfo": info,
            "clGetDeviceIDs": [c.c_void_p, c.c_uint64, c.c_uint32, c.c_void_p, c.POINTER(c.c_uint32)],
            "clGetDeviceInfo": info,
        }
        for name, argtypes in prototypes.items():
            function = getattr(self.lib, name)
            function.argtypes = argtypes
            function.restype = c.c_int32

    def _check(self, code: int) -> None:
        if code != 0:
            raise ClError(code)

    def platform_count(self) -> int:
        c = self.ctypes
        count = c.c_uint32(0)
        self._check(self.lib.clGetPlatformIDs(0, None, c.byref(count)))
        wanted = min(count.value, MAX_PLATFORMS)
        ids = (c.c_void_p * max(wanted, 1))()
        if wanted:
            self._check(self.lib.clGetPlatformIDs(wanted, ids, None))
        self.platforms = list(ids)[:wanted]
        return int(count.value)

    def _string(self, function: Any, *head: Any) -> str:
        c = self.ctypes
        size = c.c_size_t(0)
        self._check(function(*head, 0, None, c.byref(size)))
        buffer = c.create_string_buffer(min(max(size.value, 1), MAX_STRING))
        self._check(function(*head, len(buffer), buffer, None))
        return str(buffer.value.decode("utf-8", errors="replace"))

    def platform_info(self, platform: int, param: int) -> str:
        return self._string(self.lib.clGetPlatformInfo, self.platforms[platform], param)

    def device_count(self, platform: int) -> int:
        c = self.ctypes
        count = c.c_uint32(0)
        handle = self.platforms[platform]
        self._check(self.lib.clGetDeviceIDs(handle, CL_DEVICE_TYPE_ALL, 0, None, c.byref(count)))
        wanted = min(count.value, MAX_DEVICES)
        ids = (c.c_void_p * max(wanted, 1))()
        if wanted:
            self._check(self.lib.clGetDeviceIDs(handle, CL_DEVICE_TYPE_ALL, wanted, ids, None))
        self.devices[platform] = list(ids)[:wanted]
        return int(count.value)

    def device_info(self, platform: int, device: int, param: int) -> int | str:
        c = self.ctypes
        handle = self.devices[platform][device]
        if param in DEVICE_STRINGS:
            return self._string(self.lib.clGetDeviceInfo, handle, param)
        # cl_device_type is a cl_bitfield (64-bit); the vendor id a cl_uint.
        value = c.c_uint64(0) if param == CL_DEVICE_TYPE else c.c_uint32(0)
        self._check(self.lib.clGetDeviceInfo(handle, param, c.sizeof(value), c.byref(value), None))
        return int(value.value)


def _calls(backend: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def record(function: str, args: list[int], thunk: Any) -> Any:
        entry: dict[str, Any] = {"function": function, "args": args}
        try:
            entry["result"] = thunk()
        except ClError as exc:
            entry["error"] = {"code": exc.code, "name": ""}
        calls.append(entry)
        return entry.get("result")

    count = record("clGetPlatformIDs", [], backend.platform_count)
    for p in range(min(count or 0, MAX_PLATFORMS)):
        for param in PLATFORM_PARAMS:
            record("clGetPlatformInfo", [p, param], lambda p=p, param=param: backend.platform_info(p, param))
        devices = record("clGetDeviceIDs", [p], lambda p=p: backend.device_count(p))
        for d in range(min(devices or 0, MAX_DEVICES)):
            for param in DEVICE_PARAMS:
                record("clGetDeviceInfo", [p, d, param], lambda p=p, d=d, q=param: backend.device_info(p, d, q))
    return calls


def main() -> int:
    import json

    try:
        backend: Any = CtypesOpenCL()
    except OSError as exc:
        try:
            from variant_detect_opencl._pyopencl import PyopenclBackend

            backend = PyopenclBackend()
        except ImportError:
            sys.stdout.write(json.dumps({"load_error": str(exc)}))
            return 0
    sys.stdout.write(json.dumps({"calls": _calls(backend)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
