"""ctypes bindings of NVML and the CUDA driver API, used only on a live machine.

The probe seam calls these objects' methods by name; arguments and results are
JSON values (device indices stand in for handles), so a fixture's calls.json
answers the same calls on replay. ``ctypes`` is imported only when a loader
runs, which happens only after ``_probe`` has seen signs of an NVIDIA driver.
Error codes become :class:`LibraryCallError` with the library's own number.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError, open_first_library

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ctypes
    from collections.abc import Sequence

# nvml.h: NVML_DEVICE_UUID_V2_BUFFER_SIZE, NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE
_UUID_BUFFER = 96
_VERSION_BUFFER = 80


class Nvml:
    """NVML through ctypes: the calls the nvidia provider makes, nothing more."""

    def __init__(self, candidates: Sequence[str]) -> None:
        self._lib = open_first_library(candidates, "NVML")

    def _check(self, function: str, rc: int) -> None:
        if rc != 0:
            raise LibraryCallError(function, rc)

    def _call(self, function: str, *args: object) -> None:
        try:
            func = getattr(self._lib, function)
        except AttributeError:
            raise LibraryCallError(function, 13, "NVML_ERROR_FUNCTION_NOT_FOUND") from None
        self._check(function, func(*args))

    def _handle(self, function: str, index: int, mig: int | None = None) -> ctypes.c_void_p:
        import ctypes

        handle = ctypes.c_void_p()
        try:
            self._call("nvmlDeviceGetHandleByIndex_v2", ctypes.c_uint(index), ctypes.byref(handle))
            if mig is not None:
                parent = handle
                handle = ctypes.c_void_p()
                self._call("nvmlDeviceGetMigDeviceHandleByIndex", parent, ctypes.c_uint(mig), ctypes.byref(handle))
        except LibraryCallError as exc:  # reported under the call the caller asked for
            raise LibraryCallError(function, exc.code, exc.name) from None
        return handle

    def nvmlInitWithFlags(self, flags: int) -> None:
        import ctypes

        self._call("nvmlInitWithFlags", ctypes.c_uint(flags))

    def nvmlSystemGetDriverVersion(self) -> str:
        import ctypes

        buffer = ctypes.create_string_buffer(_VERSION_BUFFER)
        self._call("nvmlSystemGetDriverVersion", buffer, ctypes.c_uint(_VERSION_BUFFER))
        return buffer.value.decode("utf-8", errors="replace")

    def _int_out(self, function: str, *args: object) -> int:
        import ctypes

        value = ctypes.c_int()
        self._call(function, *args, ctypes.byref(value))
        return value.value

    def nvmlSystemGetCudaDriverVersion_v2(self) -> int:
        return self._int_out("nvmlSystemGetCudaDriverVersion_v2")

    def nvmlSystemGetCudaDriverVersion(self) -> int:
        return self._int_out("nvmlSystemGetCudaDriverVersion")

    def nvmlDeviceGetCount_v2(self) -> int:
        return self._int_out("nvmlDeviceGetCount_v2")

    def nvmlDeviceGetCudaComputeCapability(self, index: int) -> list[int]:
        import ctypes

        handle = self._handle("nvmlDeviceGetCudaComputeCapability", index)
        major, minor = ctypes.c_int(), ctypes.c_int()
        self._call("nvmlDeviceGetCudaComputeCapability", handle, ctypes.byref(major), ctypes.byref(minor))
        return [major.value, minor.value]

    def nvmlDeviceGetUUID(self, index: int, mig: int | None = None) -> str:
        import ctypes

        handle = self._handle("nvmlDeviceGetUUID", index, mig)
        buffer = ctypes.create_string_buffer(_UUID_BUFFER)
        self._call("nvmlDeviceGetUUID", handle, buffer, ctypes.c_uint(_UUID_BUFFER))
        return buffer.value.decode("ascii", errors="replace")

    def nvmlDeviceGetPciInfo(self, index: int) -> str:
        """The PCI bus id, ``00000000:17:00.0`` (nvmlPciInfo_t.busId)."""
        import ctypes

        class PciInfo(ctypes.Structure):  # nvml.h nvmlPciInfo_t (v3)
            _fields_ = (
                ("busIdLegacy", ctypes.c_char * 16),
                ("domain", ctypes.c_uint),
                ("bus", ctypes.c_uint),
                ("device", ctypes.c_uint),
                ("pciDeviceId", ctypes.c_uint),
                ("pciSubSystemId", ctypes.c_uint),
                ("busId", ctypes.c_char * 32),
            )

        handle = self._handle("nvmlDeviceGetPciInfo", index)
        info = PciInfo()
        self._call("nvmlDeviceGetPciInfo_v3", handle, ctypes.byref(info))
        bus_id: bytes = info.busId
        return bus_id.decode("ascii", errors="replace")

    def nvmlDeviceGetMigMode(self, index: int) -> list[int]:
        import ctypes

        handle = self._handle("nvmlDeviceGetMigMode", index)
        current, pending = ctypes.c_uint(), ctypes.c_uint()
        self._call("nvmlDeviceGetMigMode", handle, ctypes.byref(current), ctypes.byref(pending))
        return [current.value, pending.value]

    def nvmlDeviceGetMaxMigDeviceCount(self, index: int) -> int:
        import ctypes

        handle = self._handle("nvmlDeviceGetMaxMigDeviceCount", index)
        count = ctypes.c_uint()
        self._call("nvmlDeviceGetMaxMigDeviceCount", handle, ctypes.byref(count))
        return count.value


class Cuda:
    """The CUDA driver API (libcuda) through ctypes."""

    def __init__(self, candidates: Sequence[str]) -> None:
        self._lib = open_first_library(candidates, "libcuda")

    def _call(self, function: str, *args: object) -> None:
        try:
            func = getattr(self._lib, function)
        except AttributeError:
            raise ProbeError(f"libcuda has no {function}") from None
        rc = func(*args)
        if rc != 0:
            raise LibraryCallError(function, rc)

    def cuDriverGetVersion(self) -> int:
        import ctypes

        value = ctypes.c_int()
        self._call("cuDriverGetVersion", ctypes.byref(value))
        return value.value

    def cuInit(self, flags: int) -> None:
        import ctypes

        self._call("cuInit", ctypes.c_uint(flags))

    def cuDeviceGetCount(self) -> int:
        import ctypes

        value = ctypes.c_int()
        self._call("cuDeviceGetCount", ctypes.byref(value))
        return value.value

    def cuDeviceGetAttribute(self, attribute: int, ordinal: int) -> int:
        import ctypes

        device, value = ctypes.c_int(), ctypes.c_int()
        self._call("cuDeviceGet", ctypes.byref(device), ctypes.c_int(ordinal))
        self._call("cuDeviceGetAttribute", ctypes.byref(value), ctypes.c_int(attribute), device)
        return value.value
