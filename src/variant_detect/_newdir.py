"""Checks for a directory a command is asked to create (``record DIR``, ``new-provider --dest``).

A path that cannot become a new directory is bad input (exit 2) named with the
reason, found before any work is done; an OS error while creating it is turned
into the same kind of message by :func:`cannot_create`.
"""

from __future__ import annotations

import os

from variant_detect._exit import BadInput


def check_new_directory(path: str, what: str) -> None:
    """Raise BadInput unless *path* is absent and its nearest existing ancestor is a writable directory."""
    if os.path.lexists(path):
        raise BadInput(f"{what} {path}: already exists; give a new directory")
    ancestor = os.path.dirname(os.path.abspath(path))
    while not os.path.lexists(ancestor):
        ancestor = os.path.dirname(ancestor)
    if not os.path.isdir(ancestor):
        raise BadInput(f"{what} {path}: cannot create it: {ancestor} is a file, not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise BadInput(f"{what} {path}: cannot create it: {ancestor} is not writable (permission denied)")


def cannot_create(path: str, what: str, exc: OSError) -> BadInput:
    """The message for an OS error while creating *path*: the path and the OS's reason."""
    return BadInput(f"{what} {path}: cannot create it: {exc.strerror or exc}")
