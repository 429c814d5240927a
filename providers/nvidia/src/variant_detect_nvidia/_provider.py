"""The nvidia provider: CUDA driver version bounds, then SM architectures."""

from __future__ import annotations

from variant_detect_nvidia import _probe
from variant_detect_runtime import Provider

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Feature, Probe, Report


FORCE_CUDA_ENV = _probe.FORCE_CUDA_ENV
FORCE_SM_ENV = _probe.FORCE_SM_ENV


class NvidiaProvider(Provider[_probe.RawSources]):
    namespace = "nvidia"
    # Value lists equal nvidia-variant-provider's (commit ffea5d3, released as
    # 0.0.1 and 0.0.2) and uv 0.13.8's builtin, checked by the interop tests.
    stands_in_for = ("nvidia-variant-provider==0.0.1", "nvidia-variant-provider==0.0.2")
    distribution = "variant-detect-nvidia"
    version = "0.1.0"
    sources = (
        "/proc/driver/nvidia/version, /dev/nvidia*, /dev/dxg, Jetson markers (is a driver there?)",
        "NVML via ctypes: libnvidia-ml.so.1 / nvml.dll",
        "CUDA driver API via ctypes: libcuda.so.1 / nvcuda.dll (fallback and checks)",
        "/proc/driver/nvidia/version + driver branch table (last resort)",
    )

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report)

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        if not raw.present and not (raw.force_cuda or raw.force_sm):
            # The common case on the start-up path: no driver, nothing forced.
            # Skip the table (json) and the parsing modules altogether.
            report.explain("cuda_version_lower_bound", "driver", _probe.absent_text(raw))
            return []
        from variant_detect_nvidia import _parse, _table

        return _parse.parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        """``NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION`` / ``..._FORCE_SM_ARCH`` (see ``_override``)."""
        if not (probe.getenv(FORCE_CUDA_ENV) or probe.getenv(FORCE_SM_ENV)):
            return features  # the start-up path: no override module, no table
        from variant_detect_nvidia import _override

        return _override.apply(features, probe, report)

    def all_features(self) -> list[Feature]:
        from variant_detect_nvidia import _parse, _table

        return _parse.all_features(_table.load())
