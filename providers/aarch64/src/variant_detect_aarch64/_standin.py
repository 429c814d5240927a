"""Stand-in answers: what the published aarch64 providers answer, exactly, from our probe's sources.

* :class:`ArchspecAnswer`: provider-variant-aarch64 0.0.1.post2 (``_published``).
* :class:`UvVersionAnswer`: uv 0.13.8/0.13.9's builtin ``aarch64-variant-provider`` 0.2.0,
  ``version`` alone (``crates/uv-distribution/src/variant/aarch64.rs``): the lowest ceiling of the
  cores it knows by MIDR (8a for a core it does not know), then raised no further than AT_HWCAP's
  bits prove, level by level.

Both read what :class:`~variant_detect_aarch64._provider.AArch64Provider` reads (same ``collect``)
and apply none of our overrides (the published providers have none).
"""

from __future__ import annotations

from variant_detect_aarch64 import _parse, _probe, _published, _table
from variant_detect_runtime import Feature, Provider

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report


ARM64 = _probe.LINUX_ARM64 | _probe.DARWIN_ARM64 | _probe.WINDOWS_ARM64


class _StandIn(Provider[_probe.RawSources]):
    namespace = "aarch64"
    distribution = "variant-detect-aarch64"
    version = "0.1.0"
    answers_as = ""

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        return _probe.collect(probe, report, _table.load())


class ArchspecAnswer(_StandIn):
    """provider-variant-aarch64 0.0.1.post2's answer."""

    answers_as = "provider-variant-aarch64 0.0.1.post2"

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        if raw.machine.lower() not in ARM64:
            return []
        table = _published.load()
        target = self._target(raw, table, report)
        if target is None:
            return []
        report.explain("*", "archspec host()", f"target {target.name} (as {self.answers_as} detects it)")
        return [Feature(name, values) for name, values in _published.answer(target, table)]

    @staticmethod
    def _target(raw: _probe.RawSources, table: _published.Published, report: Report) -> _published.Target | None:
        if raw.system == "Darwin":
            brand = raw.sysctl.get(_probe.BRAND)
            target = _published.darwin_target(str(brand or ""), table)
            if target is None:
                # archspec looks up a model named "unknown" and raises: the published plugin fails.
                report.warn(_probe.BRAND, f"{brand!r} names no Apple chip; the published provider fails here")
            return target
        if raw.system != "Linux":
            return table.targets[_published.ROOT]  # Windows: archspec knows only "aarch64" there
        if raw.cpuinfo is None:
            report.warn(_probe.CPUINFO, raw.cpuinfo_error or "not readable")
            return table.targets[_published.ROOT]
        text = raw.cpuinfo[: _probe.CPUINFO_LIMIT].decode("utf-8", "replace")
        return _published.linux_target(_published.first_block(text), table)

    def all_features(self) -> list[Feature]:
        table = _published.load()
        cap = table.targets[table.cap]
        versions = [_published.version_name(n) for n in (cap.name, *cap.ancestors)]
        return [Feature("version", versions)] + [Feature(name, ("on",)) for name in table.features]


UV_VERSIONS = ("8a", "8.1a", "8.2a", "8.3a", "8.4a")
# AT_HWCAP bits that prove each next level (aarch64.rs with_linux_hwcaps).
UV_HWCAP_BITS = ((0, 1, 7, 8, 12), (16,), (13, 14, 15, 30, 31), (9, 10, 20, 23, 24, 25, 26, 27))
_APPLE_RANGES = (
    (0x020, 0x025),
    (0x028, 0x029),
    (0x030, 0x035),
    (0x038, 0x039),
    (0x042, 0x045),
    (0x048, 0x049),
    (0x052, 0x055),
    (0x058, 0x059),
    (0x062, 0x065),
    (0x068, 0x069),
)
# (implementer, part) -> index into UV_VERSIONS (aarch64.rs linux_core_ceiling).
UV_CORES = {
    (0x41, 0xD0C): 2,
    (0x41, 0xD40): 4,
    (0x41, 0xD49): 4,
    (0x41, 0xD4F): 4,
    (0x41, 0xD83): 4,
    (0x6D, 0xD49): 4,
    (0x42, 0x516): 1,
    (0x43, 0x0AF): 1,
    (0x46, 0x001): 2,
    (0xC0, 0xAC3): 4,
    (0xC0, 0xAC4): 4,
}


def uv_core_ceiling(implementer: int, part: int) -> int:
    if implementer == 0x61 and any(lo <= part <= hi for lo, hi in _APPLE_RANGES):
        return 4
    return UV_CORES.get((implementer, part), 0)


def uv_linux_version(cores: list[tuple[int, int]], hwcap: int) -> int:
    ceiling = min((uv_core_ceiling(i, p) for i, p in cores), default=0)
    level = 0
    for number, bits in enumerate(UV_HWCAP_BITS, start=1):
        if number > ceiling or not all(hwcap >> bit & 1 for bit in bits):
            break
        level = number
    return level


def uv_apple_version(brand: str) -> int:
    if not brand.startswith("Apple "):
        return 0
    words = brand[len("Apple ") :].split()
    return 4 if words and words[0] in ("M1", "M2", "M3", "M4", "M5") else 0


class UvVersionAnswer(_StandIn):
    """uv 0.13.8/0.13.9's builtin aarch64-variant-provider 0.2.0: ``version`` only."""

    answers_as = "aarch64-variant-provider 0.2.0 (uv 0.13.8/0.13.9 builtin)"

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        if raw.machine.lower() not in ARM64:
            return []
        level = 0
        if raw.system == "Darwin":
            level = uv_apple_version(str(raw.sysctl.get(_probe.BRAND, "")))
        elif raw.system == "Linux":
            level = uv_linux_version(self._cores(raw), self._hwcap(raw))
        return [Feature("version", reversed(UV_VERSIONS[: level + 1]))]

    @staticmethod
    def _cores(raw: _probe.RawSources) -> list[tuple[int, int]]:
        blocks = _parse.cpuinfo_blocks(raw.cpuinfo) if raw.cpuinfo is not None else []
        return sorted(_parse.midrs_from_cpuinfo(blocks)) or sorted(_parse.midrs_from_sysfs(raw.midr_sysfs))

    @staticmethod
    def _hwcap(raw: _probe.RawSources) -> int:
        if raw.auxv is not None and _probe.auxv_usable(raw.auxv):
            try:
                return _parse.parse_auxv(raw.auxv).get(_probe.AT_HWCAP, 0)
            except _parse.SourceError:
                return 0
        return (raw.getauxval or {}).get(_probe.AT_HWCAP, 0)

    def all_features(self) -> list[Feature]:
        return [Feature("version", reversed(UV_VERSIONS))]
