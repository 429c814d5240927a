"""Pure parsing: raw sources in, features out. No I/O here.

Features, in priority order (docs/providers/opencl.md explains the design):

* ``gpu_version``: OpenCL versions some GPU device supports, highest first, with
  every lower version listed, so a wheel that needs "OpenCL >= 2.0 on a GPU"
  declares ``2.0`` and matches any machine listing it.
* ``gpu_vendor`` (multi-value): vendors of the GPU devices (``nvidia``, ``amd``,
  ``intel``, ...), first GPU first.
* ``device_type`` (multi-value): ``gpu``, ``accelerator``, ``cpu``, those present.
* ``version``: like ``gpu_version`` over devices of every type (a PoCL CPU counts).
"""

from __future__ import annotations

from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from variant_detect_opencl._probe import RawSources
    from variant_detect_opencl._table import Tables
    from variant_detect_runtime import Report


CL_DEVICE_TYPE = 0x1000
CL_DEVICE_VENDOR_ID = 0x1001
CL_DEVICE_NAME = 0x102B
CL_DEVICE_VERSION = 0x102F
CL_DEVICE_OPENCL_C_VERSION = 0x103D
CL_PLATFORM_NAME = 0x0902
CL_DEVICE_NOT_FOUND = -1
POCL_PLATFORM = "Portable Computing Language"
# PoCL's CPU drivers ("pthread", "basic", "cpu", "cpu-minimal"): always CPU devices.
POCL_CPU_PREFIXES = ("pthread", "basic", "cpu")
MAX_PLATFORMS = 64
MAX_DEVICES = 64
LOADER = "clGetPlatformIDs"
_DIGITS = frozenset("0123456789")


class Device:
    __slots__ = ("c_version", "kind", "name", "platform", "vendor_id", "version")

    def __init__(
        self,
        platform: str,
        name: str,
        kind: str,
        *,
        vendor_id: int,
        version: tuple[int, int],
        c_version: tuple[int, int] | None,
    ) -> None:
        self.platform = platform
        self.name = name
        self.kind = kind
        self.vendor_id = vendor_id
        self.version = version
        self.c_version = c_version


def parse_version(text: Any, prefix: str) -> tuple[int, int] | None:
    """``"OpenCL 3.0 CUDA 12.4"`` -> (3, 0); ``"OpenCL C 1.2 "`` with prefix ``OpenCL C``."""
    if not isinstance(text, str) or not text.startswith(prefix + " "):
        return None
    number = text[len(prefix) + 1 :].split(" ", 1)[0]
    major, _dot, minor = number.partition(".")
    if not (major and minor and _DIGITS.issuperset(major + minor) and len(major + minor) < 6):
        return None
    return int(major), int(minor)


def supported_versions(device: Device, tables: Tables) -> list[str]:
    """Every known version <= the device's, highest first.

    OpenCL 3.0 made all of 2.x optional: a 3.0 device counts as 2.x only if its
    compiler takes OpenCL C 2.0 or later (``CL_DEVICE_OPENCL_C_VERSION``).
    """
    out = []
    for text in tables.versions:
        major, minor = (int(p) for p in text.split("."))
        if (major, minor) > device.version:
            continue
        if major == 2 and device.version >= (3, 0) and (device.c_version or (0, 0)) < (2, 0):
            continue
        out.append(text)
    return out


def device_kind(bits: int, platform: str, name: str, tables: Tables) -> str | None:
    # PoCL's CPU driver is a CPU device whatever else its bits say: the issue of
    # pocl-binary-distribution, which pyopencl[pocl] installs, is a CPU-only
    # platform that must never make a machine look like it has a GPU.
    if platform == POCL_PLATFORM and name.lower().startswith(POCL_CPU_PREFIXES):
        return "cpu"
    if bits & 2:  # CL_DEVICE_TYPE_CPU wins over any other bit set beside it
        return "cpu"
    for kind, bit in tables.device_types:
        if bits & bit:
            return kind
    return None


def _error(value: Any) -> str | None:
    return str(value["error"]) if isinstance(value, dict) and "error" in value else None


def _device(platform: str, where: str, info: dict[int, Any], tables: Tables, report: Report) -> Device | None:
    name = info.get(CL_DEVICE_NAME)
    name = name.strip() if isinstance(name, str) else "?"
    failed = [_error(info.get(q)) for q in (CL_DEVICE_TYPE, CL_DEVICE_VERSION) if _error(info.get(q))]
    if failed:
        report.warn(where, f"device {name!r}: {failed[0]}; skipped")
        return None
    bits, version = info.get(CL_DEVICE_TYPE), parse_version(info.get(CL_DEVICE_VERSION), "OpenCL")
    if not isinstance(bits, int) or bits <= 0 or version is None:
        report.warn(where, f"device {name!r}: type {bits!r} / version {info.get(CL_DEVICE_VERSION)!r} unusable")
        return None
    kind = device_kind(bits, platform, name, tables)
    if kind is None:
        report.explain("device_type", where, f"device {name!r}: type bits {bits:#x} (custom device) not reported")
        return None
    vendor_id = info.get(CL_DEVICE_VENDOR_ID)
    c_version = parse_version(info.get(CL_DEVICE_OPENCL_C_VERSION), "OpenCL C")
    vendor = vendor_id if isinstance(vendor_id, int) else 0
    device = Device(platform, name, kind, vendor_id=vendor, version=version, c_version=c_version)
    report.explain("device_type", where, f"{kind} device {name!r}, OpenCL {version[0]}.{version[1]}")
    return device


def _count(value: Any, limit: int, source: str, report: Report) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > limit:
        report.warn(source, f"reported {value!r}; expected a count from 0 to {limit}; ignored")
        return 0
    return value


def platform_devices(index: int, platform: dict[str, Any], tables: Tables, report: Report) -> list[Device]:
    name = platform["info"].get(CL_PLATFORM_NAME)
    name = name.strip() if isinstance(name, str) else f"platform {index}"
    where = f"clGetDeviceIDs(platform {index}: {name})"
    answer = platform.get("devices")
    if isinstance(answer, dict):
        if answer.get("code") == CL_DEVICE_NOT_FOUND:
            report.explain("device_type", where, "platform has no devices")
        else:
            report.warn(where, str(answer.get("error")))
        return []
    count = _count(answer, MAX_DEVICES, where, report)
    devices = []
    for d, info in enumerate(platform["device_info"][:count]):
        device = _device(name, f"clGetDeviceInfo(platform {index}: {name}, device {d})", info, tables, report)
        if device is not None:
            devices.append(device)
    return devices


def devices(raw: RawSources, tables: Tables, report: Report) -> list[Device]:
    if raw.load_error is not None:
        icds = ", ".join(f"{path} -> {library}" for path, library, _e in raw.icds) or "pyopencl"
        report.warn("OpenCL ICD loader", f"{raw.load_error} (ICDs: {icds})")
        return []
    answer = raw.platform_count
    if isinstance(answer, dict):
        icds = ", ".join(f"{path} -> {library}" for path, library, _e in raw.icds) or "none"
        report.warn(LOADER, f"{answer.get('error')}: no platform loaded (ICDs: {icds})")
        return []
    count = _count(answer, MAX_PLATFORMS, LOADER, report)
    found = []
    for index, platform in enumerate(raw.platforms[:count]):
        found.extend(platform_devices(index, platform, tables, report))
    return found


def _union_versions(chosen: list[Device], tables: Tables) -> list[str]:
    present = {v for device in chosen for v in supported_versions(device, tables)}
    return [v for v in tables.versions if v in present]


def gpu_vendors(gpus: list[Device], tables: Tables, report: Report) -> list[str]:
    names: list[str] = []
    for gpu in gpus:
        vendor = tables.vendors.get(gpu.vendor_id)
        if vendor is None:
            report.explain("gpu_vendor", "clGetDeviceInfo", f"{gpu.name!r}: vendor id {gpu.vendor_id:#x} unknown")
        elif vendor not in names:
            names.append(vendor)
    return names


def features_of(found: list[Device], tables: Tables, report: Report) -> list[Feature]:
    gpus = [d for d in found if d.kind == "gpu"]
    out = []
    gpu_versions = _union_versions(gpus, tables)
    if gpu_versions:
        out.append(Feature("gpu_version", gpu_versions))
    vendors = gpu_vendors(gpus, tables, report)
    if vendors:
        out.append(Feature("gpu_vendor", vendors, multi_value=True))
    kinds = [kind for kind, _bit in tables.device_types if any(d.kind == kind for d in found)]
    if kinds:
        out.append(Feature("device_type", kinds, multi_value=True))
    versions = _union_versions(found, tables)
    if versions:
        out.append(Feature("version", versions))
    return out


def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    for path, _library, error in raw.icds:
        if error is not None:
            report.warn(path, f"cannot read ICD file: {error}")
    return features_of(devices(raw, tables, report), tables, report)


def nothing_found(raw: RawSources) -> bool:
    """No ICD, no pyopencl, no query: no OpenCL. Checked before loading the tables."""
    return not raw.icds and not raw.pyopencl and raw.platform_count is None and raw.load_error is None
