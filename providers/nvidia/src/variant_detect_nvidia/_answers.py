"""Pure interpretation of what NVML, libcuda and procfs answered.

Result: the CUDA version the user-mode driver supports and the compute
capabilities of the GPUs CUDA will see, each with the source it came from,
plus warnings for broken answers and explanations for ``--explain``.
"""

from __future__ import annotations

from variant_detect_nvidia._decode import (
    LOWER,
    SM,
    compat_suspected,
    decode_cuda_version,
    describe,
    nvml_ccs,
    parse_driver_version,
    proc_driver_version,
    valid_cc,
)
from variant_detect_nvidia._probe import PROC_VERSION, VISIBLE_ENV, absent_text, answers_of
from variant_detect_nvidia._visible import cuda_order, parse_visible, select_by_index, select_by_uuid

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_nvidia._probe import Answer, CudaRaw, Device, NvmlRaw, RawSources
    from variant_detect_nvidia._table import Tables
    from variant_detect_runtime import Report

    Version = tuple[int, int]


class Found:
    """The detected CUDA version and visible compute capabilities (None: not known)."""

    __slots__ = ("ccs", "umd", "umd_source")

    def __init__(self) -> None:
        self.umd: Version | None = None
        self.umd_source = ""
        self.ccs: list[Version] = []


def interpret(raw: RawSources, tables: Tables, report: Report) -> Found:
    found = Found()
    if not raw.present:
        report.explain(LOWER, "driver", absent_text(raw))
        return found
    if _any_hang(raw):
        source, text = _hang_source(raw)
        report.warn(source, f"{text}; NVIDIA detection skipped (a wedged driver or GPU)")
        return found
    nvml = raw.nvml
    if nvml is not None and nvml.init is not None and nvml.init.ok:
        _from_nvml(raw, nvml, tables, report, found)
    else:
        _nvml_failed(raw, tables, report)
        if raw.cuda is not None and raw.cuda.load_error is None:
            _from_cuda(raw, raw.cuda, tables, report, found)
        elif nvml is None or nvml.load_error is not None:
            # Neither library is there at all (an NVML that loaded and failed
            # means the GPU is unusable, and procfs cannot say otherwise).
            _from_procfs(raw, tables, report, found)
    return found


def _any_hang(raw: RawSources) -> bool:
    return any(answer.hang for answer in answers_of(raw.nvml, raw.cuda))


def _hang_source(raw: RawSources) -> tuple[str, str]:
    hung = next(answer for answer in answers_of(raw.nvml, raw.cuda) if answer.hang)
    library = "libcuda" if hung.function.startswith("cu") else "NVML"
    return f"{library} {hung.function}", hung.error or "did not return"


# -- NVML ---------------------------------------------------------------------------------
def _nvml_failed(raw: RawSources, tables: Tables, report: Report) -> None:
    nvml = raw.nvml
    if nvml is None:
        return
    if nvml.load_error is not None:
        report.explain(LOWER, "NVML", nvml.load_error)
        return
    text = describe(nvml.init, tables, "nvml")
    if not raw.dev_nodes and not raw.wsl and not raw.tegra:
        report.explain(LOWER, "NVML", f"nvmlInitWithFlags {text}; no /dev/nvidia* nodes: no GPU in this container")
        return
    report.warn("NVML nvmlInitWithFlags", text)


def _from_nvml(raw: RawSources, nvml: NvmlRaw, tables: Tables, report: Report, found: Found) -> None:
    driver = _nvml_driver(nvml, tables, report)
    umd, source = _nvml_umd(nvml, tables, report), "NVML nvmlSystemGetCudaDriverVersion"
    if _nvml_count(nvml, tables, report) == 0:
        report.explain(LOWER, "NVML", f"driver {driver or '?'} is loaded but NVML lists no GPU")
        return
    if umd is not None:
        umd = _check_compat(raw, nvml, umd, tables, report)
    elif raw.cuda is not None and raw.cuda.version is not None and raw.cuda.version.ok:
        umd, source = decode_cuda_version(raw.cuda.version.value), "libcuda cuDriverGetVersion"
    ccs = nvml_ccs(nvml, tables)
    _warn_bad_ccs([d.cc for d in nvml.devices], ccs, tables, report)
    visible = _visible_indices(raw, nvml, ccs, report)
    if visible is None:  # libcuda applied CUDA_VISIBLE_DEVICES itself
        found.ccs = _cuda_ccs(raw.cuda, tables, report)
    elif not visible:
        return  # every GPU hidden: as on a machine without one
    elif any(ccs):
        found.ccs = [cc for i, cc in enumerate(ccs) if i in visible and cc is not None]
    else:
        found.ccs = _cuda_ccs(raw.cuda, tables, report)
    found.umd, found.umd_source = umd, source


def _nvml_driver(nvml: NvmlRaw, tables: Tables, report: Report) -> str | None:
    answer = nvml.driver
    if answer is None or not answer.ok:
        report.warn("NVML nvmlSystemGetDriverVersion", describe(answer, tables, "nvml"))
        return None
    if parse_driver_version(answer.value) is None:
        report.warn("NVML nvmlSystemGetDriverVersion", f"expected a version such as 580.65.06, got {answer.value!r}")
        return None
    report.explain(LOWER, "NVML nvmlSystemGetDriverVersion", f"kernel driver {answer.value}")
    return str(answer.value)


def _nvml_umd(nvml: NvmlRaw, tables: Tables, report: Report) -> Version | None:
    for answer in (nvml.cuda_v2, nvml.cuda_v1):
        if answer is None:
            continue
        source = f"NVML {answer.function}"
        if not answer.ok:
            report.explain(LOWER, source, describe(answer, tables, "nvml"))
            continue
        umd = decode_cuda_version(answer.value)
        if umd is None:
            report.warn(source, f"expected 1000 * major + 10 * minor (e.g. 13000), got {answer.value!r}")
            return None
        report.explain(LOWER, source, f"{answer.value} -> CUDA {umd[0]}.{umd[1]}")
        return umd
    report.warn("NVML nvmlSystemGetCudaDriverVersion", "no CUDA driver version from NVML")
    return None


def _nvml_count(nvml: NvmlRaw, tables: Tables, report: Report) -> int:
    answer = nvml.count
    value = answer.value if answer is not None and answer.ok else None
    if type(value) is not int or not 0 <= value <= 64:
        report.warn("NVML nvmlDeviceGetCount_v2", f"expected a GPU count, {describe(answer, tables, 'nvml')}")
        return 0
    if len(nvml.devices) != value:
        report.warn("NVML nvmlDeviceGetCount_v2", f"counted {value} GPUs, asked {len(nvml.devices)}")
    return value


def _warn_bad_ccs(answers: list[Answer], ccs: list[Version | None], tables: Tables, report: Report) -> None:
    top = f"{tables.sm_major[1]}.{tables.sm_minor[1]}"
    for index, (answer, cc) in enumerate(zip(answers, ccs, strict=True)):
        if cc is not None:
            continue
        source = f"NVML {answer.function}({index})"
        if answer.ok:
            report.warn(
                source, f"expected a compute capability between 1.0 and {top}, got {answer.value!r}; GPU ignored"
            )
        else:
            report.warn(source, f"{describe(answer, tables, 'nvml')}; GPU ignored (the count and the handles disagree)")


def _check_compat(raw: RawSources, nvml: NvmlRaw, umd: Version, tables: Tables, report: Report) -> Version:
    suspect = compat_suspected(nvml, tables)
    if suspect is None:
        return umd
    reported, native = suspect
    cuda = raw.cuda
    if cuda is None or cuda.load_error is not None or cuda.init is None:
        text = (
            f"CUDA {_text(reported)} is above the driver branch's {_text(native)}: a cuda-compat libcuda, not verified"
        )
        report.explain(LOWER, "libcuda", text)
        return umd
    if cuda.init.ok:
        report.explain(LOWER, "libcuda cuInit", f"forward-compatible libcuda (CUDA {_text(reported)}) works")
        return umd
    report.warn(
        "libcuda cuInit",
        f"{describe(cuda.init, tables, 'cuda')}; using the driver branch's own CUDA "
        f"{_text(native)} instead of {_text(reported)}",
    )
    return native


def _visible_indices(raw: RawSources, nvml: NvmlRaw, ccs: list[Version | None], report: Report) -> list[int] | None:
    """NVML indices CUDA will see; None when libcuda's own answer must be used."""
    selection = parse_visible(raw.visible)
    count = len(nvml.devices)
    if selection.kind == "all":
        return list(range(count))
    chosen: list[int]
    if selection.kind == "none":
        chosen, note = [], selection.note
    elif selection.kind == "index":
        if raw.cuda is not None and raw.cuda.init is not None and raw.cuda.init.ok:
            report.explain(SM, VISIBLE_ENV, f"{raw.visible!r}: libcuda lists the visible GPUs in CUDA's order")
            return None
        bus = [str(d.pci.value) if d.pci is not None and d.pci.ok else None for d in nvml.devices]
        chosen, note = select_by_index(selection.entries, cuda_order(count, raw.order, bus, ccs))
    else:
        names = [_uuids(d, selection.kind) for d in nvml.devices]
        chosen, note = select_by_uuid(selection.entries, names)
    note = note or selection.note
    text = f"{raw.visible!r} leaves {len(chosen)} of {count} GPUs visible (NVML indices {chosen})"
    report.explain(SM, VISIBLE_ENV, f"{text}{'; ' + note if note else ''}")
    if len(chosen) < count:
        report.override(VISIBLE_ENV, raw.visible or "", f"only NVML GPUs {chosen} of {count} are described")
    return chosen


def _text(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


def _uuids(device: Device, kind: str) -> list[str]:
    if kind == "GPU":
        return [str(device.uuid.value)] if device.uuid is not None and device.uuid.ok else []
    return [str(a.value) for a in device.mig_uuids if a.ok]


# -- libcuda and procfs -------------------------------------------------------------------
def _cuda_ccs(cuda: CudaRaw | None, tables: Tables, report: Report) -> list[Version]:
    if cuda is None:
        return []
    pairs = [[major.value, minor.value] if major.ok and minor.ok else None for major, minor in cuda.cc]
    ccs = [valid_cc(pair, tables) for pair in pairs]
    for ordinal, (pair, cc) in enumerate(zip(pairs, ccs, strict=True)):
        if cc is None:
            report.warn(f"libcuda cuDeviceGetAttribute({ordinal})", f"not a compute capability: {pair!r}; GPU ignored")
    return [cc for cc in ccs if cc is not None]


def _from_cuda(raw: RawSources, cuda: CudaRaw, tables: Tables, report: Report, found: Found) -> None:
    version = cuda.version
    if version is None or not version.ok:
        report.warn("libcuda cuDriverGetVersion", describe(version, tables, "cuda"))
        return
    umd = decode_cuda_version(version.value)
    if umd is None:
        report.warn("libcuda cuDriverGetVersion", f"expected 1000 * major + 10 * minor, got {version.value!r}")
        return
    report.explain(LOWER, "libcuda cuDriverGetVersion", f"{version.value} -> CUDA {umd[0]}.{umd[1]} ({cuda.reason})")
    if cuda.init is None or not cuda.init.ok:
        text = describe(cuda.init, tables, "cuda")
        if cuda.init is not None and cuda.init.code == 100 and raw.visible is not None:
            report.explain(SM, VISIBLE_ENV, f"cuInit {text}: CUDA_VISIBLE_DEVICES={raw.visible!r} hides every GPU")
            report.override(VISIBLE_ENV, raw.visible, "no GPU visible: no nvidia features")
        elif not raw.dev_nodes and not raw.wsl and not raw.tegra:
            report.explain(LOWER, "libcuda cuInit", f"{text}; no /dev/nvidia* nodes: no GPU in this container")
        else:
            report.warn("libcuda cuInit", text)
        return
    count = cuda.count.value if cuda.count is not None and cuda.count.ok else None
    if type(count) is not int or count < 1:
        report.warn("libcuda cuDeviceGetCount", f"expected a GPU count, {describe(cuda.count, tables, 'cuda')}")
        return
    found.umd, found.umd_source = umd, "libcuda cuDriverGetVersion"
    found.ccs = _cuda_ccs(cuda, tables, report)


def _from_procfs(raw: RawSources, tables: Tables, report: Report, found: Found) -> None:
    gpus = [name for name in raw.dev_nodes if name[6:].isdigit()]
    if raw.proc_version is None:
        if raw.proc_error:
            report.warn(PROC_VERSION, f"cannot read: {raw.proc_error}")
        return
    driver = proc_driver_version(raw.proc_version)
    if driver is None:
        report.warn(PROC_VERSION, f"no driver version in {raw.proc_version[:80]!r}")
        return
    if not gpus:
        report.explain(LOWER, PROC_VERSION, f"kernel driver {driver}, but no /dev/nvidia<N>: no GPU in this container")
        return
    version = parse_driver_version(driver)
    native = tables.native_cuda(version[0]) if version else None
    if native is None:
        report.warn(PROC_VERSION, f"driver {driver} is not in the branch table; CUDA version unknown")
        return
    report.warn(
        "NVML and libcuda",
        f"neither could be used; CUDA {native[0]}.{native[1]} inferred from kernel "
        f"driver {driver} ({PROC_VERSION}); no sm_arch",
    )
    found.umd, found.umd_source = native, PROC_VERSION
