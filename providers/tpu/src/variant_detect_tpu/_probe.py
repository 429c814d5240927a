"""What the tpu provider reads, through the probe seam only.

The same sources as uv 0.13.9's builtin (``crates/uv-distribution/src/variant/tpu.rs``):
the override variable, then, on Linux only, each PCI device's ``vendor`` file
under ``/sys/bus/pci/devices``, and the ``device`` file of the devices whose
vendor is Google's. Reading ``device`` only behind that vendor check is the
one decision taken here: it halves the reads on a machine without a TPU (the
budget is 1 ms) and is the order uv reads them in.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report

PCI_DEVICES = "/sys/bus/pci/devices"
FORCE_ENV = "TPU_VARIANT_PROVIDER_FORCE_PRESENT"
# A sysfs attribute is at most one page; a longer answer is not the kernel's.
ATTRIBUTE_LIMIT = 4096
# PCI allows 256 buses x 32 devices x 8 functions per domain; a listing longer
# than this is not a PCI bus, and a runaway one stops here.
MAX_DEVICES = 4096


class Device:
    """One PCI function: its slot name, raw ``vendor`` and ``device`` (None if not read)."""

    __slots__ = ("device", "errors", "slot", "vendor")

    def __init__(self, slot: str) -> None:
        self.slot = slot
        self.vendor: bytes | None = None
        self.device: bytes | None = None
        #: attribute -> problem, for attributes that exist but could not be read.
        self.errors: dict[str, str] = {}


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = ("devices", "forced", "listing_error", "system")

    def __init__(self, system: str) -> None:
        self.system = system
        #: The override's value when the variable is set (even empty), else None.
        self.forced: str | None = None
        self.devices: list[Device] = []
        self.listing_error: str | None = None


def read_attribute(probe: Probe, device: Device, attribute: str) -> bytes | None:
    try:
        return probe.read_bytes(f"{PCI_DEVICES}/{device.slot}/{attribute}", ATTRIBUTE_LIMIT)
    except FileNotFoundError:
        device.errors[attribute] = "not present"
    except OSError as exc:
        device.errors[attribute] = f"cannot read: {exc.strerror or exc}"
    return None


def collect(probe: Probe, report: Report, vendor_id: bytes) -> RawSources:
    raw = RawSources(probe.identity.system)
    raw.forced = probe.getenv(FORCE_ENV)
    if raw.forced is not None or raw.system != "Linux":
        return raw  # uv reads nothing more in either case
    try:
        slots = probe.listdir(PCI_DEVICES)
    except FileNotFoundError:
        return raw  # no sysfs PCI bus (a container without /sys): no TPU, not a warning
    except OSError as exc:
        raw.listing_error = f"cannot list: {exc.strerror or exc}"
        return raw
    for slot in sorted(slots)[:MAX_DEVICES]:
        device = Device(slot)
        device.vendor = read_attribute(probe, device, "vendor")
        # Lenient on purpose (a substring): _parse makes the exact comparison.
        if device.vendor is not None and vendor_id in device.vendor:
            device.device = read_attribute(probe, device, "device")
        raw.devices.append(device)
    return raw
