"""The resolver's readers on arbitrary and mutated input (hypothesis).

variants.json / variant.json (``_metadata.loads``, and inside a wheel
``read_variant_json``), variants.toml (``_config.load_file``), saved profiles
(``load_profile``) and simple-index project pages (PEP 691 JSON, PEP 503
HTML): each returns its model or raises the documented error of its command's
exit status (``BadInput``/``MetadataError`` -> 2, ``IndexFailure`` -> 4), never
another exception (which would be exit status 1, "a bug", with a traceback).
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from variant_detect._exit import BadInput, IndexFailure, MetadataError
from variant_detect._resolver import _config, _index, _metadata
from variant_detect._resolver._supported import load_profile
from variant_detect._resolver._wheels import read_variant_json

NV = "nvidia-variant-provider>=0.0.1,<1.0.0"

# Our own bytes in the shapes of the schemas in the wild (see test_metadata.py).
SEEDS: list[dict[str, Any]] = [
    {
        "$schema": "https://variants-schema.wheelnext.dev/v0.0.2.json",
        "default-priorities": {"namespace": ["nvidia", "priority"], "property": {"priority": {"order": ["1", "2"]}}},
        "providers": {
            "nvidia": {"requires": [NV], "enable-if": "platform_system == 'Linux'"},
            "priority": {"plugin-use": "none"},
        },
        "variants": {
            "00000000": {},
            "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.0"], "sm_arch": ["80_real"]}},
        },
    },
    {
        "default-priorities": {"namespace": ["nvidia", "priority"], "feature": {"nvidia": ["sm_arch"]}},
        "providers": {"nvidia": {"requires": [NV], "install-time": True}, "priority": {"install-time": False}},
        "static-properties": {"priority": {"order": ["1", "2", "3"]}},
        "variants": {
            "null": {},
            "cuda12.8": {"nvidia": {"cuda_version_lower_bound": ["12.0"]}, "priority": {"order": ["2"]}},
        },
    },
    {
        "default-priorities": {"namespace": ["x86_64", "blas_lapack"]},
        "providers": {
            "x86_64": {"requires": ["x86-64-variant-provider>=0.2,<0.3"], "optional": False},
            "blas_lapack": {"static-properties": {"provider": ["openblas", "mkl"]}, "feature-order": ["provider"]},
        },
        "variants": {"v3_mkl": {"x86_64": {"level": ["v3"]}, "blas_lapack": {"provider": ["mkl"]}}},
    },
    {
        "default-priorities": {"namespace": ["x86_64"]},
        "variants": {"x86_64_v3": {"x86_64": {"level": ["v3"]}}, "null": {}},
    },
    {
        "$schema": "https://variants-schema.wheelnext.dev/peps/850/v0.2.0.json",
        "default-priorities": {"namespace": ["x86_64", "blas_lapack", "acme"]},
        "providers": {
            "x86_64": {"requires": ["x86-64-variant-provider>=0.2,<0.3"], "plugin-api": "x86_64_variant_provider"},
            "blas_lapack": {
                "static-properties": {"provider": ["openblas", "mkl"], "omp": ["gnu"]},
                "feature-order": ["omp", "provider"],
                "optional": True,
            },
            "acme": {"builtin": "abi_dependency"},
        },
        "variants": {
            "null": {},
            "v3_mkl": {"x86_64": {"level": ["v3", "v2"]}, "blas_lapack": {"provider": ["mkl"]}},
        },
    },
]
SEED_BYTES = [json.dumps(seed).encode() for seed in SEEDS]
KEYS = st.sampled_from(
    ["$schema", "default-priorities", "providers", "variants", "static-properties", "namespace", "feature",
     "property", "requires", "plugin-api", "enable-if", "install-time", "optional", "feature-order", "builtin",
     "plugin-use", "null", "x86_64", "level", "v3", "..", "A", "a/b", "", "\0"]
)  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10) | KEYS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(max_size=5), inner, max_size=5),
    max_leaves=25,
)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    blob = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(blob)))
        kind = draw(st.sampled_from(["cut", "insert", "flip", "delete"]))
        if kind == "cut":
            blob = blob[:at]
        elif kind == "insert":
            blob = (
                blob[:at] + draw(st.binary(max_size=16) | st.sampled_from([b"[" * 5000, b"\xff", b'"A"'])) + blob[at:]
            )
        elif kind == "flip" and blob:
            i = min(at, len(blob) - 1)
            blob = blob[:i] + bytes([blob[i] ^ draw(st.integers(1, 255))]) + blob[i + 1 :]
        else:
            blob = blob[:at] + blob[at + draw(st.integers(1, 32)) :]
    return blob


def _structured_mutation(data: st.DataObject) -> bytes:
    """A seed with one subtree replaced by an arbitrary JSON value."""
    doc: Any = json.loads(json.dumps(data.draw(st.sampled_from(SEEDS))))
    node = doc
    for _ in range(data.draw(st.integers(0, 3))):
        if not isinstance(node, dict) or not node:
            break
        key = data.draw(st.sampled_from(sorted(node)))
        if not isinstance(node[key], dict) or not node[key] or data.draw(st.booleans()):
            node[key] = data.draw(JSON)
            break
        node = node[key]
    return json.dumps(doc).encode()


JSON_TYPES: list[object] = [None, True, 0, 1.5, "x", "V3", [], [{"a": 1}], {}, {"a": [1]}]


def _positions(node: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every position in a JSON document: the root, each object value, each list item."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _positions(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _positions(value, (*path, index))
    return out


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@st.composite
def wrong_type(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[str | int, ...]]:
    """A seed with the value at one position replaced by one of another JSON type (issue 16)."""
    doc: Any = json.loads(json.dumps(draw(st.sampled_from(SEEDS))))
    path = draw(st.sampled_from(_positions(doc)))
    parent: Any = doc
    for part in path[:-1]:
        parent = parent[part]
    old = parent[path[-1]] if path else doc
    new = draw(st.sampled_from([v for v in JSON_TYPES if type(v) is not type(old)]))
    if not path:
        return {"": new}, path
    parent[path[-1]] = new
    return doc, path


@settings(
    settings.get_profile("reliability"), max_examples=int(os.environ.get("VARIANT_DETECT_WRONG_TYPE_EXAMPLES", "2000"))
)
@given(case=wrong_type())
def test_wrong_json_type_at_every_position(
    case: tuple[dict[str, Any], tuple[str | int, ...]], tally: Counter[str]
) -> None:
    """Inside one variant: that variant is skipped naming label and key path; elsewhere: exit 2 naming both."""
    tally["variants.json wrong-type inputs"] += 1
    doc, path = case
    source = "pkg-1.0-variants.json"
    blob = json.dumps(doc.get("", doc)).encode()
    where = _dotted(path)
    if len(path) >= 2 and path[0] == "variants":
        meta = _metadata.loads(blob, source)
        label = str(path[1])
        assert label in meta.skipped, (where, meta.skipped)
        assert meta.skipped[label].startswith(f"variants.{label}")
        assert any(line.startswith(f"{source}: variant {label!r} skipped: ") for line in meta.skip_warnings())
        return
    try:
        _metadata.loads(blob, source)
    except MetadataError as exc:
        assert str(exc).startswith(f"{source}: ")
        assert where.startswith(exc.key) or exc.key.startswith(where), (where, exc.key)
        return
    raise AssertionError(f"a {where or 'root'} of the wrong type was accepted")


VARIANTS_JSON = st.one_of(mutated(SEED_BYTES), JSON.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200))


@settings(settings.get_profile("reliability"), max_examples=400)
@given(blob=VARIANTS_JSON)
def test_variants_json_reader(blob: bytes, tally: Counter[str]) -> None:
    tally["variants.json inputs fuzzed"] += 1
    try:
        meta = _metadata.loads(blob, "pkg-1.0-variants.json")
    except BadInput:
        return
    for label in meta.variants:  # what was accepted is safe to use as a file-name part
        assert (
            (label and "/" not in label and "\\" not in label and "\0" not in label and label.islower())
            or label.isdigit()
            or label == ".."
        )


@settings(settings.get_profile("reliability"), max_examples=300)
@given(data=st.data())
def test_variants_json_structured(data: st.DataObject, tally: Counter[str]) -> None:
    tally["variants.json inputs fuzzed"] += 1
    with contextlib.suppress(BadInput):
        _metadata.loads(_structured_mutation(data), "pkg-1.0-variants.json")


@settings(settings.get_profile("reliability"), max_examples=100)
@given(blob=VARIANTS_JSON)
def test_variant_json_in_wheel(blob: bytes, tmp_path_factory: Any, tally: Counter[str]) -> None:
    tally["variant.json (in wheel) inputs fuzzed"] += 1
    path = tmp_path_factory.mktemp("whl") / "pkg-1.0-py3-none-any-v3_mkl.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pkg-1.0.dist-info/variant.json", blob)
    with contextlib.suppress(BadInput):
        read_variant_json(str(path), "v3_mkl", 1 << 20)


TOML_SEEDS = [
    b'namespace_priorities = ["nvidia", "x86_64"]\n[feature_priorities]\nnvidia = ["sm_arch"]\n'
    b'[property_priorities.x86_64]\nlevel = ["v3", "v2"]\n',
]


@settings(settings.get_profile("reliability"), max_examples=200)
@given(blob=mutated(TOML_SEEDS) | st.binary(max_size=100))
def test_variants_toml_reader(blob: bytes, tmp_path_factory: Any, tally: Counter[str]) -> None:
    tally["variants.toml inputs fuzzed"] += 1
    path = tmp_path_factory.mktemp("toml") / "variants.toml"
    path.write_bytes(blob)
    try:
        _config.load_file(str(path))
    except BadInput as exc:
        assert str(path) in str(exc), f"the error must name the file: {exc}"


def test_variants_toml_deep_and_not_utf8(tmp_path: Path, tally: Counter[str]) -> None:
    path = tmp_path / "variants.toml"
    for blob in (b"namespace_priorities = [" + b"[" * 100_000, b"namespace_priorities = ['\xff']"):
        tally["hostile files tried"] += 1
        path.write_bytes(blob)
        try:
            _config.load_file(str(path))
        except BadInput as exc:
            assert str(path) in str(exc)


PROFILE_SEEDS = [
    b'{"schema": 1, "profile": {"x86_64": {"level": ["v3", "v2", "v1"]}, "nvidia": {"sm_arch": ["90_real"]}}}'
]


@settings(settings.get_profile("reliability"), max_examples=200)
@given(blob=mutated(PROFILE_SEEDS) | JSON.map(lambda v: json.dumps({"profile": v}).encode()))
def test_profile_reader(blob: bytes, tmp_path_factory: Any, tally: Counter[str]) -> None:
    tally["profile inputs fuzzed"] += 1
    path = tmp_path_factory.mktemp("profile") / "profile.json"
    path.write_bytes(blob)
    with contextlib.suppress(BadInput):
        load_profile(str(path))


PAGE_SEEDS = [
    b'{"meta": {"api-version": "1.1"}, "name": "pkg", "files": [{"filename": "pkg-1.0-py3-none-any.whl", '
    b'"url": "../../files/pkg-1.0-py3-none-any.whl", "hashes": {"sha256": "ab"}, "yanked": false}]}',
    b'<html><body><a href="../../files/pkg-1.0-py3-none-any.whl#sha256=ab" data-yanked="">x</a></body></html>',
]


@settings(settings.get_profile("reliability"), max_examples=200)
@given(blob=mutated(PAGE_SEEDS) | JSON.map(lambda v: json.dumps({"files": v}).encode()))
def test_project_pages(blob: bytes, tally: Counter[str]) -> None:
    tally["index page inputs fuzzed"] += 1
    try:
        links = _index.parse_project_json(blob, "http://index.invalid/simple/pkg/")
    except IndexFailure:
        links = []
    links += _index.parse_project_html(blob, "http://index.invalid/simple/pkg/")
    for link in links:
        assert isinstance(link.filename, str)


def test_index_file_names_never_become_paths(tally: Counter[str]) -> None:
    """A hostile index naming files ``../x`` or ``a%2F..%2Fb`` (the HTML name is unquoted) is ignored."""
    base = "http://index.invalid/simple/pkg/"
    names = ["..", "pkg-..%2F..%2Fx-py3-none-any.whl", "%2E%2E", "pkg-1.0-py3-none-any.whl%00"]
    html = "".join(f'<a href="../../files/{n}">x</a>' for n in names).encode()
    page = json.dumps({"files": [{"filename": n.replace("%2F", "/"), "url": f"/f/{n}"} for n in names]}).encode()
    for links in (_index.parse_project_html(html, base), _index.parse_project_json(page, base)):
        tally["hostile files tried"] += 1
        for link in links:
            assert link.filename not in (".", "..") and "/" not in link.filename and "\0" not in link.filename, link


def test_deep_nesting_is_a_metadata_error(tmp_path: Path, tally: Counter[str]) -> None:
    """json raises RecursionError (not ValueError) near 1000 levels; it must still be exit status 2."""
    for depth in (1_000, 100_000):
        for blob in (b"[" * depth, b'{"variants": ' + b'{"a": ' * depth, b'{"profile": ' + b"[" * depth):
            tally["hostile files tried"] += 1
            try:
                _metadata.loads(blob, "pkg-1.0-variants.json")
            except BadInput as exc:
                assert "pkg-1.0-variants.json" in str(exc)
            path = tmp_path / "profile.json"
            path.write_bytes(blob)
            try:
                load_profile(str(path))
            except BadInput as exc:
                assert str(path) in str(exc)
