"""What this machine (or a saved profile) supports, for the namespaces a file uses.

For each namespace some variant declares, in this order:

1. ``enable-if`` false or ``optional`` (not enabled) -> the namespace is off;
2. values listed in the metadata (static providers) -> those values;
3. ``--profile FILE`` -> the profile's answer (absent namespace = unsupported);
4. ``builtin`` providers: :func:`builtin_supported` (none implemented here
   yet: the namespace is unsupported, so variants using it are incompatible,
   with a warning -- PEP 850 "ABI Dependency Variant Provider");
5. an installed provider that *is* a ``requires`` distribution (it runs
   itself), or stands in for it (:mod:`._standins`): run in-process through
   the probe seam (live or ``--fixture``), answers cached on disk. Only the
   ``requires`` entries whose markers hold for this interpreter count (PEP
   850); the entry-point name plays no part, and a namespace with no provider
   entry (a PEP 825 file) is never served by a plugin;
6. every remaining ``requires`` distribution trusted (``--allow-provider
   NAME`` for each, or ``*``) -> install them in an isolated venv and query
   the plugin API (:mod:`._isolated`); one untrusted name and none is
   installed or run (PEP 850 step 5);
7. otherwise unsupported, with a warning naming exactly what to allow.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._discovery import PluginEntry
    from variant_detect._resolver._abi import Context
    from variant_detect._resolver._cache import Cache
    from variant_detect._resolver._metadata import ProviderSpec, VariantsMeta
    from variant_detect._resolver._standins import Requirement
    from variant_detect_runtime import Feature, Probe

    Supported = dict[str, list[Feature]]


class Options:
    """How to find supported properties (from the command line)."""

    __slots__ = ("abi", "allow", "cache", "enable_optional", "fixture", "installer_args", "profile")

    def __init__(
        self,
        *,
        fixture: str | None = None,
        profile: dict[str, list[Feature]] | None = None,
        allow: frozenset[str] = frozenset(),
        enable_optional: frozenset[str] = frozenset(),
        cache: Cache | None = None,
        installer_args: list[str] | None = None,
    ) -> None:
        self.fixture = fixture
        self.profile = profile
        if allow:
            from variant_detect._resolver._standins import canonical

            allow = frozenset("*" if a == "*" else canonical(a) for a in allow)
        self.allow = allow
        self.enable_optional = enable_optional
        self.cache = cache
        self.installer_args = installer_args or []
        self.abi: Context | None = None  # target environment of abi_dependency (None: this interpreter)


class Outcome:
    """Supported lists plus the warnings and explanations gathered on the way."""

    __slots__ = ("explanations", "supported", "warnings")

    def __init__(self) -> None:
        self.supported: Supported = {}
        self.warnings: list[str] = []
        self.explanations: list[str] = []


def load_profile(path: str) -> dict[str, list[Feature]]:
    """A profile saved by ``variant-detect --json`` (or written by hand: only ``profile`` is needed)."""
    import json

    from variant_detect._exit import BadInput

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


def parse_profile(data: object, path: str) -> dict[str, list[Feature]]:
    from variant_detect._exit import BadInput
    from variant_detect_runtime import check_features, check_name

    if not isinstance(data, dict) or not isinstance(data.get("profile"), dict):
        raise BadInput(f"{path}: profile: expected an object with a 'profile' object ({{ns: {{feature: [values]}}}})")
    schema = data.get("schema", 1)
    if schema != 1:
        raise BadInput(f"{path}: schema: expected 1, got {schema!r}")
    out: dict[str, list[Feature]] = {}
    for ns, features in data["profile"].items():
        try:
            check_name("namespace", ns)
        except ValueError as exc:
            raise BadInput(f"{path}: profile: {exc}") from None
        if not isinstance(features, dict):
            raise BadInput(f"{path}: profile.{ns}: expected an object of feature -> [values], got {features!r}")
        for feat, values in features.items():
            if not isinstance(values, list):
                raise BadInput(f"{path}: profile.{ns}.{feat}: expected a list of values, got {values!r}")
        try:
            checked = check_features(ns, ((f, v, False) for f, v in features.items()))
        except (ValueError, TypeError) as exc:
            raise BadInput(f"{path}: profile.{ns}: {exc}") from None
        out[ns] = checked
    return out


# -- enable-if ------------------------------------------------------------------------


def _marker_true(expression: str, probe: Probe | None) -> bool | None:
    """The marker's value on this machine (or the fixture's); None if it is not a valid marker."""
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
        return None


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

    def installed_for(self, ns: str, wanted: list[Requirement]) -> PluginEntry | None:
        """The installed provider answering for the plugin's requirement (the first applicable one).

        The published provider itself runs when it is installed (its own
        answer); otherwise a stand-in entry of an installed provider whose
        declared version the specifier admits (uv 0.13.9's rule for its
        vendored providers), which answers as that published release does.
        Entry-point names play no part (PEP 850).
        """
        req = wanted[0]
        entries = self.entries()
        for entry in entries:
            if entry.distribution == req.name:
                self.outcome.explanations.append(
                    f"{ns}: {entry.distribution} {entry.version} is installed (its own answer)"
                )
                return entry
        for entry in entries:
            served = self._standin(ns, entry, req)
            if served is not None:
                return served
        return None

    def _standin(self, ns: str, entry: PluginEntry, req: Requirement) -> PluginEntry | None:
        from variant_detect._resolver._standins import StandInEntry, admits, declared_by

        pins = declared_by(entry, self.options.cache)
        pin = admits(req.text, list(pins), self.options.cache)
        if pin is None:
            return None
        self.outcome.explanations.append(
            f"{ns}: {req.text!r} served by installed {entry.distribution} {entry.version} "
            f"with {pins[pin]} (stands in for {pin})"
        )
        return StandInEntry(entry, pin)


def _detect(chosen: dict[str, PluginEntry], options: Options, outcome: Outcome) -> None:
    """Run installed providers in-process (through the cache for a live probe).

    *chosen* maps each file namespace to its provider; answers are filed under
    the file's namespace whatever the entry point is called.
    """
    entries = list(chosen.values())
    file_ns = {entry.namespace: ns for ns, entry in chosen.items()}
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
                outcome.supported[file_ns[entry.namespace]] = cached
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
        if detection.namespace in file_ns:
            outcome.supported[file_ns[detection.namespace]] = detection.features
        if cache is not None and not detection.warnings and detection.namespace in keys:
            digest, material = keys[detection.namespace]
            cache.put(digest, material, detection.features)


def _enable_if_off(ns: str, expression: str, probe: Probe | None, outcome: Outcome) -> bool:
    """True when ``enable-if`` turns *ns* off here; a marker that does not parse is named and is off."""
    enabled = _marker_true(expression, probe)
    if enabled is None:
        outcome.warnings.append(
            f"providers.{ns}.enable-if: {expression!r:.80} is not a valid environment marker; "
            f"{ns} is off (variants using it are skipped)"
        )
        return True
    if not enabled:
        outcome.explanations.append(f"{ns}: off (enable-if {expression!r} is false here)")
    return not enabled


def _answered_without_plugin(
    ns: str, spec: ProviderSpec | None, options: Options, outcome: Outcome, probe: Probe | None, *, meta: VariantsMeta
) -> bool:
    """Steps 1-3: namespace off, static values, or a saved profile (True = settled)."""
    if spec is not None and spec.enable_if and _enable_if_off(ns, spec.enable_if, probe, outcome):
        return True
    if spec is not None and spec.optional and ns not in options.enable_optional:
        outcome.explanations.append(f"{ns}: off (optional provider; enable with --enable-optional {ns})")
        return True
    if spec is not None and spec.builtin == "abi_dependency":  # PEP 850 ABI dependency: see _abi.py
        from variant_detect._resolver import _abi

        _abi.supported(meta, ns, options.abi or _abi.Context(), outcome)
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
    to_detect: dict[str, PluginEntry] = {}
    isolated: list[tuple[ProviderSpec, list[Requirement]]] = []
    for ns in meta.used_namespaces():
        spec = meta.providers.get(ns)
        if _answered_without_plugin(ns, spec, options, outcome, probe, meta=meta):
            continue
        if spec is None or (not spec.requires and spec.builtin is None):
            outcome.warnings.append(
                f"{ns}: the file names no provider for this namespace, so no plugin may answer for it "
                "(PEP 850); variants using it are skipped unless a --profile lists it"
            )
            continue
        if spec.builtin is not None:
            builtin_supported(ns, spec, outcome)
            continue
        from variant_detect._resolver._requires import applicable, not_trusted

        wanted = applicable(meta, spec, options)
        if not wanted:
            outcome.warnings.append(
                f"{ns}: no requires entry of {meta.source} applies to this interpreter; unsupported"
            )
            continue
        entry = chooser.installed_for(ns, wanted)
        if entry is not None:
            to_detect[ns] = entry
            continue
        untrusted = [req.name for req in wanted if req.name not in options.allow and "*" not in options.allow]
        if untrusted:
            outcome.warnings.append(not_trusted(ns, wanted, untrusted))
        else:
            isolated.append((spec, wanted))
    _check_enabled(meta, options, outcome)
    if to_detect:
        _detect(to_detect, options, outcome)
    if options.cache is not None:
        outcome.warnings.extend(options.cache.warnings)
        options.cache.warnings.clear()
    for spec, wanted in isolated:
        from variant_detect._resolver._isolated import query
        from variant_detect._resolver._requires import plugin_api

        features, warnings = query(spec, options, [req.text for req in wanted], plugin_api(spec, wanted))
        outcome.warnings.extend(warnings)
        outcome.supported[spec.namespace] = features
        outcome.explanations.append(
            f"{spec.namespace}: {', '.join(r.text for r in wanted)} run in an isolated environment"
        )
    return outcome


def _check_enabled(meta: VariantsMeta, options: Options, outcome: Outcome) -> None:
    """--enable-optional NS for a namespace the file has no optional provider for does nothing: say so."""
    optional = {ns for ns, spec in meta.providers.items() if spec.optional}
    for ns in sorted(options.enable_optional - optional):
        outcome.warnings.append(f"--enable-optional {ns}: no optional provider of that namespace here; ignored")


def builtin_supported(ns: str, spec: ProviderSpec, outcome: Outcome) -> None:
    """PEP 850's builtin providers other than ``abi_dependency`` (decided in ``_abi``): none is known.

    PEP 850: tools that do not implement it MUST treat the variants using it
    as incompatible and SHOULD say so.
    """
    outcome.warnings.append(
        f"{ns}: builtin provider {spec.builtin!r} is not implemented; variants using {ns} are treated as incompatible"
    )
