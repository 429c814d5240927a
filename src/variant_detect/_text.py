"""The human-readable profile (``variant-detect`` without ``--json``)."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from variant_detect._profile import Profile
    from variant_detect_runtime import Probe


def machine_summary(probe: Probe) -> dict[str, Any]:
    """Physical cores and memory, from psutil (imported only here) or the fixture."""
    directory = getattr(probe, "directory", None)
    if directory is not None:
        import json

        try:
            with open(os.path.join(directory, "machine.json"), encoding="utf-8") as handle:
                summary = json.load(handle).get("summary", {})
            return summary if isinstance(summary, dict) else {}
        except (OSError, ValueError):
            return {}
    try:
        import psutil
    except ImportError:
        return {}
    return {
        "physical_cores": psutil.cpu_count(logical=False),
        "logical_cpus": psutil.cpu_count(logical=True),
        "memory_bytes": psutil.virtual_memory().total,
    }


def _summary_line(probe: Probe, summary: dict[str, Any]) -> str:
    ident = probe.identity
    parts = [f"{ident.system} {ident.machine}".strip()]
    if summary.get("physical_cores"):
        parts.append(f"{summary['physical_cores']} physical cores")
    if summary.get("memory_bytes"):
        parts.append(f"{summary['memory_bytes'] / 2**30:.1f} GiB memory")
    return ", ".join(parts)


def render(profile: Profile, probe: Probe, explain: bool, version: str) -> str:
    lines = [f"variant-detect {version}: {profile.source} ({_summary_line(probe, machine_summary(probe))})"]
    empty = []
    for detection in profile.detections:
        origin = f"{detection.distribution} {detection.version}".strip()
        if not detection.features:
            empty.append(f"{detection.namespace} ({origin})")
            continue
        lines.append("")
        lines.append(f"{detection.namespace}  [{origin}]")
        width = max(len(name) for name, _v, _m in detection.features)
        for name, values, multi in detection.features:
            tag = "  (multi-value)" if multi else ""
            lines.append(f"  {name:<{width}}  {' '.join(values)}{tag}")
        if explain:
            lines.extend(_explain_lines(detection.explanations))
    if empty:
        lines.append("")
        lines.append("no features: " + ", ".join(empty))
    if explain:
        for detection in profile.detections:
            if not detection.features and detection.explanations:
                lines.append(f"{detection.namespace}:")
                lines.extend(_explain_lines(detection.explanations))
    overrides = [o for d in profile.detections for o in d.overrides]
    if overrides:
        lines.append("")
        lines.append("overrides in effect:")
        lines.extend(f"  {o['variable']}={o['value']} ({o['namespace']}: {o['effect']})" for o in overrides)
    return "\n".join(lines) + "\n"


def _explain_lines(explanations: list[tuple[str, str, str]]) -> list[str]:
    return [f"    why {feature}: {source}: {message}" for feature, source, message in explanations]
