"""Write ``data/published_openmp.json``: openmp-variant-provider's own answers, by its own code.

Run once, by hand, with a clone of github.com/wheelnext/openmp-variant-provider::

    python providers/openmp/tests/make_published.py CLONE

It executes the published ``openmp_variant_provider/__init__.py`` of each release commit
(0.0.1 and 0.0.2) and records what its plugin functions return. Our code is not involved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types

RELEASES = {"0.0.1": "4dbd903", "0.0.2": "0ad52d9"}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "published_openmp.json")


def answers(clone: str, commit: str) -> dict[str, object]:
    full = subprocess.check_output(["git", "-C", clone, "rev-parse", commit], text=True).strip()
    source = subprocess.check_output(
        ["git", "-C", clone, "show", f"{commit}:openmp_variant_provider/__init__.py"], text=True
    )
    module = types.ModuleType(f"published_{commit}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "openmp_variant_provider/__init__.py", "exec"), module.__dict__)

    def configs(found: list[object]) -> list[dict[str, object]]:
        return [
            {"name": c.name, "values": list(c.values), "multi_value": getattr(c, "multi_value", False)}  # type: ignore[attr-defined]
            for c in found
        ]

    return {
        "commit": full,
        "namespace": module.namespace,
        "__version__": module.__version__,
        "is_build_plugin": getattr(module, "is_build_plugin", None),
        "get_supported_configs": configs(module.get_supported_configs()),
        "get_all_configs": configs(module.get_all_configs()),
    }


def main(clone: str) -> None:
    out = {
        "source": "github.com/wheelnext/openmp-variant-provider, openmp_variant_provider/__init__.py at the "
        "commits below, run as published (never by our code) by tests/make_published.py",
        "versions": {version: answers(clone, commit) for version, commit in RELEASES.items()},
    }
    with open(OUT, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
