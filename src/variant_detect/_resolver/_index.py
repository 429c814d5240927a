"""Where wheels come from: ``--find-links`` directories and simple indexes.

Simple indexes are read with PEP 691 JSON when the server offers it, else the
PEP 503 HTML page; the ``{name}-{version}-variants.json`` is linked from the
project page like any other file. Every download with a ``sha256`` (URL
fragment or PEP 691 ``hashes``) is verified. HTTP goes through httpx (timeouts,
TLS, proxies from the environment); credentials come from the URL or from
``~/.netrc`` (``$NETRC``), as pip honours them. Nothing is imported for a
purely local pick.
"""

from __future__ import annotations

import os

from variant_detect._exit import BadInput, IndexFailure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TIMEOUT_ENV = "VARIANT_DETECT_TIMEOUT"
DEFAULT_TIMEOUT = 15.0
MAX_TIMEOUT = 86_400.0  # a day: a longer wait is a typo, and inf/huge values overflow the socket layer
_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"


class Link:
    """One file of a project: a local path or a URL, with its expected sha256."""

    __slots__ = ("filename", "local", "location", "sha256", "yanked")

    def __init__(self, filename: str, location: str, local: bool, sha256: str | None = None, yanked: bool = False):
        self.filename = filename
        self.location = location
        self.local = local
        self.sha256 = sha256
        self.yanked = yanked

    def __repr__(self) -> str:
        return f"Link({self.filename!r}, {self.location!r})"


def timeout() -> float:
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise BadInput(f"{TIMEOUT_ENV}: expected seconds, got {value!r:.40}") from None
    if not 0 < seconds <= MAX_TIMEOUT:  # also NaN
        raise BadInput(f"{TIMEOUT_ENV}: expected seconds above 0 and at most {MAX_TIMEOUT:g}, got {value!r:.40}")
    return seconds


def find_links(directory: str) -> list[Link]:
    try:
        names = os.listdir(directory)
    except OSError as exc:
        raise BadInput(f"--find-links {directory}: cannot list: {exc.strerror or exc}") from None
    return [
        Link(name, os.path.join(directory, name), True)
        for name in sorted(names)
        if name.endswith((".whl", "-variants.json"))
    ]


# -- HTTP -----------------------------------------------------------------------------


class Http:
    """One httpx client for the whole run (connection reuse)."""

    def __init__(self) -> None:
        self._client: Any = None
        self._netrc: Any = False  # not read yet

    def client(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=timeout(), follow_redirects=True, trust_env=True)
        return self._client

    def auth(self, url: str) -> Any:
        """Basic auth for *url* as pip does it: credentials in the URL, else netrc for its host.

        Not httpx's client-level ``NetRCAuth``: that one replaces credentials
        given in the URL, and sends none at all when the netrc file exists but
        has no entry for the host.
        """
        import httpx

        parsed = httpx.URL(url)
        if parsed.username or parsed.password:
            return httpx.BasicAuth(parsed.username, parsed.password)
        if self._netrc is False:
            self._netrc = _read_netrc()
        found = self._netrc.authenticators(parsed.host) if self._netrc is not None else None
        if found is None or not found[2]:
            return None
        return httpx.BasicAuth(found[0], found[2])

    def get(self, url: str, accept: str | None = None, limit: int | None = None) -> tuple[bytes, str, str]:
        """(body, content type, final URL); IndexFailure naming the URL on any problem."""
        import httpx

        headers = {"Accept": accept} if accept else {}
        shown = _redact(url)
        try:
            with self.client().stream("GET", url, headers=headers, auth=self.auth(url)) as response:
                if response.status_code != 200:
                    raise IndexFailure(f"{shown}: HTTP {response.status_code}")
                chunks = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise IndexFailure(f"{shown}: larger than the limit of {limit} bytes")
                    chunks.append(chunk)
                return b"".join(chunks), response.headers.get("content-type", ""), str(response.url)
        except httpx.TimeoutException:
            raise IndexFailure(
                f"{shown}: timed out after {timeout():.0f} s (set {TIMEOUT_ENV} to wait longer)"
            ) from None
        except httpx.HTTPError as exc:
            raise IndexFailure(f"{shown}: {type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def _read_netrc() -> Any:
    """``$NETRC`` or ``~/.netrc`` parsed, or None (missing or unreadable: no credentials, as pip)."""
    import netrc

    path = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    if not os.path.isfile(path):
        return None
    try:
        return netrc.netrc(path)
    except (OSError, netrc.NetrcParseError):
        return None


def _redact(url: str) -> str:
    """Never print a password from a URL."""
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest.split("/", 1)[0]:
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _hash_fragment(url: str) -> tuple[str, str | None]:
    base, _sep, fragment = url.partition("#")
    for part in fragment.split("&"):
        name, _eq, value = part.partition("=")
        if name == "sha256" and value:
            return base, value.lower()
    return base, None


def parse_project_json(body: bytes, base: str) -> list[Link]:
    import json

    try:
        data = json.loads(body)
        files = data["files"]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise IndexFailure(f"{base}: not a PEP 691 project page: {exc}") from None
    if not isinstance(files, list):
        raise IndexFailure(f"{base}: not a PEP 691 project page: 'files' is a {type(files).__name__}, not a list")
    links = []
    for index, entry in enumerate(files):
        filename = entry.get("filename", "") if isinstance(entry, dict) else None
        href = entry.get("url", "") if isinstance(entry, dict) else None
        hashes = (entry.get("hashes") or {}) if isinstance(entry, dict) else None
        if not isinstance(filename, str) or not isinstance(href, str) or not isinstance(hashes, dict):
            raise IndexFailure(f"{base}: not a PEP 691 project page: files[{index}] is {_short(entry)}")
        url, fragment_hash = _hash_fragment(_join(base, href))
        digest = hashes.get("sha256") if isinstance(hashes.get("sha256"), str) else None
        if _plain_file_name(filename):
            links.append(Link(filename, url, False, digest or fragment_hash, bool(entry.get("yanked"))))
    return links


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _join(base: str, href: str) -> str:
    from urllib.parse import urljoin

    try:
        return urljoin(base, href)
    except ValueError as exc:  # "Invalid IPv6 URL" and friends
        raise IndexFailure(f"{base}: bad link {_short(href)}: {exc}") from None


def _plain_file_name(filename: str) -> bool:
    """A file name an index may give: never a path (it names a file in our work directory)."""
    return bool(filename) and filename not in (".", "..") and not any(c in filename for c in "/\\\0")


def parse_project_html(body: bytes, base: str) -> list[Link]:
    from html.parser import HTMLParser
    from urllib.parse import unquote

    found: list[Link] = []

    class Anchors(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag != "a":
                return
            values = dict(attrs)
            href = values.get("href")
            if not href:
                return
            url, digest = _hash_fragment(_join(base, href))
            filename = unquote(url.rsplit("/", 1)[-1])  # %2F would make a path of it
            if _plain_file_name(filename):
                found.append(Link(filename, url, False, digest, "data-yanked" in values))

    parser = Anchors()
    parser.feed(body.decode("utf-8", "replace"))
    return found


def project_links(http: Http, index_url: str, project: str) -> list[Link]:
    """Files of *project* on a simple index (PEP 691 JSON or PEP 503 HTML)."""
    url = index_url.rstrip("/") + f"/{project}/"
    body, content_type, final = http.get(url, _ACCEPT, limit=64 << 20)
    if "json" in content_type:
        return parse_project_json(body, final)
    return parse_project_html(body, final)


def fetch(http: Http | None, link: Link, destination: str | None, limit: int) -> bytes | str:
    """Bytes of a link (``destination`` None) or the path of a verified local copy."""
    if link.local:
        if destination is None:
            try:
                with open(link.location, "rb") as handle:
                    blob = handle.read(limit + 1)
            except OSError as exc:
                raise BadInput(f"{link.location}: cannot read: {exc.strerror or exc}") from None
            _verify(link, blob)
            return blob
        return link.location
    assert http is not None
    blob, _type, _final = http.get(link.location, limit=limit)
    _verify(link, blob)
    if destination is None:
        return blob
    path = os.path.join(destination, link.filename)
    with open(path, "wb") as handle:
        handle.write(blob)
    return path


def local_size(link: Link) -> int | None:
    """The size of a local link's file (for a size-limit message), None for a remote one."""
    try:
        return os.path.getsize(link.location) if link.local else None
    except OSError:
        return None


def _verify(link: Link, blob: bytes) -> None:
    if link.sha256 is None:
        return
    import hashlib

    got = hashlib.sha256(blob).hexdigest()
    if got != link.sha256:
        raise IndexFailure(f"{_redact(link.location)}: sha256 mismatch: index says {link.sha256}, file has {got}")


def check_chosen(link: Link) -> str:
    """What ``pick`` can say about the wheel's sha256 without downloading it.

    A local file is hashed (a mismatch is an IndexFailure, exit 4, as in
    ``install``); a remote wheel is not downloaded by ``pick``, and says so.
    """
    if not link.local:
        return "not checked: pick does not download a remote wheel (install checks it)"
    if link.sha256 is None:
        return "none known (a --find-links file)"
    import hashlib  # (today only index links carry a hash, and they are remote)

    digest = hashlib.sha256()
    try:
        with open(link.location, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise IndexFailure(f"{link.location}: cannot read: {exc.strerror or exc}") from None
    if digest.hexdigest() != link.sha256:
        raise IndexFailure(f"{link.location}: sha256 mismatch: index says {link.sha256}, file has {digest.hexdigest()}")
    return "verified"
