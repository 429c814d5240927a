"""CUDA_VISIBLE_DEVICES, read the way the CUDA driver reads it (pure functions).

NVML ignores the variable and lists every GPU in PCI bus order, so a provider
asking NVML must apply it itself. The rules follow the CUDA C Programming
Guide ("CUDA Environment Variables") and PyTorch's ``_parse_visible_devices``,
which mirrors the driver:

* unset: every GPU; empty: none;
* a comma-separated list of device indices, read like ``strtoul`` (``1gpu`` is
  1); the first entry that is not a non-negative index, or is past the last
  device, ends the list;
* ``GPU-<uuid>`` or ``MIG-<uuid>`` entries, each a unique prefix of a UUID;
  an unknown or ambiguous one ends the list;
* a device named twice hides every device.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class Selection:
    """A parsed CUDA_VISIBLE_DEVICES: ``kind`` is all, none, index, GPU or MIG."""

    __slots__ = ("entries", "kind", "note")

    def __init__(self, kind: str, entries: Sequence[int | str] = (), note: str = "") -> None:
        self.kind = kind
        self.entries = list(entries)
        self.note = note


def _strtoul(text: str) -> int:
    """Leading digits as ``strtoul`` reads them; -1 when there are none or a minus sign."""
    digits = text[1:] if text[:1] == "+" else text
    end = 0
    while end < len(digits) and digits[end].isdigit():
        end += 1
    return int(digits[:end]) if end else -1


def parse_visible(value: str | None) -> Selection:
    if value is None:
        return Selection("all")
    parts = [part.strip() for part in value.split(",")]
    if parts == [""]:
        return Selection("none", note="CUDA_VISIBLE_DEVICES is empty: CUDA sees no device")
    for prefix in ("GPU-", "MIG-"):
        if parts[0].startswith(prefix):
            return _uuid_list(parts, prefix)
    indices: list[int] = []
    for part in parts:
        index = _strtoul(part)
        if index < 0:
            return Selection("index", indices, f"entry {part!r} is not a device index and ends the list")
        if index in indices:
            return Selection("none", note=f"device {index} is named twice: CUDA then sees no device")
        indices.append(index)
    return Selection("index", indices)


def _uuid_list(parts: list[str], prefix: str) -> Selection:
    entries: list[str] = []
    for part in parts:
        if not part.startswith(prefix):
            return Selection(prefix[:3], entries, f"entry {part!r} is not a {prefix}UUID and ends the list")
        entries.append(part)
    return Selection(prefix[:3], entries)


def cuda_order(
    count: int, order: str | None, bus_ids: Sequence[str | None], ccs: Sequence[tuple[int, int] | None]
) -> list[int]:
    """NVML indices in the order CUDA numbers the devices.

    ``CUDA_DEVICE_ORDER=PCI_BUS_ID`` sorts by PCI bus id (NVML's own order, so
    the bus ids only confirm it). The default, FASTEST_FIRST, is "a simple
    heuristic" NVIDIA does not specify; newer compute capability first, then
    NVML order, is our approximation, used only when libcuda cannot say.
    """
    indices = list(range(count))
    if order == "PCI_BUS_ID":
        return sorted(indices, key=lambda i: (bus_ids[i] or "").lower() if i < len(bus_ids) else "")
    return sorted(indices, key=lambda i: tuple(-part for part in (ccs[i] or (0, 0))))


def select_by_index(entries: Sequence[int | str], order: list[int]) -> tuple[list[int], str]:
    """NVML indices chosen by CUDA indices; an index past the last device ends the list."""
    chosen: list[int] = []
    for entry in entries:
        if not isinstance(entry, int) or entry >= len(order):
            return chosen, f"device {entry} does not exist ({len(order)} GPUs) and ends the list"
        chosen.append(order[entry])
    return chosen, ""


def select_by_uuid(entries: Sequence[int | str], uuids: Sequence[Sequence[str]]) -> tuple[list[int], str]:
    """NVML indices of the GPUs whose UUIDs (``uuids[i]``: a GPU's own or its MIG instances') match."""
    chosen: list[int] = []
    for entry in entries:
        text = str(entry)
        owners = [i for i, names in enumerate(uuids) for name in names if name.startswith(text)]
        if len(owners) != 1:
            why = "matches no device" if not owners else "is ambiguous"
            return chosen, f"{text!r} {why} and ends the list"
        if owners[0] in chosen and not text.startswith("MIG-"):
            return [], f"{text!r} names a device twice: CUDA then sees no device"
        chosen.append(owners[0])
    return chosen, ""
