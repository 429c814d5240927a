"""A provider entry's ``requires`` (PEP 850 "Provider information").

The entries whose environment markers hold for the target interpreter are the
ones that count: for the default ``plugin-api`` (the first one's name in
dist-info form, as uv 0.13.9), for finding an installed provider or stand-in,
and for trust (every one must be trusted, or none is installed or run).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._resolver._metadata import ProviderSpec, VariantsMeta
    from variant_detect._resolver._standins import Requirement
    from variant_detect._resolver._supported import Options


def applicable(meta: VariantsMeta, spec: ProviderSpec, options: Options) -> list[Requirement]:
    """The ``requires`` entries whose markers hold here, parsed; a malformed one is a MetadataError."""
    from variant_detect._exit import MetadataError
    from variant_detect._resolver._standins import parse_requires

    out = []
    for index, req in enumerate(parse_requires(spec.requires, options.cache)):
        if req is None:
            key = f"providers.{spec.namespace}.requires[{index}]"
            raise MetadataError(meta.source, key, f"expected a PEP 508 requirement, got {spec.requires[index]!r}")
        if req.applies:
            out.append(req)
    return out


def plugin_api(spec: ProviderSpec, wanted: list[Requirement]) -> str:
    """``plugin-api``, by default the first applicable requirement's name in dist-info form (PEP 850, uv)."""
    return spec.plugin_api or wanted[0].dist_info_name


def not_trusted(ns: str, wanted: list[Requirement], untrusted: list[str]) -> str:
    names = ", ".join(req.text for req in wanted)
    allow = " ".join(f"--allow-provider {name}" for name in untrusted)
    return (
        f"{ns}: provider {names} is not installed and is never installed or run without consent; "
        f"variants using {ns} are skipped (pass {allow} to allow it)"
    )
