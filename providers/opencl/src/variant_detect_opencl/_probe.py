"""What the opencl provider reads, through the probe seam only.

Cheap first: the ICD registry (``.icd`` files, as the ocl-icd and Khronos
loaders find them) decides whether OpenCL can have any platform here. Only then
is the ``opencl`` library asked, and its binding (``_native``) runs the
real query in a child process under a timeout.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from variant_detect_runtime import Probe, Report

VENDORS_DIR = "/etc/OpenCL/vendors"
MACOS_FRAMEWORK = "/System/Library/Frameworks/OpenCL.framework"
WINDOWS_LOADER = "C:\\Windows\\System32\\OpenCL.dll"
ENV_NAMES = ("OCL_ICD_VENDORS", "OPENCL_VENDOR_PATH", "OCL_ICD_FILENAMES")
# The override variables, read by the provider's apply_overrides (_override), not by collect.
GPU_VERSION_ENV = "VARIANT_DETECT_OPENCL_GPU_VERSION"
GPU_VENDOR_ENV = "VARIANT_DETECT_OPENCL_GPU_VENDOR"
ICD_LIMIT = 4096
# Vendor ICDs initialise inside clGetPlatformIDs; NVIDIA's and ROCm's take
# seconds on a cold machine. A hung one costs this long, once.
QUERY_TIMEOUT = 20.0

# Parameter codes (cl.h); the child (_query) asks for the same ones.
PLATFORM_PARAMS = (0x0900, 0x0901, 0x0902, 0x0903)
DEVICE_PARAMS = (0x1000, 0x1001, 0x102B, 0x102C, 0x102D, 0x102F, 0x103D)
MAX_PLATFORMS = 64
MAX_DEVICES = 64


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = ("env", "icds", "load_error", "platform_count", "platforms", "pyopencl", "registry", "system")

    def __init__(self, system: str) -> None:
        self.system = system
        self.env: dict[str, str] = {}
        #: where ICDs were looked for (a directory, a file or a variable)
        self.registry = ""
        #: (path or variable, first line of the .icd file or None, error or None)
        self.icds: list[tuple[str, str | None, str | None]] = []
        self.pyopencl = False
        self.load_error: str | None = None
        #: clGetPlatformIDs answer: a count, or an error string
        self.platform_count: Any = None
        #: per platform: {"info": {param: answer}, "devices": count-or-error, "device_info": [{param: answer}]}
        self.platforms: list[dict[str, Any]] = []


def _read_icd(probe: Probe, path: str, raw: RawSources) -> None:
    try:
        text = probe.read_bytes(path, ICD_LIMIT).decode("utf-8", errors="replace")
    except OSError as exc:
        raw.icds.append((path, None, exc.strerror or str(exc)))
        return
    raw.icds.append((path, (text.strip().splitlines() or [""])[0].strip(), None))


def _scan_dir(probe: Probe, directory: str, raw: RawSources) -> None:
    raw.registry = directory
    try:
        names = probe.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.endswith(".icd"):
            _read_icd(probe, f"{directory.rstrip('/')}/{name}", raw)


def _find_icds(probe: Probe, raw: RawSources) -> None:
    """The ICDs a loader would try, per the ocl-icd libOpenCL(7) and Khronos loader rules."""
    vendors = raw.env.get("OCL_ICD_VENDORS", "")
    if vendors and vendors.endswith(".icd"):
        # A bare file name is looked up in the default directory.
        path = vendors if "/" in vendors else f"{VENDORS_DIR}/{vendors}"
        raw.registry = "OCL_ICD_VENDORS"
        _read_icd(probe, path, raw)
    elif vendors and probe.exists(vendors):
        _scan_dir(probe, vendors, raw)
    elif vendors:
        raw.registry = "OCL_ICD_VENDORS"  # ocl-icd: anything else is a library to load
        raw.icds.append(("OCL_ICD_VENDORS", vendors, None))
    else:
        _scan_dir(probe, raw.env.get("OPENCL_VENDOR_PATH") or VENDORS_DIR, raw)
    for library in raw.env.get("OCL_ICD_FILENAMES", "").split(":"):  # Khronos loader
        if library:
            raw.icds.append(("OCL_ICD_FILENAMES", library, None))


def _loader_present(probe: Probe, raw: RawSources) -> bool:
    if raw.system == "Darwin":
        return probe.exists(MACOS_FRAMEWORK)
    if raw.system == "Windows":
        return probe.exists(WINDOWS_LOADER)
    _find_icds(probe, raw)
    if raw.icds:
        return True
    from variant_detect_opencl import _native

    try:
        raw.pyopencl = bool(probe.library("pyopencl", _native.Pyopencl).call("installed"))
    except (ProbeError, OSError):
        raw.pyopencl = False
    return raw.pyopencl


def _answer(call: Any) -> Any:
    """A call's answer, or ``{"error": ...}`` describing its failure."""
    try:
        return call()
    except LibraryCallError as exc:
        return {"error": str(exc), "code": exc.code}
    except (ProbeError, OSError) as exc:
        return {"error": str(exc)}


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _enumerate(probe: Probe, raw: RawSources) -> None:
    from variant_detect_opencl import _native

    library = probe.library("opencl", lambda: _native.IsolatedOpenCL(QUERY_TIMEOUT))
    try:
        raw.platform_count = library.call("clGetPlatformIDs", timeout=QUERY_TIMEOUT)
    except LibraryCallError as exc:
        raw.platform_count = {"error": str(exc), "code": exc.code}
        return
    except (ProbeError, OSError) as exc:
        raw.load_error = str(exc)
        return
    count = _count(raw.platform_count)
    for p in range(count if count <= MAX_PLATFORMS else 0):
        platform: dict[str, Any] = {"info": {}, "device_info": []}
        for param in PLATFORM_PARAMS:
            platform["info"][param] = _answer(lambda p=p, q=param: library.call("clGetPlatformInfo", p, q))
        platform["devices"] = _answer(lambda p=p: library.call("clGetDeviceIDs", p))
        devices = _count(platform["devices"])
        for d in range(devices if devices <= MAX_DEVICES else 0):
            info = {q: _answer(lambda p=p, d=d, q=q: library.call("clGetDeviceInfo", p, d, q)) for q in DEVICE_PARAMS}
            platform["device_info"].append(info)
        raw.platforms.append(platform)


def collect(probe: Probe, report: Report) -> RawSources:
    raw = RawSources(probe.identity.system)
    for name in ENV_NAMES:
        value = probe.getenv(name)
        if value is not None:
            raw.env[name] = value
    if _loader_present(probe, raw):
        _enumerate(probe, raw)
    return raw
