"""Run every installed provider and assemble the machine's profile.

Built-in providers load exactly like third-party plugins: through their
``variant_plugins`` entry point. A provider built on our base class is handed
the probe (live, fixture or recording); any other plugin is called through the
bare variantlib protocol and its answer validated like ours.
"""

from __future__ import annotations

import sys
import time

from variant_detect._discovery import PluginEntry, find_plugins
from variant_detect_runtime import Detection, Provider, ReplayProbe, Report, check_features

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from variant_detect_runtime import Probe

PROFILE_SCHEMA = 1


class Profile:
    """Detections of every provider that ran, plus warnings from loading them."""

    __slots__ = ("detections", "source", "warnings")

    def __init__(self, detections: list[Detection], warnings: list[str], source: str) -> None:
        self.detections = detections
        self.warnings = warnings
        self.source = source

    def all_warnings(self) -> list[str]:
        return self.warnings + [w for d in self.detections for w in d.warnings]

    def as_json(self, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": PROFILE_SCHEMA,
            "source": self.source,
            "profile": {d.namespace: d.as_profile() for d in self.detections if d.features},
            "providers": {d.namespace: {"distribution": d.distribution, "version": d.version} for d in self.detections},
            "warnings": self.all_warnings(),
            "overrides": [o for d in self.detections for o in d.overrides],
        }
        if explain:
            data["explain"] = {
                d.namespace: [{"feature": f, "source": s, "message": m} for f, s, m in d.explanations]
                for d in self.detections
            }
        return data


def _third_party(entry: PluginEntry, plugin: Any, probe: Probe) -> Detection:
    """Call a plugin that is not built on our base class, the way variantlib does."""
    report = Report(entry.namespace)
    if isinstance(probe, ReplayProbe):
        report.warn("load", "not built on variant-detect's probe seam, so it cannot replay a fixture; skipped")
        return Detection(entry.namespace, [], report, entry.distribution, entry.version)
    try:
        configs = plugin.get_supported_configs()
        if not isinstance(configs, list):
            raise TypeError(f"get_supported_configs() must return a list, got {type(configs).__name__}")
        features = check_features(entry.namespace, ((c.name, c.values, c.multi_value) for c in configs))
    except Exception as exc:  # noqa: BLE001 - a broken plugin is a warning, never a traceback
        report.warn("get_supported_configs", f"{type(exc).__name__}: {exc}")
        features = []
    report.explain("*", entry.value, "third-party plugin called through the variantlib protocol")
    return Detection(entry.namespace, features, report, entry.distribution, entry.version)


def _run_one(entry: PluginEntry, probe: Probe, load_warnings: list[str]) -> Detection | None:
    # A plugin that prints (at import or when called) must not corrupt our
    # JSON on stdout, nor variantlib's when it runs us: send it to stderr.
    stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        return _run_one_quietly(entry, probe, load_warnings)
    finally:
        sys.stdout = stdout


def _run_one_quietly(entry: PluginEntry, probe: Probe, load_warnings: list[str]) -> Detection | None:
    try:
        plugin: Any = entry.load()
    except Exception as exc:  # noqa: BLE001
        load_warnings.append(f"{entry.namespace}: load {entry.value}: {type(exc).__name__}: {exc}")
        return None
    started = time.perf_counter()
    if isinstance(plugin, Provider):
        if plugin.namespace != entry.namespace:
            load_warnings.append(
                f"{entry.namespace}: entry point {entry.value} provides namespace "
                f"{plugin.namespace!r}; expected {entry.namespace!r}"
            )
            return None
        try:
            detection = plugin.detect(probe)
        except Exception as exc:  # noqa: BLE001 - e.g. invalid names: named, not raised
            load_warnings.append(f"{entry.namespace}: {type(exc).__name__}: {exc}")
            return None
        detection.distribution = entry.distribution or detection.distribution
        detection.version = entry.version or detection.version
    else:
        detection = _third_party(entry, plugin, probe)
    detection.seconds = time.perf_counter() - started
    return detection


def build_profile(
    probe: Probe,
    namespaces: Iterable[str] | None = None,
    entries: list[PluginEntry] | None = None,
) -> Profile:
    """Detect every installed provider (or only *namespaces*) through *probe*."""
    wanted = set(namespaces) if namespaces else None
    warnings: list[str] = []
    detections: list[Detection] = []
    claimed: dict[str, PluginEntry] = {}
    for entry in find_plugins() if entries is None else entries:
        if wanted is not None and entry.namespace not in wanted:
            continue
        first = claimed.get(entry.namespace)
        if first is not None:
            warnings.append(
                f"{entry.namespace}: provided by both {first.distribution} and "
                f"{entry.distribution}; using {first.distribution}"
            )
            continue
        claimed[entry.namespace] = entry
        detection = _run_one(entry, probe, warnings)
        if detection is not None:
            detections.append(detection)
    if wanted:
        for missing in sorted(wanted - set(claimed)):
            warnings.append(f"{missing}: no installed provider has this namespace")
    return Profile(detections, warnings, probe.description)


def dumps(value: Any, indent: int = 0) -> str:
    """JSON with nested objects indented and lists of scalars kept on one line."""
    import json

    pad = "  " * (indent + 1)
    if isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        items = [f"{pad}{dumps(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    return json.dumps(value)
