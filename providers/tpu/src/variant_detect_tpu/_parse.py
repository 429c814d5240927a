"""Pure parsing: raw sources in, ``present = true | false`` out. No I/O here.

Every rule mirrors uv 0.13.9's builtin (``crates/uv-distribution/src/variant/tpu.rs``,
ported from wheelnext/tpu-variant-provider 0.1.0), so that the answer is the published one:

* the override variable, when set at all, decides alone: ``1``, or ``true`` / ``yes`` in any
  ASCII case, mean present; anything else (``0``, ``no``, the empty string, a typo) means
  absent. There is no trimming: ``" 1"`` is absent.
* otherwise, off Linux the answer is ``false``.
* on Linux, a TPU is present when some PCI device's ``vendor`` file, trimmed, is exactly
  ``0x1ae0`` and its ``device`` file, trimmed, is one of the table's ids (lower case, as
  sysfs prints them; uv compares case-sensitively). A device whose files are missing,
  unreadable or not UTF-8 is skipped; a missing ``/sys/bus/pci/devices`` means ``false``.

uv reports the one value it found (``["true"]`` or ``["false"]``), not a fallback list.
"""

from __future__ import annotations

from variant_detect_runtime import Feature
from variant_detect_tpu._probe import FORCE_ENV, PCI_DEVICES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Report
    from variant_detect_tpu._probe import Device, RawSources
    from variant_detect_tpu._table import Tables

FEATURE = "present"
TRUE, FALSE = "true", "false"
# Words uv reads as "present" (tpu.rs detect_properties): "1" exactly, the others in any ASCII case.
_FORCE_EXACT = ("1",)
_FORCE_ANY_CASE = ("true", "yes")
# Values a user plausibly means as "absent"; any other value is absent too, with a warning.
_FORCE_KNOWN_ABSENT = ("0", "false", "no")
# How much of a bad override value a warning repeats.
_SHOWN = 64


def forced_present(value: str) -> bool:
    """uv's reading of ``TPU_VARIANT_PROVIDER_FORCE_PRESENT``."""
    return value in _FORCE_EXACT or (value.isascii() and value.lower() in _FORCE_ANY_CASE)


def _attribute(device: Device, name: str, raw_value: bytes | None, report: Report) -> str | None:
    """The attribute as uv reads it (UTF-8, trimmed), or None to skip the device."""
    where = f"{PCI_DEVICES}/{device.slot}/{name}"
    if raw_value is None:
        problem = device.errors.get(name)
        if problem is not None and problem != "not present":
            report.warn(where, f"{problem}; device skipped")
        return None
    if len(raw_value) > 4096:
        report.warn(where, "longer than a sysfs page; device skipped")
        return None
    try:
        return raw_value.decode("utf-8").strip()
    except UnicodeDecodeError:
        report.warn(where, "not UTF-8; device skipped")
        return None


def find_tpu(raw: RawSources, tables: Tables | None, report: Report) -> str | None:
    """'<slot> (<generation>)' of the first TPU device, sorted by slot; None when there is none."""
    if tables is None:
        return None
    for device in raw.devices:
        vendor = _attribute(device, "vendor", device.vendor, report)
        if vendor != tables.vendor_id:
            continue
        device_id = _attribute(device, "device", device.device, report)
        if device_id in tables.generations:
            return f"{device.slot} ({tables.generations[device_id]}, {tables.vendor_id}:{device_id})"
    return None


def from_override(value: str, report: Report) -> list[Feature]:
    present = forced_present(value)
    answer = TRUE if present else FALSE
    if not present and value.strip().lower() not in _FORCE_KNOWN_ABSENT:
        shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "..."
        report.warn(
            FORCE_ENV,
            f"expected 1, true or yes (present) or 0, false, no (absent), got {shown!r}; read as absent, as uv does",
        )
    effect = f"present forced to {answer}"
    report.override(FORCE_ENV, value, effect)
    report.explain(FEATURE, FORCE_ENV, effect)
    return [Feature(FEATURE, [answer])]


def parse(raw: RawSources, tables: Tables | None, report: Report) -> list[Feature]:
    if raw.forced is not None:
        return from_override(raw.forced, report)
    if raw.system != "Linux":
        report.explain(FEATURE, "platform", f"{raw.system or 'this OS'}: uv looks for TPUs on Linux only")
        return [Feature(FEATURE, [FALSE])]
    if raw.listing_error is not None:
        report.warn(PCI_DEVICES, f"{raw.listing_error}; no TPU assumed")
    found = find_tpu(raw, tables, report)
    if found is None:
        report.explain(FEATURE, PCI_DEVICES, f"none of {len(raw.devices)} PCI devices is a TPU")
        return [Feature(FEATURE, [FALSE])]
    report.explain(FEATURE, PCI_DEVICES, f"TPU at {found}")
    return [Feature(FEATURE, [TRUE])]
