"""The intel provider: Intel GPU device IP versions (``device_ip``)."""

from __future__ import annotations

from variant_detect_intel import _devices, _probe
from variant_detect_runtime import Feature, Provider

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_intel._table import Tables
    from variant_detect_runtime import Probe, Report

PUBLISHED = "intel-variant-provider"
FEATURE = "device_ip"


class IntelProvider(Provider[_probe.RawSources]):
    """Our own answer by default; ``standin(pin)`` gives the published release's answer.

    The two differ only in the table of known IP versions (the published 0.0.2
    and 0.0.3 tables, or the repository head's, which adds Wildcat Lake, Nova
    Lake and Crescent Island) and, under the override, in our own answer adding
    the forced IP's base platform after it.
    """

    namespace = "intel"
    distribution = "variant-detect-intel"
    version = "0.1.0"
    sources = (
        f"{_devices.FORCE_ENV} (user override)",
        "/sys/class/drm/card*/device/{vendor,device,revision,uevent} (PCI id, revision, slot)",
        "Level Zero libze_loader.so.1 / ze_loader.dll (ctypes, isolated): only for an Intel GPU the table cannot name",
    )
    # Behaviour compared with both published releases' own code (providers/intel/tests/test_intel.py).
    stands_in_for = (f"{PUBLISHED}==0.0.3", f"{PUBLISHED}==0.0.2")

    def __init__(self, release: str | None = None) -> None:
        #: None: our own answer (the head table); else the published release reproduced
        self.release = release
        self.answers_as = f"{PUBLISHED}=={release}" if release else ""

    def standin(self, pin: str) -> IntelProvider:
        """The provider that answers exactly as the published *pin* (one of ``stands_in_for``)."""
        if pin not in self.stands_in_for:
            raise ValueError(f"{self.distribution} stands in for {', '.join(self.stands_in_for)}; got {pin!r}")
        return IntelProvider(pin.partition("==")[2])

    def _known(self, tables: Tables) -> list[str]:
        return tables.known_ips(self.release or tables.newest)

    def collect(self, probe: Probe, report: Report) -> _probe.RawSources:
        def known() -> list[str]:
            from variant_detect_intel import _table

            return self._known(_table.load())

        return _probe.collect(probe, report, known)

    def parse(self, raw: _probe.RawSources, report: Report) -> list[Feature]:
        if _devices.nothing_found(raw):
            report.explain(FEATURE, _probe.DRM, "no Intel GPU among the DRM cards")
            return []
        from variant_detect_intel import _parse, _table

        tables = _table.load()
        known = self._known(tables)
        if raw.force is not None and raw.force.strip() in known:
            # A valid override makes detection moot (the published provider asks no hardware then);
            # apply_overrides answers it.
            report.explain(FEATURE, _devices.FORCE_ENV, "detection skipped: the override answers")
            return []
        values = _parse.keep_known(
            _parse.with_compat(_parse.device_ips(raw, tables, report), tables, known), known, report
        )
        if not values:
            report.explain(_parse.FEATURE, _parse.SOURCE, "no Intel GPU with a known IP version")
        return _parse.feature(values)

    def apply_overrides(self, features: list[Feature], probe: Probe, report: Report) -> list[Feature]:
        """``INTEL_VARIANT_PROVIDER_FORCE_DEVICE_IP``: one known IP replaces detection; a bad one is ignored."""
        text = probe.getenv(_devices.FORCE_ENV)
        if text is None or not text.strip():
            return features
        from variant_detect_intel import _parse, _table

        tables = _table.load()
        known = self._known(tables)
        value = _parse.forced(text, known, report)
        if value is None:
            return features
        # The published provider reports the forced IP alone; our own answer adds its base platform.
        values = [value] if self.release else _parse.with_compat([value], tables, known)
        detected = " ".join(v for f in features for v in f.values) or "not detected"
        report.override(_devices.FORCE_ENV, text, f"{FEATURE} = {' '.join(values)} (detected: {detected})")
        report.explain(FEATURE, _devices.FORCE_ENV, f"forced to {' '.join(values)}")
        return _parse.feature(values)

    def all_features(self) -> list[Feature]:
        from variant_detect_intel import _table

        return [Feature(FEATURE, self._known(_table.load()), multi_value=True)]
