"""Where the resolver reads configuration and keeps its cache.

platformdirs answers these questions on every OS, but importing it costs about
as much as a bare interpreter start. On Linux (and other XDG systems) its
answers are a few environment lookups, done here; everywhere else it is used.
The test suite checks both give the same paths.
"""

from __future__ import annotations

import os
import sys

CACHE_ENV = "VARIANT_DETECT_CACHE_DIR"
APP = "variant-detect"
CONFIG_FILENAME = "variants.toml"


def _xdg() -> bool:
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def _xdg_home(variable: str, default: str) -> str:
    value = os.environ.get(variable, "").strip()
    return value if value else os.path.expanduser(default)


def user_cache_dir() -> str:
    """Our cache directory: ``$VARIANT_DETECT_CACHE_DIR`` or the platform's user cache dir."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return override
    if _xdg():
        return os.path.join(_xdg_home("XDG_CACHE_HOME", "~/.cache"), APP)
    import platformdirs

    return platformdirs.user_cache_dir(APP, appauthor=False)


def _variantlib_user_config() -> str:
    if _xdg():
        return os.path.join(_xdg_home("XDG_CONFIG_HOME", "~/.config"), "variantlib")
    import platformdirs

    return str(platformdirs.user_config_path("variantlib", appauthor=False, roaming=True))


def _variantlib_site_config() -> str:
    if _xdg():
        dirs = os.environ.get("XDG_CONFIG_DIRS", "").strip() or "/etc/xdg"
        return os.path.join(dirs.split(os.pathsep)[0], "variantlib")
    import platformdirs

    return str(platformdirs.site_config_path("variantlib", appauthor=False))


def variants_toml_candidates() -> list[str]:
    """variantlib 0.2.2's search order (``configuration.py``): the first existing file wins."""
    return [
        os.path.join(os.getcwd(), CONFIG_FILENAME),
        os.path.join(sys.prefix, CONFIG_FILENAME),
        os.path.join(_variantlib_user_config(), CONFIG_FILENAME),
        os.path.join(_variantlib_site_config(), CONFIG_FILENAME),
    ]
