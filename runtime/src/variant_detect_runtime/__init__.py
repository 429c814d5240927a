"""variant-detect-runtime: what every wheel-variant provider needs, and nothing else.

The public API of the provider runtime. A provider (ours or a third party's)
imports only the names listed in ``__all__`` here, plus the documented public
submodules :mod:`variant_detect_runtime.testing` (fixture replay for test
suites) and :mod:`variant_detect_runtime.ldcache` (a reader of
``/etc/ld.so.cache``). Every ``_module`` is private and may change in any release.

* :class:`Feature`: one feature with its values, most preferred first;
* :class:`Provider`: the base class (declare ``namespace``, implement
  ``collect``/``parse``/``all_features``, optionally ``apply_overrides``);
  an instance is the plugin an entry point in group ``variant_plugins`` names;
* :class:`Probe` and its kinds: the only door to the machine, with replay of
  recorded fixtures;
* :func:`load_table`: JSON tables beside the code, parsed once on first use;
* :func:`apply_cap`: the shared "cap the leading level at a user's value" override.

Importing this package does not import attrs: :class:`ProviderConfig`, the
attrs model of a whole answer, is imported on first use.
"""

from __future__ import annotations

from variant_detect_runtime._cap import apply_cap, apply_order
from variant_detect_runtime._errors import (
    FixtureError,
    InvalidConfigError,
    LibraryCallError,
    ProbeError,
    ProbeTimeout,
    VariantDetectError,
    VariantDetectWarning,
)
from variant_detect_runtime._feature import Feature, check_features
from variant_detect_runtime._interpreter import interpreter_paths
from variant_detect_runtime._names import NAME_PATTERN, VALUE_PATTERN, check_name, check_values, is_name, is_value
from variant_detect_runtime._probe import (
    DEFAULT_READ_LIMIT,
    DEFAULT_TIMEOUT,
    FIXTURE_ENV,
    CommandResult,
    Library,
    LiveProbe,
    Probe,
    ReplayProbe,
    default_probe,
    is_override_variable,
    open_first_library,
)
from variant_detect_runtime._provider import DISABLE_ENV, Detection, Provider, Report, emit_warnings
from variant_detect_runtime._tables import load_table

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_READ_LIMIT",
    "DEFAULT_TIMEOUT",
    "DISABLE_ENV",
    "FIXTURE_ENV",
    "NAME_PATTERN",
    "VALUE_PATTERN",
    "CommandResult",
    "Detection",
    "Feature",
    "FixtureError",
    "InvalidConfigError",
    "Library",
    "LibraryCallError",
    "LiveProbe",
    "Probe",
    "ProbeError",
    "ProbeTimeout",
    "Provider",
    "ProviderConfig",
    "ReplayProbe",
    "Report",
    "VariantDetectError",
    "VariantDetectWarning",
    "__version__",
    "apply_cap",
    "apply_order",
    "check_features",
    "check_name",
    "check_values",
    "default_probe",
    "emit_warnings",
    "interpreter_paths",
    "is_name",
    "is_override_variable",
    "is_value",
    "load_table",
    "open_first_library",
]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime._model import ProviderConfig


def __getattr__(name: str) -> object:
    if name == "ProviderConfig":
        from variant_detect_runtime._model import ProviderConfig

        globals()[name] = ProviderConfig
        return ProviderConfig
    raise AttributeError(f"module 'variant_detect_runtime' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
