"""This interpreter's own paths, through the probe seam.

Providers that look for libraries an environment ships (``<prefix>/lib``,
wheels on ``sys.path``: blas_lapack, openmp) ask the interpreter where it
lives. The answer goes through :meth:`Probe.library` like any other source,
recorded as library ``python``, call ``sys_paths``, so a fixture replays
another machine's environment.
"""

from __future__ import annotations

from variant_detect_runtime._errors import ProbeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime._probe import Probe

PYTHON_LIBRARY = "python"


class _Interpreter:
    """The live binding: answers about the running interpreter."""

    def sys_paths(self) -> dict[str, object]:
        import sys

        return {"prefix": sys.prefix, "base_prefix": sys.base_prefix, "path": list(sys.path)}


def interpreter_paths(probe: Probe) -> dict[str, object] | None:
    """``{"prefix", "base_prefix", "path"}`` of the probed interpreter; ``None`` when the source has none.

    A fixture without the answer gives ``None`` (nothing to list); an answer
    that is not an object raises ``ValueError`` naming it, for the caller to
    report as a broken source.
    """
    # The interpreter answering about itself cannot hang: no worker thread.
    library = probe.library(PYTHON_LIBRARY, _Interpreter, threaded=False)
    try:
        answer = library.call("sys_paths", timeout=5.0)
    except ProbeError:
        return None
    if not isinstance(answer, dict):
        raise ValueError(f"expected an object, got {answer!r}")
    return answer
