"""A loopback HTTP server whose routes write the raw response themselves, for pipeline-level fault tests.

`tests/httpfixture.py` describes replies as data; the faults here (a byte per second, a reset mid-body, a
Content-Length that lies, a request that blocks until the test releases it) need the socket, so each route
is a function of the request handler. Every loop is bounded; every server binds 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.bench_ingest import _article, _feed

Route = Callable[[BaseHTTPRequestHandler], None]


def send(
    h: BaseHTTPRequestHandler, status: int, body: bytes = b"", ctype: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    """Write a complete response with a correct Content-Length."""
    h.send_response(status)
    if ctype:
        h.send_header("content-type", ctype)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.send_header("content-length", str(len(body)))
    h.end_headers()
    if body and h.command != "HEAD":
        h.wfile.write(body)
        h.wfile.flush()


def reset(h: BaseHTTPRequestHandler) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0), after whatever was already written."""
    with contextlib.suppress(OSError):
        h.wfile.flush()
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def drip(h: BaseHTTPRequestHandler, total: int, interval: float, ctype: str = "text/html; charset=utf-8") -> None:
    """Declare `total` bytes, then send one byte every `interval` seconds (stops when the client leaves)."""
    h.send_response(200)
    h.send_header("content-type", ctype)
    h.send_header("content-length", str(total))
    h.end_headers()
    h.wfile.flush()
    for _ in range(total):
        time.sleep(interval)
        h.wfile.write(b"<")
        h.wfile.flush()


def static(body: bytes, ctype: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> Route:
    """A route serving a fixed body with an ETag, answering 304 to a matching If-None-Match."""
    tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

    def route(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("if-none-match") == tag:
            h.send_response(304)
            h.send_header("etag", tag)
            h.send_header("content-length", "0")
            h.end_headers()
            return
        send(h, 200, body, ctype, {"etag": tag, **(headers or {})})

    return route


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops SYNs when a run opens dozens of connections at once; the client
    # would then see a connect timeout that no real server caused.
    request_queue_size = 256


class RouteServer:
    """A threaded HTTP server on 127.0.0.1 dispatching exact paths (query string optional) to route functions."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.port = int(self.httpd.server_address[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))

    def route(self, path: str, fn: Route) -> None:
        """Serve `fn` at an exact path."""
        self.routes[path] = fn

    def static(self, path: str, body: bytes | str, ctype: str = "text/html; charset=utf-8", **kw: Any) -> None:
        """Serve a fixed body (`{base}` replaced by this server's origin) with ETag revalidation."""
        raw = body.encode() if isinstance(body, str) else body
        self.route(path, static(raw.replace(b"{base}", self.base.encode()), ctype, **kw))

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return self.base + path

    def count(self, path: str) -> int:
        """How many requests reached a path."""
        with self.lock:
            return self.hits[path]

    def count_prefix(self, prefix: str) -> int:
        """How many requests reached paths starting with a prefix."""
        with self.lock:
            return sum(n for p, n in self.hits.items() if p.startswith(prefix))


def _handler(server: RouteServer) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            self.body = self.rfile.read(length) if length else b""
            with server.lock:
                server.hits[parts.path] += 1
            fn = server.routes.get(f"{parts.path}?{parts.query}") or server.routes.get(parts.path)
            try:
                if fn is None:
                    send(self, 404, b"not found", "text/plain")
                else:
                    fn(self)
            except OSError:  # the client gave up (timeout, cap): nothing more to write
                self.close_connection = True

        do_GET = _handle  # noqa: N815 - the names http.server dispatches to
        do_POST = _handle  # noqa: N815

    return H


@contextmanager
def route_server() -> Iterator[RouteServer]:
    """A running RouteServer (robots.txt allows everything unless a test replaces it)."""
    srv = RouteServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def add_corpus(
    srv: RouteServer, n: int, prefix: str = "/c", gate: Callable[[int], None] | None = None, first: int = 0,
) -> str:
    """Serve n claim-bearing articles (numbered from `first`) and one RSS feed listing them; return the feed URL.

    `gate(i)` runs before article i is answered (a test can block there to hold a run mid-ingest).
    """
    ids = range(first, first + n)
    for i in ids:
        body = _article(i, srv.base).replace(b"/a/", f"{prefix}/a/".encode())
        plain = static(body)

        def route(h: BaseHTTPRequestHandler, i: int = i, plain: Route = plain) -> None:
            if gate is not None:
                gate(i)
            plain(h)

        srv.route(f"{prefix}/a/{i}.html", route)
    feed = _feed(0, ids, srv.base).replace(b"/a/", f"{prefix}/a/".encode())
    srv.static(f"{prefix}/feed.xml", feed, "application/rss+xml; charset=utf-8")
    return srv.url(f"{prefix}/feed.xml")


def write_sources(path: Path, entries: list[dict[str, Any]]) -> Path:
    """Write a sources.toml with one [[source]] per dict (strings, bools and ints only)."""
    lines: list[str] = []
    for e in entries:
        lines.append("[[source]]")
        for k, v in e.items():
            if isinstance(v, bool):
                lines.append(f"{k} = {'true' if v else 'false'}")
            elif isinstance(v, int):
                lines.append(f"{k} = {v}")
            else:
                lines.append(f'{k} = "{v}"')
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
