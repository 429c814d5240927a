"""Live Level Zero binding behind ``probe.library("level_zero", ...)``: part of the probe layer.

Constructing :class:`LevelZero` loads the loader library (``libze_loader.so.1``
on Linux, ``System32\\ze_loader.dll`` on Windows, the names the published
provider loads); :meth:`LevelZero.device_ips` answers
``[[vendor_id, device_id, ip_version], ...]`` for every GPU device of every
driver, in Level Zero's order. Structure layouts follow the Level Zero spec
(``ze_api.h``: ``ze_init_driver_type_desc_t``, ``ze_device_properties_t``,
``ze_device_ip_version_ext_t`` of ZE_extension_device_ip_version). It runs only
on a live machine, isolated in a child interpreter; a fixture answers the same
call from its ``calls.json``.
"""

from __future__ import annotations

import ctypes

from variant_detect_runtime import LibraryCallError, open_first_library

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

ZE_RESULT_SUCCESS = 0
ZE_INIT_DRIVER_TYPE_FLAG_GPU = 1
ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES = 0x3
ZE_STRUCTURE_TYPE_INIT_DRIVER_TYPE_DESC = 0x00020021
ZE_STRUCTURE_TYPE_DEVICE_IP_VERSION_EXT = 0x0001000F
#: Bound on what a driver may claim, so a broken one cannot make us allocate without limit.
MAX_HANDLES = 256
_RESULT_NAMES = {
    0x70000001: "ZE_RESULT_ERROR_DEVICE_LOST",
    0x78000001: "ZE_RESULT_ERROR_UNINITIALIZED",
    0x78000003: "ZE_RESULT_ERROR_UNSUPPORTED_FEATURE",
    0x78000004: "ZE_RESULT_ERROR_INVALID_ARGUMENT",
}


class _InitDriverTypeDesc(ctypes.Structure):
    _fields_ = [("stype", ctypes.c_uint32), ("pNext", ctypes.c_void_p), ("flags", ctypes.c_uint32)]


class _IpVersionExt(ctypes.Structure):
    _fields_ = [("stype", ctypes.c_uint32), ("pNext", ctypes.c_void_p), ("ipVersion", ctypes.c_uint32)]


class _DeviceProperties(ctypes.Structure):
    _fields_ = [
        ("stype", ctypes.c_uint32),
        ("pNext", ctypes.c_void_p),
        ("type", ctypes.c_uint32),
        ("vendorId", ctypes.c_uint32),
        ("deviceId", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("subdeviceId", ctypes.c_uint32),
        ("coreClockRate", ctypes.c_uint32),
        ("maxMemAllocSize", ctypes.c_uint64),
        ("maxHardwareContexts", ctypes.c_uint32),
        ("maxCommandQueuePriority", ctypes.c_uint32),
        ("numThreadsPerEU", ctypes.c_uint32),
        ("physicalEUSimdWidth", ctypes.c_uint32),
        ("numEUsPerSubslice", ctypes.c_uint32),
        ("numSubslicesPerSlice", ctypes.c_uint32),
        ("numSlices", ctypes.c_uint32),
        ("timerResolution", ctypes.c_uint64),
        ("timestampValidBits", ctypes.c_uint32),
        ("kernelTimestampValidBits", ctypes.c_uint32),
        ("uuid", ctypes.c_uint8 * 16),
        ("name", ctypes.c_char * 256),
    ]


def _check(function: str, code: int) -> None:
    if code != ZE_RESULT_SUCCESS:
        raise LibraryCallError(function, code, _RESULT_NAMES.get(code, ""))


class LevelZero:
    def __init__(self, system: str) -> None:
        if system == "Windows":
            import os

            root = os.environ.get("WINDIR", "C:\\Windows")
            candidates = [os.path.join(root, "System32", "ze_loader.dll")]
        else:
            candidates = ["libze_loader.so.1"]
        self._lib = open_first_library(candidates, "Level Zero (ze_loader)")

    def _handles(self, function: str, call: Callable[..., int]) -> list[int | None]:
        """A Level Zero "count, then fill" call for opaque handles (at most ``MAX_HANDLES``)."""
        count = ctypes.c_uint32(0)
        _check(function, call(ctypes.byref(count), None))
        size = min(int(count.value), MAX_HANDLES)
        if not size:
            return []
        handles = (ctypes.c_void_p * size)()
        count.value = size
        _check(function, call(ctypes.byref(count), handles))
        return [handles[i] for i in range(min(int(count.value), size))]

    def _drivers(self) -> list[int | None]:
        desc = _InitDriverTypeDesc()
        desc.stype = ZE_STRUCTURE_TYPE_INIT_DRIVER_TYPE_DESC
        desc.flags = ZE_INIT_DRIVER_TYPE_FLAG_GPU
        init_drivers = getattr(self._lib, "zeInitDrivers", None)
        if init_drivers is not None:  # Level Zero API 1.10 and later
            return self._handles("zeInitDrivers", lambda c, h: int(init_drivers(c, h, ctypes.byref(desc))))
        _check("zeInit", self._lib.zeInit(ctypes.c_uint32(ZE_INIT_DRIVER_TYPE_FLAG_GPU)))
        return self._handles("zeDriverGet", self._lib.zeDriverGet)

    def device_ips(self) -> list[list[int]]:
        answer: list[list[int]] = []
        device_get = self._lib.zeDeviceGet
        get_properties = self._lib.zeDeviceGetProperties
        for driver in self._drivers():
            devices = self._handles("zeDeviceGet", lambda c, h, d=driver: int(device_get(ctypes.c_void_p(d), c, h)))
            for device in devices:
                ip = _IpVersionExt()
                ip.stype = ZE_STRUCTURE_TYPE_DEVICE_IP_VERSION_EXT
                props = _DeviceProperties()
                props.stype = ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES
                props.pNext = ctypes.cast(ctypes.pointer(ip), ctypes.c_void_p)
                _check("zeDeviceGetProperties", get_properties(ctypes.c_void_p(device), ctypes.byref(props)))
                answer.append([int(props.vendorId), int(props.deviceId), int(ip.ipVersion)])
        return answer
