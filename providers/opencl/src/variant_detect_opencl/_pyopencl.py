"""The optional pyopencl backend of the OpenCL query (extra ``variant-detect-opencl[pyopencl]``).

Used inside the query child only, when the system has no ICD loader that
ctypes can open: pyopencl's wheel bundles its own loader, and with
``pocl-binary-distribution`` a CPU-only PoCL platform. Same interface as
``_query.CtypesOpenCL``; pyopencl's errors carry the OpenCL status code.
"""

from __future__ import annotations

from variant_detect_opencl._cl import (
    CL_DEVICE_NAME,
    CL_DEVICE_OPENCL_C_VERSION,
    CL_DEVICE_TYPE,
    CL_DEVICE_VENDOR,
    CL_DEVICE_VENDOR_ID,
    CL_DEVICE_VERSION,
    CL_DRIVER_VERSION,
    CL_PLATFORM_NAME,
    CL_PLATFORM_PROFILE,
    CL_PLATFORM_VENDOR,
    CL_PLATFORM_VERSION,
    MAX_DEVICES,
    MAX_PLATFORMS,
    ClError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PLATFORM_ATTRS = {
    CL_PLATFORM_PROFILE: "profile",
    CL_PLATFORM_VERSION: "version",
    CL_PLATFORM_NAME: "name",
    CL_PLATFORM_VENDOR: "vendor",
}
_DEVICE_ATTRS = {
    CL_DEVICE_TYPE: "type",
    CL_DEVICE_VENDOR_ID: "vendor_id",
    CL_DEVICE_NAME: "name",
    CL_DEVICE_VENDOR: "vendor",
    CL_DRIVER_VERSION: "driver_version",
    CL_DEVICE_VERSION: "version",
    CL_DEVICE_OPENCL_C_VERSION: "opencl_c_version",
}


def _code(exc: Exception) -> int:
    code = getattr(exc, "code", None)
    if callable(code):
        code = code()
    return int(code) if isinstance(code, int) else -9999


class PyopenclBackend:
    def __init__(self) -> None:
        import importlib

        self.cl: Any = importlib.import_module("pyopencl")
        self.platforms: list[Any] = []
        self.devices: dict[int, list[Any]] = {}

    def _guard(self, thunk: Any) -> Any:
        try:
            return thunk()
        except self.cl.Error as exc:
            raise ClError(_code(exc)) from exc

    def platform_count(self) -> int:
        platforms = self._guard(self.cl.get_platforms)
        self.platforms = platforms[:MAX_PLATFORMS]
        return len(platforms)

    def platform_info(self, platform: int, param: int) -> str:
        return str(self._guard(lambda: getattr(self.platforms[platform], _PLATFORM_ATTRS[param])))

    def device_count(self, platform: int) -> int:
        devices = self._guard(self.platforms[platform].get_devices)
        self.devices[platform] = devices[:MAX_DEVICES]
        return len(devices)

    def device_info(self, platform: int, device: int, param: int) -> int | str:
        value = self._guard(lambda: getattr(self.devices[platform][device], _DEVICE_ATTRS[param]))
        return int(value) if param in (CL_DEVICE_TYPE, CL_DEVICE_VENDOR_ID) else str(value)
