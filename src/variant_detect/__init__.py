"""variant-detect: the command and resolver of the variant-detect provider suite.

``variant-detect`` prints this machine's wheel-variant profile, records and
replays fixtures, and ranks, picks and installs variant wheels. Providers do
not import this package: what they need is the provider runtime,
:mod:`variant_detect_runtime` (distribution ``variant-detect-runtime``).

The one library entry point here is :func:`detect`, imported lazily so that
``import variant_detect`` costs next to nothing.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "detect"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._api import detect


def __getattr__(name: str) -> object:
    if name == "detect":
        from variant_detect._api import detect

        globals()[name] = detect
        return detect
    raise AttributeError(f"module 'variant_detect' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
