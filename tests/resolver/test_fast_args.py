"""The argparse-free fast path of ``rank``/``pick`` parses exactly as argparse does.

argparse is the reference: whenever the fast path answers, argparse must
accept the same words and give the same namespace; the common command lines
must take the fast path (else it saves nothing).
"""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variant_detect._resolver.cli import _fast_args, _parser

OPTIONS = [
    "--json",
    "--explain",
    "-q",
    "--quiet",
    "-v",
    "--verbose",
    "--no-cache",
    "--fixture",
    "--profile",
    "--variants-toml",
    "--namespace",
    "--namespace-priority",
    "--allow-provider",
    "--enable-optional",
    "--index-url",
    "-i",
    "--extra-index-url",
    "--find-links",
    "-f",
    "--variant",
    "--no-index",
    "--no-variant",
    # what the fast path must leave to argparse
    "--help",
    "-h",
    "--find",
    "--jsn",
    "-qv",
    "--",
    "--installer",
    "--dry-run",
]
VALUES = ["pkg", "dummy-pkg>=1.0", "x.json", "a=b", "", "-", "-x", "-1", "/tmp/d", "a b", "-a b", "x86_64,nvidia"]
WORDS = st.one_of(
    st.sampled_from(OPTIONS),
    st.sampled_from(VALUES),
    st.builds(lambda o, v: f"{o}={v}", st.sampled_from(OPTIONS), st.sampled_from(VALUES)),
    st.builds(lambda v: f"-f{v}", st.sampled_from(VALUES)),
)

TAKES_VALUE = {
    "--fixture",
    "--profile",
    "--variants-toml",
    "--namespace",
    "--namespace-priority",
    "--allow-provider",
    "--enable-optional",
    "--index-url",
    "-i",
    "--extra-index-url",
    "--find-links",
    "-f",
    "--variant",
}


@st.composite
def plausible(draw: st.DrawFn) -> list[str]:
    """Mostly well-formed lines: one positional among options with their values (sometimes junk)."""
    words: list[str] = []
    for option in draw(st.lists(st.sampled_from(OPTIONS[:23]), max_size=6)):
        value = draw(st.sampled_from(VALUES))
        if option in TAKES_VALUE:
            words += draw(st.sampled_from([[option, value], [f"{option}={value}"]]))
        else:
            words.append(option)
    words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(VALUES)))
    return words


def reference(command: str, words: list[str]) -> dict[str, object] | None:
    """argparse's namespace, or None where it refuses the words (or prints help)."""
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            return vars(_parser(command).parse_args(words))
    except SystemExit:
        return None


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["rank", "pick"]), st.one_of(st.lists(WORDS, max_size=8), plausible()))
def test_fast_path_agrees_with_argparse(command: str, words: list[str]) -> None:
    fast = _fast_args(command, words)
    if fast is not None:
        assert vars(fast) == reference(command, words)


COMMON = [
    ("pick", ["dummy-pkg", "--find-links", "/w"]),
    ("pick", ["torch>=2.8", "--index-url", "https://example.org/simple", "--json"]),
    ("pick", ["numpy", "-i", "https://x/simple", "--extra-index-url", "https://y/simple", "-f", "d", "-q"]),
    ("pick", ["pkg", "--fixture=/fx", "--variant", "a", "--variant", "b", "--explain"]),
    ("pick", ["pkg", "--no-index", "-f", "d", "--no-variant", "--no-cache", "--profile", "p.json"]),
    ("pick", ["--allow-provider", "acme", "--enable-optional", "ns", "pkg", "--namespace-priority", "a,b"]),
    ("rank", ["x.json", "--json", "--variants-toml", "v.toml", "--namespace", "x86_64"]),
]


@pytest.mark.parametrize(("command", "words"), COMMON)
def test_common_command_lines_take_the_fast_path(command: str, words: list[str]) -> None:
    fast = _fast_args(command, words)
    assert fast is not None
    assert vars(fast) == reference(command, words)


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("pick", ["pkg", "--help"]),
        ("pick", ["pkg", "--find", "d"]),  # an abbreviation: argparse's rules
        ("pick", ["pkg", "-fd"]),
        ("pick", ["pkg", "-qv"]),
        ("pick", ["pkg", "--fixture"]),
        ("pick", ["pkg", "--fixture", "-x"]),
        ("pick", ["a", "b"]),
        ("pick", []),
        ("pick", ["--", "pkg"]),
        ("rank", ["x.json", "--find-links", "d"]),  # not an option of rank
        ("install", ["pkg"]),
        ("cache", ["clear"]),
    ],
)
def test_everything_else_goes_to_argparse(command: str, words: list[str]) -> None:
    assert _fast_args(command, words) is None
