"""What this machine (or a saved profile) supports, for the namespaces a file uses.

For each namespace some variant declares, in this order:

1. ``enable-if`` false or ``optional`` (not enabled) -> the namespace is off;
2. values listed in the metadata (static providers) -> those values;
3. ``--profile FILE`` -> the profile's answer (absent namespace = unsupported);
4. an installed provider that *is* the ``requires`` distribution, or stands in
   for it (:mod:`._standins`), or -- for files with no ``providers`` table
   (PEP 825) -- any installed provider of the namespace: run in-process
   through the probe seam (live or ``--fixture``), answers cached on disk;
5. ``--allow-provider NAME`` -> install it in an isolated venv and query it
   through the plugin protocol (:mod:`._isolated`);
6. otherwise unsupported, with a warning saying how to opt in.
"""

from __future__ import annotations

from variant_detect._discovery import normalize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from variant_detect._discovery import PluginEntry
    from variant_detect._resolver._cache import Cache
    from variant_detect._resolver._metadata import ProviderSpec, VariantsMeta
    from variant_detect_runtime import Probe

    Supported = dict[str, list[tuple[str, tuple[str, ...]]]]


class Options:
    """How to find supported properties (from the command line)."""

    __slots__ = ("allow", "cache", "enable_optional", "fixture", "installer_args", "profile")

    def __init__(
        self,
        *,
        fixture: str | None = None,
        profile: dict[str, list[tuple[str, tuple[str, ...]]]] | None = None,
        allow: frozenset[str] = frozenset(),
        enable_optional: frozenset[str] = frozenset(),
        cache: Cache | None = None,
        installer_args: list[str] | None = None,
    ) -> None:
        self.fixture = fixture
        self.profile = profile
        self.allow = frozenset(normalize(a) for a in allow)
        self.enable_optional = enable_optional
        self.cache = cache
        self.installer_args = installer_args or []


class Outcome:
    """Supported lists plus the warnings and explanations gathered on the way."""

    __slots__ = ("explanations", "supported", "warnings")

    def __init__(self) -> None:
        self.supported: Supported = {}
        self.warnings: list[str] = []
        self.explanations: list[str] = []


def load_profile(path: str) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """A profile saved by ``variant-detect --json`` (or written by hand: only ``profile`` is needed)."""
    import json

    from variant_detect._resolver._errors import BadInput

    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read())
    except OSError as exc:
        raise BadInput(f"{path}: cannot read profile: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BadInput(f"{path}: profile is not valid JSON: {exc}") from None
    except RecursionError:
        raise BadInput(f"{path}: profile is not valid JSON: nested too deeply") from None
    return parse_profile(data, path)


def parse_profile(data: object, path: str) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    from variant_detect._resolver._errors import BadInput
    from variant_detect_runtime import check_features

    if not isinstance(data, dict) or not isinstance(data.get("profile"), dict):
        raise BadInput(f"{path}: profile: expected an object with a 'profile' object ({{ns: {{feature: [values]}}}})")
    schema = data.get("schema", 1)
    if schema != 1:
        raise BadInput(f"{path}: schema: expected 1, got {schema!r}")
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for ns, features in data["profile"].items():
        if not isinstance(features, dict):
            raise BadInput(f"{path}: profile.{ns}: expected an object of feature -> [values], got {features!r}")
        for feat, values in features.items():
            if not isinstance(values, list):
                raise BadInput(f"{path}: profile.{ns}.{feat}: expected a list of values, got {values!r}")
        try:
            checked = check_features(ns, ((f, v, False) for f, v in features.items()))
        except (ValueError, TypeError) as exc:
            raise BadInput(f"{path}: profile.{ns}: {exc}") from None
        out[ns] = [(name, values) for name, values, _m in checked]
    return out


# -- enable-if ------------------------------------------------------------------------


def _marker_true(expression: str, probe: Probe | None) -> bool:
    from packaging.markers import InvalidMarker, Marker, default_environment

    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    if probe is not None:  # a fixture describes another machine
        env["platform_system"] = probe.identity.system
        env["platform_machine"] = probe.identity.machine
        env["sys_platform"] = {"Linux": "linux", "Windows": "win32", "Darwin": "darwin"}.get(
            probe.identity.system, probe.identity.system.lower()
        )
    try:
        return Marker(expression).evaluate(env)
    except InvalidMarker:
        return False


# -- choosing an installed provider ---------------------------------------------------


class _Chooser:
    def __init__(self, options: Options, outcome: Outcome) -> None:
        self.options = options
        self.outcome = outcome
        self._entries: list[PluginEntry] | None = None

    def entries(self) -> list[PluginEntry]:
        if self._entries is None:
            from variant_detect._discovery import find_plugins

            self._entries = find_plugins()
        return self._entries

    def installed_for(self, ns: str, spec: ProviderSpec | None) -> PluginEntry | None:
        candidates = [e for e in self.entries() if e.namespace == ns]
        if not candidates:
            return None
        if spec is None or not spec.requires:
            entry = candidates[0]
            self.outcome.explanations.append(
                f"{ns}: no provider named in the file; using installed {entry.distribution}"
            )
            return entry
        from variant_detect._resolver._standins import admits, declared, requirement_name

        wanted = [requirement_name(r) for r in spec.requires]
        for entry in candidates:
            if entry.distribution in wanted:
                self.outcome.explanations.append(f"{ns}: {entry.distribution} {entry.version} is installed")
                return entry
        for entry in candidates:
            for requirement in spec.requires:
                pin = admits(requirement, declared(entry.distribution, None), self.options.cache)
                if pin is None:
                    pin = self._declared_by_object(entry, requirement)
                if pin is not None:
                    self.outcome.explanations.append(
                        f"{ns}: {requirement!r} served by installed {entry.distribution} {entry.version}, "
                        f"which stands in for {pin} bit for bit"
                    )
                    return entry
        return None

    def _declared_by_object(self, entry: PluginEntry, requirement: str) -> str | None:
        from variant_detect._resolver._standins import admits, declared

        try:
            plugin = entry.load()
        except Exception:  # noqa: BLE001 - a broken plugin simply does not stand in
            return None
        return (
            admits(requirement, declared(entry.distribution, plugin), self.options.cache)
            if hasattr(plugin, "stands_in_for")
            else None
        )


def _detect(entries: list[PluginEntry], options: Options, outcome: Outcome) -> None:
    """Run installed providers in-process (through the cache for a live probe)."""
    from variant_detect_runtime import ReplayProbe, default_probe

    if options.fixture is not None:
        probe: Probe = ReplayProbe(options.fixture)
    else:
        probe = default_probe()
    cache = options.cache if not isinstance(probe, ReplayProbe) else None
    to_run: list[PluginEntry] = []
    keys: dict[str, tuple[str, str]] = {}
    for entry in entries:
        if cache is not None:
            keys[entry.namespace] = cache.key(entry.namespace, entry.distribution, entry.version, entry.value)
            cached = cache.get(*keys[entry.namespace])
            if cached is not None:
                outcome.supported[entry.namespace] = [(n, v) for n, v, _m in cached]
                outcome.explanations.append(f"{entry.namespace}: answer of {entry.distribution} taken from the cache")
                continue
        to_run.append(entry)
    if not to_run:
        return
    from variant_detect._profile import build_profile  # not needed when every answer is cached

    profile = build_profile(probe, [e.namespace for e in to_run], to_run)
    outcome.warnings.extend(profile.warnings)
    for detection in profile.detections:
        outcome.warnings.extend(detection.warnings)
        outcome.supported[detection.namespace] = [(n, v) for n, v, _m in detection.features]
        if cache is not None and not detection.warnings and detection.namespace in keys:
            digest, material = keys[detection.namespace]
            cache.put(digest, material, detection.features)


def _answered_without_plugin(
    ns: str, spec: ProviderSpec | None, options: Options, outcome: Outcome, probe: Probe | None
) -> bool:
    """Steps 1-3: namespace off, static values, or a saved profile (True = settled)."""
    if spec is not None and spec.enable_if and not _marker_true(spec.enable_if, probe):
        outcome.explanations.append(f"{ns}: off (enable-if {spec.enable_if!r} is false here)")
        return True
    if spec is not None and spec.optional and ns not in options.enable_optional:
        outcome.explanations.append(f"{ns}: off (optional provider; enable with --enable-optional {ns})")
        return True
    if spec is not None and spec.static is not None:
        outcome.supported[ns] = list(spec.static)
        outcome.explanations.append(f"{ns}: values listed in the metadata (static provider)")
        return True
    if options.profile is None:
        return False
    if ns in options.profile:
        outcome.supported[ns] = options.profile[ns]
        outcome.explanations.append(f"{ns}: from the profile")
    else:
        outcome.explanations.append(f"{ns}: not in the profile, so unsupported")
    return True


def supported_for(meta: VariantsMeta, options: Options) -> Outcome:
    """Supported (feature, values) lists per namespace used by *meta*."""
    outcome = Outcome()
    chooser = _Chooser(options, outcome)
    probe = None
    if options.fixture is not None:
        from variant_detect_runtime import ReplayProbe

        probe = ReplayProbe(options.fixture)
    to_detect: list[PluginEntry] = []
    isolated: list[ProviderSpec] = []
    for ns in meta.used_namespaces():
        spec = meta.providers.get(ns)
        if _answered_without_plugin(ns, spec, options, outcome, probe):
            continue
        entry = chooser.installed_for(ns, spec)
        if entry is not None:
            to_detect.append(entry)
        elif spec is not None and spec.requires and _allowed(spec, options):
            isolated.append(spec)
        else:
            outcome.warnings.append(_not_installed(ns, spec))
    if to_detect:
        _detect(to_detect, options, outcome)
    if options.cache is not None:
        outcome.warnings.extend(options.cache.warnings)
        options.cache.warnings.clear()
    for spec in isolated:
        from variant_detect._resolver._isolated import query

        features, warnings = query(spec, options)
        outcome.warnings.extend(warnings)
        outcome.supported[spec.namespace] = features
        outcome.explanations.append(f"{spec.namespace}: {', '.join(spec.requires)} run in an isolated environment")
    return outcome


def _allowed(spec: ProviderSpec, options: Options) -> bool:
    from variant_detect._resolver._standins import requirement_name

    return any(requirement_name(r) in options.allow for r in spec.requires) or "*" in options.allow


def _not_installed(ns: str, spec: ProviderSpec | None) -> str:
    if spec is None or not spec.requires:
        return f"{ns}: no installed provider has this namespace; variants using it are skipped"
    names = ", ".join(spec.requires)
    first = spec.requires[0]
    from variant_detect._resolver._standins import requirement_name

    return (
        f"{ns}: provider {names} is not installed and is never installed or run without consent; "
        f"variants using {ns} are skipped (pass --allow-provider {requirement_name(first)} to allow it)"
    )


def describe_supported(supported: Supported) -> dict[str, Any]:
    return {ns: {feat: list(values) for feat, values in feats} for ns, feats in supported.items()}
