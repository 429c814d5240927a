"""What the fictional_hw provider reads, through the probe seam only.

<REPLACE ME>: your device's sources. This example reads two attributes that
the (fictional) driver publishes for each device it binds:

    /sys/class/fictional_hw/<device>/architecture        "DeepThought\\n"
    /sys/class/fictional_hw/<device>/compute_capability  "3.1\\n"

Only this module reaches the machine, and only through ``probe``; a fixture
then replays it with no monkeypatching. Keep it dumb: gather bytes and errors,
and leave every decision to ``_parse``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe
    from variant_detect_runtime import Report

# <REPLACE ME>: where your driver lists its devices.
SYSFS_CLASS = "/sys/class/fictional_hw"
ATTRIBUTES = ("architecture", "compute_capability")
# A sysfs attribute is at most one page; a longer answer is not the driver's.
ATTRIBUTE_LIMIT = 4096
# More devices than a machine holds: a runaway listing stops here.
MAX_DEVICES = 64


class Device:
    """One device's raw attributes (bytes as read) and the reads that failed."""

    __slots__ = ("attributes", "errors", "name")

    def __init__(self, name: str, attributes: dict[str, bytes], errors: dict[str, str]) -> None:
        self.name = name
        self.attributes = attributes
        self.errors = errors


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = ("devices", "listing_error", "system")

    def __init__(self, system: str, devices: list[Device], listing_error: str | None) -> None:
        self.system = system
        self.devices = devices
        self.listing_error = listing_error


def read_device(probe: Probe, name: str) -> Device:
    attributes: dict[str, bytes] = {}
    errors: dict[str, str] = {}
    for attribute in ATTRIBUTES:
        path = f"{SYSFS_CLASS}/{name}/{attribute}"
        try:
            attributes[attribute] = probe.read_bytes(path, ATTRIBUTE_LIMIT)
        except FileNotFoundError:
            errors[attribute] = "not present"
        except OSError as exc:
            errors[attribute] = f"cannot read: {exc.strerror or exc}"
    return Device(name, attributes, errors)


def collect(probe: Probe, report: Report) -> RawSources:
    system = probe.identity.system
    # <REPLACE ME>: the OSes your driver exists on, cheapest source first.
    if system != "Linux":
        return RawSources(system, [], None)
    try:
        names = probe.listdir(SYSFS_CLASS)
    except FileNotFoundError:
        # No driver loaded: the hardware is absent, which is not a warning.
        return RawSources(system, [], None)
    except OSError as exc:
        return RawSources(system, [], f"cannot list: {exc.strerror or exc}")
    devices = [read_device(probe, name) for name in sorted(names)[:MAX_DEVICES]]
    return RawSources(system, devices, None)
