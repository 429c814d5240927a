"""What the nvidia provider reads, through the probe seam only.

Cheapest first: a few ``exists`` checks decide whether an NVIDIA driver is
there at all (on a machine without one, nothing else runs: no ctypes, no
table, no library). Then NVML, then libcuda where NVML cannot answer or an
answer needs checking, and /proc/driver/nvidia/version as the last resort.
Which call comes next depends on earlier answers; what the answers *mean* is
decided in ``_parse``.
"""

from __future__ import annotations

from variant_detect_runtime import LibraryCallError, ProbeError, ProbeTimeout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Library, Probe, Report

FORCE_CUDA_ENV = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"
FORCE_SM_ENV = "NV_VARIANT_PROVIDER_FORCE_SM_ARCH"
VISIBLE_ENV = "CUDA_VISIBLE_DEVICES"
ORDER_ENV = "CUDA_DEVICE_ORDER"

PROC_VERSION = "/proc/driver/nvidia/version"
DEV_CTL = "/dev/nvidiactl"
DEV_DXG = "/dev/dxg"  # WSL2's paravirtual GPU device
TEGRA_MARKERS = ("/etc/nv_tegra_release", "/dev/nvhost-ctrl-gpu")  # Jetson: nvgpu driver, no NVML
WSL_LIB = "/usr/lib/wsl/lib"
PROC_VERSION_LIMIT = 4096

NVML_INIT_FLAG_NO_GPUS = 1  # nvml.h: do not fail nvmlInit when no GPU is found
CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75  # cuda.h CUdevice_attribute
CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76
MAX_DEVICES = 64  # more than any host has; a garbage count must not loop for ever
MAX_MIG_DEVICES = 8  # an A100/H100 splits into at most 7 GPU instances

# Seconds. nvmlInit and cuInit attach every GPU, which takes seconds on a big
# host without persistence mode; everything else is a table lookup.
INIT_TIMEOUT = 20.0
CALL_TIMEOUT = 5.0


class Answer:
    """One library call's outcome: a value, an error code, another failure, or a hang."""

    __slots__ = ("code", "error", "function", "hang", "value")

    def __init__(
        self, function: str, value: object = None, code: int | None = None, error: str | None = None, hang: bool = False
    ) -> None:
        self.function = function
        self.value = value
        self.code = code
        self.error = error
        self.hang = hang

    @property
    def ok(self) -> bool:
        return self.code is None and self.error is None and not self.hang

    def __repr__(self) -> str:
        return f"Answer({self.function!r}, value={self.value!r}, code={self.code!r}, error={self.error!r})"


def ask(library: Library, function: str, *args: object, timeout: float = CALL_TIMEOUT) -> Answer:
    try:
        return Answer(function, library.call(function, *args, timeout=timeout))
    except LibraryCallError as exc:
        return Answer(function, code=exc.code, error=exc.name or None)
    except ProbeTimeout as exc:
        return Answer(function, error=str(exc), hang=True)
    except ProbeError as exc:
        return Answer(function, error=str(exc))


def _absent(answer: Answer) -> bool:
    """The library could not be loaded: not there. A library that hung or crashed
    the seam's isolated process while loading is there and broken: warned as such."""
    error = answer.error or ""
    return error.startswith("cannot load") and not answer.hang and "crashed with" not in error


class Device:
    """What NVML said about one GPU, by NVML index (PCI bus order)."""

    __slots__ = ("cc", "mig_mode", "mig_uuids", "pci", "uuid")

    def __init__(self, cc: Answer) -> None:
        self.cc = cc
        self.uuid: Answer | None = None
        self.pci: Answer | None = None
        self.mig_mode: Answer | None = None
        self.mig_uuids: list[Answer] = []


class NvmlRaw:
    __slots__ = ("count", "cuda_v1", "cuda_v2", "devices", "driver", "init", "load_error")

    def __init__(self) -> None:
        self.load_error: str | None = None
        self.init: Answer | None = None
        self.driver: Answer | None = None
        self.cuda_v2: Answer | None = None
        self.cuda_v1: Answer | None = None
        self.count: Answer | None = None
        self.devices: list[Device] = []


class CudaRaw:
    __slots__ = ("cc", "count", "init", "load_error", "reason", "version")

    def __init__(self, reason: str) -> None:
        self.reason = reason  # why libcuda was asked
        self.load_error: str | None = None
        self.version: Answer | None = None
        self.init: Answer | None = None
        self.count: Answer | None = None
        self.cc: list[tuple[Answer, Answer]] = []


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = (
        "cuda",
        "dev_nodes",
        "force_cuda",
        "force_sm",
        "machine",
        "nvml",
        "order",
        "present",
        "proc_error",
        "proc_version",
        "release",
        "system",
        "tegra",
        "visible",
        "wsl",
    )

    def __init__(self, system: str, machine: str, release: str) -> None:
        self.system = system
        self.machine = machine
        self.release = release
        self.force_cuda: str | None = None
        self.force_sm: str | None = None
        self.visible: str | None = None
        self.order: str | None = None
        self.present = False
        self.proc_version: bytes | None = None
        self.proc_error: str | None = None
        self.dev_nodes: list[str] = []
        self.tegra = False
        self.wsl = False
        self.nvml: NvmlRaw | None = None
        self.cuda: CudaRaw | None = None


def collect(probe: Probe, report: Report) -> RawSources:
    identity = probe.identity
    raw = RawSources(identity.system, identity.machine, identity.release)
    raw.force_cuda = probe.getenv(FORCE_CUDA_ENV) or None
    raw.force_sm = probe.getenv(FORCE_SM_ENV) or None
    if raw.force_cuda and raw.force_sm:
        return raw  # both answers forced: the reference probes nothing either
    raw.visible = probe.getenv(VISIBLE_ENV)
    raw.order = probe.getenv(ORDER_ENV)
    if identity.system == "Linux":
        nvml_paths, cuda_paths = _look_linux(probe, raw)
    elif identity.system == "Windows":
        nvml_paths, cuda_paths = _look_windows(probe, raw)
    else:
        return raw  # no CUDA driver exists for macOS or the BSDs
    if not raw.present:
        return raw
    if nvml_paths:
        raw.nvml = _ask_nvml(probe, raw, nvml_paths)
    reason = _why_cuda(raw)
    if reason and cuda_paths and not _hung(raw.nvml):
        raw.cuda = _ask_cuda(probe, cuda_paths, reason)
    return raw


def absent_text(raw: RawSources) -> str:
    if raw.system not in ("Linux", "Windows"):
        return f"no CUDA driver exists for {raw.system}"
    if raw.system == "Windows":
        return "no NVIDIA driver: no nvml.dll or nvcuda.dll in System32"
    return "no NVIDIA driver: no /proc/driver/nvidia, /dev/nvidia*, /dev/dxg (WSL2) or Jetson markers"


def _look_linux(probe: Probe, raw: RawSources) -> tuple[list[str], list[str]]:
    try:
        raw.proc_version = probe.read_bytes(PROC_VERSION, PROC_VERSION_LIMIT)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raw.proc_error = exc.strerror or str(exc)
    raw.wsl = probe.exists(DEV_DXG)
    raw.tegra = any(probe.exists(path) for path in TEGRA_MARKERS)
    if raw.proc_version is not None or raw.proc_error is not None or probe.exists(DEV_CTL):
        try:
            raw.dev_nodes = [name for name in probe.listdir("/dev") if name.startswith("nvidia")]
        except OSError:
            raw.dev_nodes = []
    raw.present = bool(raw.proc_version is not None or raw.proc_error or raw.dev_nodes or raw.wsl or raw.tegra)
    nvml = ["libnvidia-ml.so.1"]
    cuda = ["libcuda.so.1"]
    if raw.wsl:
        nvml.append(f"{WSL_LIB}/libnvidia-ml.so.1")
        cuda.append(f"{WSL_LIB}/libcuda.so.1")
    if raw.tegra:
        cuda.append("/usr/lib/aarch64-linux-gnu/nvidia/libcuda.so.1")  # JetPack's location
        if raw.proc_version is None and not raw.dev_nodes:
            nvml = []  # Jetson's integrated GPU has no NVML before JetPack 7 (an IGX dGPU has)
    return nvml, cuda


def _look_windows(probe: Probe, raw: RawSources) -> tuple[list[str], list[str]]:
    root = (probe.getenv("SystemRoot") or "C:\\Windows").rstrip("\\")
    system32 = f"{root}\\System32"
    nvml_dirs = (system32, "C:\\Program Files\\NVIDIA Corporation\\NVSMI")  # NVSMI: older (non-DCH) drivers
    nvml = [f"{folder}\\nvml.dll" for folder in nvml_dirs if probe.exists(f"{folder}\\nvml.dll")]
    cuda = [path for path in (f"{system32}\\nvcuda.dll",) if probe.exists(path)]
    raw.present = bool(nvml or cuda)
    return nvml, cuda


_NATIVE = "variant_detect_nvidia._native"


def _loader(kind: str, paths: list[str]) -> object:
    from variant_detect_nvidia import _native

    return _native.Nvml(paths) if kind == "nvml" else _native.Cuda(paths)


def answers_of(nvml: NvmlRaw | None, cuda: CudaRaw | None = None) -> list[Answer]:
    """Every answer gathered so far, in the order the calls were made."""
    out: list[Answer | None] = []
    if nvml is not None:
        out += [nvml.init, nvml.driver, nvml.cuda_v2, nvml.cuda_v1, nvml.count]
        for device in nvml.devices:
            out += [device.cc, device.uuid, device.pci, device.mig_mode, *device.mig_uuids]
    if cuda is not None:
        out += [cuda.version, cuda.init, cuda.count]
        out += [answer for pair in cuda.cc for answer in pair]
    return [answer for answer in out if answer is not None]


def _hung(nvml: NvmlRaw | None) -> bool:
    return any(answer.hang for answer in answers_of(nvml))


def _ask_nvml(probe: Probe, raw: RawSources, paths: list[str]) -> NvmlRaw:
    out = NvmlRaw()
    # Isolated (a child interpreter): a driver that crashes or hangs while loading
    # or answering must not take the installer with it (docs/reliability.md).
    library = probe.library("nvml", lambda: _loader("nvml", paths), isolate=(f"{_NATIVE}:Nvml", [paths]))
    out.init = ask(library, "nvmlInitWithFlags", NVML_INIT_FLAG_NO_GPUS, timeout=INIT_TIMEOUT)
    if not out.init.ok:
        if _absent(out.init):
            out.load_error, out.init = out.init.error, None
        return out
    out.driver = ask(library, "nvmlSystemGetDriverVersion")
    out.cuda_v2 = ask(library, "nvmlSystemGetCudaDriverVersion_v2")
    if not out.cuda_v2.ok and not out.cuda_v2.hang:
        # The reference falls back to v1, which reports the version NVML was
        # built for when libcuda cannot be asked (NVML API reference).
        out.cuda_v1 = ask(library, "nvmlSystemGetCudaDriverVersion")
    if _hung(out):
        return out
    out.count = ask(library, "nvmlDeviceGetCount_v2")
    count = out.count.value if out.count.ok and type(out.count.value) is int else 0
    count = max(0, min(count, MAX_DEVICES))
    for index in range(count):
        device = Device(ask(library, "nvmlDeviceGetCudaComputeCapability", index))
        out.devices.append(device)
        if device.cc.hang:
            return out
    _ask_visibility_details(library, raw, out)
    return out


def _ask_visibility_details(library: Library, raw: RawSources, out: NvmlRaw) -> None:
    """UUIDs, PCI bus ids and MIG instances, only when CUDA_VISIBLE_DEVICES needs them."""
    from variant_detect_nvidia._visible import parse_visible

    if raw.visible is None or len(out.devices) == 0:
        return
    selection = parse_visible(raw.visible)
    for index, device in enumerate(out.devices):
        if selection.kind in ("GPU", "MIG"):
            device.uuid = ask(library, "nvmlDeviceGetUUID", index)
        elif selection.kind == "index" and raw.order == "PCI_BUS_ID":
            device.pci = ask(library, "nvmlDeviceGetPciInfo", index)
        if selection.kind == "MIG":
            device.mig_mode = ask(library, "nvmlDeviceGetMigMode", index)
            if device.mig_mode.ok and isinstance(device.mig_mode.value, list) and device.mig_mode.value[:1] == [1]:
                device.mig_uuids = _ask_mig_uuids(library, index)
        if _hung(out):
            return


def _ask_mig_uuids(library: Library, index: int) -> list[Answer]:
    limit = ask(library, "nvmlDeviceGetMaxMigDeviceCount", index)
    count = limit.value if limit.ok and isinstance(limit.value, int) else 0
    answers = []
    for mig in range(min(count, MAX_MIG_DEVICES)):
        answer = ask(library, "nvmlDeviceGetUUID", index, mig)
        answers.append(answer)
        if answer.hang:
            break
    return answers


def _why_cuda(raw: RawSources) -> str:
    """Why libcuda must be asked too ("" when NVML answered enough)."""
    from variant_detect_nvidia import _decode

    return _decode.why_ask_cuda(raw)


def _ask_cuda(probe: Probe, paths: list[str], reason: str) -> CudaRaw:
    out = CudaRaw(reason)
    library = probe.library("cuda", lambda: _loader("cuda", paths), isolate=(f"{_NATIVE}:Cuda", [paths]))
    out.version = ask(library, "cuDriverGetVersion")
    if _absent(out.version):
        out.load_error, out.version = out.version.error, None
        return out
    if out.version.hang:
        return out
    out.init = ask(library, "cuInit", 0, timeout=INIT_TIMEOUT)
    if not out.init.ok:
        return out
    out.count = ask(library, "cuDeviceGetCount")
    count = out.count.value if out.count.ok and isinstance(out.count.value, int) else 0
    for ordinal in range(min(count, MAX_DEVICES)):
        major = ask(library, "cuDeviceGetAttribute", CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, ordinal)
        minor = ask(library, "cuDeviceGetAttribute", CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, ordinal)
        out.cc.append((major, minor))
        if major.hang or minor.hang:
            break
    return out
