"""Exceptions and the warning category of variant-detect.

One base class; each subclass also inherits the builtin it refines, so callers
that only know ``ValueError`` or ``OSError`` still catch it.
"""

from __future__ import annotations


class VariantDetectError(Exception):
    """Base class of every error raised by variant-detect."""


class InvalidConfigError(VariantDetectError, ValueError):
    """A namespace, feature name or value breaks the variant naming rules."""


class FixtureError(VariantDetectError, ValueError):
    """A fixture directory handed to us is missing or malformed."""


class ProbeError(VariantDetectError, OSError):
    """A source could not be read (missing library, failed call, ...)."""


class ProbeTimeout(ProbeError, TimeoutError):
    """A source did not answer within its time limit (a hung driver call)."""


class LibraryCallError(ProbeError):
    """A library call returned an error code.

    ``code`` is the library's own error number (an ``NVML_ERROR_*`` or
    ``CUresult`` value, an OpenCL status, ...), ``name`` its symbolic name.
    """

    def __init__(self, function: str, code: int, name: str = "") -> None:
        self.function = function
        self.code = code
        self.name = name
        label = f"{code} ({name})" if name else str(code)
        super().__init__(f"{function} returned error {label}")


class VariantDetectWarning(UserWarning):
    """A source was missing or broken; the profile was degraded, not lost."""
