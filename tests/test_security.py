"""Security: untrusted URLs never reach internal networks, bodies are capped, no script runs, secrets stay secret,
and `claimwatch sql` cannot write.

No test here sends a packet anywhere but 127.0.0.1. The SSRF tests only ever assert refusals, and every
pipeline-level test installs a safety net under the HTTP client that records each socket the client tries to
open and refuses any target other than 127.0.0.1 — so even a regression in the guard could not reach
another host, and the test would say so.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import anyio
import httpcore
import pytest

import sources.http as http_mod
from extractors.article import parse_html
from flows.artifacts import run_summary_markdown
from sources.http import SSRFBlocked, _GuardedBackend, check_url, is_forbidden_address
from stages import utcnow
from tests.faultserver import RouteServer, route_server, send, write_sources
from tests.prefect_api import run_pipeline
from warehouse import reader, writer

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("claimwatch"))
FIXTURES = ROOT / "tests" / "fixtures"
X_TOKEN = "sekrit-token-123"
BSKY_PASSWORD = "app-pass-wxyz-9876"
SESSION_JWT = "eyJhbGciOiJFUzI1NiJ9.fixture-access.sig"  # handed out by the fixture createSession
REFRESH_JWT = "eyJhbGciOiJFUzI1NiJ9.fixture-refresh.sig"
SECRETS = (X_TOKEN, BSKY_PASSWORD, SESSION_JWT, REFRESH_JWT)
FAST = {"CLAIMWATCH_PER_HOST_INTERVAL": "0", "CLAIMWATCH_RETRIES": "1", "CLAIMWATCH_BACKOFF_SECONDS": "0.01",
        "CLAIMWATCH_MAX_RETRY_AFTER": "0.05", "CLAIMWATCH_READ_TIMEOUT": "2", "CLAIMWATCH_CONNECT_TIMEOUT": "1"}
CLAIM = "Open-weight models are about five months behind GPT-5, the analysts said in their report."
PARA = ("Researchers compared release dates and benchmark scores across dozens of models released since 2023, "
        "and most of them agreed that the gap depends on the benchmark and on the month it is measured. ")

PRIVATE_URLS = [
    "http://10.0.0.1/admin", "http://10.255.255.254:8080/", "http://192.168.1.1/", "http://172.16.0.1/",
    "http://172.31.255.255/", "http://127.0.0.1/", "http://127.0.0.53:53/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://0.0.0.0/",
    "http://localhost/", "http://api.localhost:8000/",
]


# ---------------------------------------------------------------------------------------------- safety net


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every TCP connect the HTTP client attempts; refuse (never open) anything but 127.0.0.1."""
    from httpcore._backends.anyio import AnyIOBackend

    seen: list[str] = []

    original = AnyIOBackend.connect_tcp

    async def guarded(self: Any, host: str, port: int, *args: Any, **kw: Any) -> Any:
        seen.append(host)
        if host != "127.0.0.1":
            raise httpcore.ConnectError(f"test safety net: refused to open a socket to {host}")
        return await original(self, host, port, *args, **kw)

    monkeypatch.setattr(AnyIOBackend, "connect_tcp", guarded)
    return seen


# ------------------------------------------------------------------------------------------- SSRF guard


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_guard_refuses_private_targets_unless_allowed(url: str) -> None:
    assert check_url(url, allow_private=False), f"{url} must be refused"
    assert check_url(url, allow_private=True) is None  # the explicit opt-in (tests, the demo) lets it through


@pytest.mark.parametrize("url", ["file:///etc/passwd", "file://localhost/etc/shadow", "gopher://10.0.0.1/",
                                 "ftp://192.168.1.1/x", "dict://127.0.0.1:11211/", "javascript:alert(1)"])
def test_non_http_schemes_are_refused_even_when_private_is_allowed(url: str) -> None:
    assert check_url(url, allow_private=False) and check_url(url, allow_private=True)


class _RecordingBackend(httpcore.AsyncNetworkBackend):
    """Stands in for the real network: records what it was asked to connect to and never connects."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        self.calls.append(host)
        raise httpcore.ConnectError("recording backend never connects")

    async def sleep(self, seconds: float) -> None:
        return None


@pytest.mark.parametrize("host", [
    "2130706433",  # 127.0.0.1 written as one decimal number: not an IP literal to check_url, resolves to loopback
    "0x7f000001", "127.1", "0177.0.0.1", "0", "169.254.169.254", "::1", "10.1.2.3",
])
def test_guard_at_connect_refuses_names_that_resolve_privately(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Numeric tricks pass the URL check as host names; the connect-time guard refuses their resolved address."""
    real = socket.getaddrinfo

    async def numeric_only(host: str, port: int, **kw: Any) -> list[Any]:
        # Resolve numeric forms only (the C library's inet_aton rules): no DNS query ever leaves the machine.
        return real(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)

    monkeypatch.setattr(anyio, "getaddrinfo", numeric_only)
    inner = _RecordingBackend()

    async def go() -> None:
        await _GuardedBackend(inner).connect_tcp(host, 80)

    with pytest.raises(SSRFBlocked):
        anyio.run(go)
    assert inner.calls == []  # refused before any connection was attempted


def test_a_mixed_dns_answer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    async def fake(host: str, port: int, **kw: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(anyio, "getaddrinfo", fake)
    inner = _RecordingBackend()
    with pytest.raises(SSRFBlocked):
        anyio.run(lambda: _GuardedBackend(inner).connect_tcp("rebind.example", 80))
    assert inner.calls == []


# ------------------------------------------------------------------- feeds and posts carrying private links


def _article(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head><body><main>"
            f"<article><h1>{title}</h1><p>{body}</p><p>{PARA}</p><p>{PARA}</p></article></main></body></html>")


INTERNAL_NAMES = {"metadata.internal.test": "169.254.169.254", "intranet.internal.test": "10.20.30.40"}


@pytest.fixture
def public_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this machine's 127.0.0.1 count as a public address and two test names resolve to internal ones.

    That lets a source with allow_private = false read a feed from the loopback server while every other
    private target it links to stays forbidden. Name resolution never leaves the process.
    """
    real_forbidden = is_forbidden_address
    monkeypatch.setattr(http_mod, "is_forbidden_address", lambda a: a != "127.0.0.1" and real_forbidden(a))

    async def fake_getaddrinfo(host: str, port: int, **kw: Any) -> list[Any]:
        addr = INTERNAL_NAMES.get(host) or (host if host in ("127.0.0.1", "::1") else None)
        if addr is None:
            raise socket.gaierror(socket.EAI_NONAME, f"no such test host {host}")
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (addr, port))]

    monkeypatch.setattr(anyio, "getaddrinfo", fake_getaddrinfo)


def test_feed_and_post_links_to_private_targets_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, connects: list[str], public_loopback: None, prefect_api: None,
) -> None:
    for k, v in FAST.items():
        monkeypatch.setenv(k, v)
    with route_server() as srv:
        port = srv.port
        private_links = [
            "http://10.0.0.1/story.html", "http://192.168.1.1/story.html", "http://172.16.0.1/story.html",
            "http://169.254.169.254/latest/meta-data/iam/", f"http://[::1]:{port}/ok.html",
            f"http://localhost:{port}/ok.html", "http://0.0.0.0/story.html",
            "http://metadata.internal.test/latest/meta-data/", "http://intranet.internal.test/wiki",
        ]
        items = "".join(f"<item><title>t{i}</title><link>{u}</link></item>" for i, u in enumerate(private_links))
        items += "<item><title>file</title><link>file:///etc/passwd</link></item>"
        items += "<item><title>ok</title><link>{base}/ok.html</link></item>"
        srv.static("/feed.xml", f"<?xml version='1.0'?><rss version='2.0'><channel><title>f</title>{items}"
                                "</channel></rss>", "application/rss+xml")
        srv.static("/ok.html", _article("Fine", CLAIM))
        hits = {"hits": [{"objectID": "1", "title": "metadata", "url": "http://169.254.169.254/latest/meta-data/",
                          "author": "a", "created_at_i": 1771000000, "created_at": "2026-02-13T16:26:40Z"}]}
        import json

        srv.static("/api/v1/search_by_date", json.dumps(hits), "application/json")
        sources = write_sources(tmp_path / "sources.toml", [
            {"name": "feed", "type": "rss", "url": srv.url("/feed.xml")},
            {"name": "hn", "type": "hackernews", "query": "ai", "api_base": srv.base},
        ])
        db = tmp_path / "w.duckdb"
        run_pipeline(sources, db)
        served = dict(srv.hits)
    with reader(db) as con:
        rows = con.execute("SELECT url, ok, error_class, message FROM fetch_log").fetchall()
        docs = [r[0] for r in con.execute("SELECT url FROM documents").fetchall()]
    by_url = {r[0]: r for r in rows}
    for link in private_links:
        assert link in by_url, f"no refusal recorded for {link}"
        _url, ok, error_class, message = by_url[link]
        assert not ok and error_class in ("ssrf", "robots"), by_url[link]
        assert "safety net" not in (message or "")
    hn_link = by_url["http://169.254.169.254/latest/meta-data/"]
    assert hn_link[2] == "ssrf"
    assert not any(u.startswith("file:") for u in by_url)  # a file: link is never even attempted
    assert srv.url("/ok.html") in docs  # the one public link was followed and parsed
    assert not any(d in private_links for d in docs)
    assert set(connects) == {"127.0.0.1"}  # the only sockets opened went to the loopback server
    assert "/story.html" not in served and "/latest/meta-data/" not in served


# ------------------------------------------------------------------------- size caps and page scripts


SCRIPTED = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Scripted page</title>
<script>document.write('<p>SCRIPT-WROTE-THIS paragraph</p>'); fetch('/beacon?from=script');</script>
<script type="module">import('/beacon?from=module');</script>
<link rel="preload" href="/beacon?from=preload"><meta http-equiv="refresh" content="0; url=/beacon?from=refresh">
</head><body onload="fetch('/beacon?from=onload')"><main><article><h1>Scripted page</h1>
<p>{CLAIM}</p><p>{PARA}</p>
<script>var hidden = "Closed models are nine months ahead of DeepSeek V3, insiders say in SCRIPT-TEXT.";</script>
<img src="/beacon?from=img" onerror="fetch('/beacon?from=onerror')"><iframe src="/beacon?from=iframe"></iframe>
<p>{PARA}</p></article></main></body></html>"""


def test_no_page_script_runs_and_bodies_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   connects: list[str], prefect_api: None) -> None:
    for k, v in {**FAST, "CLAIMWATCH_MAX_BODY_BYTES": "100000"}.items():
        monkeypatch.setenv(k, v)
    with route_server() as srv:
        srv.static("/scripted.html", SCRIPTED)
        srv.static("/big.html", _article("Big", CLAIM + " " + PARA * 2000))  # ~430 KB > the 100 KB cap
        srv.route("/declared.html", _declares_huge)
        sources = write_sources(tmp_path / "sources.toml", [
            {"name": n, "type": "page", "url": srv.url(f"/{n}.html"), "allow_private": True}
            for n in ("scripted", "big", "declared")
        ])
        db = tmp_path / "w.duckdb"
        run_pipeline(sources, db)
        beacons = srv.count("/beacon")
    assert beacons == 0  # nothing on the page was executed or loaded: no script, handler, img, iframe, refresh
    with reader(db) as con:
        errors = dict(con.execute("SELECT source, error_class FROM fetch_log WHERE NOT ok").fetchall())
        text = con.execute("SELECT text FROM documents WHERE source = 'scripted'").fetchall()[0][0]
        claims = [r[0] for r in con.execute("SELECT sentence FROM claims").fetchall()]
        biggest = con.execute("SELECT max(octet_length(body)) FROM raw_items").fetchall()[0][0]
    assert errors == {"big": "too_large", "declared": "too_large"}
    assert biggest <= 100_000
    assert "five months behind GPT-5" in text
    for marker in ("SCRIPT-WROTE-THIS", "SCRIPT-TEXT", "document.write", "nine months ahead", "fetch("):
        assert marker not in text
    assert claims and not any("nine months" in c or "SCRIPT" in c for c in claims)
    # The parser alone, too: script and style text never reach a document.
    doc = parse_html(SCRIPTED, "http://127.0.0.1/scripted.html", source="t")
    assert doc is not None and "SCRIPT" not in doc.text and "document.write" not in doc.text


def _declares_huge(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("content-type", "text/html")
    h.send_header("content-length", str(5 * 1024 * 1024 * 1024))
    h.end_headers()
    h.wfile.write(b"<html>")  # the client must give up on the declared length without reading on
    h.wfile.flush()


# ---------------------------------------------------------------------------------------------- secrets


def _serve_apis(srv: RouteServer) -> None:
    tweets = (FIXTURES / "x_search_recent.json").read_bytes().replace(b"{base}", srv.base.encode())
    session = (FIXTURES / "bsky_create_session.json").read_bytes()
    posts = (FIXTURES / "bsky_search_posts.json").read_bytes().replace(b"{base}", srv.base.encode())
    state = {"x": 0}

    def x_search(h: BaseHTTPRequestHandler) -> None:
        auth = h.headers.get("authorization", "")
        state["x"] += 1
        if state["x"] == 1:  # a buggy API that echoes the credential back in an error, headers and body
            send(h, 503, f"upstream error for {auth}".encode(), "text/plain",
                 {"retry-after": "0", "x-debug-auth": auth})
            return
        if auth != f"Bearer {X_TOKEN}":
            send(h, 401, b'{"title":"Unauthorized"}', "application/json")
            return
        send(h, 200, tweets, "application/json")

    def create_session(h: BaseHTTPRequestHandler) -> None:
        import json

        creds = json.loads(getattr(h, "body", b"") or b"{}")
        if creds.get("password") != BSKY_PASSWORD:
            send(h, 401, b'{"error":"AuthenticationRequired"}', "application/json")
            return
        send(h, 200, session, "application/json")

    def search_posts(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("authorization") != f"Bearer {SESSION_JWT}":
            send(h, 401, b'{"error":"AuthMissing"}', "application/json")
            return
        send(h, 200, posts, "application/json")

    srv.route("/2/tweets/search/recent", x_search)
    srv.route("/xrpc/com.atproto.server.createSession", create_session)
    srv.route("/xrpc/app.bsky.feed.searchPosts", search_posts)
    for name in ("us-lead", "lag-report"):
        srv.static(f"/articles/{name}.html", (FIXTURES / "articles" / f"{name}.html").read_bytes())


def _secret_env() -> dict[str, str]:
    return {"CLAIMWATCH_X_BEARER_TOKEN": X_TOKEN, "CLAIMWATCH_BSKY_HANDLE": "claimwatch-test.bsky.social",
            "CLAIMWATCH_BSKY_APP_PASSWORD": BSKY_PASSWORD}


def _api_sources(srv: RouteServer, path: Path) -> Path:
    return write_sources(path, [
        {"name": "x", "type": "x", "query": "AI lag", "api_base": srv.base, "allow_private": True},
        {"name": "bsky", "type": "bluesky", "query": "open models", "api_base": srv.base, "allow_private": True},
    ])


def _assert_no_secret_in(label: str, data: bytes | str) -> None:
    blob = data.encode("utf-8", "replace") if isinstance(data, str) else data
    for secret in SECRETS:
        assert secret.encode() not in blob, f"{secret!r} found in {label}"


def _assert_warehouse_clean(db: Path) -> None:
    for path in (db, db.with_name(db.stem + ".snapshot.duckdb"), db.with_name(db.name + ".wal")):
        if path.exists():
            _assert_no_secret_in(str(path), path.read_bytes())
    # DuckDB compresses strings on disk, so a byte grep alone could miss one: ask every text column too.
    with reader(db) as con:
        cols = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns c JOIN information_schema.tables t "
            "USING (table_schema, table_name) WHERE t.table_type = 'BASE TABLE' "
            "AND (c.data_type IN ('VARCHAR', 'BLOB', 'JSON') OR c.data_type LIKE '%[]' OR c.data_type LIKE 'STRUCT%'"
            " OR c.data_type LIKE 'MAP%')").fetchall()
        assert cols
        for table, column in cols:
            for secret in SECRETS:
                n = con.execute(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS VARCHAR) LIKE ?',
                                [f"%{secret}%"]).fetchall()[0][0]
                assert n == 0, f"{secret!r} stored in {table}.{column}"


def test_secrets_never_reach_logs_warehouse_or_artifacts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, connects: list[str],
    prefect_api: None,
) -> None:
    for k, v in {**FAST, **_secret_env()}.items():
        monkeypatch.setenv(k, v)
    caplog.set_level(logging.DEBUG)
    with route_server() as srv:
        _serve_apis(srv)
        sources = _api_sources(srv, tmp_path / "sources.toml")
        db = tmp_path / "w.duckdb"
        started = utcnow()
        counts = run_pipeline(sources, db)
    with reader(db) as con:
        posts = con.execute("SELECT source, count(*) FROM raw_items WHERE kind = 'post' GROUP BY source").fetchall()
        fetch_log = con.execute("SELECT * FROM fetch_log").fetchall()
        metas = con.execute("SELECT meta FROM raw_items").fetchall()
    assert dict(posts).keys() == {"x", "bsky"}  # the credentials worked: both APIs answered
    _assert_no_secret_in("logs", caplog.text)
    _assert_no_secret_in("fetch_log", repr(fetch_log))
    _assert_no_secret_in("raw_items.meta", repr(metas))
    _assert_no_secret_in("run summary", run_summary_markdown(db, counts["run_id"], started, counts))
    _assert_no_secret_in("counts", repr(counts))
    _assert_warehouse_clean(db)


def test_secrets_never_reach_cli_output_prefect_or_warehouse(tmp_path: Path) -> None:
    """The same through `claimwatch run -v` (the Prefect flow): its output and Prefect's own database stay clean."""
    home = tmp_path / "prefect"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update({**FAST, **_secret_env(), "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180", "PREFECT_LOGGING_LEVEL": "DEBUG"})
    with route_server() as srv:
        _serve_apis(srv)
        sources = _api_sources(srv, tmp_path / "sources.toml")
        db = tmp_path / "w.duckdb"
        proc = subprocess.run([CLI, "-v", "run", "--sources", str(sources), "--db", str(db)], cwd=ROOT, env=env,
                              capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    _assert_no_secret_in("stdout", proc.stdout)
    _assert_no_secret_in("stderr", proc.stderr)
    files = [p for p in home.rglob("*") if p.is_file()]
    assert files  # Prefect's database, logs and artifacts live here
    for path in files:
        _assert_no_secret_in(str(path), path.read_bytes())
    _assert_warehouse_clean(db)


# ---------------------------------------------------------------------------------------- read-only SQL


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty, migrated warehouse with its read snapshot."""
    db = tmp_path_factory.mktemp("sql") / "w.duckdb"
    with writer(db):
        pass
    yield db


@pytest.mark.parametrize("query", [
    "CREATE TABLE t (x INT)",
    "INSERT INTO cursors (source, cursor, updated_at) VALUES ('s', 'c', now())",
    "DELETE FROM claims",
    "select 1; DROP TABLE claims",
    "COPY (SELECT 1) TO '{tmp}/out.csv'",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "SELECT * FROM read_text('/etc/hostname')",
    "SET enable_external_access = true",
    "INSTALL httpfs",
])
def test_sql_command_refuses_writes(small_db: Path, query: str) -> None:
    tmp = small_db.parent
    proc = subprocess.run([CLI, "sql", query.format(tmp=tmp), "--db", str(small_db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not (tmp / "out.csv").exists() and not (tmp / "other.duckdb").exists()
    with reader(small_db) as con:
        assert con.execute("SELECT count(*) FROM cursors").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 't'").fetchall() == [(0,)]
