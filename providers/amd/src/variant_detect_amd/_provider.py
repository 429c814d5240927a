"""The amd provider: GPU targets (``gfx_arch``) and the ROCm release (``rocm_version``)."""

from __future__ import annotations

from variant_detect_amd import _parse, _probe, _table
from variant_detect_runtime import Feature, Provider

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report


class AMDProvider(Provider[_probe.RawSources]):
    namespace = "amd"
    distribution = "variant-detect-amd"
    version = "0.1.0"
    sources = (
        "/sys/class/kfd/kfd/topology/nodes/*/properties (gfx_target_version, drm_render_minor, unique_id)",
        "/dev/kfd and /dev/dri/renderD* access",
        "ROCR_VISIBLE_DEVICES, HIP_VISIBLE_DEVICES / CUDA_VISIBLE_DEVICES",
        "$ROCM_PATH/.info/version, /opt/rocm/.info/version",
        "librocm-core getROCmVersion, libamdhip64 hipRuntimeGetVersion (ctypes)",
        "fallback when /dev/kfd exists but the topology cannot be read: amdsmi, rocm_agent_enumerator -name, rocminfo",
    )

    # Our own answer is amd-variant-provider 0.0.2's (gh:wheelnext/amd-variant-provider
    # plugin.py: gfx_arch then rocm_version, same values and order on the cases compared;
    # docs/providers/amd.md), so it answers as itself: no `standin()`.
    stands_in_for = ("amd-variant-provider==0.0.2",)

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report)

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        if _parse.nothing_found(raw):
            report.explain("*", _parse.NODES, "no KFD topology and no /dev/kfd: no AMD compute GPU")
            return []
        return _parse.parse(raw, _table.load(), report)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        """``AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH`` / ``..._FORCE_ROCM_VERSION`` (see ``_override``)."""
        if not any(probe.getenv(name) for name in (*_probe.FORCE_GFX_ENV, *_probe.FORCE_ROCM_ENV)):
            return features  # the start-up path: no override module, no table
        from variant_detect_amd import _override

        return _override.apply(features, probe, report)

    def all_features(self) -> list[Feature]:
        tables = _table.load()
        return [
            Feature(_parse.GFX, tables.target_names, multi_value=True),
            Feature(_parse.ROCM, tables.rocm_versions),
        ]
