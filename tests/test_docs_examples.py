"""Command examples in the docs are executed, so they cannot rot.

Every ``$ ...`` line in a ``console`` block of README.md, docs/ and
hw_fixtures/README.md that runs ``variant-detect`` or ``variantlib`` on a
fixture of this repository (or asks for ``--help``/``--version``) is run from
the repository root and must exit 0. Lines that need the network, install
something, write a new directory or name a placeholder are listed as not
runnable offline.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "hw_fixtures" / "README.md", *sorted(ROOT.glob("docs/**/*.md"))]
TOOLS = ("variant-detect", "variantlib")


def _examples() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        in_console = False
        for line in page.read_text().splitlines():
            if line.startswith("```"):
                in_console = line.strip() == "```console"
                continue
            if in_console and line.startswith("$ "):
                found.append((str(page.relative_to(ROOT)), line[2:].split("  #")[0].strip()))
    return found


def _runnable(command: str) -> bool:
    words = shlex.split(command)
    tool = next((w for w in words if "=" not in w), "")
    if tool not in TOOLS or "<" in command or "://" in command:
        return False
    if any(w in ("record", "install", "new-provider", "clear") for w in words):
        return False
    return "hw_fixtures/" in command or words[-1] in ("--help", "--version")


EXAMPLES = [e for e in _examples() if _runnable(e[1])]


def test_the_docs_have_runnable_examples() -> None:
    assert len(EXAMPLES) >= 5, EXAMPLES


@pytest.mark.parametrize(("page", "command"), EXAMPLES, ids=[f"{p}: {c}" for p, c in EXAMPLES])
def test_example_runs(page: str, command: str) -> None:
    words = shlex.split(command)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VARIANT_DETECT_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    done = subprocess.run(words, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{page}: `{command}` exited {done.returncode}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
