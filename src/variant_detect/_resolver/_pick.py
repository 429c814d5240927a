"""Choose the wheel of a requirement: newest version first, then PEP 825 order.

For each version the requirement admits, newest first: read (and merge) its
``{name}-{version}-variants.json`` files, find what this machine supports for
the namespaces they use, rank the variants, and take the best label that has a
wheel with a tag this interpreter accepts (inside a label, the best tag wins).
Non-variant wheels come after every variant (PEP 825); ``--no-variant`` takes
only those; ``--variant LABEL`` narrows the choice to the compatible variants
listed (PEP 825: a user option never selects a wheel the target does not
support; another machine is described with ``--profile``). A version with
nothing usable is skipped, with the reason kept for the report.

With no ``-variants.json`` linked, the combined metadata is read from the
variant wheels themselves when they are local files (``--find-links``); from a
remote index we download no more than the chosen wheel, so its variant wheels
are treated as incompatible, with a warning (PEP 825, "Installing a package
from an index", step 5).
"""

from __future__ import annotations

from variant_detect._exit import BadInput, MetadataError, NoMatch
from variant_detect._resolver import _index, _metadata, _rank
from variant_detect._resolver._wheels import WheelName, variants_json_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from variant_detect._resolver._cache import Cache
    from variant_detect._resolver._supported import Options
    from variant_detect_runtime import Feature


class Request:
    """What to pick: the requirement plus every option that steers the choice."""

    __slots__ = ("fallback", "no_variant", "options", "priorities", "requirement", "variants")

    def __init__(
        self,
        requirement: str,
        options: Options,
        priorities: _rank.Priorities,
        *,
        variants: list[str] | None = None,
        no_variant: bool = False,
        fallback: bool = False,
    ) -> None:
        self.requirement = requirement
        self.options = options
        self.priorities = priorities
        self.variants = variants or []
        self.no_variant = no_variant
        #: install: a file-level defect in the variant metadata falls back to the non-variant wheel
        self.fallback = fallback


class Sources:
    """``--find-links`` directories and index URLs (first index = primary)."""

    def __init__(self, find_links: list[str], index_urls: list[str]) -> None:
        self.find_links = find_links
        self.index_urls = index_urls
        self.http = _index.Http()

    def links(self, project: str) -> list[_index.Link]:
        out: list[_index.Link] = []
        for directory in self.find_links:
            out.extend(_index.find_links(directory))
        for url in self.index_urls:
            out.extend(_index.project_links(self.http, url, project))
        return out


class Choice:
    """The picked wheel and why."""

    def __init__(self, requirement: str, version: str, wheel: WheelName, link: _index.Link) -> None:
        self.requirement = requirement
        self.version = version
        self.link = link
        self.wheel = wheel
        self.label = wheel.label
        self.meta: _metadata.VariantsMeta | None = None
        self.order: list[_rank.Slot] = []
        self.ranking: list[str] = []
        self.matched: list[str] = []
        self.skipped: dict[str, str] = {}
        self.reason = ""
        self.warnings: list[str] = []
        self.explanations: list[str] = []
        self.supported: dict[str, list[Feature]] = {}

    def as_json(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "version": self.version,
            "wheel": _index._redact(self.link.location),  # never a password from the index URL
            "filename": self.link.filename,
            "sha256": self.link.sha256,
            "label": self.label,
            "why": self.reason,
            "properties": self.matched,
            "ranking": self.ranking,
            "skipped": self.skipped,
            "explain": self.explanations,
            "warnings": self.warnings,
        }


# -- requirement ----------------------------------------------------------------------

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class _Req:
    __slots__ = ("name", "specifier")

    def __init__(self, name: str, specifier: Any) -> None:
        self.name = name
        self.specifier = specifier


def parse_requirement(text: str) -> _Req:
    """PEP 508 requirement; a bare name is parsed without importing packaging."""
    from variant_detect._discovery import normalize

    stripped = text.strip()
    if stripped and _NAME_CHARS.issuperset(stripped):
        return _Req(normalize(stripped), None)
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(stripped)
    except InvalidRequirement as exc:
        raise BadInput(f"requirement {text!r}: {exc}") from None
    if req.url:
        raise BadInput(f"requirement {text!r}: direct URLs are installed as they are; nothing to pick")
    return _Req(normalize(req.name), req.specifier)


def _versions(req: _Req, versions: set[str]) -> list[str]:
    """Admitted versions, newest first (packaging only when there is a choice to make)."""
    if req.specifier is None and len(versions) == 1:
        return list(versions)
    from packaging.version import InvalidVersion, Version

    parsed = []
    for text in versions:
        try:
            parsed.append((Version(text), text))
        except InvalidVersion:
            continue
    if req.specifier is not None:
        allowed = set(req.specifier.filter([v for v, _t in parsed]))
        parsed = [(v, t) for v, t in parsed if v in allowed]
    return [t for _v, t in sorted(parsed, reverse=True)]


# -- picking --------------------------------------------------------------------------


def _group(
    project: str, links: list[_index.Link]
) -> tuple[dict[str, list[tuple[WheelName, _index.Link]]], dict[str, list[_index.Link]]]:
    wheels: dict[str, list[tuple[WheelName, _index.Link]]] = {}
    metadata: dict[str, list[_index.Link]] = {}
    for link in links:
        if link.yanked:
            continue
        named = variants_json_name(link.filename)
        if named is not None:
            if named[0] == project:
                metadata.setdefault(named[1], []).append(link)
            continue
        if not link.filename.endswith(".whl"):
            continue
        try:
            wheel = WheelName(link.filename)
        except BadInput:
            continue
        if wheel.name == project:
            wheels.setdefault(wheel.version, []).append((wheel, link))
    return wheels, metadata


def _load_meta(links: list[_index.Link], sources: Sources) -> _metadata.VariantsMeta:
    limit = _metadata.max_bytes()
    merged: _metadata.VariantsMeta | None = None
    for link in links:
        blob = _index.fetch(sources.http, link, None, limit)
        assert isinstance(blob, bytes)
        size = _index.local_size(link) if len(blob) > limit else None
        meta = _metadata.loads(blob, link.location, limit, size)
        if merged is None:
            merged = meta
        else:
            from variant_detect._resolver._combine import merge  # only with several files

            merge(merged, meta)
    assert merged is not None
    return merged


def pick(request: Request, sources: Sources, cache: Cache | None) -> Choice:
    from variant_detect._resolver._wheels import interpreter_tags

    req = parse_requirement(request.requirement)
    wheels, metadata = _group(req.name, sources.links(req.name))
    if not wheels:
        raise NoMatch(f"{request.requirement}: no wheels of {req.name} found in {_where(sources)}")
    tag_rank = {tag: i for i, tag in enumerate(interpreter_tags(cache))}
    reasons: list[str] = []
    for version in _versions(req, set(wheels)):
        usable = [(w, link) for w, link in wheels[version] if not w.tags.isdisjoint(tag_rank)]
        if not usable:
            reasons.append(f"{version}: no wheel with a tag this interpreter accepts")
            continue
        choice = _pick_guarded(
            request,
            sources,
            version,
            usable=usable,
            meta_links=metadata.get(version, []),
            tag_rank=tag_rank,
            reasons=reasons,
        )
        if choice is not None:
            return choice
    detail = "; ".join(reasons) if reasons else "no version matches the requirement"
    raise NoMatch(f"{request.requirement}: no compatible wheel: {detail}")


def _where(sources: Sources) -> str:
    places = [*sources.find_links, *(_index._redact(u) for u in sources.index_urls)]
    return ", ".join(places) or "no index (give --index-url or --find-links)"


def _best_tag(
    candidates: list[tuple[WheelName, _index.Link]], tag_rank: dict[str, int]
) -> tuple[WheelName, _index.Link]:
    return min(candidates, key=lambda c: (min(tag_rank[t] for t in c[0].tags if t in tag_rank), c[0].filename))


def _pick_guarded(request: Request, sources: Sources, version: str, **kwargs: Any) -> Choice | None:
    """``_pick_version``; for ``install``, unusable variant metadata falls back to the non-variant wheel."""
    try:
        return _pick_version(request, sources, version, **kwargs)
    except MetadataError as exc:
        plain = [(w, link) for w, link in kwargs["usable"] if w.label is None]
        if not request.fallback or not plain:
            raise
        choice = Choice(request.requirement, version, *_best_tag(plain, kwargs["tag_rank"]))
        choice.reason = "the variant metadata is unusable; the non-variant wheel"
        choice.warnings = [f"{exc}; installing the non-variant wheel instead"]
        return choice


def _pick_version(
    request: Request,
    sources: Sources,
    version: str,
    *,
    usable: list[tuple[WheelName, _index.Link]],
    meta_links: list[_index.Link],
    tag_rank: dict[str, int],
    reasons: list[str],
) -> Choice | None:
    plain = [(w, link) for w, link in usable if w.label is None]
    by_label: dict[str, list[tuple[WheelName, _index.Link]]] = {}
    for w, link in usable:
        if w.label is not None:
            by_label.setdefault(w.label, []).append((w, link))
    if request.no_variant:
        if not plain:
            reasons.append(f"{version}: --no-variant, and there is no non-variant wheel")
            return None
        choice = Choice(request.requirement, version, *_best_tag(plain, tag_rank))
        choice.reason = "--no-variant: the non-variant wheel"
        return choice
    warnings: list[str] = []
    if meta_links:
        meta: _metadata.VariantsMeta | None = _load_meta(meta_links, sources)
    elif by_label:
        from variant_detect._resolver._combine import from_local_wheels

        meta = from_local_wheels(by_label, version, warnings)
    else:
        meta = None
    if meta is None and by_label and not plain:
        reasons.append(f"{version}: {warnings[0] if warnings else 'no variant metadata'}; and no non-variant wheel")
        return None
    if meta is None:
        if request.variants:
            raise NoMatch(
                f"{request.requirement} {version}: has no variants; --variant {request.variants[0]} cannot apply"
            )
        choice = Choice(request.requirement, version, *_best_tag(plain, tag_rank))
        choice.reason = (
            "variant wheels treated as incompatible (no variants.json)" if by_label else "the package has no variants"
        )
        choice.warnings = warnings
        return choice
    ranked = _rank_version(request, version, meta, by_label=by_label, plain=plain, tag_rank=tag_rank, reasons=reasons)
    if ranked is not None:
        ranked.warnings[:0] = warnings
    return ranked


def _rank_version(
    request: Request,
    version: str,
    meta: _metadata.VariantsMeta,
    *,
    by_label: dict[str, list[tuple[WheelName, _index.Link]]],
    plain: list[tuple[WheelName, _index.Link]],
    tag_rank: dict[str, int],
    reasons: list[str],
) -> Choice | None:
    from variant_detect._resolver._supported import supported_for

    outcome = supported_for(meta, request.options)
    outcome.warnings[:0] = meta.skip_warnings()
    for wheel_label in by_label:
        if wheel_label not in meta.variants and wheel_label not in meta.skipped:
            # PEP 825 step 6: a label missing from the metadata means an incompatible wheel.
            outcome.warnings.append(f"{meta.source}: no variants.{wheel_label} for the wheel labelled so; skipped")
    order = _rank.slots(meta, outcome.supported, request.priorities)
    ranking = _rank.rank(meta.variants, order)
    skipped = dict(meta.skipped)
    for variant_label, props in meta.variants.items():
        why = _rank.why_not(props, order)
        if why is not None:
            skipped[variant_label] = why
    label: str | None
    if request.variants:
        label, reason = _chosen(request, meta, skipped, by_label, version)
    else:
        label = next((lbl for lbl in ranking if lbl in by_label), None)
        reason = f"best compatible variant of {len(ranking)} (PEP 825 order)" if label else ""
    if label is not None:
        wheel, link = _best_tag(by_label[label], tag_rank)
    elif plain:
        wheel, link = _best_tag(plain, tag_rank)
        reason = "no compatible variant; the non-variant wheel"
    else:
        reasons.append(f"{version}: no compatible variant ({len(skipped)} incompatible) and no non-variant wheel")
        return None
    choice = Choice(request.requirement, version, wheel, link)
    choice.meta, choice.order, choice.ranking, choice.skipped = meta, order, ranking, skipped
    choice.reason, choice.supported = reason, outcome.supported
    choice.warnings, choice.explanations = outcome.warnings, outcome.explanations
    if label is not None:
        choice.matched = _rank.matched(meta.variants[label], order)
    return choice


def _chosen(
    request: Request,
    meta: _metadata.VariantsMeta,
    skipped: dict[str, str],
    by_label: dict[str, list[tuple[WheelName, _index.Link]]],
    version: str,
) -> tuple[str, str]:
    missing = [label for label in request.variants if label not in meta.variants and label not in meta.skipped]
    if missing:
        known = ", ".join(sorted(meta.variants))
        raise NoMatch(f"{request.requirement} {version}: --variant {missing[0]}: no such label (labels: {known})")
    problems = []
    for label in request.variants:
        if label not in by_label:
            problems.append(f"{label}: no wheel with a tag this interpreter accepts")
        elif label in skipped:
            problems.append(
                f"{label}: incompatible ({skipped[label]}); to install for another machine, "
                "give that machine's profile with --profile"
            )
        else:
            return label, f"--variant {label}"
    raise NoMatch(f"{request.requirement} {version}: " + "; ".join(problems))
