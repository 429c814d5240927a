"""Live bindings behind ``probe.library(...)``: part of the probe layer, never used on replay.

``PythonBinding`` answers about this interpreter (library ``python``);
``MpiBinding`` calls into one MPI library through ctypes, in an isolated child
(``variant_detect_mpi._native:MpiBinding``) so a library that crashes or hangs
on load costs a warning.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError

# MPICH and Intel MPI define MPI_MAX_LIBRARY_VERSION_STRING as 8192, Open MPI as 256.
VERSION_BUFFER = 16384


class PythonBinding:
    """Live answers about this interpreter; recorded as library ``python``."""

    def sys_paths(self) -> dict[str, object]:
        import sys

        return {"prefix": sys.prefix, "base_prefix": sys.base_prefix, "path": list(sys.path)}


class MpiBinding:
    """ctypes calls into one MPI library (live only). The library is opened on the
    first call, so a hanging constructor becomes a ProbeTimeout like any call."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._lib: object = None

    def _handle(self) -> object:
        if self._lib is None:
            import ctypes
            import os

            # mpi4py's modes: lazy binding, and local symbols on Linux so two MPIs never mix.
            mode = os.RTLD_LAZY | os.RTLD_LOCAL if hasattr(os, "RTLD_LAZY") else ctypes.DEFAULT_MODE
            try:
                self._lib = ctypes.CDLL(self._path, mode=mode)
            except OSError as exc:
                raise ProbeError(f"cannot load {self._path}: {exc}") from exc
        return self._lib

    def _function(self, name: str) -> object:
        try:
            return getattr(self._handle(), name)
        except AttributeError:
            raise ProbeError(f"{self._path} does not export {name}") from None

    def _two_ints(self, name: str) -> list[int]:
        import ctypes

        function = self._function(name)
        major, minor = ctypes.c_int(0), ctypes.c_int(0)
        code = function(ctypes.byref(major), ctypes.byref(minor))  # type: ignore[operator]
        if code:
            raise LibraryCallError(name, int(code), "MPI error")
        return [major.value, minor.value]

    def MPI_Get_version(self) -> list[int]:  # the C name, as recorded in calls.json
        return self._two_ints("MPI_Get_version")

    def MPI_Abi_get_version(self) -> list[int]:
        return self._two_ints("MPI_Abi_get_version")

    def MPI_Get_library_version(self) -> str:
        import ctypes

        function = self._function("MPI_Get_library_version")
        buffer = ctypes.create_string_buffer(VERSION_BUFFER)
        length = ctypes.c_int(0)
        code = function(buffer, ctypes.byref(length))  # type: ignore[operator]
        if code:
            raise LibraryCallError("MPI_Get_library_version", int(code), "MPI error")
        return buffer.value.decode("utf-8", "replace")

    def has_symbol(self, name: str) -> bool:
        return hasattr(self._handle(), name)
