"""Pure parsing: raw sources in, features out. No I/O here."""

from __future__ import annotations

from variant_detect_amd._formats import parse_properties, parse_version_text, valid_version
from variant_detect_amd._probe import FORCE_GFX_ENV, FORCE_ROCM_ENV
from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_amd._probe import RawSources
    from variant_detect_amd._table import Tables
    from variant_detect_runtime import Report


NODES = "/sys/class/kfd/kfd/topology/nodes"
GFX = "gfx_arch"
ROCM = "rocm_version"


class Gpu:
    """One GPU node of the KFD topology."""

    __slots__ = ("gfx", "node", "render_minor", "unique_id")

    def __init__(self, node: str, gfx: str, render_minor: int | None, unique_id: int | None) -> None:
        self.node = node
        self.gfx = gfx
        self.render_minor = render_minor
        self.unique_id = unique_id


def decode_gfx(value: int, tables: Tables) -> tuple[str | None, str]:
    """KFD's gfx_target_version -> (known target name or None, what was decoded).

    ``major*10000 + minor*100 + stepping``, with minor and stepping written as
    one hex digit each (LLVM AMDGPUArchByKFD.cpp): 90010 -> gfx90a, 90402 -> gfx942.
    """
    major, rest = divmod(value, tables.major_factor)
    minor, stepping = divmod(rest, tables.minor_factor)
    if major == 0 or minor > 15 or stepping > 15:
        return None, f"{value} is not major*10000 + minor*100 + stepping with one-hex-digit minor and stepping"
    name = f"gfx{major}{minor:x}{stepping:x}"
    known = tables.by_kfd.get(value)
    if known is None:
        return None, f"{value} decodes to {name}, which is not in the table of known targets (data/amd.json)"
    return known, name


def _node_gpu(name: str, data: bytes, tables: Tables, report: Report) -> Gpu | None:
    path = f"{NODES}/{name}/properties"
    values, bad = parse_properties(data.decode("utf-8", errors="replace"))
    if bad:
        report.warn(path, f"{len(bad)} line(s) are not '<key> <unsigned integer>', e.g. {bad[0]!r}; ignored")
    if "gfx_target_version" not in values:
        report.warn(path, "no numeric gfx_target_version line; node skipped")
        return None
    value = values["gfx_target_version"]
    if value == 0:
        if values.get("simd_count", 0) > 0:
            report.warn(path, f"gfx_target_version is 0 on a node with simd_count {values['simd_count']}; skipped")
        return None  # a CPU node
    gfx, decoded = decode_gfx(value, tables)
    if gfx is None:
        report.warn(path, f"gfx_target_version {decoded}; node skipped")
        return None
    report.explain(GFX, path, f"node {name}: gfx_target_version {value} -> {gfx}")
    return Gpu(name, gfx, values.get("drm_render_minor"), values.get("unique_id"))


def kfd_gpus(raw: RawSources, tables: Tables, report: Report) -> list[Gpu]:
    gpus = []
    for name, data, error in raw.nodes or []:
        if data is None:
            report.warn(f"{NODES}/{name}/properties", error or "not readable")
            continue
        gpu = _node_gpu(name, data, tables, report)
        if gpu is not None:
            gpus.append(gpu)
    return gpus


def usable(gpus: list[Gpu], raw: RawSources, report: Report) -> list[Gpu]:
    """GPUs this process may open: /dev/kfd and the node's render device read-write."""
    if not gpus:
        return []
    if not raw.kfd_access:
        why = "is not accessible (user not in the 'render' group?)" if raw.kfd_present else "does not exist"
        report.warn("/dev/kfd", f"{len(gpus)} GPU(s) in the KFD topology but /dev/kfd {why}; no gfx_arch")
        return []
    kept = []
    for gpu in gpus:
        device = f"renderD{gpu.render_minor}"
        if gpu.render_minor is None or not raw.render_access.get(device, False):
            report.explain(GFX, f"/dev/dri/{device}", f"node {gpu.node} ({gpu.gfx}): render device not accessible")
            continue
        kept.append(gpu)
    if not kept:
        report.warn("/dev/dri", f"none of the {len(gpus)} GPU render devices is accessible; no gfx_arch")
    return kept


def fallback_names(raw: RawSources, tables: Tables, report: Report) -> list[str]:
    """gfx names from amdsmi or the ROCm CLIs (only run when the topology was unreadable)."""
    known = set(tables.target_names)
    for source, text, error in raw.fallback:
        if text is None:
            report.explain(GFX, source, error or "no answer")
            continue
        words = [w.strip(",:;").split(":")[0].lower() for w in text.split()]
        names = [w for w in words if w.startswith("gfx") and w != "gfx000"]  # gfx000 is the CPU agent
        good = sorted({n for n in names if n in known})
        for name in sorted(set(names) - known):
            report.warn(source, f"{name!r} is not a known target; ignored")
        if good:
            report.explain(GFX, source, f"reported {' '.join(good)}")
            return good
    return []


def known_version(major: int, minor: int, tables: Tables, source: str, report: Report) -> str | None:
    text = f"{major}.{minor}"
    if text in tables.rocm_versions:
        return text
    report.warn(source, f"ROCm {text} is not in the table of known releases (data/amd.json); no rocm_version")
    return None


def rocm_version(raw: RawSources, tables: Tables, report: Report) -> str | None:
    for path, text, error in raw.version_files:
        if text is None:
            if error != "not present":
                report.warn(path, error or "not readable")
            continue
        parsed = parse_version_text(text)
        if parsed is None:
            report.warn(path, f"expected 'X.Y.Z[-build]', got {text.strip()[:40]!r}")
            continue
        report.explain(ROCM, path, f"{text.strip()} -> {parsed[0]}.{parsed[1]}")
        return known_version(parsed[0], parsed[1], tables, path, report)
    for source, version, error in raw.library_versions:
        if version is None or not valid_version(version):
            report.explain(ROCM, source, error or f"unusable answer {version!r}")
            continue
        report.explain(ROCM, source, f"{'.'.join(map(str, version))}")
        return known_version(version[0], version[1], tables, source, report)
    return None


def detected_gfx(raw: RawSources, tables: Tables, report: Report) -> list[str]:
    if raw.topology_error:
        report.warn(NODES, raw.topology_error)
    gpus = kfd_gpus(raw, tables, report)
    if not gpus:
        names = fallback_names(raw, tables, report) if raw.fallback else []
        if not names and raw.nodes is None:
            report.explain(GFX, NODES, "no KFD topology: no AMD compute GPU (amdgpu with KFD not loaded)")
        return names
    from variant_detect_amd import _visible

    visible = _visible.apply(gpus, raw.env, report)
    # The wheelnext amd provider reports sorted(set(names)); same order here.
    return sorted({gpu.gfx for gpu in usable(visible, raw, report)})


def nothing_found(raw: RawSources) -> bool:
    """No KFD, no fallback answer, no version read, no override: no AMD GPU here.

    Checked before the tables are loaded: loading them imports json (and re),
    ~10 ms in a fresh interpreter, a cost every install would pay.
    """
    empty = raw.nodes is None and raw.topology_error is None and not raw.fallback and not raw.version_files
    return empty and not any(raw.env.get(name) for name in (*FORCE_GFX_ENV, *FORCE_ROCM_ENV))


def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    """``gfx_arch`` (multi-value) then ``rocm_version``, as amd-variant-provider orders them.

    The overrides are not applied here (``_override.apply``, the provider's
    ``apply_overrides``). A ROCm release found with no usable GPU is not
    reported, except when an override variable is set: it is kept then for the
    override, which reports it beside forced targets, names it as the detected
    release it replaces, or drops it.
    """
    if raw.system != "Linux":
        report.explain("*", "platform", f"no AMD GPU detection for {raw.system} (KFD is Linux only)")
        return []
    names = detected_gfx(raw, tables, report)
    version = rocm_version(raw, tables, report) if (names or raw.version_files) else None
    if not names and version is not None:
        report.explain(ROCM, "rocm_version", f"ROCm {version} found but no usable GPU; not reported")
    features = [Feature(GFX, names, multi_value=True)] if names else []
    if version is not None and (names or any(raw.env.get(name) for name in (*FORCE_GFX_ENV, *FORCE_ROCM_ENV))):
        features.append(Feature(ROCM, (version,)))
    return features
