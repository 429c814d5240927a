"""Live bindings behind ``probe.library(...)``: part of the probe layer, never used on replay.

``Libc``: ``getauxval`` (Linux) and ``sysctlbyname`` (macOS). ``Kernel32``:
``IsProcessorFeaturePresent`` (Windows on Arm).
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError


class Libc:
    """ctypes view of the C library: getauxval (Linux) and sysctlbyname (macOS)."""

    def __init__(self) -> None:
        import ctypes

        self._ctypes = ctypes
        self._lib = ctypes.CDLL(None, use_errno=True)

    def getauxval(self, kind: int) -> int:
        ctypes = self._ctypes
        function = self._lib.getauxval
        function.restype, function.argtypes = ctypes.c_ulong, [ctypes.c_ulong]
        return int(function(kind))

    def sysctlbyname(self, name: str) -> int | str:
        ctypes = self._ctypes
        function = self._lib.sysctlbyname
        size = ctypes.c_size_t(0)
        key = name.encode()
        if function(key, None, ctypes.byref(size), None, ctypes.c_size_t(0)) != 0:
            self._raise(name)
        buffer = ctypes.create_string_buffer(size.value)
        if function(key, buffer, ctypes.byref(size), None, ctypes.c_size_t(0)) != 0:
            self._raise(name)
        data: bytes = buffer.raw[: size.value]
        if size.value in (4, 8) and name.startswith(("hw.", "sysctl.")):
            return int.from_bytes(data, "little", signed=True)
        return data.rstrip(b"\0").decode("utf-8", errors="replace")

    def _raise(self, name: str) -> None:
        import errno

        code = self._ctypes.get_errno()
        raise LibraryCallError("sysctlbyname", code, errno.errorcode.get(code, ""))


class Kernel32:
    def __init__(self) -> None:
        import ctypes

        self._function = ctypes.WinDLL("kernel32").IsProcessorFeaturePresent  # type: ignore[attr-defined]

    def IsProcessorFeaturePresent(self, feature: int) -> int:
        return 1 if self._function(feature) else 0
