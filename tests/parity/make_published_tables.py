"""Write the stand-in tables of the x86_64 and aarch64 providers from the published packages.

Run in a scratch environment where provider-variant-x86-64 and provider-variant-aarch64
0.0.1.post2 are installed (never the suite's environment)::

    python tests/parity/make_published_tables.py

It reads the published plugins' feature lists and level caps, and the archspec data they
vendor (``vendor/archspec/archspec/json/cpu/microarchitectures.json`` and ``cpuid.json``), and
writes ``providers/<name>/src/variant_detect_<name>/data/published.json``: only the rows of the
plugin's architecture family, only the keys the detection rule reads. Facts, not code: the rule
that uses them is our own (``_published.py`` in each provider).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ORIGIN = (
    "{dist} 0.0.1.post2 (PyPI wheel {wheel}): {plugin}.all_features (order kept) and {cap}; "
    "targets, aliases and conversions from the archspec 0.2.5 data it vendors "
    "(vendor/archspec/archspec/json/cpu/microarchitectures.json{cpuid}), rows of the {family} family only"
)


def _family(targets: dict[str, Any], root: str) -> dict[str, Any]:
    def in_family(name: str) -> bool:
        parents = targets[name]["from"]
        return name == root or any(in_family(p) for p in parents)

    out = {}
    for name, row in targets.items():
        if in_family(name):
            entry = {"from": row["from"], "vendor": row["vendor"], "features": sorted(row["features"])}
            if row.get("cpupart"):
                entry["cpupart"] = row["cpupart"]
            out[name] = entry
    return out


def _aliases(data: dict[str, Any], family: str) -> dict[str, Any]:
    out = {}
    for name, rules in data["feature_aliases"].items():
        rule = {k: v for k, v in rules.items() if k != "reason"}
        if "families" in rule and family not in rule["families"]:
            continue
        out[name] = rule
    return out


def build(family: str) -> dict[str, Any]:
    module, cls, dist, cap_attr = {
        "x86_64": ("provider_variant_x86_64", "X8664Plugin", "provider-variant-x86-64", "max_known_level"),
        "aarch64": ("provider_variant_aarch64", "AArch64Plugin", "provider-variant-aarch64", "max_known_version"),
    }[family]
    plugin = getattr(importlib.import_module(f"{module}.plugin"), cls)
    base = os.path.join(os.path.dirname(sys.modules[module].__file__ or ""), "vendor", "archspec", "archspec", "json")
    with open(os.path.join(base, "cpu", "microarchitectures.json")) as handle:
        data = json.load(handle)
    table: dict[str, Any] = {
        "$schema": "./published.schema.json",
        "description": (
            f"What {dist} 0.0.1.post2 answers: archspec's host() target on this machine's data, "
            "then its feature list in its order, kept where the target lists the feature"
        ),
        "source": ORIGIN.format(
            dist=dist,
            wheel=f"{module}-0.0.1.post2-py3-none-any.whl",
            plugin=f"{module}/plugin.py {cls}",
            cap=cap_attr,
            cpuid=" and cpuid.json" if family == "x86_64" else "",
            family=family,
        ),
        "features": list(plugin.all_features),
        "cap": str(getattr(plugin, cap_attr)),
        "aliases": _aliases(data, family),
        "targets": _family(data["microarchitectures"], family),
    }
    if family == "x86_64":
        table["darwin_flags"] = data["conversions"]["darwin_flags"]
        with open(os.path.join(base, "cpu", "cpuid.json")) as handle:
            cpuid = json.load(handle)
        table["cpuid"] = [
            {
                "leaf": call["input"]["eax"],
                "subleaf": call["input"]["ecx"],
                "bits": [[b["name"], b["register"], b["bit"]] for b in call["bits"]],
            }
            for call in cpuid["flags"] + cpuid["extension-flags"]
        ]
    else:
        table["arm_vendors"] = data["conversions"]["arm_vendors"]
    return table


def main() -> int:
    for family in ("x86_64", "aarch64"):
        path = os.path.join(ROOT, "providers", family, "src", f"variant_detect_{family}", "data", "published.json")
        with open(path, "w") as handle:
            json.dump(build(family), handle, indent=1)
            handle.write("\n")
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
