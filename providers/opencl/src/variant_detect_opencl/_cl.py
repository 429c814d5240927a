"""cl.h constants and the status-code error, shared by the query child's backends.

Both backends (``_query.CtypesOpenCL`` and ``_pyopencl.PyopenclBackend``)
import them from here, so neither imports the other at module level.
"""

from __future__ import annotations

# cl.h constants (OpenCL 3.0 headers).
CL_PLATFORM_PROFILE = 0x0900
CL_PLATFORM_VERSION = 0x0901
CL_PLATFORM_NAME = 0x0902
CL_PLATFORM_VENDOR = 0x0903
CL_DEVICE_TYPE = 0x1000
CL_DEVICE_VENDOR_ID = 0x1001
CL_DEVICE_NAME = 0x102B
CL_DEVICE_VENDOR = 0x102C
CL_DRIVER_VERSION = 0x102D
CL_DEVICE_VERSION = 0x102F
CL_DEVICE_OPENCL_C_VERSION = 0x103D
CL_DEVICE_TYPE_ALL = 0xFFFFFFFF
CL_DEVICE_NOT_FOUND = -1

PLATFORM_PARAMS = (CL_PLATFORM_PROFILE, CL_PLATFORM_VERSION, CL_PLATFORM_NAME, CL_PLATFORM_VENDOR)
DEVICE_STRINGS = (CL_DEVICE_NAME, CL_DEVICE_VENDOR, CL_DRIVER_VERSION, CL_DEVICE_VERSION, CL_DEVICE_OPENCL_C_VERSION)
DEVICE_INTS = (CL_DEVICE_TYPE, CL_DEVICE_VENDOR_ID)
DEVICE_PARAMS = DEVICE_INTS + DEVICE_STRINGS
# No machine has more; a larger count is a broken ICD, and is not enumerated.
MAX_PLATFORMS = 64
MAX_DEVICES = 64
MAX_STRING = 4096


class ClError(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code
