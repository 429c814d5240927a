"""What the openmp provider reads, through the probe seam only.

Nothing is loaded: a fresh plugin process has no OpenMP runtime mapped, so
asking the process (threadpoolctl's way) would find none. Instead, files on
disk: glibc's ``/etc/ld.so.cache`` (Linux), and the library directories of
this Python environment's prefixes (``<prefix>/lib``, conda's
``<prefix>\\Library\\bin`` on Windows), listed, not opened. The interpreter's
prefixes come from one question to it (library ``python``, function
``sys_paths``), so a fixture says where the recorded environment lived.
"""

from __future__ import annotations

from variant_detect_runtime import interpreter_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_openmp._table import Tables
    from variant_detect_runtime import Probe, Report

LD_SO_CACHE = "/etc/ld.so.cache"
# Real caches are 10-300 KiB; 8 MiB is far beyond any, and bounds a garbage file.
LD_SO_CACHE_LIMIT = 8 << 20
OVERRIDE_ENV = "VARIANT_DETECT_OPENMP_PROVIDER"
# A conda prefix's lib/ holds a few thousand files; more than this is not a lib directory.
MAX_LISTING = 20000


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = ("ld_cache", "lib_dirs", "machine", "problems", "python", "system")

    def __init__(self, system: str, machine: str) -> None:
        self.system = system
        self.machine = machine
        self.ld_cache: bytes | None = None
        self.python: dict[str, object] | None = None
        #: (directory, file names) of each environment library directory that exists.
        self.lib_dirs: list[tuple[str, list[str]]] = []
        #: (source, problem) for sources that exist but could not be read.
        self.problems: list[tuple[str, str]] = []


def join(system: str, *parts: str) -> str:
    """Join path parts the way the probed OS does (a Windows fixture replays on Linux)."""
    sep = "\\" if system == "Windows" else "/"
    head, *rest = parts
    return sep.join([head.rstrip("/\\") or head, *rest])


def python_paths(probe: Probe, raw: RawSources) -> dict[str, object] | None:
    try:
        return interpreter_paths(probe)
    except ValueError as exc:
        raw.problems.append(("python.sys_paths", str(exc)))
        return None


def prefixes(raw: RawSources) -> list[str]:
    """The environment's prefix and base prefix, without the system's own ``/usr`` and ``/``."""
    found: list[str] = []
    for key in ("prefix", "base_prefix"):
        value = raw.python.get(key) if raw.python else None
        if not isinstance(value, str) or not value or value in found:
            continue
        if raw.system != "Windows" and value.rstrip("/") in ("/usr", ""):
            continue  # the system's libraries are ld.so.cache's business
        found.append(value)
    return found


def _lib_dirs(probe: Probe, raw: RawSources, tables: Tables) -> None:
    for prefix in prefixes(raw):
        for parts in tables.lib_dirs.get(raw.system, ()):
            directory = join(raw.system, prefix, *parts)
            try:
                names = probe.listdir(directory)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raw.problems.append((directory, f"cannot list: {exc.strerror or exc}"))
                continue
            raw.lib_dirs.append((directory, names[:MAX_LISTING]))


def collect(probe: Probe, report: Report, tables: Tables) -> RawSources:
    identity = probe.identity
    raw = RawSources(identity.system, identity.machine)
    if raw.system == "Linux":
        try:
            raw.ld_cache = probe.read_bytes(LD_SO_CACHE, LD_SO_CACHE_LIMIT)
        except FileNotFoundError:
            pass  # musl and some containers have none: nothing installed system-wide that we can see
        except OSError as exc:
            raw.problems.append((LD_SO_CACHE, f"cannot read: {exc.strerror or exc}"))
    raw.python = python_paths(probe, raw)
    if raw.python is not None:
        _lib_dirs(probe, raw, tables)
    return raw
