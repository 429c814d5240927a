"""``VARIANT_DETECT_OPENCL_GPU_VERSION`` / ``..._GPU_VENDOR``: describe a GPU that is not here.

For build hosts and CI runners without the GPU a wheel targets: the profile
then says an OpenCL GPU of that version (and vendor) is present. A bad value
is a warning and changes nothing.
"""

from __future__ import annotations

from variant_detect_opencl._probe import GPU_VENDOR_ENV, GPU_VERSION_ENV
from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_opencl._table import Tables
    from variant_detect_runtime import Probe, Report


VERSION_ENV = GPU_VERSION_ENV
VENDOR_ENV = GPU_VENDOR_ENV


def _versions(value: str, tables: Tables, report: Report) -> list[str] | None:
    text = value.strip()
    if text not in tables.versions:
        report.warn(VERSION_ENV, f"expected one of {', '.join(tables.versions)}, got {value!r}; ignored")
        return None
    # A forced GPU is taken at its word: every lower version, 2.x included.
    return tables.versions[tables.versions.index(text) :]


def _vendors(value: str, tables: Tables, report: Report) -> list[str] | None:
    names = [v.strip().lower() for v in value.replace(";", ",").split(",") if v.strip()]
    bad = [n for n in names if n not in tables.vendor_names]
    if bad or not names:
        report.warn(VENDOR_ENV, f"expected names from {', '.join(tables.vendor_names)}, got {value!r}; ignored")
        return None
    return list(dict.fromkeys(names))


def _merge(values: list[str], order: list[str], extra: list[str]) -> list[str]:
    present = set(values) | set(extra)
    return [v for v in order if v in present]


def apply(features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
    """The provider's ``apply_overrides``: a forced GPU version and/or vendor."""
    version, vendor = probe.getenv(VERSION_ENV), probe.getenv(VENDOR_ENV)
    if not version and not vendor:
        return features
    from variant_detect_opencl import _table

    return _forced(features, version, vendor, _table.load(), report)


def _forced(
    features: list[Feature], version: str | None, vendor: str | None, tables: Tables, report: Report
) -> list[Feature]:
    current = {name: list(values) for name, values, _multi in features}
    versions = _versions(version, tables, report) if version else None
    vendors = _vendors(vendor, tables, report) if vendor else None
    if versions is None and vendors is None:
        return features
    if versions is not None:
        current["gpu_version"] = versions
        current["version"] = _merge(current.get("version", []), tables.versions, versions)
        report.override(VERSION_ENV, version or "", f"gpu_version = {' '.join(versions)}")
    if vendors is not None:
        current["gpu_vendor"] = vendors
        report.override(VENDOR_ENV, vendor or "", f"gpu_vendor = {' '.join(vendors)}")
    kinds = [kind for kind, _bit in tables.device_types]
    current["device_type"] = _merge(current.get("device_type", []), kinds, ["gpu"])
    out = []
    for name, multi in (("gpu_version", False), ("gpu_vendor", True), ("device_type", True), ("version", False)):
        if current.get(name):
            out.append(Feature(name, current[name], multi_value=multi))
    return out
