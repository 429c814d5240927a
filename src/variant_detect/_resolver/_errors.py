"""Errors of the resolver, each mapped to one documented exit status."""

from __future__ import annotations

from variant_detect_runtime import VariantDetectError

EXIT_OK = 0
EXIT_FAILURE = 1  # a bug: something we did not foresee
EXIT_BAD_INPUT = 2  # bad options, malformed or inconsistent metadata, unusable files
EXIT_NO_MATCH = 3  # nothing compatible (or the forced label does not exist / is incompatible)
EXIT_INDEX = 4  # an index could not be read (timeout, HTTP error, hash mismatch)
EXIT_INSTALLER = 5  # the installer (uv, pip) failed; nothing was installed by us


class ResolverError(VariantDetectError):
    exit_code = EXIT_FAILURE


class BadInput(ResolverError, ValueError):
    """Options or files we cannot use; the message names the source."""

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


class NoMatch(ResolverError, LookupError):
    exit_code = EXIT_NO_MATCH


class IndexFailure(ResolverError, OSError):
    exit_code = EXIT_INDEX


class InstallerFailure(ResolverError, RuntimeError):
    exit_code = EXIT_INSTALLER
