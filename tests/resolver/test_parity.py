"""Our PEP 825 order equals variantlib 0.2.2's ``get_variants_by_priority``.

Random variants.json files with static providers only (so variantlib runs no
plugin subprocess), several namespaces, multi-value features, values the
machine does not support, unknown features, and a random user variants.toml
that both sides read from the same file.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from variant_detect._resolver import _config, _metadata, _rank

NAMESPACES = ["aa", "bb", "cc", "dd"]
FEATURES = ["f1", "f2", "f3"]
VALUES = ["v0", "v1", "v2", "v3.1", "v4"]
UNSUPPORTED = ["x9"]  # never in a static list
LABELS = [f"l{i}" for i in range(40)]


@st.composite
def variants_json(draw: st.DrawFn) -> dict[str, Any]:
    namespaces = draw(st.lists(st.sampled_from(NAMESPACES), min_size=1, max_size=3, unique=True))
    providers: dict[str, Any] = {}
    for ns in namespaces:
        features = draw(st.lists(st.sampled_from(FEATURES), min_size=1, max_size=3, unique=True))
        static = {f: draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=4, unique=True)) for f in features}
        provider: dict[str, Any] = {"static-properties": static}
        if len(features) > 1:
            provider["feature-order"] = draw(st.permutations(features))
        providers[ns] = provider
    prop = st.lists(st.sampled_from(VALUES + UNSUPPORTED), min_size=1, max_size=3, unique=True)
    variant = st.dictionaries(
        st.sampled_from(namespaces),
        st.dictionaries(st.sampled_from([*FEATURES, "f9"]), prop, min_size=1, max_size=3),
        min_size=1,
        max_size=len(namespaces),
    )
    variants: dict[str, Any] = draw(st.dictionaries(st.sampled_from(LABELS), variant, max_size=14))
    if draw(st.booleans()):
        variants["null"] = {}
    order = draw(st.permutations(namespaces))
    return {"default-priorities": {"namespace": order}, "providers": providers, "variants": variants}


@st.composite
def user_toml(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(NAMESPACES), max_size=3, unique=True))
        lines.append(f"namespace_priorities = {json.dumps(names)}")
    features = draw(st.dictionaries(st.sampled_from(NAMESPACES), st.lists(st.sampled_from(FEATURES), unique=True)))
    if features:
        lines.append("[feature_priorities]")
        lines.extend(f"{ns} = {json.dumps(fs)}" for ns, fs in features.items())
    props = draw(
        st.dictionaries(
            st.sampled_from(NAMESPACES),
            st.dictionaries(st.sampled_from(FEATURES), st.lists(st.sampled_from(VALUES), unique=True), min_size=1),
        )
    )
    for ns, table in props.items():
        lines.append(f"[property_priorities.{ns}]")
        lines.extend(f"{feat} = {json.dumps(vs)}" for feat, vs in table.items())
    return "\n".join(lines) + "\n"


def ours(data: dict[str, Any], priorities: _rank.Priorities) -> list[str]:
    meta = _metadata.parse(json.loads(json.dumps(data)), "generated")
    supported = {ns: list(spec.static or ()) for ns, spec in meta.providers.items()}
    return _rank.rank(meta.variants, _rank.slots(meta, supported, priorities))


def theirs(data: dict[str, Any]) -> list[str]:
    from variantlib.api import get_variants_by_priority

    labels = [v.label for v in get_variants_by_priority(variants_json=json.loads(json.dumps(data)))]
    if "null" not in data["variants"]:
        labels.remove("null")  # variantlib always adds a null variant; no wheel backs it here
    return labels


@pytest.fixture(scope="module")
def variantlib_sandbox() -> Any:
    """variantlib without its per-call scan of installed distributions.

    ``inject_abi_dependency`` adds an ``abi_dependency`` namespace built from
    ``importlib.metadata.distributions()`` on every call (tens of ms); our files
    never use that namespace, so an empty scan changes no order and keeps the
    test in seconds. The user config is pointed at the file each example writes.
    """
    import importlib.metadata

    from variantlib.configuration import VariantConfiguration

    patch = pytest.MonkeyPatch()
    patch.setattr(importlib.metadata, "distributions", lambda: [])
    with tempfile.TemporaryDirectory() as tmp:
        toml_path = Path(tmp) / "variants.toml"
        patch.setattr(VariantConfiguration, "get_config_file", classmethod(lambda cls: toml_path))
        yield toml_path
    patch.undo()


@settings(max_examples=2000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=variants_json(), toml=user_toml())
def test_order_matches_variantlib(variantlib_sandbox_path: Path, data: dict[str, Any], toml: str) -> None:
    variantlib_sandbox_path.write_text(toml)
    assert ours(data, _config.load_file(str(variantlib_sandbox_path))) == theirs(data)


@pytest.fixture(scope="module")
def variantlib_sandbox_path(variantlib_sandbox: Path) -> Path:
    return variantlib_sandbox


def test_known_order_from_interop() -> None:
    """interop §1.3: level [v2, v1], multi-value arch [b, a] -> v2b, v2a, v2, v1, ab, null."""
    data = {
        "default-priorities": {"namespace": ["toy"]},
        "providers": {
            "toy": {
                "static-properties": {"level": ["v2", "v1"], "arch": ["b", "a"]},
                "feature-order": ["level", "arch"],
            }
        },
        "variants": {
            "v2b": {"toy": {"level": ["v2"], "arch": ["b"]}},
            "v2a": {"toy": {"level": ["v2"], "arch": ["a"]}},
            "v2": {"toy": {"level": ["v2"]}},
            "v1": {"toy": {"level": ["v1"]}},
            "ab": {"toy": {"arch": ["a", "b"]}},
            "null": {},
        },
    }
    assert ours(data, _rank.Priorities()) == ["v2b", "v2a", "v2", "v1", "ab", "null"]
    user = _rank.Priorities(features={"toy": ["arch"]}, properties={"toy": {"level": ["v1"]}})
    assert ours(data, user) == ["v2b", "ab", "v2a", "v1", "v2", "null"]
