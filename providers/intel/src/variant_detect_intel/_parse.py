"""Raw sources -> the ``device_ip`` feature. Pure: no OS access.

The published provider (intel-variant-provider 0.0.2/0.0.3, ``plugin.py``)
lists, for each Level Zero GPU device of vendor 0x8086 in Level Zero's order,
its IP version then its base platform's ("compat") IP, without repeats; it then
drops every IP its table does not know, with a warning. A forced IP replaces
detection and is not expanded. The same rules apply here, with the IP taken from
sysfs when the device rules can name it.
"""

from __future__ import annotations

from variant_detect_intel import _devices
from variant_detect_runtime import Feature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_intel._probe import RawSources
    from variant_detect_intel._table import Tables
    from variant_detect_runtime import Report

FEATURE = "device_ip"
SOURCE = "/sys/class/drm"


def _sysfs_ips(raw: RawSources, tables: Tables, report: Report) -> tuple[list[str], bool]:
    """IPs of the Intel cards in PCI order; the flag says whether every Intel card was named."""
    ips: list[str] = []
    complete = True
    for card in sorted(raw.cards, key=_devices.slot_order):
        if card.error is not None:
            report.warn(f"{SOURCE}/{card.name}/device", card.error)
            continue
        if not _devices.is_intel(card):
            continue
        ip = _devices.sysfs_ip(card, tables)
        where = (
            f"{SOURCE}/{card.name} (device {(card.device or '?').strip()}, revision {(card.revision or '?').strip()})"
        )
        if ip is None:
            complete = False
            report.explain(FEATURE, where, "the device rules cannot name its IP version; Level Zero needed")
        else:
            report.explain(FEATURE, where, f"IP version {ip} from the device rules")
            ips.append(ip)
    return ips, complete


def _level_zero_ips(raw: RawSources, tables: Tables, report: Report) -> list[str]:
    ips = []
    for vendor, device, value in raw.level_zero or []:
        if vendor != _devices.INTEL_VENDOR:
            continue
        ip = tables.decode(value)
        report.explain(FEATURE, "Level Zero", f"device {device:#06x}: ipVersion {value:#010x} = {ip}")
        ips.append(ip)
    return ips


def device_ips(raw: RawSources, tables: Tables, report: Report) -> list[str]:
    """One IP per Intel GPU, in device order (Level Zero's when it was asked and answered)."""
    if raw.drm_error is not None:
        report.warn(SOURCE, raw.drm_error)
    ips, complete = _sysfs_ips(raw, tables, report)
    if raw.level_zero is not None:
        return _level_zero_ips(raw, tables, report)
    if raw.level_zero_error is not None:
        report.warn("Level Zero", raw.level_zero_error)
    if not complete:
        report.warn(SOURCE, "an Intel GPU's IP version needs Level Zero (libze_loader), which did not answer")
    return ips


def with_compat(ips: list[str], tables: Tables, known: list[str]) -> list[str]:
    """Each IP then its base platform's, without repeats (the published ``get_all_compat_ips``).

    Only an IP the release's table lists has a compat entry there: 0.0.3 gives
    Wildcat Lake's 30.3.1 none, the head table gives it 30.0.4.
    """
    out: list[str] = []
    for ip in ips:
        for value in (ip, tables.compat.get(ip) if ip in known else None):
            if value and value not in out:
                out.append(value)
    return out


def keep_known(values: list[str], known: list[str], report: Report) -> list[str]:
    kept = []
    for value in values:
        if value in known:
            kept.append(value)
        else:
            report.warn(FEATURE, f"IP version {value} is not in the table; left out (as the published provider does)")
    return kept


def forced(text: str | None, known: list[str], report: Report) -> str | None:
    """The override's IP when it is a known IP version; a bad one is a warning and ignored."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if not _devices.ip_shape(value):
        shown = value if len(value) <= _devices.OVERRIDE_LIMIT else value[: _devices.OVERRIDE_LIMIT] + "..."
        report.warn(_devices.FORCE_ENV, f"expected an IP version 'A.B.C' (e.g. 12.55.8), got {shown!r}; ignored")
        return None
    if value not in known:
        report.warn(_devices.FORCE_ENV, f"{value} is not a known IP version (e.g. {known[-1]}); ignored")
        return None
    return value


def feature(values: list[str]) -> list[Feature]:
    return [Feature(FEATURE, values, multi_value=True)] if values else []
