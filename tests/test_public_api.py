"""Providers, the template and the provider guide use only the runtime's public API,
and no distribution has an import circle.

The public API of ``variant_detect_runtime`` is the names in its ``__all__``
plus the documented submodules ``testing`` and ``ldcache``. A ``_module`` is
ours to change in any release, so a third-party provider that copies the
template or a test of ours must not find one there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import variant_detect_runtime

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_SUBMODULES = {"testing", "ldcache"}
DOC = ROOT / "docs" / "writing-a-provider.md"


def _provider_files() -> list[Path]:
    return sorted(p for p in (ROOT / "providers").rglob("*.py") if not {"build", ".tox"} & set(p.parts))


def _runtime_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) of every runtime name a module imports, functions included."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("variant_detect_runtime")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("variant_detect_runtime"):
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def _is_private(dotted: str) -> bool:
    parts = dotted.split(".")[1:]
    if not parts:
        return False
    if parts[0] in PUBLIC_SUBMODULES:
        return any(p.startswith("_") for p in parts[1:2] if p not in ("__version__",))
    return (parts[0].startswith("_") and parts[0] != "__version__") or parts[0] not in variant_detect_runtime.__all__


def _violations(source: str, where: str) -> list[str]:
    return [f"{where}:{line}: {name}" for line, name in _runtime_imports(ast.parse(source)) if _is_private(name)]


def test_the_check_itself_sees_a_private_import() -> None:
    assert _violations("from variant_detect_runtime._probe import Probe", "x")
    assert _violations("import variant_detect_runtime._provider", "x")
    assert _violations("def f():\n    from variant_detect_runtime import _names", "x")
    assert _violations("from variant_detect_runtime import NotExported", "x")
    assert not _violations("from variant_detect_runtime import Feature, Provider", "x")
    assert not _violations("from variant_detect_runtime.testing import replay", "x")


def test_every_public_name_exists() -> None:
    for name in variant_detect_runtime.__all__:
        assert getattr(variant_detect_runtime, name) is not None, name


def test_providers_and_the_template_import_only_public_runtime_names() -> None:
    bad: list[str] = []
    for path in _provider_files():
        bad += _violations(path.read_text(), str(path.relative_to(ROOT)))
    assert not bad, "private runtime imports:\n" + "\n".join(bad)


def test_providers_never_import_the_command() -> None:
    pattern = re.compile(r"^\s*(from|import) variant_detect(\.|\s|$)", re.MULTILINE)
    bad = [str(p.relative_to(ROOT)) for p in _provider_files() if pattern.search(p.read_text())]
    assert not bad, f"providers must depend on the runtime only, not on the command: {bad}"


def test_the_provider_guide_shows_only_public_names() -> None:
    text = DOC.read_text()
    bad: list[str] = []
    for number, block in enumerate(re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)):
        try:
            bad += _violations(block, f"{DOC.name} block {number}")
        except SyntaxError:  # an excerpt with elisions: fall back to a text search
            bad += [f"{DOC.name} block {number}: {m}" for m in re.findall(r"variant_detect_runtime\._\w+", block)]
    bad += [f"{DOC.name}: {m}" for m in re.findall(r"`variant_detect_runtime\._\w+[^`]*`", text)]
    assert not bad, "\n".join(bad)


def test_the_guide_lists_every_public_name() -> None:
    text = DOC.read_text()
    missing = [n for n in variant_detect_runtime.__all__ if n != "__version__" and f"`{n}" not in text]
    assert not missing, f"{DOC.name} does not document {missing}"


# -- no import circles inside any distribution -------------------------------------------


def _distributions() -> dict[str, Path]:
    found = {"variant_detect": ROOT / "src", "variant_detect_runtime": ROOT / "runtime" / "src"}
    for folder in sorted((ROOT / "providers").iterdir()):
        src = folder / "src"
        if src.is_dir():
            for package in src.iterdir():
                if (package / "__init__.py").is_file():
                    found[package.name] = src
    return found


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _edges(path: Path, name: str, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text())
    skip = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            out |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names}
    return {m for m in out if m in modules and m != name}


def _graph(package: str, src: Path) -> dict[str, set[str]]:
    files = {_module_name(p, src): p for p in (src / package).rglob("*.py")}
    return {name: _edges(path, name, set(files)) for name, path in files.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(("package", "src"), sorted(_distributions().items()), ids=lambda v: str(v).split("/")[-1])
def test_no_import_circle(package: str, src: Path) -> None:
    assert not _cycles(_graph(package, src)), f"import circles in {package}: {_cycles(_graph(package, src))}"


@pytest.mark.parametrize("folder", sorted(p for p in (ROOT / "providers").iterdir() if (p / "src").is_dir()), ids=str)
def test_probe_never_imports_parse(folder: Path) -> None:
    for probe in (folder / "src").rglob("_probe.py"):
        package = probe.parent.name
        graph = _graph(package, folder / "src")
        assert f"{package}._parse" not in graph[f"{package}._probe"], f"{probe} imports _parse"


# -- one provider shape (providers/_template is the model; docs/architecture.md) -----------

PROVIDERS = sorted(p for p in (ROOT / "providers").iterdir() if (p / "src").is_dir())
# Modules through which a parser could reach the machine.
IO_MODULES = {"os", "subprocess", "ctypes", "socket", "pathlib", "shutil", "mmap", "glob", "io", "importlib"}
# The OpenCL query child (``python -m variant_detect_opencl._query``) is what its _native runs.
NATIVE_CHILDREN = {"variant_detect_opencl._query"}


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), set()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def _imported(tree: ast.AST) -> set[str]:
    """Top-level names of every module a file imports (functions included, TYPE_CHECKING excepted)."""
    skip = _type_checking_lines(tree)
    names: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.add((node.module or "").split(".")[0])
    return names


def test_the_shape_checks_see_what_they_look_for() -> None:
    assert _reach({"p": {"d"}, "d": {"x"}, "x": set()}, "p") == {"d", "x"}
    assert _imported(ast.parse("def f():\n    import ctypes\nif TYPE_CHECKING:\n    import os")) == {"ctypes"}


@pytest.mark.parametrize("folder", PROVIDERS, ids=lambda p: p.name)
def test_probe_never_reaches_parse(folder: Path) -> None:
    """Not even through a helper: the probe gathers, the parser decides."""
    for probe in (folder / "src").rglob("_probe.py"):
        package = probe.parent.name
        reached = _reach(_graph(package, folder / "src"), f"{package}._probe")
        assert f"{package}._parse" not in reached, f"{probe} reaches _parse through {sorted(reached)}"


@pytest.mark.parametrize("folder", PROVIDERS, ids=lambda p: p.name)
def test_parse_is_pure(folder: Path) -> None:
    for parse in (folder / "src").rglob("_parse.py"):
        tree = ast.parse(parse.read_text())
        assert not _imported(tree) & IO_MODULES, f"{parse} imports {sorted(_imported(tree) & IO_MODULES)}"
        calls = {
            n.func.id if isinstance(n.func, ast.Name) else n.func.attr
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))
        }
        assert not calls & {"open", "getenv", "read_bytes", "listdir", "run", "library"}, parse


@pytest.mark.parametrize("folder", PROVIDERS, ids=lambda p: p.name)
def test_native_bindings_live_in_native(folder: Path) -> None:
    for path in (folder / "src").rglob("*.py"):
        module = _module_name(path, folder / "src")
        if "ctypes" in _imported(ast.parse(path.read_text())):
            assert path.name == "_native.py" or module in NATIVE_CHILDREN, f"{path} loads native code"
    old = [
        p.name for p in (folder / "src").rglob("*.py") if p.name in {"_bindings.py", "_probe_bindings.py", "_cpuid.py"}
    ]
    assert not old, f"{folder.name}: native bindings go in _native.py, found {old}"


@pytest.mark.parametrize("folder", PROVIDERS, ids=lambda p: p.name)
def test_isolated_entries_name_native(folder: Path) -> None:
    """``probe.library(..., isolate=("pkg._native:Factory", args))``: the child imports _native."""
    for path in (folder / "src").rglob("*.py"):
        for package, module in re.findall(r"(variant_detect_\w+)\.(_\w+)(?=:|\")", path.read_text()):
            if f"{package}.{module}" not in NATIVE_CHILDREN:
                assert module == "_native", f"{path}: isolation entry in {package}.{module}"
