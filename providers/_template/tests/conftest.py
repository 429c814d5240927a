"""Not part of the template: ``variant-detect new-provider`` skips this file.

variant-detect's own pytest run collects ``providers/``; the template's tests
need the template rendered and installed, which its ``tests/test_template.py``
does, so they are not collected in place.
"""

collect_ignore_glob = ["*"]
