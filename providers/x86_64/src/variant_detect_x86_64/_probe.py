"""What the x86_64 provider reads, through the probe seam only."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect_runtime import Probe, Report
    from variant_detect_x86_64._beyond_probe import BeyondSources

CPUINFO = "/proc/cpuinfo"
# The first processor block is ~1.5 KiB; 64 KiB is far beyond any real one and
# keeps a 200-core host's 300 KiB file (or a garbage megabyte) from being read.
CPUINFO_LIMIT = 64 * 1024
X86_MACHINES = frozenset({"x86_64", "amd64", "x64"})


class RawSources:
    """Raw answers, as read: parsing happens in ``_parse``."""

    __slots__ = ("beyond", "cpuinfo", "cpuinfo_error", "machine", "system")

    def __init__(
        self,
        system: str,
        machine: str,
        cpuinfo: bytes | None,
        cpuinfo_error: str | None,
        beyond: BeyondSources | None = None,
    ) -> None:
        self.system = system
        self.machine = machine
        self.cpuinfo = cpuinfo
        self.cpuinfo_error = cpuinfo_error
        #: macOS/Windows/BSD answers (``_beyond_probe``); None on Linux.
        self.beyond = beyond


def collect(probe: Probe, report: Report) -> RawSources:
    system, machine = probe.identity.system, probe.identity.machine
    cpuinfo: bytes | None = None
    error: str | None = None
    if system == "Linux" and machine.lower() in X86_MACHINES | {"unknown"}:
        try:
            cpuinfo = probe.read_bytes(CPUINFO, CPUINFO_LIMIT)
        except FileNotFoundError:
            error = "not present"
        except OSError as exc:
            error = f"cannot read: {exc.strerror or exc}"
    elif system != "Linux" and machine.lower() in X86_MACHINES:
        # Off Linux only: these modules are never imported on the Linux path.
        from variant_detect_x86_64 import _beyond_probe, _table

        return RawSources(system, machine, None, None, _beyond_probe.collect(probe, system, _table.pf_ids()))
    return RawSources(system, machine, cpuinfo, error)
