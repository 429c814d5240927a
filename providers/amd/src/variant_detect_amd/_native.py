"""Live bindings behind ``probe.library(...)``: part of the probe layer.

Each class is a loader's product: constructing it loads the library (raising
``ProbeError`` when it is not there) and its methods make the real calls,
taking and returning JSON values only. They run only on a live machine; a
fixture answers the same calls from its ``calls.json``.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError, open_first_library

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class RocmCore:
    """``librocm-core``: ``VerErrors getROCmVersion(uint32_t*, uint32_t*, uint32_t*)``."""

    def __init__(self, rocm_path: str) -> None:
        self._lib = open_first_library([f"{rocm_path}/lib/librocm-core.so.1", "librocm-core.so.1"], "rocm-core")

    def getROCmVersion(self) -> list[int]:
        import ctypes

        parts = [ctypes.c_uint32(0) for _ in range(3)]
        function = self._lib.getROCmVersion
        function.restype = ctypes.c_int
        code = function(*(ctypes.byref(p) for p in parts))
        if code != 0:
            raise LibraryCallError("getROCmVersion", code)
        return [p.value for p in parts]


class Hip:
    """``libamdhip64``: ``hipError_t hipRuntimeGetVersion(int*)``."""

    def __init__(self, rocm_path: str) -> None:
        names = ["libamdhip64.so.7", "libamdhip64.so.6", "libamdhip64.so"]
        self._lib = open_first_library([f"{rocm_path}/lib/{n}" for n in names] + names, "hip")

    def hipRuntimeGetVersion(self) -> int:
        import ctypes

        version = ctypes.c_int(0)
        function = self._lib.hipRuntimeGetVersion
        function.restype = ctypes.c_int
        code = function(ctypes.byref(version))
        if code != 0:
            raise LibraryCallError("hipRuntimeGetVersion", code)
        return version.value


class AmdSmi:
    """The optional ``amdsmi`` package (extra ``variant-detect-amd[amdsmi]``).

    Without ROCm's ``libamd_smi.so`` its import prints to stdout and raises
    ``KeyError: 'libamd_smi.so'``. stdout belongs to variantlib's JSON
    protocol, so file descriptor 1 points at /dev/null during the import and
    any exception becomes a ProbeError.
    """

    def __init__(self) -> None:
        import importlib.machinery

        if importlib.machinery.PathFinder.find_spec("amdsmi") is None:
            raise ProbeError("cannot load amdsmi: package not installed")
        self._module = _quiet(_import_amdsmi)

    def gfx_targets(self) -> list[str]:
        return _quiet(lambda: _gfx_targets(self._module))  # type: ignore[no-any-return]


def _import_amdsmi() -> object:
    import importlib

    return importlib.import_module("amdsmi")


def _gfx_targets(module: Any) -> list[str]:
    module.amdsmi_init()
    try:
        handles = module.amdsmi_get_processor_handles()
        return [str(module.amdsmi_get_gpu_asic_info(h)["target_graphics_version"]) for h in handles]
    finally:
        module.amdsmi_shut_down()


def _quiet(function: Callable[[], Any]) -> Any:
    """Run *function* with stdout (fd 1 and sys.stdout) sent to /dev/null; errors -> ProbeError."""
    import contextlib
    import io
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        with contextlib.redirect_stdout(io.StringIO()):
            return function()
    except Exception as exc:  # amdsmi raises KeyError, OSError, its own errors
        raise ProbeError(f"cannot load amdsmi: {type(exc).__name__}: {exc}") from exc
    finally:
        os.dup2(saved, 1)
        os.close(saved)
