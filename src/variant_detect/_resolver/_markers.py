"""Variant environment markers (PEP 825) in the selected wheel's ``Requires-Dist``.

PEP 825 ("Environment markers", "Evaluating variant markers") adds
``variant_label`` (a string) and ``variant_properties``, ``variant_features``,
``variant_namespaces`` (sets of strings). They are evaluated once a wheel is
selected: the label from its file name (``""`` for a non-variant wheel), the
properties its label maps to *filtered to those the target supports*, and
features and namespaces derived from them.

Neither installer we hand wheels to can evaluate them: pip's ``packaging``
(26.4) and uv 0.13.8/0.13.9 refuse the names as unknown marker variables. So
before handing over a wheel whose ``Requires-Dist`` uses them, every
comparison with a variant marker is decided here and replaced by a constant
comparison every PEP 508 implementation evaluates the same way
(``python_version >= "0"`` is true, ``python_version < "0"`` false). The rest
of the marker (``sys_platform``, ``extra``, ...) stays for the installer,
which knows the target interpreter and the extras asked for. A marker left
with no other variable is decided outright: the line keeps no marker, or is
dropped. Only ``Requires-Dist`` lines that use a variant marker change; the
``METADATA`` file is otherwise kept byte for byte, and every rewritten line is
checked with ``packaging`` before the wheel is handed over.

``packaging`` cannot parse the variant names, so they are found lexically:
PEP 508 quoted strings have no escapes, so skipping ``"..."``/``'...'`` whole
is exact, and a comparison is ``operand op operand``. The string comparisons
of ``variant_label`` are evaluated by ``packaging`` itself (the same operators
as any other string marker); set membership follows PEP 825 (whitespace around
``::`` does not matter).
"""

from __future__ import annotations

import re

from variant_detect._exit import BadInput

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._resolver._metadata import Props
    from variant_detect._resolver._pick import Choice

    Slot = tuple[str, str, tuple[str, ...]]

TRUE = 'python_version >= "0"'
FALSE = 'python_version < "0"'
SET_MARKERS = ("variant_properties", "variant_features", "variant_namespaces")
MARKERS = ("variant_label", *SET_MARKERS)

_STR = r"\"[^\"]*\"|'[^']*'"
_VAR = r"\bvariant_(?:label|properties|features|namespaces)\b"
_OP = r"===|==|!=|~=|<=|>=|<|>|\bnot\s+in\b|\bin\b"
_OPERAND = rf"{_STR}|{_VAR}|\b[a-z_.]+\b"
# Leftmost match wins: a quoted string is consumed whole (as part of a
# comparison or on its own), so nothing inside one is ever taken for a name.
_SCAN = re.compile(rf"(?P<cmp>(?P<lhs>{_OPERAND})\s*(?P<op>{_OP})\s*(?P<rhs>{_OPERAND}))|(?P<str>{_STR})")
_NAME = re.compile(_VAR)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_JOINERS = frozenset({"and", "or", "in", "not"})


class VariantEnv:
    """The four marker values of one selected wheel."""

    __slots__ = ("features", "label", "namespaces", "properties")

    def __init__(self, label: str, properties: set[str]) -> None:
        self.label = label
        self.properties = frozenset(properties)
        self.features = frozenset(p.rsplit(" :: ", 1)[0] for p in properties)
        self.namespaces = frozenset(p.split(" :: ", 1)[0] for p in properties)

    def value(self, name: str) -> str | frozenset[str]:
        if name == "variant_label":
            return self.label
        return {"variant_properties": self.properties, "variant_features": self.features}.get(name, self.namespaces)


def environment(label: str | None, props: Props | None, order: list[Slot]) -> VariantEnv:
    """PEP 825 steps 1-4: the label and its properties that the target supports."""
    if label is None or props is None:
        return VariantEnv("", set())
    supported = {(ns, feat): set(values) for ns, feat, values in order}
    kept: set[str] = set()
    for ns, features in props.items():
        for feat, values in features.items():
            have = supported.get((ns, feat), set())
            kept.update(f"{ns} :: {feat} :: {value}" for value in values if value in have)
    return VariantEnv(label, kept)


def for_choice(choice: Choice) -> VariantEnv:
    props = choice.meta.variants.get(choice.label) if choice.meta is not None and choice.label else None
    return environment(choice.label, props, choice.order)


# -- one marker -----------------------------------------------------------------------


def _normal(item: str) -> str:
    """``"a::b :: c"`` -> ``"a :: b :: c"`` (PEP 825: whitespace around ``::`` is insignificant)."""
    return " :: ".join(part.strip() for part in item.split("::"))


def _compare(env: VariantEnv, lhs: str, op: str, rhs: str) -> bool:
    """One comparison with a variant marker on one side and a quoted string on the other."""
    from packaging.markers import Marker, UndefinedComparison

    op = " ".join(op.split())
    name, literal, marker_left = (lhs, rhs, True) if _NAME.fullmatch(lhs) else (rhs, lhs, False)
    if _NAME.fullmatch(literal) or literal[0] not in "\"'":
        raise ValueError(f"{lhs} {op} {rhs}: expected a quoted string on the other side of {name}")
    text = literal[1:-1]
    if name in SET_MARKERS:
        if marker_left or op not in ("in", "not in"):
            raise ValueError(f'{lhs} {op} {rhs}: {name} is a set; expected "..." in {name} or "..." not in {name}')
        return (_normal(text) in env.value(name)) == (op == "in")
    # A string marker: packaging's own string comparison, on a variable it knows.
    probe = f"os_name {op} {literal}" if marker_left else f"{literal} {op} os_name"
    try:
        return bool(Marker(probe).evaluate({"os_name": env.label}))
    except UndefinedComparison:
        raise ValueError(f"{lhs} {op} {rhs}: {op} is not defined on the string {name}") from None


def decide(marker: str, env: VariantEnv) -> tuple[bool, str | None]:
    """(uses variant markers?, the marker left for the installer: None = always true, FALSE = never)."""
    used = False

    def replace(match: re.Match[str]) -> str:
        nonlocal used
        if not _is_variant(match):
            return match.group(0)
        used = True
        return TRUE if _compare(env, match["lhs"], match["op"], match["rhs"]) else FALSE

    replaced = _SCAN.sub(replace, marker)
    if not used:
        if _NAME.search(_SCAN.sub("", marker)):
            raise ValueError(f"{marker.strip()}: a variant marker outside a comparison with a quoted string")
        return False, marker
    if _NAME.search(_SCAN.sub("", replaced)):
        raise ValueError(f"{marker.strip()}: a variant marker outside a comparison with a quoted string")
    from packaging.markers import InvalidMarker, Marker

    try:
        parsed = Marker(replaced)
    except InvalidMarker as exc:
        raise ValueError(f"{marker.strip()}: {exc}".splitlines()[0]) from None
    if _has_other_variables(marker):
        return True, replaced.strip()
    # Only constants are left: decided here (any environment gives the same answer).
    return True, None if parsed.evaluate() else FALSE


def _is_variant(match: re.Match[str]) -> bool:
    """Is this scanned piece a comparison with a variant marker on one side?"""
    return match["cmp"] is not None and bool(_NAME.fullmatch(match["lhs"]) or _NAME.fullmatch(match["rhs"]))


def _has_other_variables(marker: str) -> bool:
    """Does *marker* use a variable other than the variant markers?"""
    skeleton = _SCAN.sub(lambda m: " " if _is_variant(m) else re.sub(_STR, " ", m.group(0)), marker)
    return any(word not in _JOINERS for word in _WORD.findall(skeleton))


# -- Requires-Dist ---------------------------------------------------------------------


def _split(requirement: str) -> tuple[str, str | None]:
    """(requirement, marker): markers never hold a ``;`` outside quotes, so the last one splits."""
    depth_free = re.sub(_STR, lambda m: "_" * len(m.group(0)), requirement)
    cut = depth_free.rfind(";")
    if cut < 0:
        return requirement.strip(), None
    return requirement[:cut].strip(), requirement[cut + 1 :].strip()


def rewrite_requirement(line: str, env: VariantEnv) -> tuple[bool, str | None]:
    """(changed?, the new requirement or None to drop it); ValueError names what is wrong."""
    head, marker = _split(line)
    if marker is None:
        return False, line
    used, rest = decide(marker, env)
    if not used:
        return False, line
    if rest == FALSE:
        return True, None
    new = head if rest is None else f"{head}{' ' if '@' in head else ''}; {rest}"
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(new)
    except InvalidRequirement as exc:
        raise ValueError(f"{new}: {exc}".splitlines()[0]) from None
    return True, new


def rewrite_metadata(text: str, env: VariantEnv, where: str) -> str | None:
    """*text* (a METADATA file) with its variant markers decided, or None when it uses none."""
    lines = text.split("\n")
    out: list[str] = []
    changed = False
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.strip() == "":  # headers end here; the description is never touched
            out.append(line)
            out.extend(lines[index:])
            break
        if not line.lower().startswith("requires-dist:"):
            out.append(line)
            continue
        while index < len(lines) and lines[index][:1] in (" ", "\t"):
            line += " " + lines[index].strip()  # a folded header line
            index += 1
        value = line.split(":", 1)[1].strip()
        try:
            edited, new = rewrite_requirement(value, env)
        except ValueError as exc:
            raise BadInput(f"{where}: Requires-Dist: {value}: {exc}") from None
        changed = changed or edited
        if new is not None:
            out.append(f"Requires-Dist: {new}" if edited else line)
    return "\n".join(out) if changed else None


def metadata_name(names: list[str]) -> str | None:
    return next((n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")), None)


def rewritten(path: str, env: VariantEnv) -> bytes | None:
    """The wheel's METADATA with variant markers decided, or None when it needs no change."""
    import os
    import zipfile

    with zipfile.ZipFile(path) as wheel:
        name = metadata_name(wheel.namelist())
        if name is None:
            raise BadInput(f"{path}: expected a *.dist-info/METADATA in the wheel")
        text = wheel.read(name).decode("utf-8")
    if not any(marker in text for marker in MARKERS):
        return None
    new = rewrite_metadata(text, env, f"{os.path.basename(path)} {name}")
    return None if new is None else new.encode("utf-8")
