"""The offline demo: serve the bundled examples/ corpus on loopback and point a sources file at it.

The server is a real HTTP server on 127.0.0.1 with ETag/Last-Modified validators (so a second run is a
conditional GET that downloads nothing), a permissive robots.txt, and `/status/NNN/...` paths that answer
with that status, so the demo also shows how fetch errors are recorded.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

log = logging.getLogger(__name__)

# The corpus ships inside the package (package data), so an installed claimwatch can run its own demo.
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
# A fixed port keeps the corpus URLs identical from one demo run to the next (so a re-run adds nothing);
# when it is taken, any free port works, at the cost of new URLs for that run.
PREFERRED_PORT = 18765
# Every file's Last-Modified: the corpus is static, and a fixed date keeps validators stable across runs.
CORPUS_MTIME = "Mon, 02 Mar 2026 09:00:00 GMT"


class _Handler(BaseHTTPRequestHandler):
    server_version = "claimwatch-demo/1.0"
    root: Path
    base: str

    def log_message(self, format: str, *args: object) -> None:
        log.debug("demo server: " + format, *args)

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        """Answer HEAD like GET without a body."""
        self.do_GET()

    def do_GET(self) -> None:
        """Serve a corpus file, robots.txt, or a synthetic error status."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8")
            return
        if path.startswith("/status/"):
            code = path.split("/")[2]
            status = int(code) if code.isdigit() and 100 <= int(code) <= 599 else 500
            self._send(status, f"demo error {status}\n".encode(), "text/plain; charset=utf-8")
            return
        rel = path.lstrip("/") or "index.html"
        target = (self.root / rel).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() and target.with_suffix(".html").is_file():
            target = target.with_suffix(".html")
        if self.root not in target.parents or not target.is_file():
            self._send(404, b"not found\n", "text/plain; charset=utf-8")
            return
        body = target.read_bytes().replace(b"{{BASE}}", self.base.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag or (
            self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == CORPUS_MTIME
        ):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".xml":
            ctype = "application/rss+xml" if "rss" in body[:400].decode("utf-8", "replace") else "application/atom+xml"
        if ctype.startswith("text/") or ctype.endswith("+xml"):
            ctype += "; charset=utf-8"
        headers = {"ETag": etag, "Last-Modified": CORPUS_MTIME, "Date": email.utils.formatdate(usegmt=True)}
        self._send(200, body, ctype, headers)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the pipeline opens many connections at once; the default backlog is 5


def _bind(port: int) -> ThreadingHTTPServer | None:
    try:
        return _Server(("127.0.0.1", port), _Handler)
    except OSError:
        return None


@contextmanager
def serve_corpus(root: Path | None = None, port: int | None = PREFERRED_PORT) -> Iterator[str]:
    """Serve a corpus folder on 127.0.0.1 in a background thread; yield its base URL."""
    site = (root or EXAMPLES_DIR / "site").resolve()
    server = _bind(port) if port else None
    if server is None:
        server = _bind(0)
    if server is None:  # pragma: no cover - the OS always has a free port for 0
        raise OSError("no free port on 127.0.0.1")
    bound = int(server.server_address[1])
    base = f"http://127.0.0.1:{bound}"
    handler = type("CorpusHandler", (_Handler,), {"root": site, "base": base})
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    log.info("serving %s at %s", site, base)
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def write_sources(base: str, dest: Path, template: Path | None = None) -> Path:
    """Write the demo's sources file with the corpus base URL filled in."""
    text = (template or EXAMPLES_DIR / "sources.toml").read_text(encoding="utf-8")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text.replace("{{BASE}}", base), encoding="utf-8")
    return dest
