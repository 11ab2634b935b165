"""A real HTTP server on 127.0.0.1 for connector tests: static fixtures with ETag/Last-Modified, and faults.

A test module wraps `running_server()` in its own fixture (importing a fixture by name trips linters):

    @pytest.fixture
    def srv() -> Iterator[FixtureServer]:
        with running_server() as s:
            yield s

Routes are exact paths (with or without the query string). Bodies may contain `{base}`, replaced by the
server's own origin so that fixture feeds and posts can link to fixture articles.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Req:
    """What the handler saw of a request."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    """A response, or a fault: 'reset' (TCP RST), 'sleep' (delay seconds, then reply), 'stream' (n bytes, no length)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fault: str | None = None
    delay: float = 0.0
    stream_bytes: int = 0


Handler = Callable[[Req], Reply]


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops connections under the bursts the connectors make.
    request_queue_size = 256


class FixtureServer:
    """Routes, request log and the running ThreadingHTTPServer."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Req] = []
        self._bodies = 0
        self._lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), _make_handler(self))
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FixtureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path or f"{r.path}?{r.query}" == path)

    def bodies_served(self) -> int:
        with self._lock:
            return self._bodies

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def static(
        self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", *,
        etag: bool = True, last_modified: str | None = "Fri, 13 Feb 2026 10:00:00 GMT", status: int = 200,
        headers: dict[str, str] | None = None, gzip_body: bool = False,
    ) -> None:
        """Serve a fixed body that honours If-None-Match / If-Modified-Since."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        raw = raw.replace(b"{base}", self.base.encode())
        tag = '"' + hashlib.sha1(raw).hexdigest()[:16] + '"'

        def handler(req: Req) -> Reply:
            hdrs = {"content-type": content_type, **(headers or {})}
            if etag:
                hdrs["etag"] = tag
            if last_modified:
                hdrs["last-modified"] = last_modified
            inm = req.headers.get("if-none-match")
            ims = req.headers.get("if-modified-since")
            if (etag and inm == tag) or (not etag and last_modified and ims == last_modified):
                return Reply(304, {k: v for k, v in hdrs.items() if k != "content-type"})
            payload = raw
            if gzip_body:
                payload = gzip.compress(raw)
                hdrs["content-encoding"] = "gzip"
            return Reply(status, hdrs, payload)

        self.route(path, handler)

    def fixture(self, path: str, name: str, content_type: str, **kw: Any) -> None:
        """Serve a file from tests/fixtures/ at a path."""
        self.static(path, (FIXTURES / name).read_bytes(), content_type, **kw)

    def sequence(self, path: str, replies: list[Reply]) -> None:
        """Serve the given replies in order; the last one repeats."""
        state = {"i": 0}

        def handler(req: Req) -> Reply:
            i = min(state["i"], len(replies) - 1)
            state["i"] += 1
            return replies[i]

        self.route(path, handler)

    def robots(self, text: str) -> None:
        self.static("/robots.txt", text, "text/plain")


def _make_handler(server: FixtureServer) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes; Nagle would add 40 ms

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            req = Req(self.command, parts.path, parts.query, {k.lower(): v for k, v in self.headers.items()}, body)
            with server._lock:
                server.requests.append(req)
            handler = server.routes.get(f"{parts.path}?{parts.query}") or server.routes.get(parts.path)
            reply = handler(req) if handler else Reply(404, {"content-type": "text/plain"}, b"not found")
            if reply.fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.fault == "stream":
                    self.send_header("connection", "close")
                    self.end_headers()
                    chunk = b"x" * 65536
                    sent = 0
                    while sent < reply.stream_bytes:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                    self.close_connection = True
                    return
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                if reply.body and self.command != "HEAD":
                    self.wfile.write(reply.body)
                    with server._lock:
                        server._bodies += 1
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = _handle  # noqa: N815 - the names http.server dispatches to
        do_POST = _handle  # noqa: N815
        do_HEAD = _handle  # noqa: N815

    return H


@contextmanager
def running_server() -> Iterator[FixtureServer]:
    """A fresh loopback HTTP server (robots.txt allows everything unless a test says otherwise)."""
    srv = FixtureServer().start()
    srv.robots("User-agent: *\nAllow: /\n")
    try:
        yield srv
    finally:
        srv.stop()


def fast_settings(**overrides: Any) -> Any:
    """Settings tuned for loopback tests: short timeouts, tiny backoff, no per-host interval."""
    from claimwatch.settings import Settings

    values: dict[str, Any] = {
        "connect_timeout": 2.0, "read_timeout": 1.0, "retries": 2, "backoff_seconds": 0.01,
        "max_retry_after": 0.05, "per_host_interval": 0.0, "per_host_concurrency": 4, "max_body_bytes": 1_000_000,
    }
    values.update(overrides)
    return Settings(**values)


def serve_corpus(srv: FixtureServer) -> None:
    """Serve every connector fixture at the paths the real APIs use."""
    for rel in ("articles/lag-report.html", "articles/us-lead.html", "articles/open-closed.html",
                "2026/02/10/parity.html", "syndication/lag-report-copy.html"):
        srv.fixture("/" + rel, rel, "text/html; charset=utf-8")
    srv.fixture("/feed.rss", "feed.rss", "application/rss+xml; charset=utf-8")
    srv.fixture("/feed.atom", "feed.atom", "application/atom+xml")
    srv.fixture("/api/v1/search_by_date", "hn_search_by_date.json", "application/json; charset=utf-8", etag=False,
                last_modified=None)
    srv.fixture("/api/v1/timelines/tag/ai", "mastodon_tag_timeline.json", "application/json; charset=utf-8",
                etag=False, last_modified=None)
    srv.fixture("/xrpc/app.bsky.feed.getAuthorFeed", "bsky_author_feed.json", "application/json; charset=utf-8")
    srv.fixture("/r/LocalLLaMA/new/.rss", "reddit_new.atom", "application/atom+xml; charset=UTF-8")
    session = (FIXTURES / "bsky_create_session.json").read_bytes()
    search = (FIXTURES / "bsky_search_posts.json").read_bytes().replace(b"{base}", srv.base.encode())
    tweets = (FIXTURES / "x_search_recent.json").read_bytes().replace(b"{base}", srv.base.encode())

    def create_session(req: Req) -> Reply:
        import json

        creds = json.loads(req.body or b"{}")
        if req.method != "POST" or not creds.get("identifier") or not creds.get("password"):
            return Reply(401, {"content-type": "application/json"}, b'{"error":"AuthenticationRequired"}')
        return Reply(200, {"content-type": "application/json"}, session)

    def search_posts(req: Req) -> Reply:
        if req.headers.get("authorization") != "Bearer eyJhbGciOiJFUzI1NiJ9.fixture-access.sig":
            return Reply(401, {"content-type": "application/json"}, b'{"error":"AuthMissing"}')
        return Reply(200, {"content-type": "application/json"}, search)

    def x_search(req: Req) -> Reply:
        if not req.headers.get("authorization", "").startswith("Bearer "):
            return Reply(401, {"content-type": "application/problem+json"}, b'{"title":"Unauthorized","status":401}')
        return Reply(200, {"content-type": "application/json; charset=utf-8"}, tweets)

    srv.route("/xrpc/com.atproto.server.createSession", create_session)
    srv.route("/xrpc/app.bsky.feed.searchPosts", search_posts)
    srv.route("/2/tweets/search/recent", x_search)


def corpus_sources(srv: FixtureServer) -> list[Any]:
    """One source of every type, pointed at the fixture server."""
    from sources.config import SourceConfig

    b = srv.base
    common: dict[str, Any] = {"allow_private": True}
    return [
        SourceConfig(name="ledger", type="rss", url=f"{b}/feed.rss", **common),
        SourceConfig(name="aggregator", type="rss", url=f"{b}/feed.atom", **common),
        SourceConfig(name="parity-page", type="page", url=f"{b}/2026/02/10/parity.html", **common),
        SourceConfig(name="hn", type="hackernews", query="ai", api_base=b, **common),
        SourceConfig(name="masto", type="mastodon", instance="mastodon.social", tag="ai", api_base=b, **common),
        SourceConfig(name="bsky", type="bluesky", actor="aiwatch.bsky.social", api_base=b, **common),
        SourceConfig(name="bsky-search", type="bluesky", query="open models", api_base=b, **common),
        SourceConfig(name="reddit", type="reddit", subreddit="LocalLLaMA", api_base=b, **common),
        SourceConfig(name="x", type="x", query="AI lag", api_base=b, **common),
    ]


def ingest(sources: Any, state: Any, settings: Any, run_id: str) -> Any:
    """sources.ingest.ingest with the post reader the ingest stage passes (extractors.posts)."""
    from extractors import posts
    from sources.ingest import ingest as _ingest

    return _ingest(sources, state, settings, run_id, posts=posts)


def ingest_source(source: Any, state: Any, settings: Any, run_id: str) -> Any:
    """sources.ingest.ingest_source with the post reader the ingest stage passes (extractors.posts)."""
    return ingest([source], state, settings, run_id)


async def ingest_async(sources: Any, state: Any, settings: Any, run_id: str, client: Any = None) -> Any:
    """sources.ingest.ingest_async with the post reader the ingest stage passes (extractors.posts)."""
    from extractors import posts
    from sources.ingest import ingest_async as _ingest_async

    return await _ingest_async(sources, state, settings, run_id, client=client, posts=posts)
