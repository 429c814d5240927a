"""Pure helpers shared by ``_probe`` (what to read next) and ``_parse`` (the answer).

A DRM card is what ``/sys/class/drm/cardN/device/`` says about it: PCI vendor,
device id, revision and slot. Its IP version comes from the table's device
rules; a card the rules cannot name (an unknown device id, an unlisted
revision, or a family whose stepping lives in the GMD_ID register) needs Level
Zero, as the published provider always asks it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_intel._probe import RawSources
    from variant_detect_intel._table import Tables

INTEL_VENDOR = 0x8086
FORCE_ENV = "INTEL_VARIANT_PROVIDER_FORCE_DEVICE_IP"
#: An IP version is "architecture.release.revision": 10, 8 and 6 bits (hw_ip_version.h),
#: at most 4, 3 and 2 decimal digits. (No regular expressions: this module loads on every run.)
_IP_DIGITS = (4, 3, 2)
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
OVERRIDE_LIMIT = 32


class Card:
    """One ``/sys/class/drm/cardN`` entry, as read (text fields raw)."""

    __slots__ = ("device", "error", "name", "revision", "slot", "vendor")

    def __init__(self, name: str) -> None:
        self.name = name
        self.vendor: str | None = None
        self.device: str | None = None
        self.revision: str | None = None
        #: PCI_SLOT_NAME from the device's uevent ("0000:03:00.0"), for the order
        self.slot: str | None = None
        self.error: str | None = None


def parse_hex(text: str | None) -> int | None:
    """A sysfs hex id (``0x8086\\n``) as an int, None when it is not one."""
    if text is None:
        return None
    digits = text.strip()
    digits = digits[2:] if digits[:2] in ("0x", "0X") else digits
    if not 1 <= len(digits) <= 4 or not set(digits) <= _HEX_DIGITS:
        return None
    return int(digits, 16)


def is_intel(card: Card) -> bool:
    return parse_hex(card.vendor) == INTEL_VENDOR


def sysfs_ip(card: Card, tables: Tables) -> str | None:
    """The IP version the device rules give this card, None when they cannot tell."""
    device, revision = parse_hex(card.device), parse_hex(card.revision)
    if device is None or revision is None:
        return None
    rule = tables.devices.get(device)
    if rule is None or rule.gmdid is not None:
        return None
    return rule.ip_for(revision)


def needs_level_zero(cards: list[Card], tables: Tables) -> bool:
    return any(is_intel(c) and sysfs_ip(c, tables) is None for c in cards)


def ip_shape(value: str) -> bool:
    """Whether *value* looks like an IP version (bounded: at most ``OVERRIDE_LIMIT`` characters)."""
    if len(value) > OVERRIDE_LIMIT:
        return False
    parts = value.split(".")
    return len(parts) == len(_IP_DIGITS) and all(
        0 < len(part) <= limit and part.isascii() and part.isdigit()
        for part, limit in zip(parts, _IP_DIGITS, strict=True)
    )


def slot_order(card: Card) -> tuple[int, str, int]:
    """Cards by PCI slot (the order Level Zero lists devices on Linux), then card number."""
    number = int(card.name[4:]) if card.name[4:].isdigit() else 0
    return (0 if card.slot else 1, card.slot or "", number)


def nothing_found(raw: RawSources) -> bool:
    """No Intel card, no override, no Level Zero answer and nothing to warn about."""
    return (
        not (raw.force and raw.force.strip())
        and raw.level_zero is None
        and raw.level_zero_error is None
        and raw.drm_error is None
        and not any(c.error is not None or is_intel(c) for c in raw.cards)
    )
