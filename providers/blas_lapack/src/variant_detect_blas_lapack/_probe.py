"""What the blas_lapack provider reads, through the probe seam only.

Nothing here imports numpy or loads a BLAS library: every source is a file
read, a directory listing, an environment variable, or one question to the
interpreter (library ``python``, function ``sys_paths``) so that a fixture can
say where the recorded environment's ``sys.path`` and prefix were.
"""

from __future__ import annotations

from variant_detect_runtime import interpreter_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_blas_lapack._table import Tables
    from variant_detect_runtime import Probe, Report

CPUINFO = "/proc/cpuinfo"
# Same limit as the x86_64 provider, so one recording keeps the same bytes for both.
CPUINFO_LIMIT = 64 * 1024
LD_SO_CACHE = "/etc/ld.so.cache"
# Real caches are 10-300 KiB; 8 MiB is far beyond any, and bounds a garbage file.
LD_SO_CACHE_LIMIT = 8 << 20
SYSTEM_VERSION = "/System/Library/CoreServices/SystemVersion.plist"
SMALL_FILE_LIMIT = 64 * 1024
OVERRIDE_ENV = "VARIANT_DETECT_BLAS_LAPACK_PROVIDER"
# Paths inside sys.path that hold no packages of their own.
_MAX_PATH_ENTRIES = 32


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = (
        "bundled",
        "cpuinfo",
        "flexiblas_configs",
        "flexiblas_env",
        "ld_cache",
        "machine",
        "macos_plist",
        "prefix_libraries",
        "problems",
        "processor_identifier",
        "python",
        "release",
        "system",
    )

    def __init__(self, system: str, machine: str, release: str) -> None:
        self.system = system
        self.machine = machine
        self.release = release
        self.cpuinfo: bytes | None = None
        self.processor_identifier: str | None = None
        self.macos_plist: bytes | None = None
        self.python: dict[str, object] | None = None
        #: (directory, file names) of each bundled-library directory found, in sys.path order.
        self.bundled: list[tuple[str, list[str]]] = []
        #: (path, backend) of BLAS runtimes found in the environment's prefix.
        self.prefix_libraries: list[tuple[str, str]] = []
        self.ld_cache: bytes | None = None
        self.flexiblas_env: str | None = None
        #: (path, bytes) of each FlexiBLAS configuration file read, in FlexiBLAS's reading order.
        self.flexiblas_configs: list[tuple[str, bytes]] = []
        #: (source, problem) for sources that exist but could not be read.
        self.problems: list[tuple[str, str]] = []


def join(system: str, *parts: str) -> str:
    """Join path parts the way the probed OS does (a Windows fixture replays on Linux)."""
    sep = "\\" if system == "Windows" else "/"
    head, *rest = parts
    return sep.join([head.rstrip("/\\") or head, *rest])


def read_optional(probe: Probe, path: str, limit: int, raw: RawSources) -> bytes | None:
    """The file's bytes; None when absent; a problem noted when it exists but fails."""
    try:
        return probe.read_bytes(path, limit)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raw.problems.append((path, f"cannot read: {exc.strerror or exc}"))
        return None


def python_paths(probe: Probe, raw: RawSources) -> dict[str, object] | None:
    try:
        return interpreter_paths(probe)
    except ValueError as exc:
        raw.problems.append(("python.sys_paths", str(exc)))
        return None


def _site_dirs(raw: RawSources) -> list[str]:
    paths = raw.python.get("path") if raw.python else None
    if not isinstance(paths, list):
        return []
    absolute = [p for p in paths if isinstance(p, str) and (p.startswith("/") or p[1:3] in (":\\", ":/"))]
    return [p for p in absolute if not p.lower().endswith(".zip")][:_MAX_PATH_ENTRIES]


def _bundled(probe: Probe, raw: RawSources, tables: Tables) -> None:
    for site in _site_dirs(raw):
        for parts in tables.python_dirs:
            directory = join(raw.system, site, *parts)
            if not probe.exists(directory):
                continue
            try:
                raw.bundled.append((directory, probe.listdir(directory)))
            except OSError as exc:
                raw.problems.append((directory, f"cannot list: {exc.strerror or exc}"))


def _prefixes(raw: RawSources) -> list[str]:
    found = []
    for key in ("prefix", "base_prefix"):
        value = raw.python.get(key) if raw.python else None
        if isinstance(value, str) and value and value not in found:
            found.append(value)
    return found


def _prefix_libraries(probe: Probe, raw: RawSources, tables: Tables) -> None:
    for prefix in _prefixes(raw):
        if raw.system != "Windows" and prefix in ("/usr", "/"):
            continue  # the system's own libraries are the ld.so.cache's business
        for system, parts, backend in tables.prefix_libraries:
            path = join(raw.system, prefix, *parts)
            if system == raw.system and probe.exists(path):
                raw.prefix_libraries.append((path, backend))


def _flexiblas(probe: Probe, raw: RawSources, tables: Tables) -> None:
    raw.flexiblas_env = probe.getenv("FLEXIBLAS")
    paths = [tables.flexiblas_system_config]
    home = probe.getenv("HOME")
    if home:
        paths.append(join("Linux", home, tables.flexiblas_user_config))
    named = probe.getenv("FLEXIBLAS_CONFIG")
    if named:
        paths.append(named)
    for path in paths:
        data = read_optional(probe, path, SMALL_FILE_LIMIT, raw)
        if data is not None:
            raw.flexiblas_configs.append((path, data))


def collect(probe: Probe, report: Report, tables: Tables) -> RawSources:
    identity = probe.identity
    raw = RawSources(identity.system, identity.machine, identity.release)
    if raw.system == "Linux":
        raw.cpuinfo = read_optional(probe, CPUINFO, CPUINFO_LIMIT, raw)
    elif raw.system == "Windows":
        raw.processor_identifier = probe.getenv("PROCESSOR_IDENTIFIER")
    elif raw.system == "Darwin":
        raw.macos_plist = read_optional(probe, SYSTEM_VERSION, SMALL_FILE_LIMIT, raw)
    raw.python = python_paths(probe, raw)
    if raw.python is not None:
        _bundled(probe, raw, tables)
        _prefix_libraries(probe, raw, tables)
    if raw.system == "Linux":
        raw.ld_cache = read_optional(probe, LD_SO_CACHE, LD_SO_CACHE_LIMIT, raw)
        _flexiblas(probe, raw, tables)
    return raw
