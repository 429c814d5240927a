"""The ``variant-detect`` command: one argparse definition, commands loaded lazily.

The top-level parser holds the profile's options. Each command is a
sub-parser whose arguments are defined by its own module (``define(parser,
command)``), imported only when that command is on the command line or its
help is printed, so the profile path never imports the resolver. Everything a
command raises ends here: one line on stderr and the status of
:mod:`variant_detect._exit` (docs/cli.md lists them), never a traceback for
bad input or Ctrl-C.
"""

from __future__ import annotations

import os
import sys

from variant_detect import __version__
from variant_detect._exit import EXIT_INTERRUPTED, EXIT_OK, BadInput, CommandError, exit_code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any

    from variant_detect_runtime import Probe

PROG = "variant-detect"

#: command -> (module defining its arguments with ``define(parser, command)``, help line)
COMMANDS = {
    "record": ("variant_detect._cli", "write this machine's fixture to DIR"),
    "rank": ("variant_detect._resolver.cli", "rank the variants of a variants.json for this machine"),
    "pick": ("variant_detect._resolver.cli", "print the wheel the resolver would install, and why"),
    "install": ("variant_detect._resolver.cli", "pick the right wheels and install them with uv or pip"),
    "cache": ("variant_detect._resolver.cli", "manage cached provider answers"),
    "new-provider": ("variant_detect._newprovider", "render the provider template for a new provider"),
}


def _columns() -> int:
    """The help width, without argparse's default of importing shutil (~2 ms a run)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 80
    return max(columns - 2, 20)


def formatter(prog: str) -> argparse.HelpFormatter:
    import argparse

    return argparse.HelpFormatter(prog, width=_columns())


class _Command:
    """A command's parser as argparse's ``parser_class``: built and defined on first use.

    The top-level parser needs every command's name and help line; a command's
    own parser (an ArgumentParser, its module imported, its arguments added)
    is made only when argparse parses that command or prints its help, which
    keeps ~0.6 ms of parser building off every run that uses one command or none.
    """

    def __init__(self, *, command: str = "", **kwargs: Any) -> None:
        self._command = command
        self._kwargs = kwargs
        self._parser: argparse.ArgumentParser | None = None

    def real(self) -> argparse.ArgumentParser:
        if self._parser is None:
            import argparse

            parser = argparse.ArgumentParser(**{**self._kwargs, "formatter_class": formatter})
            # __import__ rather than importlib: importlib/__init__ costs ~0.5 ms.
            module = __import__(COMMANDS[self._command][0], fromlist=["define"])
            module.define(parser, self._command)
            self._parser = parser
        return self._parser

    def __getattr__(self, name: str) -> Any:  # parse_known_args, format_help, ...
        return getattr(self.real(), name)


def parser() -> argparse.ArgumentParser:
    """The whole command line; commands' own arguments are added when they are parsed."""
    return _build()[0]


def command_parser(command: str) -> argparse.ArgumentParser:
    """The parser of one command, its arguments defined (for its --help and the docs tests)."""
    sub: _Command = _build()[1].choices[command]  # type: ignore[index]
    return sub.real()


def _build() -> tuple[argparse.ArgumentParser, argparse.Action]:
    import argparse

    top = argparse.ArgumentParser(
        prog=PROG,
        description="Report which wheel-variant properties this machine supports.",
        formatter_class=formatter,
    )
    add = top.add_argument
    add("--version", action="version", version=f"{PROG} {__version__}")
    add("--json", action="store_true", help="print one JSON object (the profile format)")
    add("--explain", action="store_true", help="say which source gave each answer")
    add("--fixture", metavar="DIR", help="replay a recorded machine instead of probing this one")
    add("--namespace", metavar="NS", action="append", help="only this namespace (repeatable)")
    add(
        "--slow-discovery",
        action="store_true",
        help="find providers through importlib.metadata (zip imports, custom finders)",
    )
    loud = top.add_mutually_exclusive_group()
    loud.add_argument("-v", "--verbose", action="store_true", help="also print timings per provider")
    loud.add_argument("-q", "--quiet", action="store_true", help="do not print warnings on stderr")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", prog=PROG, parser_class=_Command)  # type: ignore[type-var]
    for name, (_module, line) in COMMANDS.items():
        commands.add_parser(name, help=line, description=line[:1].upper() + line[1:] + ".", command=name)
    return top, commands


def shared(parser: argparse.ArgumentParser, *names: str, help_for: dict[str, str] | None = None) -> None:
    """Add options the profile also has (--json, --explain, --fixture, --namespace, -q, -v) to a command.

    Their default is SUPPRESS, so the value given before the command word
    (parsed by the top-level parser) stands unless the command repeats it.
    """
    import argparse

    helps = {
        "--json": "print JSON",
        "--explain": "say where each answer came from",
        "--fixture": "detect from a recorded machine instead of this one",
        "--namespace": argparse.SUPPRESS,
        "--quiet": "do not print warnings",
        "--verbose": argparse.SUPPRESS,
        **(help_for or {}),
    }
    spellings = {"--quiet": ("-q", "--quiet"), "--verbose": ("-v", "--verbose")}
    for name in names:
        kwargs: dict[str, object] = {"default": argparse.SUPPRESS, "help": helps[name]}
        if name in ("--fixture",):
            kwargs["metavar"] = "DIR"
        elif name == "--namespace":
            kwargs.update(metavar="NS", action="append")
        else:
            kwargs["action"] = "store_true"
        parser.add_argument(*spellings.get(name, (name,)), **kwargs)  # type: ignore[arg-type]


# -- the profile and record -------------------------------------------------------------


def define(parser: argparse.ArgumentParser, command: str) -> None:
    """``record DIR``."""
    parser.add_argument("directory", metavar="DIR", help="a new directory to create")
    parser.set_defaults(run=_record)


def _probe_for(args: argparse.Namespace) -> Probe:
    from variant_detect_runtime import FIXTURE_ENV, ReplayProbe, default_probe

    fixture = args.fixture or os.environ.get(FIXTURE_ENV)
    if fixture:
        try:
            probe = ReplayProbe(fixture)
        except ValueError as exc:
            option = "--fixture" if args.fixture else FIXTURE_ENV
            raise BadInput(f"{option} {fixture}: {exc}") from None
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
        print(f"{PROG}: warning: {message}", file=sys.stderr)


def _show(args: argparse.Namespace) -> int:
    from variant_detect._profile import build_profile

    probe = _probe_for(args)
    profile = build_profile(probe, args.namespace, _entries(args))  # type: ignore[arg-type]
    _print_warnings(profile.all_warnings(), args.quiet)
    if args.verbose:
        for detection in profile.detections:
            print(f"{PROG}: {detection.namespace}: {detection.seconds * 1000:.2f} ms", file=sys.stderr)
    if args.json:
        from variant_detect._profile import dumps

        sys.stdout.write(dumps(profile.as_json(args.explain)) + "\n")
    else:
        from variant_detect._text import render

        sys.stdout.write(render(profile, probe, args.explain, __version__))
    return EXIT_OK


def _record(args: argparse.Namespace) -> int:
    import time

    from variant_detect._newdir import check_new_directory
    from variant_detect._record import RecordingProbe, write_fixture

    if args.fixture is not None:
        raise BadInput("record probes this machine; it cannot be combined with --fixture")
    check_new_directory(args.directory, "record")
    from variant_detect._profile import build_profile
    from variant_detect._text import machine_summary

    recording = RecordingProbe()
    profile = build_profile(recording, args.namespace, _entries(args))  # type: ignore[arg-type]
    _print_warnings(profile.all_warnings(), args.quiet)
    metadata = {
        **recording.identity.as_dict(),
        "python_bits": 64 if sys.maxsize > 2**32 else 32,
        "summary": machine_summary(recording.live),
        "recorded_by": f"{PROG} {__version__}",
        "recorded_on": time.strftime("%Y-%m-%d", time.gmtime()),
        "providers": {d.namespace: f"{d.distribution} {d.version}" for d in profile.detections},
    }
    write_fixture(args.directory, recording, metadata)
    print(f"{PROG}: wrote fixture {args.directory}", file=sys.stderr)
    return EXIT_OK


# -- running ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            args = parser().parse_args(words)
        except SystemExit as exc:  # --help, --version (0) or argparse's usage error (2)
            return exc.code if isinstance(exc.code, int) else EXIT_OK
        run: Callable[[argparse.Namespace], int] = getattr(args, "run", _show)
        return run(args)
    except KeyboardInterrupt:
        return interrupted()
    except (CommandError, ValueError) as exc:
        # Input we cannot use, an index that failed, an installer that failed:
        # one clear line naming it and the documented status, never a
        # traceback. ValueErrors are bad input: ours (BadInput, the runtime's
        # FixtureError and InvalidConfigError) and the standard library's
        # parsers the commands call on user data.
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exit_code(exc)


def interrupted() -> int:
    """Ctrl-C: one line and the shell's status for SIGINT (128 + 2)."""
    print(f"\n{PROG}: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def entry() -> None:
    try:
        status = main()
    except KeyboardInterrupt:  # between main's frames (an import, a finally)
        status = interrupted()
    sys.exit(status)
