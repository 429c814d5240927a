"""PEP 691 JSON pages over HTTP, netrc credentials, ``--enable-optional``, several packages per install.

The index here is a small loopback HTTP server run in a thread by each test
(stopped when the test ends): it serves the end-to-end wheels as PEP 691 JSON
only (an HTML request gets 406), can require Basic auth, and records what it
was asked for.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from variant_detect._exit import EXIT_INDEX, EXIT_OK

BIN = Path(sys.executable).parent
CLI = str(BIN / "variant-detect")
UV = str(BIN / "uv")
FIXTURES = Path(__file__).resolve().parents[2] / "hw_fixtures"
SITE = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"
PEP691 = "application/vnd.pypi.simple.v1+json"
USER, PASSWORD = "alice", "s3cret-Pa55"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([CLI, *argv], capture_output=True, text=True, timeout=120, env=full_env, check=False)


class JsonIndex:
    """A PEP 691 (JSON only) simple index of some directories of wheels."""

    def __init__(self, *dists: Path, password: str | None = None, wrong_sha256: str | None = None) -> None:
        self.files = {p.name: p for dist in dists for p in dist.iterdir()}
        self.password = password
        self.wrong_sha256 = wrong_sha256
        self.requests: list[tuple[str, str, bool]] = []  # (path, Accept, authorised)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple"

    def project_page(self, project: str) -> dict[str, Any] | None:
        files = []
        for name in sorted(self.files):
            if name.split("-", 1)[0].replace("_", "-") != project:
                continue
            digest = hashlib.sha256(self.files[name].read_bytes()).hexdigest()
            if name == self.wrong_sha256:
                digest = "0" * 64
            files.append({"filename": name, "url": f"../../files/{name}", "hashes": {"sha256": digest}})
        if not files:
            return None
        return {"meta": {"api-version": "1.0"}, "name": project, "files": files}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        index = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="test index"')
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                expected = base64.b64encode(f"{USER}:{index.password}".encode()).decode()
                authorised = index.password is None or self.headers.get("Authorization") == f"Basic {expected}"
                accept = self.headers.get("Accept", "")
                index.requests.append((self.path, accept, authorised))
                if not authorised:
                    self._send(401, b"credentials needed")
                    return
                parts = self.path.split("?", 1)[0].strip("/").split("/")
                if len(parts) == 2 and parts[0] == "simple":
                    page = index.project_page(parts[1])
                    if page is None:
                        self._send(404, b"no such project")
                    elif PEP691 not in accept:
                        self._send(406, b"this index only speaks PEP 691 JSON")
                    else:
                        self._send(200, json.dumps(page).encode(), PEP691)
                elif len(parts) == 2 and parts[0] == "files" and parts[1] in index.files:
                    self._send(200, index.files[parts[1]].read_bytes(), "application/octet-stream")
                else:
                    self._send(404, b"not found")

        return Handler

    def __enter__(self) -> JsonIndex:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def json_index(dist: Path) -> Iterator[JsonIndex]:
    with JsonIndex(dist) as index:
        yield index


# -- PEP 691 ----------------------------------------------------------------------------


def test_pep691_json_page_over_http(json_index: JsonIndex, dist: Path) -> None:
    done = cli(
        "pick", "dummy-pkg", "--index-url", json_index.url, "--fixture", fixture("linux-x86_64-haswell"), "--json"
    )
    assert done.returncode == EXIT_OK, done.stderr
    chosen = json.loads(done.stdout)
    assert chosen["label"] == "x86_64_v3_openblas"
    name = "dummy_pkg-1.0.0-py3-none-any-x86_64_v3_openblas.whl"
    assert chosen["wheel"] == f"{json_index.url.rsplit('/', 1)[0]}/files/{name}"  # relative URL resolved
    assert chosen["sha256"] == hashlib.sha256((dist / name).read_bytes()).hexdigest()  # from "hashes"
    page_requests = [(path, accept) for path, accept, _ok in json_index.requests if path.startswith("/simple/")]
    assert page_requests == [("/simple/dummy-pkg/", page_requests[0][1])]
    assert page_requests[0][1].startswith(PEP691)  # JSON asked for first
    assert ("/files/dummy_pkg-1.0.0-variants.json") in [path for path, _a, _ok in json_index.requests]


def test_pep691_hashes_are_verified(dist: Path) -> None:
    with JsonIndex(dist, wrong_sha256="dummy_pkg-1.0.0-variants.json") as index:
        done = cli("pick", "dummy-pkg", "--index-url", index.url, "--fixture", fixture("linux-x86_64-haswell"))
    assert done.returncode == EXIT_INDEX
    assert f"{index.url.rsplit('/', 1)[0]}/files/dummy_pkg-1.0.0-variants.json: sha256 mismatch" in done.stderr


# -- netrc ------------------------------------------------------------------------------


def test_netrc_credentials(dist: Path, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1\n  login {USER}\n  password {PASSWORD}\n")
    netrc.chmod(0o600)
    pick = ["pick", "dummy-pkg", "--fixture", fixture("linux-x86_64-nehalem"), "--json"]
    with JsonIndex(dist, password=PASSWORD) as index:
        refused = cli(*pick, "--index-url", index.url, env={"NETRC": str(tmp_path / "absent")})
        assert refused.returncode == EXIT_INDEX
        assert f"{index.url}/dummy-pkg/: HTTP 401" in refused.stderr
        assert [ok for _p, _a, ok in index.requests] == [False]
        index.requests.clear()

        done = cli(*pick, "--index-url", index.url, env={"NETRC": str(netrc)})
        assert done.returncode == EXIT_OK, done.stderr
        assert json.loads(done.stdout)["label"] == "x86_64_v2"
        # Every request carried the credentials: the page and the variants.json.
        assert len(index.requests) == 2
        assert all(ok for _p, _a, ok in index.requests)
        assert PASSWORD not in done.stdout + done.stderr

        # Credentials in the URL work too, also beside a netrc file without this host, and are never printed.
        other = tmp_path / "other-netrc"
        other.write_text("machine index.example.org login bob password elsewhere\n")
        host = index.url.split("://", 1)[1]
        in_url = f"http://{USER}:{PASSWORD}@{host}"
        done = cli(*pick, "--explain", "--index-url", in_url, env={"NETRC": str(other)})
        assert done.returncode == EXIT_OK, done.stderr
        assert json.loads(done.stdout)["label"] == "x86_64_v2"
        assert PASSWORD not in done.stdout + done.stderr
        assert json.loads(done.stdout)["wheel"].startswith("http://***@127.0.0.1:")
        text = cli(*pick[:-1], "--index-url", in_url, env={"NETRC": str(other)})
        assert text.returncode == EXIT_OK, text.stderr
        assert PASSWORD not in text.stdout + text.stderr
        assert text.stdout.startswith("http://***@127.0.0.1:")
        dry = ["install", "dummy-pkg", "--dry-run", "--installer", "pip", "--fixture", fixture("linux-x86_64-nehalem")]
        planned = cli(*dry, "--index-url", in_url, env={"NETRC": str(other)})
        assert planned.returncode == EXIT_OK, planned.stderr
        assert PASSWORD not in planned.stdout + planned.stderr
        assert "--index-url http://***@127.0.0.1:" in planned.stdout
        # The URL's credentials win over netrc (as in pip): wrong ones fail.
        wrong = cli(*pick, "--index-url", in_url.replace(PASSWORD, "wrong-password"), env={"NETRC": str(netrc)})
        assert wrong.returncode == EXIT_INDEX
        assert "wrong-password" not in wrong.stderr
        assert "http://***@127.0.0.1" in wrong.stderr


# -- --enable-optional --------------------------------------------------------------------


OPTIONAL = {
    "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
    "default-priorities": {"namespace": ["x86_64", "blas_lapack"]},
    "providers": {
        "x86_64": {"requires": ["x86-64-variant-provider>=0.2,<0.3"], "optional": True},
        "blas_lapack": {"static-properties": {"provider": ["openblas", "mkl"]}, "optional": True},
    },
    "variants": {
        "v2": {"x86_64": {"level": ["v2"]}},
        "v3": {"x86_64": {"level": ["v3"]}},
        "v4": {"x86_64": {"level": ["v4"]}},
        "mkl": {"blas_lapack": {"provider": ["mkl"]}},
        "null": {},
    },
}


def rank(path: Path, *argv: str) -> tuple[list[str], str]:
    done = cli("rank", str(path), "--json", "--explain", "--fixture", fixture("linux-x86_64-haswell"), *argv)
    assert done.returncode == EXIT_OK, done.stderr
    labels: list[str] = json.loads(done.stdout)
    return labels, done.stderr


def test_enable_optional(tmp_path: Path) -> None:
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text(json.dumps(OPTIONAL))
    labels, stderr = rank(path)
    assert labels == ["null"]  # both namespaces are optional and off
    assert "x86_64: off (optional provider; enable with --enable-optional x86_64)" in stderr
    labels, _err = rank(path, "--enable-optional", "x86_64")
    assert labels == ["v3", "v2", "null"]
    labels, _err = rank(path, "--enable-optional", "blas_lapack")
    assert labels == ["mkl", "null"]
    labels, _err = rank(path, "--enable-optional", "x86_64", "--enable-optional", "blas_lapack")
    assert labels == ["v3", "v2", "mkl", "null"]


def test_enable_optional_matches_variantlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """variantlib 0.2.2 skips the same optional plugin unless enabled (our x86_64 provider, replayed).

    Static providers differ: variantlib 0.2.2 uses an ``optional`` static
    provider's values anyway; we, the providers draft and uv 0.13.8 turn its
    namespace off (test above).
    """
    from variantlib.api import get_variants_by_priority

    data = json.loads(json.dumps(OPTIONAL))
    data["providers"]["x86_64"] = {
        "requires": ["variant-detect-x86-64"],
        "plugin-api": "variant_detect_x86_64",
        "optional": True,
    }
    data["providers"]["blas_lapack"].pop("optional")
    path = tmp_path / "pkg-1.0-variants.json"
    path.write_text(json.dumps(data))
    monkeypatch.setenv("VARIANT_DETECT_FIXTURE", fixture("linux-x86_64-haswell"))
    for enabled in ([], ["x86_64"]):
        theirs = [v.label for v in get_variants_by_priority(variants_json=data, enable_optional_plugins=enabled)]
        ours, _err = rank(path, *[arg for ns in enabled for arg in ("--enable-optional", ns)])
        assert ours == theirs
    assert ours == ["v3", "v2", "mkl", "null"]


# -- several packages in one install --------------------------------------------------------


def installed_label(python: Path, package: str) -> str | None:
    site = python.parent.parent / SITE
    (dist_info,) = site.glob(f"{package}-*.dist-info")
    variant_json = dist_info / "variant.json"
    if not variant_json.exists():
        return None
    (label,) = json.loads(variant_json.read_text())["variants"]
    return str(label)


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_install_several_packages_in_one_run(dist: Path, fpga_dist: Path, tmp_path: Path, installer: str) -> None:
    """Two variant packages (one needing an allowed isolated provider) and their dependency, one installer run."""
    if installer == "uv":
        subprocess.run([UV, "venv", "-q", "--python", sys.executable, str(tmp_path / "venv")], check=True, timeout=60)
    else:
        subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=120)
    python = tmp_path / "venv" / "bin" / "python"
    argv = ["install", "dummy-pkg", "fpga-pkg", "--find-links", str(dist), "--find-links", str(fpga_dist)]
    argv += ["--installer", installer, "--python", str(python), "--fixture", fixture("linux-x86_64-nehalem")]
    argv += ["--allow-provider", "acme-fpga-provider"]
    env = {"UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}
    done = cli(*argv, env=env)
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stderr.count("variant-detect: running ") == 1
    assert installed_label(python, "dummy_pkg") == "x86_64_v2"
    assert installed_label(python, "fpga_pkg") == "stratix"
    assert installed_label(python, "dummy_dep") is None  # resolved by the installer as usual
    site = python.parent.parent / SITE
    assert not list(site.glob("acme_fpga_provider*"))  # the provider stays in its own venv
