"""The opencl provider: OpenCL versions, GPU vendors and device types on this machine."""

from __future__ import annotations

from variant_detect_opencl import _parse, _probe
from variant_detect_runtime import Feature, Provider

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report


class OpenCLProvider(Provider[_probe.RawSources]):
    namespace = "opencl"
    distribution = "variant-detect-opencl"
    version = "0.1.0"
    sources = (
        "ICD registry: /etc/OpenCL/vendors/*.icd, OCL_ICD_VENDORS, OPENCL_VENDOR_PATH, OCL_ICD_FILENAMES",
        "OpenCL ICD loader (libOpenCL.so.1, OpenCL.framework, OpenCL.dll) through ctypes, in a child process",
        "pyopencl (optional extra), in the same child process, when the system has no loader",
    )

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report)

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        if _parse.nothing_found(raw):
            report.explain("*", "ICD registry", f"no OpenCL ICD registered ({raw.registry or raw.system})")
            return []
        from variant_detect_opencl import _table

        return _parse.parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        """``VARIANT_DETECT_OPENCL_GPU_VERSION`` / ``..._GPU_VENDOR`` (see ``_override``)."""
        if not (probe.getenv(_probe.GPU_VERSION_ENV) or probe.getenv(_probe.GPU_VENDOR_ENV)):
            return features  # the start-up path: no override module, no table
        from variant_detect_opencl import _override

        return _override.apply(features, probe, report)

    def all_features(self) -> list[Feature]:
        from variant_detect_opencl import _table

        tables = _table.load()
        kinds = [kind for kind, _bit in tables.device_types]
        return [
            Feature("gpu_version", tables.versions),
            Feature("gpu_vendor", tables.vendor_names, multi_value=True),
            Feature("device_type", kinds, multi_value=True),
            Feature("version", tables.versions),
        ]
