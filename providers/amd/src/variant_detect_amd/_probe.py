"""What the amd provider reads, through the probe seam only.

Cheapest first: the KFD topology in sysfs (world-readable, no library), the
device nodes, the environment, then ROCm's version file. Libraries
(``librocm-core``, HIP) are loaded only when a GPU is present and the version
file says nothing; ``amdsmi`` and the ROCm command-line tools only when
``/dev/kfd`` exists but the topology cannot be read.
"""

from __future__ import annotations

from variant_detect_amd._formats import has_gpu_nodes, parse_version_text, split_hip_version, valid_version
from variant_detect_runtime import ProbeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from variant_detect_runtime import Probe, Report

NODES = "/sys/class/kfd/kfd/topology/nodes"
DEV_KFD = "/dev/kfd"
DEV_DRI = "/dev/dri"
DEFAULT_ROCM = "/opt/rocm"
# A properties file is ~1.5 KiB; anything past 16 KiB is not one.
PROPERTIES_LIMIT = 16 * 1024
VERSION_LIMIT = 256
# More nodes than this is not a KFD topology (an 8-GPU MI300X box has 9-17, with
# partitions up to 8 x 8 + CPUs).
MAX_NODES = 256
CLI_TIMEOUT = 5.0
LIBRARY_TIMEOUT = 5.0

VISIBILITY_ENV = ("ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES")
# The amd-variant-provider override variables (applied in _override); FORCE_ first.
FORCE_GFX_ENV = ("AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH", "AMD_VARIANT_PROVIDER_GFX_ARCH")
FORCE_ROCM_ENV = ("AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION", "AMD_VARIANT_PROVIDER_ROCM_VERSION")
ENV_NAMES = (*VISIBILITY_ENV, *FORCE_GFX_ENV, *FORCE_ROCM_ENV, "ROCM_PATH")


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = (
        "env",
        "fallback",
        "kfd_access",
        "kfd_present",
        "library_versions",
        "nodes",
        "render_access",
        "system",
        "topology_error",
        "version_files",
    )

    def __init__(self, system: str) -> None:
        self.system = system
        self.env: dict[str, str] = {}
        #: (node name, properties bytes or None, error or None); None = no topology
        self.nodes: list[tuple[str, bytes | None, str | None]] | None = None
        self.topology_error: str | None = None
        self.kfd_present = False
        self.kfd_access = False
        #: renderD<minor> -> may this process open it read-write
        self.render_access: dict[str, bool] = {}
        #: (path, text or None, error or None), in the order they were tried
        self.version_files: list[tuple[str, str | None, str | None]] = []
        #: (source, [major, minor, patch] or None, error or None)
        self.library_versions: list[tuple[str, list[int] | None, str | None]] = []
        #: (source, text answer or None, error or None) from amdsmi / CLIs
        self.fallback: list[tuple[str, str | None, str | None]] = []


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "not present"
    if isinstance(exc, OSError) and exc.strerror and not isinstance(exc, ProbeError):
        return f"cannot read: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"


def _read_nodes(probe: Probe, raw: RawSources) -> None:
    try:
        names = probe.listdir(NODES)
    except FileNotFoundError:
        return
    except OSError as exc:
        raw.topology_error = _error_text(exc)
        return
    numbered = sorted((n for n in names if n.isdigit()), key=int)
    raw.nodes = []
    for name in numbered[:MAX_NODES]:
        path = f"{NODES}/{name}/properties"
        try:
            raw.nodes.append((name, probe.read_bytes(path, PROPERTIES_LIMIT), None))
        except OSError as exc:
            raw.nodes.append((name, None, _error_text(exc)))
    if len(numbered) > MAX_NODES:
        raw.topology_error = f"{len(numbered)} nodes listed; read the first {MAX_NODES}"


def _read_devices(probe: Probe, raw: RawSources) -> None:
    raw.kfd_present = probe.exists(DEV_KFD)
    raw.kfd_access = raw.kfd_present and probe.access(DEV_KFD, write=True)
    try:
        names = probe.listdir(DEV_DRI)
    except OSError:
        return
    for name in names:
        if name.startswith("renderD"):
            raw.render_access[name] = probe.access(f"{DEV_DRI}/{name}", write=True)


def _read_version_files(probe: Probe, raw: RawSources) -> None:
    roots = []
    rocm_path = raw.env.get("ROCM_PATH")
    if rocm_path:
        roots.append(rocm_path.rstrip("/") or "/")
    if DEFAULT_ROCM not in roots:
        roots.append(DEFAULT_ROCM)
    for root in roots:
        path = f"{root}/.info/version"
        try:
            data = probe.read_bytes(path, VERSION_LIMIT)
        except OSError as exc:
            raw.version_files.append((path, None, _error_text(exc)))
            continue
        raw.version_files.append((path, data.decode("utf-8", errors="replace"), None))
        if parse_version_text(data.decode("utf-8", errors="replace")) is not None:
            return


def _call_version(
    probe: Probe, name: str, function: str, loader: Callable[[], object], isolate: tuple[str, list[str]]
) -> tuple[list[int] | None, str | None]:
    # Isolated (a child interpreter, started only here, after a GPU was seen): a
    # ROCm library that crashes or hangs while loading must not take the caller down.
    library = probe.library(name, loader, isolate=isolate)
    try:
        answer = library.call(function, timeout=LIBRARY_TIMEOUT)
    except (ProbeError, OSError) as exc:
        return None, str(exc)
    if isinstance(answer, int) and not isinstance(answer, bool):
        return split_hip_version(answer), None
    if isinstance(answer, list) and all(isinstance(v, int) for v in answer):
        return [int(v) for v in answer], None
    return None, f"unexpected answer {answer!r}"


def _read_library_versions(probe: Probe, raw: RawSources) -> None:
    from variant_detect_amd import _native

    rocm_path = raw.env.get("ROCM_PATH") or DEFAULT_ROCM
    for name, function, loader, factory in (
        ("rocm-core", "getROCmVersion", lambda: _native.RocmCore(rocm_path), "RocmCore"),
        ("hip", "hipRuntimeGetVersion", lambda: _native.Hip(rocm_path), "Hip"),
    ):
        isolate = (f"variant_detect_amd._native:{factory}", [rocm_path])
        version, error = _call_version(probe, name, function, loader, isolate)
        raw.library_versions.append((f"{name}.{function}", version, error))
        if version is not None and valid_version(version):
            return


def _read_fallback(probe: Probe, raw: RawSources) -> None:
    """Only when /dev/kfd is there but the topology is not: amdsmi, then the CLIs."""
    from variant_detect_amd import _native

    library = probe.library("amdsmi", _native.AmdSmi)
    try:
        names = library.call("gfx_targets", timeout=LIBRARY_TIMEOUT)
        raw.fallback.append(("amdsmi", " ".join(str(n) for n in names), None))
        return
    except (ProbeError, OSError, TypeError) as exc:
        raw.fallback.append(("amdsmi", None, str(exc)))
    for argv in (["rocm_agent_enumerator", "-name"], ["rocminfo"]):
        try:
            result = probe.run(argv, timeout=CLI_TIMEOUT)
        except OSError as exc:
            raw.fallback.append((" ".join(argv), None, _error_text(exc)))
            continue
        if result.returncode != 0:
            raw.fallback.append((" ".join(argv), None, f"exit status {result.returncode}"))
            continue
        raw.fallback.append((" ".join(argv), result.stdout.decode("utf-8", errors="replace"), None))
        return


def collect(probe: Probe, report: Report) -> RawSources:
    raw = RawSources(probe.identity.system)
    for name in ENV_NAMES:
        value = probe.getenv(name)
        if value is not None:
            raw.env[name] = value
    if raw.system != "Linux":
        return raw
    _read_nodes(probe, raw)
    if raw.nodes is None and raw.topology_error is None and not probe.exists(DEV_KFD):
        # No KFD at all: no AMD compute GPU. Two syscalls, nothing else.
        if any(raw.env.get(n) for n in FORCE_GFX_ENV):
            _read_version_files(probe, raw)
        return raw
    _read_devices(probe, raw)
    gpus = has_gpu_nodes(raw.nodes or [])
    if not gpus and raw.kfd_access and raw.nodes is None:
        _read_fallback(probe, raw)
        gpus = any(answer for _s, answer, _e in raw.fallback)
    if gpus or any(raw.env.get(n) for n in FORCE_GFX_ENV):
        _read_version_files(probe, raw)
        if not any(parse_version_text(text or "") for _p, text, _e in raw.version_files):
            _read_library_versions(probe, raw)
    return raw
