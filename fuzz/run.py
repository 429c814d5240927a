"""Run the atheris fuzz targets, each with a corpus seeded from hw_fixtures/.

    python fuzz/run.py [--seconds 60] [--target variants_json|cpuinfo]

The seeds are written to a temporary directory at run time (nothing is
committed): every ``sysroot/proc/cpuinfo`` of the fixtures for the cpuinfo
target; for the variants.json target, one variants.json per fixture built from
its ``expected.json`` profile (a variant per feature value, the null variant,
the namespaces in order), in the shapes the reader accepts. Exit status is
non-zero when a target finds a crash; libFuzzer writes the input to
``crash-*`` in the current directory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "hw_fixtures"
TARGETS = ("variants_json", "cpuinfo")


def seed_cpuinfo(corpus: Path) -> int:
    count = 0
    for path in sorted(FIXTURES.glob("*/sysroot/proc/cpuinfo")):
        (corpus / path.parts[-4]).write_bytes(path.read_bytes())
        count += 1
    return count


def _variants_json(profile: dict[str, dict[str, list[str]]], with_providers: bool) -> dict[str, object]:
    variants: dict[str, object] = {"null": {}}
    for ns, features in profile.items():
        for feature, values in features.items():
            for value in values:
                variants[f"{ns}_{feature}_{value}".lower()] = {ns: {feature: [value]}}
    data: dict[str, object] = {"default-priorities": {"namespace": list(profile)}, "variants": variants}
    if with_providers:
        data["providers"] = {ns: {"requires": [f"variant-detect-{ns.replace('_', '-')}"]} for ns in profile}
    return data


def seed_variants_json(corpus: Path) -> int:
    count = 0
    for path in sorted(FIXTURES.glob("*/expected.json")):
        profile = json.loads(path.read_text(encoding="utf-8")).get("profile", {})
        if not profile:
            continue
        for with_providers in (False, True):
            name = f"{path.parent.name}-{'providers' if with_providers else 'pep825'}.json"
            (corpus / name).write_text(json.dumps(_variants_json(profile, with_providers)))
            count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="time per target (default 60)")
    parser.add_argument("--target", choices=TARGETS, action="append", help="only this target (repeatable)")
    args = parser.parse_args()
    status = 0
    for target in args.target or TARGETS:
        with tempfile.TemporaryDirectory(prefix=f"fuzz-{target}-") as tmp:
            corpus = Path(tmp)
            seeded = seed_cpuinfo(corpus) if target == "cpuinfo" else seed_variants_json(corpus)
            print(f"fuzz {target}: {seeded} seeds from hw_fixtures, {args.seconds} s", file=sys.stderr)
            script = HERE / f"fuzz_{target}.py"
            done = subprocess.run(
                [sys.executable, str(script), f"-max_total_time={args.seconds}", "-rss_limit_mb=2048", str(corpus)],
                check=False,
            )
            status = status or done.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
