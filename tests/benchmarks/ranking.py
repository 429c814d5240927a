"""Benchmark: our PEP 825 ranking against variantlib 0.2.2's, 100 to 100,000 variants.

    python tests/benchmarks/ranking.py [--sizes 100,1000,10000,100000] [--repeat 3]

For each size one variants.json is generated (static providers only, so
neither side starts a plugin subprocess: four namespaces, combinatorial
features, multi-value features), written to disk, and ranked from its bytes:
ours = ``_metadata.loads`` + ``_rank.slots`` + ``_rank.rank``; variantlib =
``json.loads`` + ``get_variants_by_priority`` as it ships (including its scan
of installed distributions for ``abi_dependency``). Best of ``--repeat`` runs;
the two must return the same labels. Targets (issue 8): >= 10x faster than
variantlib at 10,000 variants, 100,000 under 1 s, linear growth.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from typing import Any

from variant_detect._resolver import _metadata, _rank

NAMESPACES = {
    "x86_64": {"level": ["v4", "v3", "v2", "v1"]},
    "blas_lapack": {"provider": ["openblas", "mkl", "accelerate"], "omp": ["gnu", "intel"]},
    "gpu": {"arch": [f"sm{n}" for n in range(50, 100, 2)], "driver": [f"12.{m}" for m in range(10)]},
    "opt": {f"f{i}": ["on"] for i in range(12)},
}


def generate(count: int, seed: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)
    providers = {}
    for ns, features in NAMESPACES.items():
        provider: dict[str, Any] = {"static-properties": features}
        if len(features) > 1:
            provider["feature-order"] = list(features)
        providers[ns] = provider
    variants: dict[str, Any] = {"null": {}}
    while len(variants) < count:
        props: dict[str, Any] = {}
        for ns in rng.sample(list(NAMESPACES), rng.randint(1, 3)):
            features = NAMESPACES[ns]
            chosen = rng.sample(list(features), rng.randint(1, min(3, len(features))))
            # one value in ten is unknown here: those variants are incompatible
            props[ns] = {
                f: rng.sample([*features[f], "zz"], rng.randint(1, min(3, len(features[f]) + 1))) for f in chosen
            }
        variants[f"v{len(variants)}"] = props
    return {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": list(NAMESPACES)},
        "providers": providers,
        "variants": variants,
    }


def ours(blob: bytes) -> list[str]:
    meta = _metadata.loads(blob, "bench-1.0-variants.json")
    supported = {ns: list(spec.static or ()) for ns, spec in meta.providers.items()}
    return _rank.rank(meta.variants, _rank.slots(meta, supported))


def theirs(blob: bytes) -> list[str]:
    from variantlib.api import get_variants_by_priority

    return [v.label for v in get_variants_by_priority(variants_json=json.loads(blob))]


def best(func: Any, blob: bytes, repeat: int) -> tuple[float, list[str]]:
    times = []
    result: list[str] = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = func(blob)
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variantlib-max", type=int, default=100000, help="skip variantlib above this size")
    args = parser.parse_args()
    print(f"{'variants':>9} {'MB':>6} {'ours ms':>9} {'µs/variant':>10} {'variantlib ms':>14} {'ratio':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        blob = json.dumps(generate(size)).encode()
        ours_s, our_labels = best(ours, blob, args.repeat)
        line = f"{size:>9} {len(blob) / 1e6:>6.1f} {ours_s * 1e3:>9.1f} {ours_s / size * 1e6:>10.2f}"
        if size <= args.variantlib_max:
            their_s, their_labels = best(theirs, blob, 1 if size >= 10000 else args.repeat)
            if our_labels != their_labels:
                print(f"MISMATCH at {size} variants", file=sys.stderr)
                return 1
            line += f" {their_s * 1e3:>14.1f} {their_s / ours_s:>6.1f}x"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
