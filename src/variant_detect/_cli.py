"""The ``variant-detect`` command.

Exit status: 0 when a profile could be produced (even a degraded one, with
warnings), 2 for bad input from the user (a missing fixture directory, a bad
option), 1 for anything unexpected.
"""

from __future__ import annotations

import os
import sys
import time

from variant_detect import __version__
from variant_detect_runtime import VariantDetectError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

    from variant_detect_runtime import Probe

# Commands implemented outside this module, imported only when used so the
# profile path stays cheap: name -> module with ``main(command, argv) -> int``.
EXTERNAL_COMMANDS = {
    "rank": "variant_detect._resolver.cli",
    "pick": "variant_detect._resolver.cli",
    "install": "variant_detect._resolver.cli",
    "cache": "variant_detect._resolver.cli",
    "new-provider": "variant_detect._newprovider",
}

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="variant-detect",
        description="Report which wheel-variant properties this machine supports.",
    )
    parser.add_argument("--version", action="version", version=f"variant-detect {__version__}")
    parser.add_argument("--json", action="store_true", help="print one JSON object (the profile format)")
    parser.add_argument("--explain", action="store_true", help="say which source gave each answer")
    parser.add_argument("--fixture", metavar="DIR", help="replay a recorded machine instead of probing this one")
    parser.add_argument("--namespace", metavar="NS", action="append", help="only this namespace (repeatable)")
    parser.add_argument(
        "--slow-discovery",
        action="store_true",
        help="find providers through importlib.metadata (zip imports, custom finders)",
    )
    loud = parser.add_mutually_exclusive_group()
    loud.add_argument("-v", "--verbose", action="store_true", help="also print timings per provider")
    loud.add_argument("-q", "--quiet", action="store_true", help="do not print warnings on stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    record = commands.add_parser("record", help="write this machine's fixture to DIR")
    record.add_argument("directory", metavar="DIR", help="a new directory to create")
    for name in EXTERNAL_COMMANDS:
        commands.add_parser(name, help=f"see 'variant-detect {name} --help'", add_help=False)
    return parser


def _probe_for(args: argparse.Namespace) -> Probe:
    from variant_detect_runtime import FIXTURE_ENV, ReplayProbe, default_probe

    if args.fixture is not None:
        probe = ReplayProbe(args.fixture)
        # Our providers read the fixture through the probe we hand them; the
        # variable lets anything they start (a helper subprocess) see it too.
        os.environ[FIXTURE_ENV] = probe.directory
        return probe
    return default_probe()


def _entries(args: argparse.Namespace) -> list[object] | None:
    if not args.slow_discovery:
        return None
    from variant_detect._discovery import find_plugins_slow

    return list(find_plugins_slow())


def _print_warnings(messages: list[str], quiet: bool) -> None:
    if quiet:
        return
    for message in messages:
        print(f"variant-detect: warning: {message}", file=sys.stderr)


def _show(args: argparse.Namespace) -> int:
    from variant_detect._profile import build_profile

    probe = _probe_for(args)
    profile = build_profile(probe, args.namespace, _entries(args))  # type: ignore[arg-type]
    _print_warnings(profile.all_warnings(), args.quiet)
    if args.verbose:
        for detection in profile.detections:
            print(
                f"variant-detect: {detection.namespace}: {detection.seconds * 1000:.2f} ms",
                file=sys.stderr,
            )
    if args.json:
        from variant_detect._profile import dumps

        sys.stdout.write(dumps(profile.as_json(args.explain)) + "\n")
    else:
        from variant_detect._text import render

        sys.stdout.write(render(profile, probe, args.explain, __version__))
    return EXIT_OK


def _record(args: argparse.Namespace) -> int:
    from variant_detect._record import RecordingProbe, write_fixture

    if args.fixture is not None:
        raise _BadInput("record probes this machine; it cannot be combined with --fixture")
    from variant_detect._profile import build_profile
    from variant_detect._text import machine_summary

    recording = RecordingProbe()
    profile = build_profile(recording, args.namespace, _entries(args))  # type: ignore[arg-type]
    _print_warnings(profile.all_warnings(), args.quiet)
    metadata = {
        **recording.identity.as_dict(),
        "python_bits": 64 if sys.maxsize > 2**32 else 32,
        "summary": machine_summary(recording.live),
        "recorded_by": f"variant-detect {__version__}",
        "recorded_on": time.strftime("%Y-%m-%d", time.gmtime()),
        "providers": {d.namespace: f"{d.distribution} {d.version}" for d in profile.detections},
    }
    write_fixture(args.directory, recording, metadata)
    print(f"variant-detect: wrote fixture {args.directory}", file=sys.stderr)
    return EXIT_OK


class _BadInput(VariantDetectError, ValueError):
    pass


# Options that take a value, ours and the resolver's, so that in
# `variant-detect --profile FILE rank x.json` the word FILE is not mistaken
# for the command.
_VALUE_OPTIONS = frozenset(
    {
        "--fixture",
        "--namespace",
        "--profile",
        "--index-url",
        "-i",
        "--extra-index-url",
        "--find-links",
        "-f",
        "--variant",
        "--namespace-priority",
        "--variants-toml",
        "--allow-provider",
        "--installer",
        "--python",
        "--dest",
        "--enable-optional",
    }
)


def _external(argv: list[str]) -> tuple[str, int] | None:
    """The first word naming an external command (and its index), if any."""
    for index, word in enumerate(argv):
        if word in EXTERNAL_COMMANDS and (index == 0 or argv[index - 1] not in _VALUE_OPTIONS):
            return word, index
        if word == "record" and (index == 0 or argv[index - 1] not in _VALUE_OPTIONS):
            return None
    return None


_FLAGS = {
    "--json": "json",
    "--explain": "explain",
    "-q": "quiet",
    "--quiet": "quiet",
    "-v": "verbose",
    "--verbose": "verbose",
    "--slow-discovery": "slow_discovery",
}


def _fast_args(words: list[str]) -> argparse.Namespace | None:
    """Parse the common profile command lines without argparse.

    argparse (with gettext, locale and shutil, which it pulls in) costs ~6 ms
    of a ~35 ms run. Anything this does not recognise (--help, --version,
    `record`, a typo) returns None and goes to argparse, which stays the
    reference: a test checks that both agree.
    """
    from types import SimpleNamespace

    args: dict[str, Any] = dict.fromkeys(_FLAGS.values(), False)
    args.update(fixture=None, namespace=None, command=None)
    index = 0
    while index < len(words):
        word = words[index]
        name, eq, value = word.partition("=")
        if word in _FLAGS:
            args[_FLAGS[word]] = True
        elif name in ("--fixture", "--namespace"):
            if not eq:
                index += 1
                if index == len(words):
                    return None
                value = words[index]
            if name == "--fixture":
                args["fixture"] = value
            else:
                args["namespace"] = [*(args["namespace"] or []), value]
        else:
            return None
        index += 1
    if args["quiet"] and args["verbose"]:
        return None  # argparse reports the conflict
    return SimpleNamespace(**args)  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    external = _external(words)
    if external is not None:
        command, index = external
        # __import__ rather than importlib: importlib/__init__ costs ~0.5 ms here.
        module = __import__(EXTERNAL_COMMANDS[command], fromlist=["main"])
        result: int = module.main(command, words[:index] + words[index + 1 :])
        return result
    args = _fast_args(words) or _parser().parse_args(words)
    try:
        if args.command == "record":
            return _record(args)
        return _show(args)
    except (VariantDetectError, FileExistsError) as exc:
        # User input we cannot use (a fixture that is not there, a bad file):
        # one clear line and a non-zero exit, never a traceback.
        print(f"variant-detect: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def entry() -> None:
    sys.exit(main())
