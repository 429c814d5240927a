"""Exit statuses of the ``variant-detect`` command and the errors that map to them.

The one home of both: every command (the profile, ``record``, the resolver's
``rank``/``pick``/``install``/``cache``, ``new-provider``) raises one of these
classes and :func:`variant_detect._cli.main` turns it into one line on stderr
and its ``exit_code``. docs/cli.md and docs/resolver.md list the statuses.
"""

from __future__ import annotations

from variant_detect_runtime import VariantDetectError

EXIT_OK = 0
EXIT_FAILURE = 1  # a bug: something we did not foresee
EXIT_BAD_INPUT = 2  # bad options, files, environment variables or fixtures (the message names which)
EXIT_NO_MATCH = 3  # nothing compatible (or the forced label does not exist / is incompatible)
EXIT_INDEX = 4  # an index could not be read (timeout, HTTP error, hash mismatch)
EXIT_INSTALLER = 5  # the installer (uv, pip) failed; nothing was installed by us
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT): the shell's 128 + 2


class CommandError(VariantDetectError):
    """An error that ends a command with :attr:`exit_code`."""

    exit_code = EXIT_FAILURE


class BadInput(CommandError, ValueError):
    """Options, files or environment variables we cannot use; the message names the source."""

    exit_code = EXIT_BAD_INPUT


class MetadataError(BadInput):
    """A variants.json / variant.json that breaks the format.

    ``source`` is the file (path or URL), ``key`` the key path inside it.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(where + problem)


class NoMatch(CommandError, LookupError):
    exit_code = EXIT_NO_MATCH


class IndexFailure(CommandError, OSError):
    exit_code = EXIT_INDEX


class InstallerFailure(CommandError, RuntimeError):
    exit_code = EXIT_INSTALLER


def exit_code(exc: BaseException) -> int:
    """The documented status for *exc*: a command error's own, 2 for other bad input.

    Other ``ValueError``\\s are bad input too: the runtime's (a malformed
    fixture, a name that breaks the naming rules) and the standard library's
    parsers handed user data. Anything else is a bug.
    """
    if isinstance(exc, CommandError):
        return exc.exit_code
    if isinstance(exc, ValueError):
        return EXIT_BAD_INPUT
    return EXIT_FAILURE
