"""Pure parsing: raw sources in, features out. No I/O here.

<REPLACE ME>: how your device's answers become features. The rules every
provider follows:

* absent hardware gives no features and no warning (an explanation is enough);
* a broken answer (garbage, an unknown name, a failed read) gives a warning
  naming the source, and only the valid values are emitted;
* values match ``[a-z0-9_.]+``, most preferred first, and a feature with no
  value is left out (variantlib 0.2.2 rejects an empty list).
"""

from __future__ import annotations

from variant_detect_runtime import Feature

from variant_detect_fictional_hw._probe import ATTRIBUTE_LIMIT, SYSFS_CLASS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Report

    from variant_detect_fictional_hw._probe import Device, RawSources
    from variant_detect_fictional_hw._table import Tables

    Capability = tuple[int, int]

# Longer numbers than any driver writes: "3.1", never "1234.5".
MAX_DIGITS = 3


class FormatError(ValueError):
    """An attribute is not what the driver writes."""


def decode_attribute(data: bytes) -> str:
    """The stripped ASCII text of a sysfs attribute; raises FormatError otherwise."""
    if len(data) > ATTRIBUTE_LIMIT:
        raise FormatError(f"longer than {ATTRIBUTE_LIMIT} bytes; a sysfs attribute is one page at most")
    try:
        text = data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise FormatError(f"not ASCII text: {data[:40]!r}") from None
    if not text:
        raise FormatError("empty")
    return text


def parse_architecture(data: bytes, tables: Tables) -> str:
    """``b"DeepThought\\n"`` -> ``"deepthought"`` (the table's name for it)."""
    text = decode_attribute(data)
    name = tables.driver_names.get(text)
    if name is None:
        known = ", ".join(sorted(tables.driver_names))
        raise FormatError(f"unknown architecture {text!r} (the table knows {known}); add it to the table")
    return name


def capability_key(text: str) -> Capability:
    """``"3.1"`` -> ``(3, 1)``; raises FormatError for anything else."""
    major, dot, minor = text.partition(".")
    for part in (major, minor):
        if not (dot and part.isdigit() and len(part) <= MAX_DIGITS):
            raise FormatError(f"expected MAJOR.MINOR (e.g. 3.1), got {text!r}")
    return int(major), int(minor)


def parse_capability(data: bytes) -> Capability:
    return capability_key(decode_attribute(data))


class Reading:
    """What one device says, once parsed; None where it said nothing usable."""

    __slots__ = ("architecture", "capability", "name")

    def __init__(self, name: str, architecture: str | None, capability: Capability | None) -> None:
        self.name = name
        self.architecture = architecture
        self.capability = capability


def source(device: str, attribute: str) -> str:
    return f"{SYSFS_CLASS}/{device}/{attribute}"


def read_device(device: Device, tables: Tables, report: Report) -> Reading:
    """Parse one device's attributes; each bad one is a warning naming its file."""
    for attribute, error in sorted(device.errors.items()):
        report.warn(source(device.name, attribute), error)
    architecture: str | None = None
    capability: Capability | None = None
    try:
        if "architecture" in device.attributes:
            architecture = parse_architecture(device.attributes["architecture"], tables)
    except FormatError as exc:
        report.warn(source(device.name, "architecture"), str(exc))
    try:
        if "compute_capability" in device.attributes:
            capability = parse_capability(device.attributes["compute_capability"])
    except FormatError as exc:
        report.warn(source(device.name, "compute_capability"), str(exc))
    return Reading(device.name, architecture, capability)


def rank(reading: Reading, tables: Tables) -> tuple[int, Capability]:
    """Sort key of a device: newest architecture first, then highest capability."""
    generation = -1
    if reading.architecture is not None:
        generation = len(tables.architectures) - tables.architectures.index(reading.architecture)
    return generation, reading.capability or (-1, -1)


def architecture_feature(name: str, tables: Tables) -> Feature:
    """The device's architecture, then every older one it runs code for."""
    index = tables.architectures.index(name)
    return Feature("architecture", tables.architectures[index:])


def capability_feature(reading: Reading, tables: Tables, report: Report) -> list[Feature]:
    """Every capability the table knows up to the device's, highest first."""
    if reading.capability is None:
        return []
    where = source(reading.name, "compute_capability")
    text = "{}.{}".format(*reading.capability)
    known = [c for c in tables.capabilities if capability_key(c) <= reading.capability]
    if not known:
        report.explain("compute_capability", where, f"{text} is older than any capability the table knows")
        return []
    if capability_key(tables.capabilities[-1]) < reading.capability:
        report.explain("compute_capability", where, f"{text} is newer than the table; reporting up to {known[-1]}")
    else:
        report.explain("compute_capability", where, f"device reports {text}")
    return [Feature("compute_capability", reversed(known))]


def features_of(reading: Reading, tables: Tables, report: Report) -> list[Feature]:
    out = []
    if reading.architecture is not None:
        report.explain("architecture", source(reading.name, "architecture"), f"device is {reading.architecture}")
        out.append(architecture_feature(reading.architecture, tables))
    return out + capability_feature(reading, tables, report)


def parse(raw: RawSources, tables: Tables, report: Report) -> list[Feature]:
    """Features of this machine's best device (``architecture``, then ``compute_capability``)."""
    if raw.system != "Linux":
        report.explain("*", "platform", f"the fictional_hw driver does not exist for {raw.system}")
        return []
    if raw.listing_error is not None:
        report.warn(SYSFS_CLASS, raw.listing_error)
        return []
    readings = [read_device(device, tables, report) for device in raw.devices]
    usable = [r for r in readings if r.architecture is not None or r.capability is not None]
    if not usable:
        if not raw.devices:
            report.explain("*", SYSFS_CLASS, "no device: the driver is not loaded or there is no hardware")
        return []
    # <REPLACE ME>: which device decides. Here the newest one does, as a wheel
    # is installed for the best accelerator of the machine.
    best = max(usable, key=lambda reading: rank(reading, tables))
    if len(usable) > 1:
        others = ", ".join(r.name for r in usable if r is not best)
        report.explain("*", SYSFS_CLASS, f"{len(usable)} devices; {best.name} is the newest ({others} ignored)")
    return features_of(best, tables, report)
