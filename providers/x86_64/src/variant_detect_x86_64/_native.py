"""The x86_64 provider's native bindings, live only (off Linux): ``probe.library`` loads them.

``Libc``: ``sysctlbyname`` (macOS). ``Kernel32``: ``IsProcessorFeaturePresent``
(Windows). ``CpuidStub``: CPUID and XGETBV from Python, a 40-byte machine-code stub.

Why this is safe to run in-process (the issue asked for isolation or a reason):
the stub's memory is W^X, never writable and executable at once. It is
allocated read-write, filled, then switched to read-execute with
``VirtualProtect`` (Windows) or ``mprotect`` (elsewhere), and every one of those
calls is checked. A policy that forbids executable memory (Windows ACG /
``ERROR_DYNAMIC_CODE_BLOCKED``, SELinux ``execmem``, PaX MPROTECT) makes one of
them *fail with an error code*, which becomes a ``ProbeError`` and the
IsProcessorFeaturePresent fallback; the stub only runs once the protection
change has succeeded. CPUID and XGETBV(0) cannot fault in user mode on x86-64,
except XGETBV when the OS has not set CR4.OSXSAVE, which the probe checks
(CPUID.1:ECX[27]) before asking. A subprocess would cost a whole interpreter
start (~30 ms) on every install for no additional protection.
"""

from __future__ import annotations

import sys

from variant_detect_runtime import LibraryCallError, ProbeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# void cpuid(uint32 leaf, uint32 subleaf, uint32 out[4]) and uint64 xgetbv(uint32 xcr)
_WIN64_CPUID = bytes.fromhex("5389c889d10fa241890041895804418948084189500c5bc3")
_SYSV_CPUID = bytes.fromhex("534989d089f889f10fa241890041895804418948084189500c5bc3")
_WIN64_XGETBV = bytes.fromhex("0f01d048c1e2204809d0c3")
_SYSV_XGETBV = bytes.fromhex("89f90f01d048c1e2204809d0c3")


class CpuidStub:
    def __init__(self) -> None:
        import ctypes

        if sys.maxsize < 2**32:
            raise ProbeError("a 32-bit interpreter has no x86-64 CPUID stub")
        self._ctypes = ctypes
        windows = sys.platform == "win32"
        code_cpuid, code_xgetbv = (_WIN64_CPUID, _WIN64_XGETBV) if windows else (_SYSV_CPUID, _SYSV_XGETBV)
        self._keep: list[Any] = []
        address = self._executable(code_cpuid + bytes(-len(code_cpuid) % 16) + code_xgetbv)
        offset = len(code_cpuid) + (-len(code_cpuid) % 16)
        u32p = ctypes.POINTER(ctypes.c_uint32)
        self._cpuid = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_uint32, u32p)(address)
        self._xgetbv = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_uint32)(address + offset)

    def _executable(self, code: bytes) -> int:
        if sys.platform == "win32":
            return self._windows_page(code)
        return self._posix_page(code)

    def _windows_page(self, code: bytes) -> int:
        ctypes = self._ctypes
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.VirtualAlloc.restype = ctypes.c_void_p
        kernel32.VirtualAlloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_uint32]
        kernel32.VirtualProtect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_void_p]
        address = kernel32.VirtualAlloc(None, 4096, 0x3000, 0x04)  # MEM_COMMIT|MEM_RESERVE, PAGE_READWRITE
        if not address:
            raise ProbeError(f"VirtualAlloc failed (error {ctypes.get_last_error()})")
        ctypes.memmove(address, code, len(code))
        old = ctypes.c_uint32(0)
        if not kernel32.VirtualProtect(address, 4096, 0x20, ctypes.byref(old)):  # PAGE_EXECUTE_READ
            error = ctypes.get_last_error()
            raise ProbeError(f"VirtualProtect(PAGE_EXECUTE_READ) refused (error {error})")
        return int(address)

    def _posix_page(self, code: bytes) -> int:
        import mmap

        ctypes = self._ctypes
        page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
        page.write(code)
        address = ctypes.addressof(ctypes.c_char.from_buffer(page))
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        if libc.mprotect(address, mmap.PAGESIZE, mmap.PROT_READ | mmap.PROT_EXEC) != 0:
            raise ProbeError(f"mprotect(PROT_READ|PROT_EXEC) refused (errno {ctypes.get_errno()})")
        self._keep.append(page)
        return int(address)

    def cpuid(self, leaf: int, subleaf: int) -> list[int]:
        out = (self._ctypes.c_uint32 * 4)()
        self._cpuid(leaf, subleaf, out)
        return [int(v) for v in out]

    def xgetbv(self, register: int) -> int:
        return int(self._xgetbv(register))


class Libc:
    def __init__(self) -> None:
        import ctypes

        self._ctypes = ctypes
        self._function = ctypes.CDLL(None, use_errno=True).sysctlbyname

    def sysctlbyname(self, name: str) -> int | str:
        ctypes = self._ctypes
        size = ctypes.c_size_t(0)
        key = name.encode()
        if self._function(key, None, ctypes.byref(size), None, ctypes.c_size_t(0)) != 0:
            self._raise()
        buffer = ctypes.create_string_buffer(size.value)
        if self._function(key, buffer, ctypes.byref(size), None, ctypes.c_size_t(0)) != 0:
            self._raise()
        data: bytes = buffer.raw[: size.value]
        if name.startswith(("hw.", "sysctl.")) and size.value in (4, 8):
            return int.from_bytes(data, "little", signed=True)
        return data.rstrip(b"\0").decode("utf-8", errors="replace")

    def _raise(self) -> None:
        import errno

        code = self._ctypes.get_errno()
        raise LibraryCallError("sysctlbyname", code, errno.errorcode.get(code, ""))


class Kernel32:
    def __init__(self) -> None:
        import ctypes

        self._function: Any = ctypes.WinDLL("kernel32").IsProcessorFeaturePresent  # type: ignore[attr-defined]

    def IsProcessorFeaturePresent(self, feature: int) -> int:
        return 1 if self._function(feature) else 0
