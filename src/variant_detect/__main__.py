"""``python -m variant_detect`` is ``variant-detect``."""

from variant_detect._cli import entry

entry()
