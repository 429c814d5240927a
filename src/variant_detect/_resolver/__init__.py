"""The thin resolver: rank, pick and install the right variant wheel.

Nothing here is imported by the profile path of ``variant-detect``: the CLI
delegates ``rank``, ``pick``, ``install`` and ``cache`` to :mod:`.cli`, and
each step imports what it needs when it needs it. See ``docs/resolver.md``.
"""
