"""Which KFD GPUs a ROCm process would see: ``ROCR_VISIBLE_DEVICES``, then HIP's.

The KFD topology lists every GPU regardless of these variables (LLVM's
AMDGPUArchByKFD.cpp says so of itself), so they are applied here in the order
the ROCm stack applies them and PyTorch reads them: ROCr filters the GPU agents
first; HIP (``HIP_VISIBLE_DEVICES``, else ``CUDA_VISIBLE_DEVICES``) then indexes
into what ROCr left. Each list holds indices or ``GPU-<unique id in hex>``
UUIDs; as in CUDA, the first entry that names no device ends the list.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_amd._parse import Gpu
    from variant_detect_runtime import Report

GFX = "gfx_arch"


def _pick(token: str, gpus: list[Gpu]) -> Gpu | None:
    if token.isdigit():
        index = int(token)
        return gpus[index] if index < len(gpus) else None
    if token.lower().startswith("gpu-"):
        wanted = token[4:].lower()
        for gpu in gpus:
            if gpu.unique_id is not None and wanted and f"{gpu.unique_id:016x}".startswith(wanted):
                return gpu
    return None


def select(value: str, gpus: list[Gpu], variable: str, report: Report) -> list[Gpu]:
    """Apply one visibility variable's value to *gpus* (their order as the runtime sees it)."""
    chosen: list[Gpu] = []
    for raw_token in value.split(","):
        token = raw_token.strip()
        gpu = _pick(token, gpus)
        if gpu is None:
            if token:
                report.warn(variable, f"entry {token!r} names no GPU (of {len(gpus)}); it and later entries ignored")
            break
        if gpu not in chosen:
            chosen.append(gpu)
    return chosen


def apply(gpus: list[Gpu], env: dict[str, str], report: Report) -> list[Gpu]:
    visible = gpus
    steps = [("ROCR_VISIBLE_DEVICES", env.get("ROCR_VISIBLE_DEVICES"))]
    # HIP reads CUDA_VISIBLE_DEVICES only when HIP_VISIBLE_DEVICES is unset.
    hip = "HIP_VISIBLE_DEVICES" if env.get("HIP_VISIBLE_DEVICES") is not None else "CUDA_VISIBLE_DEVICES"
    steps.append((hip, env.get(hip)))
    for variable, value in steps:
        if value is None:
            continue
        before = len(visible)
        visible = select(value, visible, variable, report)
        names = " ".join(f"node {g.node} ({g.gfx})" for g in visible) or "none"
        report.explain(GFX, variable, f"{value!r}: {len(visible)} of {before} GPU(s) visible: {names}")
        if len(visible) < before:
            report.override(variable, value, f"{before - len(visible)} GPU(s) hidden; visible: {names}")
    return visible
