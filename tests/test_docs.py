"""The docs cannot drift: every CLI option is documented, every relative link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from variant_detect._cli import COMMANDS, command_parser, parser

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", ROOT / "hw_fixtures" / "README.md", *ROOT.glob("docs/**/*.md")])


def test_every_option_and_command_is_in_the_cli_reference() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    options = {o for action in parser()._actions for o in action.option_strings if o != "-h"}
    missing = sorted(o for o in options if f"`{o}" not in text)
    assert not missing, f"docs/cli.md does not document {missing}"
    for command in COMMANDS:
        assert f"`{command}" in text, command


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert (page.parent / target).exists(), f"{page.name}: broken link {target}"


def test_every_provider_has_a_docs_page() -> None:
    providers = [p.name for p in (ROOT / "providers").iterdir() if p.is_dir() and not p.name.startswith("_")]
    for name in providers:
        assert (ROOT / "docs" / "providers" / f"{name}.md").exists(), name


def test_every_fixture_is_listed_in_the_fixture_table() -> None:
    text = (ROOT / "hw_fixtures" / "README.md").read_text()
    for fixture in (ROOT / "hw_fixtures").iterdir():
        if fixture.is_dir():
            assert f"| `{fixture.name}` |" in text, f"hw_fixtures/README.md does not list {fixture.name}"
            assert (fixture / "README.md").exists(), f"{fixture.name} has no README"


@pytest.mark.parametrize("command", ["rank", "pick", "install", "cache"])
def test_every_resolver_option_is_in_the_resolver_docs(command: str) -> None:
    text = (ROOT / "docs" / "resolver.md").read_text()
    options = {o for a in command_parser(command)._actions for o in a.option_strings if o not in ("-h", "--help")}
    missing = sorted(o for o in options if f"`{o}" not in text and f"{o}`" not in text and f" {o}" not in text)
    assert not missing, f"docs/resolver.md does not document {command} {missing}"


def test_readme_sample_profile_is_the_output() -> None:
    """README's sample (its '...' lines elided) is what the command prints, in order."""
    import subprocess
    import sys

    pytest.importorskip("variant_detect_x86_64")
    pytest.importorskip("variant_detect_blas_lapack")
    text = (ROOT / "README.md").read_text()
    sample = text.split("A sample profile", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    fixture = ROOT / "hw_fixtures" / "linux-x86_64-haswell"
    code = f"from variant_detect._cli import main; main(['--fixture', {str(fixture)!r}, '-q'])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    output = done.stdout.replace(str(ROOT), "/path/to/variant-detect").splitlines()
    position = 0
    for line in sample.splitlines():
        if line.strip() == "...":
            continue
        assert line in output[position:], f"README sample line {line!r} is not in the output (in order)"
        position = output.index(line, position) + 1
