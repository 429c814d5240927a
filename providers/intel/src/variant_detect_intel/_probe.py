"""What the intel provider reads, through the probe seam only.

Cheapest first: the DRM cards in sysfs (a directory listing and a few tiny
files per card; non-Intel cards cost one read). Level Zero (``libze_loader``,
in an isolated child interpreter) is asked only when an Intel card is present
that the table's device rules cannot name, and no override is set.
"""

from __future__ import annotations

from variant_detect_intel import _devices
from variant_detect_runtime import ProbeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from variant_detect_runtime import Probe, Report

DRM = "/sys/class/drm"
ID_LIMIT = 64
UEVENT_LIMIT = 4096
#: More DRM cards than this is not a machine we can reason about; read the first ones.
MAX_CARDS = 64
LIBRARY = "level_zero"
LIBRARY_TIMEOUT = 10.0


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = ("cards", "drm_error", "force", "level_zero", "level_zero_error", "system")

    def __init__(self, system: str) -> None:
        self.system = system
        self.force: str | None = None
        self.cards: list[_devices.Card] = []
        self.drm_error: str | None = None
        #: [vendor_id, device_id, ip_version] per Level Zero device, in its order; None = not asked
        self.level_zero: list[list[int]] | None = None
        self.level_zero_error: str | None = None


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "not present"
    if isinstance(exc, OSError) and exc.strerror and not isinstance(exc, ProbeError):
        return f"cannot read: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"


def _is_card(name: str) -> bool:
    """``card0`` ... ``card9999`` (not ``card0-DP-1`` connectors nor ``renderD128``)."""
    return name.startswith("card") and 0 < len(name) - 4 <= 4 and name[4:].isascii() and name[4:].isdigit()


def _read(probe: Probe, path: str, limit: int) -> str:
    return probe.read_bytes(path, limit).decode("ascii", errors="replace")


def _read_card(probe: Probe, name: str) -> _devices.Card:
    card = _devices.Card(name)
    base = f"{DRM}/{name}/device"
    try:
        card.vendor = _read(probe, f"{base}/vendor", ID_LIMIT)
        if not _devices.is_intel(card):
            return card
        card.device = _read(probe, f"{base}/device", ID_LIMIT)
        card.revision = _read(probe, f"{base}/revision", ID_LIMIT)
    except OSError as exc:
        card.error = _error_text(exc)
        return card
    try:
        for line in _read(probe, f"{base}/uevent", UEVENT_LIMIT).splitlines():
            if line.startswith("PCI_SLOT_NAME="):
                card.slot = line.partition("=")[2].strip()[:32]
    except OSError:
        pass  # the order then falls back to the card number
    return card


def _read_cards(probe: Probe, raw: RawSources) -> None:
    try:
        names = probe.listdir(DRM)
    except FileNotFoundError:
        return
    except OSError as exc:
        raw.drm_error = _error_text(exc)
        return
    cards = sorted((n for n in names if _is_card(n)), key=lambda n: int(n[4:]))
    raw.cards = [_read_card(probe, name) for name in cards[:MAX_CARDS]]


def _ask_level_zero(probe: Probe, raw: RawSources) -> None:
    from variant_detect_intel import _native

    isolate = ("variant_detect_intel._native:LevelZero", [raw.system])
    library = probe.library(LIBRARY, lambda: _native.LevelZero(raw.system), isolate=isolate)
    try:
        answer = library.call("device_ips", timeout=LIBRARY_TIMEOUT)
    except (ProbeError, OSError) as exc:
        raw.level_zero_error = str(exc)
        return
    if not isinstance(answer, list) or not all(
        isinstance(d, list) and len(d) == 3 and all(isinstance(v, int) and not isinstance(v, bool) for v in d)
        for d in answer
    ):
        raw.level_zero_error = f"device_ips: unexpected answer {str(answer)[:200]!r}"
        return
    raw.level_zero = [[int(v) for v in d] for d in answer]


def collect(probe: Probe, report: Report, known: Callable[[], list[str]]) -> RawSources:
    """Read the sources; *known()* gives the IP versions a valid override may name.

    Without an Intel card and an override, neither the table nor any library is loaded.
    """
    raw = RawSources(probe.identity.system)
    raw.force = probe.getenv(_devices.FORCE_ENV)
    forced = bool(raw.force and raw.force.strip()) and (raw.force or "").strip() in known()
    if raw.system == "Linux":
        _read_cards(probe, raw)
        if forced or not any(_devices.is_intel(c) for c in raw.cards):
            return raw
        from variant_detect_intel import _table

        if not _devices.needs_level_zero(raw.cards, _table.load()):
            return raw
    elif raw.system != "Windows" or forced:
        return raw  # the published provider supports Linux and Windows only; forced: no hardware asked
    _ask_level_zero(probe, raw)
    return raw
