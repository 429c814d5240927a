"""The tpu provider: ``present = true | false``, as uv's builtin tpu-variant-provider 0.1.0."""

from __future__ import annotations

from variant_detect_runtime import Feature, Provider
from variant_detect_tpu import _parse, _probe, _table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report

FORCE_ENV = _probe.FORCE_ENV


class TpuProvider(Provider[_probe.RawSources]):
    namespace = "tpu"
    distribution = "variant-detect-tpu"
    version = "0.1.0"  # keep equal to pyproject.toml's (a test checks)
    sources = (
        f"{FORCE_ENV} (the published provider's override, read as uv reads it)",
        f"{_probe.PCI_DEVICES}/*/vendor, then device for vendor 0x1ae0 (Linux)",
    )
    # Our own answer is the published one (same sources, rules, values): no separate stand-in.
    # uv 0.13.8 and 0.13.9 vendor 0.1.0 and admit that version only; 0.1.1's behaviour is unknown.
    stands_in_for = ("tpu-variant-provider==0.1.0",)

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        # The table is loaded only when sysfs will be read (Linux, no override).
        if probe.getenv(FORCE_ENV) is None and probe.identity.system == "Linux":
            return _probe.collect(probe, report, _table.load().vendor_bytes)
        return _probe.collect(probe, report, b"")

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        # Without a listed device there is nothing to look up: the table stays unloaded.
        return _parse.parse(raw, _table.load() if raw.devices else None, report)

    def all_features(self) -> list[Feature]:
        # uv's builtin has no list of all configs; the published values are true and false.
        return [Feature(_parse.FEATURE, [_parse.TRUE, _parse.FALSE])]
