"""Hand the picked wheels to the installer the user has: uv 0.13.8 or pip.

uv 0.13.8 and 0.13.9 (``--preview-features wheel-variants``) install variant
wheels but run no Python provider: they re-check the wheel's own
``variant.json`` with their Rust builtins and ``static-properties``. So the
chosen wheel is copied with its ``variant.json`` rewritten (and its RECORD
line updated): every namespace of the release becomes a ``static-properties``
provider listing our answers (the verified recipe, installers.md §4-5). The
label and the properties stay as they were.

pip (26.3 and older) refuses variant file names. The wheel is the same zip
whatever its name, so the chosen wheel is copied under its name without the
label (``name-1.0-py3-none-any.whl``) and pip installs that path; the
``variant.json`` stays in the installed ``.dist-info``.

Either way a wheel whose ``Requires-Dist`` uses variant markers is handed over
with them decided (:mod:`._markers`), since neither installer can parse them.

Either way the installer gets a local path, and resolves its dependencies from
the same indexes as it normally would (``--index-url``/``--find-links`` are
passed on). Everything is downloaded and verified before the installer runs,
so a bad file never leaves a half-installed environment.
"""

from __future__ import annotations

import os
import sys

from variant_detect._exit import BadInput, InstallerFailure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from variant_detect._resolver._pick import Choice

INSTALL_TIMEOUT = 900.0


def staticised(choice: Choice) -> bytes:
    """A ``variant.json`` for *choice* that uv can check without running a plugin.

    PEP 850 v0.2.0, the newest schema uv 0.13.9 reads (uv 0.13.8 does not
    check ``$schema``). ``default-priorities.namespace`` is the release's
    whole list, so it agrees with the index file as PEP 825 asks (equal, or
    one starting with the other), and PEP 850 wants a provider entry for each
    of those namespaces: each is a static provider listing what we found
    supported (nothing, for a namespace this machine does not support). The
    label and its properties stay as they were.
    """
    import json

    from variant_detect._resolver._schema import PEP850

    assert choice.meta is not None and choice.label is not None
    props = choice.meta.variants[choice.label]
    supported: dict[str, dict[str, list[str]]] = {}
    for ns, feat, values in choice.order:
        supported.setdefault(ns, {})[feat] = list(values)
    providers = {}
    for ns in choice.meta.namespaces:
        table = supported.get(ns, {})
        provider: dict[str, object] = {"static-properties": table}
        if len(table) > 1:
            provider["feature-order"] = list(table)  # choice.order is already in priority order
        providers[ns] = provider
    data = {
        "$schema": PEP850,
        "default-priorities": {"namespace": list(choice.meta.namespaces)},
        "providers": providers,
        "variants": {choice.label: props},
    }
    return json.dumps(data, indent=4, sort_keys=True).encode()


def _record_line(name: str, blob: bytes) -> str:
    import base64
    import hashlib

    digest = base64.urlsafe_b64encode(hashlib.sha256(blob).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(blob)}"


def rewrite_wheel(source: str, destination: str, variant_json: bytes | None, metadata: bytes | None = None) -> None:
    """Copy a wheel, replacing ``*.dist-info/variant.json`` and/or ``METADATA``, and their RECORD lines."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as new:
        names = old.namelist()
        replaced: dict[str, bytes] = {}
        for suffix, blob in (("variant.json", variant_json), ("METADATA", metadata)):
            if blob is None:
                continue
            target = next((n for n in names if n.count("/") == 1 and n.endswith(f".dist-info/{suffix}")), None)
            if target is None:
                raise BadInput(f"{source}: expected *.dist-info/{suffix} in the wheel")
            replaced[target] = blob
        record = next((n for n in names if n.count("/") == 1 and n.endswith(".dist-info/RECORD")), None)
        if record is None:
            raise BadInput(f"{source}: expected *.dist-info/RECORD in the wheel")
        for info in old.infolist():
            if info.filename in replaced or info.filename == record:
                continue
            new.writestr(info, old.read(info.filename))
        for target, blob in replaced.items():
            new.writestr(target, blob)
        lines = []
        for line in old.read(record).decode("utf-8").splitlines():
            name = line.split(",", 1)[0]
            lines.append(_record_line(name, replaced[name]) if name in replaced else line)
        new.writestr(record, "\n".join(lines) + "\n")


def prepare(choices: list[Choice], installer: str, workdir: str, fetch_wheel: object) -> list[str]:
    """Local paths of the wheels to hand to *installer*, verified and renamed as needed.

    A wheel whose ``Requires-Dist`` uses variant markers gets them decided
    (:mod:`._markers`), whichever installer and whether or not it is a variant.
    """
    import shutil

    from variant_detect._resolver import _markers

    paths = []
    for choice in choices:
        path = fetch_wheel(choice)  # type: ignore[operator]
        metadata = _markers.rewritten(path, _markers.for_choice(choice))
        if choice.label is None:
            if metadata is not None:
                target = os.path.join(workdir, choice.link.filename)
                rewrite_wheel(path, target, None, metadata)
                path = target
            paths.append(path)
            continue
        if installer == "pip":
            target = os.path.join(workdir, choice.wheel.plain_filename)
            if metadata is None:
                shutil.copyfile(path, target)
            else:
                rewrite_wheel(path, target, None, metadata)
        else:
            target = os.path.join(workdir, choice.link.filename)
            rewrite_wheel(path, target, staticised(choice), metadata)
        paths.append(target)
    return paths


def keep(paths: list[str], workdir: str, root: str) -> list[str]:
    """Move the files staged under *workdir* to ``<root>/staged/<digest>/NAME`` and return the new paths.

    The installer command (printed by ``--dry-run``) and pip's
    ``direct_url.json`` name these paths (the wheels, and the ABI constraints
    file), so they must outlive this run: they stay until ``variant-detect
    cache clear``. Paths outside *workdir* (a ``--find-links`` file handed
    over as it is) are returned unchanged.
    """
    import hashlib
    import shutil

    kept = []
    inside = os.path.abspath(workdir) + os.sep
    for path in paths:
        if not os.path.abspath(path).startswith(inside):
            kept.append(path)
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        folder = os.path.join(root, "staged", digest.hexdigest()[:32])
        target = os.path.join(folder, os.path.basename(path))
        try:
            os.makedirs(folder, exist_ok=True)
            shutil.move(path, target + ".part")
            os.replace(target + ".part", target)  # complete or absent, never half-written
        except OSError as exc:
            raise InstallerFailure(f"cannot keep the staged file in {folder}: {exc.strerror or exc}") from None
        kept.append(target)
    return kept


def find_installer(wanted: str) -> tuple[str, list[str]]:
    """(``uv`` or ``pip``, the command prefix)."""
    import shutil

    if wanted in ("auto", "uv"):
        uv = shutil.which("uv") or _beside_python("uv")
        if uv:
            return "uv", [uv]
        if wanted == "uv":
            raise BadInput("--installer uv: no 'uv' on PATH")
    return "pip", [sys.executable, "-m", "pip"]


def _beside_python(name: str) -> str | None:
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.isfile(candidate) and os.access(candidate, os.X_OK) else None


def command(kind: str, prefix: list[str], paths: list[str], python: str | None, index_args: list[str]) -> list[str]:
    if kind == "uv":
        target = ["--python", python or sys.executable]
        return [*prefix, "--preview-features", "wheel-variants", "pip", "install", *target, *index_args, *paths]
    pip = [python, "-m", "pip"] if python else prefix
    return [*pip, "install", "--disable-pip-version-check", *index_args, *paths]


def shown(argv: list[str]) -> str:
    """The command line as printed: never a password from an index URL."""
    from variant_detect._resolver._index import _redact

    return " ".join(_redact(arg) for arg in argv)


def run(argv: list[str]) -> None:
    import subprocess

    print("variant-detect: running " + shown(argv), file=sys.stderr)
    try:
        done = subprocess.run(argv, timeout=INSTALL_TIMEOUT, check=False, stdout=sys.stderr)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InstallerFailure(f"{argv[0]}: {exc}") from None
    if done.returncode != 0:
        raise InstallerFailure(f"{os.path.basename(argv[0])} exited with status {done.returncode}")
