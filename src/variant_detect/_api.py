"""Library entry point: detect the machine's profile from Python."""

from __future__ import annotations

from variant_detect._profile import build_profile
from variant_detect_runtime import emit_warnings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from variant_detect_runtime import Probe, ProviderConfig


def detect(namespaces: Iterable[str] | None = None, probe: Probe | None = None) -> dict[str, ProviderConfig]:
    """Run the installed providers and return namespace -> ProviderConfig.

    Degraded sources are reported as :class:`VariantDetectWarning` warnings; a
    namespace whose provider found nothing is absent from the result.
    """
    if probe is None:
        from variant_detect_runtime import default_probe

        probe = default_probe()
    profile = build_profile(probe, namespaces)
    emit_warnings(profile.all_warnings())
    return {d.namespace: d.config() for d in profile.detections if d.features}
