"""Not part of the template: ``variant-detect new-provider`` skips this file.

The repo's pytest run collects ``providers/``; the template's own tests need
the template rendered and installed, which ``tests/test_template.py`` does.
"""

collect_ignore_glob = ["*"]
