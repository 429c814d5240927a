"""Parity cases: Level Zero device lists (vendor, device id, ipVersion) and forced values.

ipVersions are Intel's AOT::PRODUCT_CONFIG values (intel/compute-runtime
third_party/aot_config_headers/platforms.h): every one from Gen12 to Xe3P,
known to the published tables or not, so filtering is compared too.
"""

from __future__ import annotations

INTEL = 0x8086
AOT = [
    0x03000000,
    0x03004000,
    0x03008000,
    0x0300C000,
    0x03010000,
    0x03028000,  # TGL RKL ADL-S ADL-P ADL-N DG1
    0x030DC000,
    0x030DC001,
    0x030DC004,
    0x030DC008,  # DG2-G10 A0 A1 B0 C0
    0x030E0000,
    0x030E0004,
    0x030E0005,
    0x030E4000,  # DG2-G11 A0 B0 B1, G12 A0
    0x030F0000,
    0x030F0001,
    0x030F0003,
    0x030F0005,
    0x030F0006,
    0x030F0007,
    0x030F4007,  # PVC
    0x03118000,
    0x03118004,
    0x0311C000,
    0x0311C004,
    0x03128000,
    0x03128004,  # MTL-U MTL-H ARL-H
    0x05004000,
    0x05004001,
    0x05004004,
    0x05008000,
    0x05010000,
    0x05010001,
    0x05010004,  # BMG LNL
    0x07800000,
    0x07800004,
    0x07804000,
    0x0780C000,
    0x0780C001,  # PTL-H PTL-U WCL
    0x07810000,
    0x07810004,
    0x07814000,
    0x07814001,
    0x07814004,
    0x08C28000,
    0x08C28004,
    0x08C2C000,  # NVL CRI
]
MULTI = [
    [[INTEL, 0x7D55, 0x0311C004], [INTEL, 0xE20B, 0x05004000]],  # Meteor Lake iGPU + B580
    [[INTEL, 0xE20B, 0x05004000], [INTEL, 0x64A0, 0x05010004]],  # order: B580 first, then Lunar Lake
    [[INTEL, 0x64A0, 0x05010004], [INTEL, 0xE20B, 0x05004000]],
    [[INTEL, 0x56A5, 0x030E0005], [INTEL, 0x56A0, 0x030DC008]],  # A380 + A770: compat before the A770's own
    [[INTEL, 0x0BD5, 0x030F0007]] * 4,  # 4 x Max 1550: one value
    [[0x10DE, 0x2330, 0x030DC008], [INTEL, 0x56A0, 0x030DC008]],  # another vendor's device is skipped
    [],
]
CASES: list[list[list[int]]] = [[[INTEL, 0xFFFF, ip]] for ip in AOT] + MULTI
FORCED = ["12.55.8", "12.56.5", "20.4.4", "30.0.4", "30.3.1", "35.11.0", "99.9.9", "12.55", "garbage", " 12.71.4 ", ""]
RELEASES = ["0.0.2", "0.0.3"]
