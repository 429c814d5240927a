"""The intel tables (``data/intel.json``), loaded on first use.

Two parts: the published provider's known IP versions, in its table's order,
each with its base-platform ("compat") IP and the first release listing it; and
the PCI device id (+ PCI revision) rules by which Intel's compute runtime names
the IP version when the kernel driver does not report one. The schema is
``data/intel.schema.json``; the tests validate the table against it.
"""

from __future__ import annotations

import os

from variant_detect_runtime import load_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TABLE_PATH = os.path.join(os.path.dirname(__file__), "data", "intel.json")

#: The published releases whose tables we reproduce, oldest first, then the unreleased head.
RELEASES = ("0.0.2", "0.0.3", "9516bd2")


class DeviceRule:
    """How one family of PCI device ids maps to an IP version."""

    __slots__ = ("family", "gmdid", "revision_mask", "revisions")

    def __init__(self, family: str, revisions: dict[int, str], revision_mask: int, gmdid: str | None) -> None:
        self.family = family
        #: masked PCI revision -> IP; key -1 answers every revision
        self.revisions = revisions
        self.revision_mask = revision_mask
        #: "architecture.release" when only Level Zero can tell the stepping
        self.gmdid = gmdid

    def ip_for(self, revision: int) -> str | None:
        if -1 in self.revisions:
            return self.revisions[-1]
        return self.revisions.get(revision & self.revision_mask)


class Tables:
    __slots__ = ("compat", "devices", "encoding", "ips_since")

    def __init__(
        self,
        ips_since: list[tuple[str, str]],
        compat: dict[str, str],
        devices: dict[int, DeviceRule],
        encoding: tuple[int, int, int, int],
    ) -> None:
        self.ips_since = ips_since
        self.compat = compat
        self.devices = devices
        #: architecture_shift, release_shift, release_mask, revision_mask
        self.encoding = encoding

    @property
    def newest(self) -> str:
        return RELEASES[-1]

    def known_ips(self, release: str) -> list[str]:
        """The IP versions release *release*'s table lists, in its order."""
        allowed = set(RELEASES[: RELEASES.index(release) + 1])
        return [ip for ip, since in self.ips_since if since in allowed]

    def decode(self, value: int) -> str:
        arch_shift, release_shift, release_mask, revision_mask = self.encoding
        return f"{value >> arch_shift}.{(value >> release_shift) & release_mask}.{value & revision_mask}"


def _rule(row: dict[str, Any]) -> DeviceRule:
    if "any_revision" in row:
        revisions = {-1: str(row["any_revision"])}
    else:
        revisions = {int(k, 16): str(v) for k, v in row.get("revisions", {}).items()}
    return DeviceRule(str(row["family"]), revisions, int(row.get("revision_mask", 0xFF)), row.get("gmdid"))


def from_json(data: dict[str, Any]) -> Tables:
    ips = [(str(r["ip"]), str(r["since"])) for r in data["ip_versions"]]
    compat = {str(r["ip"]): str(r["compat"]) for r in data["ip_versions"] if "compat" in r}
    devices: dict[int, DeviceRule] = {}
    for row in data["devices"]:
        rule = _rule(row)
        for text in row["device_ids"]:
            devices[int(text, 16)] = rule
    enc = data["ip_encoding"]
    encoding = (
        int(enc["architecture_shift"]),
        int(enc["release_shift"]),
        int(enc["release_mask"]),
        int(enc["revision_mask"]),
    )
    return Tables(ips, compat, devices, encoding)


def load() -> Tables:
    return load_table(_TABLE_PATH, from_json)
