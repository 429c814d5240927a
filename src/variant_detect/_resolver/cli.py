"""``variant-detect rank | pick | install | cache``.

Exit status (also in docs/resolver.md):

* 0 -- done;
* 1 -- an unexpected error (a bug: please report it);
* 2 -- bad input: a bad option, a malformed or inconsistent variants.json /
  variant.json / variants.toml / profile, a file over the size limit;
* 3 -- no compatible wheel (or no ``--variant`` asked for exists and is
  compatible);
* 4 -- an index could not be read (timeout, HTTP error, sha256 mismatch);
* 5 -- the installer failed.
"""

from __future__ import annotations

import os
import sys

from variant_detect._exit import EXIT_OK

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from variant_detect._resolver._cache import Cache
    from variant_detect._resolver._pick import Choice, Sources
    from variant_detect._resolver._rank import Priorities
    from variant_detect._resolver._supported import Options

PROG = "variant-detect"


def _common(parser: argparse.ArgumentParser) -> None:
    from variant_detect._cli import shared

    shared(parser, "--json", "--explain", "--quiet", "--verbose", "--fixture", "--namespace")
    add = parser.add_argument
    add("--profile", metavar="FILE", help="use a profile saved by 'variant-detect --json' instead of detecting")
    add(
        "--namespace-priority",
        metavar="NS",
        action="append",
        default=[],
        help="prefer this namespace (repeatable, comma-separated; beats variants.toml and the file)",
    )
    add("--variants-toml", metavar="FILE", help="read priorities from FILE instead of the first variants.toml found")
    add("--allow-provider", metavar="NAME", action="append", default=[], help="allow installing and running NAME")
    add("--enable-optional", metavar="NS", action="append", default=[], help="enable this optional provider")
    add("--no-cache", action="store_true", help="do not read or write cached provider answers")


def _choice_options(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--index-url", "-i", metavar="URL", help="simple index (default: $PIP_INDEX_URL, $UV_INDEX_URL, PyPI)")
    add("--extra-index-url", metavar="URL", action="append", default=[], help="another simple index")
    add("--find-links", "-f", metavar="DIR", action="append", default=[], help="a directory of wheels")
    add("--no-index", action="store_true", help="only --find-links")
    add("--variant", metavar="LABEL", action="append", default=[], help="take this label (repeatable, in order)")
    add("--no-variant", action="store_true", help="take the non-variant wheel")


def define(parser: argparse.ArgumentParser, command: str) -> None:
    """The arguments of *command* (rank, pick, install or cache); called by variant_detect._cli."""
    if command == "rank":
        parser.add_argument("file", metavar="VARIANTS_JSON")
        _common(parser)
    elif command == "pick":
        parser.add_argument("requirement", metavar="REQUIREMENT")
        _common(parser)
        _choice_options(parser)
    elif command == "install":
        parser.add_argument("requirements", metavar="PACKAGE", nargs="+")
        parser.add_argument("--installer", choices=("auto", "uv", "pip"), default="auto")
        parser.add_argument("--python", metavar="PYTHON", help="install into this interpreter's environment")
        parser.add_argument("--dry-run", action="store_true", help="print the installer command only")
        _common(parser)
        _choice_options(parser)
    else:
        parser.add_argument("action", choices=("clear", "dir"))
        _common(parser)
    parser.set_defaults(run=_COMMANDS[command])


# -- shared building blocks -----------------------------------------------------------


def _cache(args: argparse.Namespace) -> Cache:
    from variant_detect._resolver._cache import Cache

    return Cache(enabled=not args.no_cache)


def _options(args: argparse.Namespace, cache: Cache) -> Options:
    from variant_detect._resolver._supported import Options, load_profile

    if args.fixture is not None and args.profile is not None:
        from variant_detect._exit import BadInput

        raise BadInput("--fixture and --profile both say which machine to resolve for; give one")
    if args.fixture is not None and not os.path.isdir(args.fixture):
        from variant_detect._exit import BadInput

        raise BadInput(f"--fixture {args.fixture}: not a directory")
    return Options(
        fixture=args.fixture,
        profile=load_profile(args.profile) if args.profile else None,
        allow=frozenset(args.allow_provider),
        enable_optional=frozenset(_namespaces("--enable-optional", args.enable_optional)),
        cache=cache,
        installer_args=_index_args(args) if hasattr(args, "find_links") else [],
    )


def _priorities(args: argparse.Namespace) -> Priorities:
    from variant_detect._resolver._config import load_user

    names = _namespaces("--namespace-priority", args.namespace_priority)
    return load_user(args.variants_toml).before(names)


def _namespaces(option: str, items: list[str]) -> list[str]:
    """Comma-separated namespaces of a repeatable option; one that breaks the naming rule is bad input."""
    from variant_detect._exit import BadInput
    from variant_detect_runtime import NAME_PATTERN, check_name

    names = [n.strip() for item in items for n in item.split(",") if n.strip()]
    for name in names:
        try:
            check_name("namespace", name)
        except ValueError:
            raise BadInput(f"{option} {name!r}: a namespace matches {NAME_PATTERN}") from None
    return names


def _warn(messages: list[str], quiet: bool) -> None:
    if not quiet:
        for message in messages:
            print(f"{PROG}: warning: {message}", file=sys.stderr)


def _explain(messages: list[str], enabled: bool) -> None:
    if enabled:
        for message in messages:
            print(f"{PROG}: explain: {message}", file=sys.stderr)


def _dump(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2) + "\n")


# -- rank -----------------------------------------------------------------------------


def _rank(args: argparse.Namespace) -> int:
    from variant_detect._resolver import _metadata, _rank
    from variant_detect._resolver._supported import supported_for

    meta = _metadata.load(args.file)
    cache = _cache(args)
    outcome = supported_for(meta, _options(args, cache))
    order = _rank.slots(meta, outcome.supported, _priorities(args))
    labels = _rank.rank(meta.variants, order)
    _warn([*meta.skip_warnings(), *outcome.warnings], args.quiet)
    _explain(outcome.explanations, args.explain)
    _explain([f"{label}: skipped: {why}" for label, why in meta.skipped.items()], args.explain)
    if args.json:
        _dump(labels)
    else:
        sys.stdout.write("".join(f"{label}\n" for label in labels))
    return EXIT_OK


# -- pick / install -------------------------------------------------------------------


def _index_urls(args: argparse.Namespace) -> list[str]:
    if args.no_index:
        return []
    primary = args.index_url or os.environ.get("PIP_INDEX_URL") or os.environ.get("UV_INDEX_URL")
    extra = list(args.extra_index_url)
    for variable in ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"):
        extra += os.environ.get(variable, "").split()
    if primary is None and not args.find_links:
        primary = "https://pypi.org/simple"
    return [u for u in [primary, *extra] if u]


def _index_args(args: argparse.Namespace) -> list[str]:
    out: list[str] = []
    urls = _index_urls(args)
    if urls:
        out += ["--index-url", urls[0]]
        for url in urls[1:]:
            out += ["--extra-index-url", url]
    else:
        out.append("--no-index")
    for directory in args.find_links:
        out += ["--find-links", directory]
    return out


def _request_for(args: argparse.Namespace, requirement: str, options: Options, prio: Priorities) -> object:
    from variant_detect._exit import BadInput
    from variant_detect._resolver._pick import Request

    if args.no_variant and args.variant:
        raise BadInput("--variant and --no-variant contradict each other; give one")
    fallback = hasattr(args, "requirements")  # install
    return Request(requirement, options, prio, variants=args.variant, no_variant=args.no_variant, fallback=fallback)


def _pick_all(
    args: argparse.Namespace, requirements: list[str], *, installing: bool = False
) -> tuple[list[Choice], Sources, Callable[..., Choice]]:
    from variant_detect._resolver._abi import Context
    from variant_detect._resolver._index import timeout
    from variant_detect._resolver._pick import Sources, parse_requirement, pick

    timeout()  # a bad VARIANT_DETECT_TIMEOUT is bad input before any work, used or not
    cache = _cache(args)
    options = _options(args, cache)
    # abi_dependency: the target interpreter, and what this same command installs (install only).
    parsed = [parse_requirement(r) for r in requirements] if installing else []
    options.abi = Context(getattr(args, "python", None), {req.name: req.specifier for req in parsed})
    prio = _priorities(args)
    sources = Sources(list(args.find_links), _index_urls(args))

    def pick_one(requirement: str, *, dependency: bool = False) -> Choice:
        request = _request_for(args, requirement, options, prio)
        if dependency:  # --variant names labels of the packages asked for, not of their dependencies
            request.variants = []  # type: ignore[attr-defined]
        return pick(request, sources, cache)  # type: ignore[arg-type]

    choices = [pick_one(requirement) for requirement in requirements]
    if installing:  # an ABI dependency installed by this same command must match the variant chosen
        from variant_detect._resolver._abi import reconcile

        choices = reconcile(choices, pick_one)
    return choices, sources, pick_one


def _report(choice: Choice, args: argparse.Namespace) -> None:
    _warn(choice.warnings, args.quiet)
    _explain(choice.explanations, args.explain)
    if args.explain:
        for label, why in sorted(choice.skipped.items()):
            print(f"{PROG}: explain: {label}: incompatible: {why}", file=sys.stderr)


def _pick(args: argparse.Namespace) -> int:
    choices, sources, _pick_one = _pick_all(args, [args.requirement])
    cache = _cache(args)
    sources.http.close()
    choice = choices[0]
    from variant_detect._resolver._index import _redact, check_chosen

    checked = check_chosen(choice.link)
    if choice.link.local and choice.label is not None and choice.meta is not None:
        _check_local_wheel(choice, cache)  # as install does: the wheel agrees with the index
        checked += "; the wheel's variant.json agrees with the index"
    _report(choice, args)
    from variant_detect._resolver._abi import constraints

    needs = constraints(choice)
    if args.json:
        _dump({**choice.as_json(), "constraints": needs, "sha256_check": checked})
        return EXIT_OK

    lines = [
        _redact(choice.link.location),
        f"  version: {choice.version}",
        f"  label: {choice.label or '(non-variant wheel)'}",
    ]
    lines.append(f"  why: {choice.reason}")
    lines.append(f"  sha256: {checked}")
    if choice.matched:
        lines.append(f"  matched: {', '.join(choice.matched)}")
    if len(choice.ranking) > 1:
        lines.append(f"  order: {' > '.join(choice.ranking)}")
    if needs:
        lines.append(f"  needs: {', '.join(needs)}")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _check_local_wheel(choice: Choice, cache: Cache) -> None:
    """_check_wheel for a --find-links file, memoised on its size and mtime.

    zipfile costs ~10 ms to import, a third of a warm pick: a file checked
    before, unchanged, against the same properties is not opened again.
    """
    assert choice.label is not None and choice.meta is not None
    path = choice.link.location
    try:
        stat = os.stat(path)
    except OSError:
        stat = None
    props = repr(sorted((ns, sorted(f.items())) for ns, f in choice.meta.variants[choice.label].items()))
    material = f"{os.path.abspath(path)}\0{stat and (stat.st_size, stat.st_mtime_ns)}\0{choice.label}\0{props}"
    if stat is not None and cache.read_memo("checked", material) is True:
        return
    _check_wheel(path, choice)
    if stat is not None:
        cache.write_memo("checked", material, True)


def _check_wheel(path: str, choice: Choice) -> None:
    from variant_detect._resolver._combine import check_wheel_agrees
    from variant_detect._resolver._metadata import max_bytes
    from variant_detect._resolver._wheels import read_variant_json

    assert choice.label is not None and choice.meta is not None
    check_wheel_agrees(choice.meta, read_variant_json(path, choice.label, max_bytes()), choice.label)


def _install(args: argparse.Namespace) -> int:
    import tempfile

    from variant_detect._resolver import _install as inst
    from variant_detect._resolver._index import fetch

    choices, sources, pick_one = _pick_all(args, list(args.requirements), installing=True)
    cache = _cache(args)  # where the staged wheels are kept
    kind, prefix = inst.find_installer(args.installer)
    with tempfile.TemporaryDirectory(prefix="variant-detect-") as workdir:
        fetched: dict[str, str] = {}

        def fetch_wheel(choice: Choice) -> str:
            if choice.link.location in fetched:
                return fetched[choice.link.location]
            path = fetch(sources.http, choice.link, workdir, 1 << 40)
            assert isinstance(path, str)
            if choice.label is not None and choice.meta is not None:
                _check_wheel(path, choice)
            fetched[choice.link.location] = path
            return path

        choices = _with_dependencies(args, choices, fetch_wheel, pick_one)
        staged = os.path.join(workdir, "staged")
        os.mkdir(staged)
        paths = inst.keep(inst.prepare(choices, kind, staged, fetch_wheel), workdir, cache.root)
        sources.http.close()
        for choice in choices:
            _report(choice, args)
            print(f"{PROG}: {choice.requirement}: {choice.link.filename} ({choice.reason})", file=sys.stderr)
        constraint = _constraints(choices, workdir)
        if constraint:  # named by the command --dry-run prints: kept beside the wheels
            constraint[1] = inst.keep([constraint[1]], workdir, cache.root)[0]
        argv = inst.command(kind, prefix, paths, args.python, [*_index_args(args), *constraint])
        if args.dry_run:
            sys.stdout.write(inst.shown(argv) + "\n")
            return EXIT_OK
        inst.run(argv)
    return EXIT_OK


def _with_dependencies(
    args: argparse.Namespace,
    choices: list[Choice],
    fetch_wheel: Callable[[Choice], str],
    pick_one: Callable[..., Choice],
) -> list[Choice]:
    """The chosen wheels plus the variant packages they depend on (see _deps.py)."""
    from variant_detect._resolver._abi import reconcile
    from variant_detect._resolver._deps import with_variant_dependencies

    def pick_dependency(requirement: str) -> Choice:
        return pick_one(requirement, dependency=True)

    choices, explanations = with_variant_dependencies(choices, fetch_wheel, pick_dependency, args.python)
    _explain(explanations, args.explain)
    return reconcile(choices, pick_one)


def _constraints(choices: list[Choice], workdir: str) -> list[str]:
    """``--constraint FILE`` pinning each chosen variant's ABI dependencies (PEP 850), or nothing."""
    from variant_detect._resolver._abi import constraints

    lines = []
    for choice in choices:
        for line in constraints(choice):
            print(f"{PROG}: {choice.requirement}: constraint {line} (ABI dependency)", file=sys.stderr)
            lines.append(line)
    if not lines:
        return []
    path = os.path.join(workdir, "abi-constraints.txt")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in lines))
    return ["--constraint", path]


# -- cache ----------------------------------------------------------------------------


def _cache_command(args: argparse.Namespace) -> int:
    cache = _cache(args)
    if args.action == "dir":
        if args.json:
            _dump({"directory": cache.root})
        else:
            sys.stdout.write(cache.root + "\n")
        return EXIT_OK
    count = cache.clear()
    if args.json:
        _dump({"directory": cache.root, "removed": count})
    else:
        print(f"{PROG}: removed {count} cached file(s) from {cache.root}", file=sys.stderr)
    return EXIT_OK


_COMMANDS = {"rank": _rank, "pick": _pick, "install": _install, "cache": _cache_command}
