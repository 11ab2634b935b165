"""The fault suite at the pipeline level: one run of every stage over a watch list where most sources are broken.

Every bad input a crawler meets is served by a real loopback server — truncated and malformed XML and JSON,
HTML served as a feed, wrong and mixed encodings, a 50 MB page, a gzip bomb, endless redirects, a server that
drips a byte per second, a server that never answers, resets, lying Content-Lengths, a refused port, 429 and
5xx storms — next to good sources. The `pipeline` flow must complete, leave a failed `fetch_log` row
for each fault, and store the good sources' documents and claims. Client-level details of each fault (exact
retry delays, charset choice, redirect hop rows) are in tests/test_sources_http.py; this file checks the
whole pipeline survives them together. Timeouts, retries and backoff come from CLAIMWATCH_* variables, as an
operator would set them, and are small so the file runs in well under a minute.
"""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from claimwatch.settings import load_settings
from tests.faultserver import RouteServer, add_corpus, drip, reset, route_server, send, write_sources
from tests.prefect_api import run_pipeline
from warehouse import reader

RETRIES = 1
ENV = {
    "CLAIMWATCH_RETRIES": str(RETRIES),
    "CLAIMWATCH_BACKOFF_SECONDS": "0.01",
    "CLAIMWATCH_MAX_RETRY_AFTER": "0.05",
    "CLAIMWATCH_CONNECT_TIMEOUT": "1",
    "CLAIMWATCH_READ_TIMEOUT": "0.5",
    "CLAIMWATCH_PER_HOST_INTERVAL": "0",
    "CLAIMWATCH_PER_HOST_CONCURRENCY": "32",
    "CLAIMWATCH_TOTAL_CONCURRENCY": "32",
}
CLAIM = "Open-weight models are about five months behind GPT-5, the analysts said in their report."
PARA = ("Researchers compared release dates and benchmark scores across dozens of models released since 2023, "
        "and most of them agreed that the gap depends on the benchmark and on the month it is measured. ")


def _page(title: str, body_text: str) -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            "<meta property='article:published_time' content='2026-02-01T10:00:00Z'></head><body><main><article>"
            f"<h1>{title}</h1><p>{body_text}</p><p>{PARA}</p><p>{PARA}</p></article></main></body></html>")


# ------------------------------------------------------------------------------------------- fault routes


def _stream_50mb(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("content-type", "text/html; charset=utf-8")
    h.send_header("connection", "close")
    h.end_headers()
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    for _ in range(50 * 1024 * 1024 // len(chunk) + 1):  # no Content-Length: the cap must stop the stream
        h.wfile.write(chunk)
    h.close_connection = True


BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # ~64 KB on the wire, 64 MB inflated


def _bomb(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, BOMB, "text/html; charset=utf-8", {"content-encoding": "gzip"})


def _endless_redirect(h: BaseHTTPRequestHandler) -> None:
    n = int(h.path.rsplit("/", 1)[-1] or 0)
    send(h, 302, b"", None, {"location": f"/redirect/{n + 1}"})


def _never_answers(h: BaseHTTPRequestHandler) -> None:
    # Holds the request past every client timeout (connect 1 s + 3 × read 0.5 s), then gives up quietly.
    import time

    time.sleep(4)
    h.close_connection = True


def _reset_mid_body(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("content-type", "text/html; charset=utf-8")
    h.send_header("content-length", "20000")
    h.end_headers()
    h.wfile.write(b"<html><body><p>" + b"partial " * 60)
    reset(h)


def _short_body(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("content-type", "text/html; charset=utf-8")
    h.send_header("content-length", "20000")
    h.end_headers()
    h.wfile.write(b"<html><body><p>only the start of the promised body")
    h.wfile.flush()
    h.close_connection = True  # FIN after 50 of 20,000 declared bytes


def _storm(statuses: list[int]) -> Any:
    state = {"i": 0}

    def route(h: BaseHTTPRequestHandler) -> None:
        status = statuses[state["i"] % len(statuses)]
        state["i"] += 1
        send(h, status, b"busy", "text/plain", {"retry-after": "1"})

    return route


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Each fault source: (name, type, path or api_base suffix, extra fields, accepted error classes).
FAULTS: list[tuple[str, str, str, dict[str, Any], set[str]]] = [
    ("truncated-xml", "rss", "/truncated.xml", {}, {"parse"}),
    ("malformed-xml", "rss", "/malformed.xml", {}, {"parse"}),
    ("empty-feed", "rss", "/empty.xml", {}, {"parse"}),
    ("html-as-feed", "rss", "/html-feed.xml", {}, {"not_a_feed"}),
    ("truncated-json", "hackernews", "/tj", {"query": "ai"}, {"parse"}),
    ("malformed-json", "mastodon", "/mj", {"tag": "ai"}, {"parse"}),
    ("page-50mb", "page", "/big.html", {}, {"too_large"}),
    ("gzip-bomb", "page", "/bomb.html", {}, {"too_large"}),
    ("endless-redirect", "page", "/redirect/0", {}, {"too_many_redirects"}),
    ("drip-1-byte-per-s", "page", "/drip-slow.html", {}, {"timeout"}),
    ("drip-under-read-timeout", "page", "/drip-fast.html", {}, {"timeout"}),
    ("never-answers", "page", "/hang.html", {}, {"timeout"}),
    ("reset", "page", "/reset.html", {}, {"reset"}),
    ("reset-mid-body", "page", "/reset-mid.html", {}, {"reset"}),
    ("short-body", "page", "/short.html", {}, {"reset"}),
    ("storm-429", "page", "/storm429.html", {}, {"http_status"}),
    ("storm-5xx", "page", "/storm5xx.html", {}, {"http_status"}),
    ("refused-port", "page", "", {}, {"connect", "robots"}),  # robots.txt is the first to fail
]
GOOD = ("good-feed", "good-page", "wrong-charset", "mixed-charset", "half-good-feed")


def _serve(srv: RouteServer) -> list[dict[str, Any]]:
    srv.static("/truncated.xml", "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
                                 "<item><title>cut here", "application/rss+xml")
    srv.static("/malformed.xml", b"<?xml version='1.0'?>\n<rss><channel><<item>>&&&</channel>\x00\xff</rss",
               "application/rss+xml")
    srv.static("/empty.xml", b"", "application/rss+xml")
    srv.static("/html-feed.xml", _page("Subscribe to our newsletter", "Sign up today."), "text/html; charset=utf-8")
    srv.static("/tj/api/v1/search_by_date", '{"hits": [{"objectID": "1", "title": "cut', "application/json")
    srv.static("/mj/api/v1/timelines/tag/ai", "<html><body>Bad gateway</body></html>", "application/json")
    srv.route("/big.html", _stream_50mb)
    srv.route("/bomb.html", _bomb)
    for n in range(40):
        srv.route(f"/redirect/{n}", _endless_redirect)
    srv.route("/drip-slow.html", lambda h: drip(h, 30, 1.0))
    srv.route("/drip-fast.html", lambda h: drip(h, 30, 0.2))
    srv.route("/hang.html", _never_answers)
    srv.route("/reset.html", reset)
    srv.route("/reset-mid.html", _reset_mid_body)
    srv.route("/short.html", _short_body)
    srv.route("/storm429.html", _storm([429]))
    srv.route("/storm5xx.html", _storm([500, 502, 503, 504]))
    # Good sources, and good content in bad encodings.
    good_feed = add_corpus(srv, 4, "/good")
    srv.static("/good-page.html", _page("Lag report", CLAIM))
    wrong = _page("Café report", "Café owners say: " + CLAIM)
    srv.static("/wrong-charset.html", wrong.encode("cp1252"), "text/html; charset=utf-8")
    mixed = _page("Mixed bytes", "Les modèles ouverts, naïve déjà vu. " + CLAIM).encode("utf-8")
    mixed = mixed.replace(b"vu.", b"vu \x93quoted\x94.")  # windows-1252 quotes pasted into UTF-8
    srv.static("/mixed-charset.html", mixed, "text/html")
    # A feed of three good articles plus one entry whose article answers 500 (replaces the corpus feed).
    add_corpus(srv, 3, "/half", first=100)
    srv.route("/half/a/broken.html", lambda h: send(h, 500, b"oops", "text/plain"))
    srv.static("/half/feed.xml", (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>half</title>"
        + "".join(f"<item><title>s{i}</title><link>{{base}}/half/a/{i}.html</link></item>" for i in range(100, 103))
        + "<item><title>broken</title><link>{base}/half/a/broken.html</link></item></channel></rss>"
    ), "application/rss+xml")

    entries: list[dict[str, Any]] = [
        {"name": "good-feed", "type": "rss", "url": good_feed},
        {"name": "good-page", "type": "page", "url": srv.url("/good-page.html")},
        {"name": "wrong-charset", "type": "page", "url": srv.url("/wrong-charset.html")},
        {"name": "mixed-charset", "type": "page", "url": srv.url("/mixed-charset.html")},
        {"name": "half-good-feed", "type": "rss", "url": srv.url("/half/feed.xml")},
    ]
    for name, typ, path, extra, _classes in FAULTS:
        entry: dict[str, Any] = {"name": name, "type": typ, **extra}
        if name == "refused-port":
            entry["url"] = f"http://127.0.0.1:{_free_port()}/nothing-listens.html"
        elif typ in ("hackernews", "mastodon"):
            entry["api_base"] = srv.url(path)
            if typ == "mastodon":
                entry["instance"] = "mastodon.example"
        else:
            entry["url"] = srv.url(path)
        entries.append(entry)
    for e in entries:
        e["allow_private"] = True
    return entries


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> Iterator[dict[str, Any]]:
    """Serve every fault plus good sources, run the whole pipeline once; yield the warehouse and counts."""
    tmp = tmp_path_factory.mktemp("faults")
    db = tmp / "faults.duckdb"
    with route_server() as srv, pytest.MonkeyPatch.context() as mp:
        for k, v in ENV.items():
            mp.setenv(k, v)
        sources = write_sources(tmp / "sources.toml", _serve(srv))
        settings = load_settings()
        counts = run_pipeline(sources, db)
        yield {"db": db, "counts": counts, "srv": srv, "settings": settings}


def _q(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with reader(db) as con:
        return con.execute(sql, params or []).fetchall()


def test_settings_come_from_the_environment(faulty_run: dict[str, Any]) -> None:
    s = faulty_run["settings"]
    assert (s.retries, s.read_timeout, s.max_retry_after) == (RETRIES, 0.5, 0.05)
    assert s.max_body_bytes == 8 * 1024 * 1024  # the shipped cap is what stops the 50 MB page and the bomb


def test_run_completes_and_is_recorded(faulty_run: dict[str, Any]) -> None:
    counts = faulty_run["counts"]
    assert set(counts["failed_sources"]) >= {f[0] for f in FAULTS}
    rows = _q(faulty_run["db"], "SELECT status FROM runs WHERE run_id = ?", [counts["run_id"]])
    assert rows == [("completed",)]


@pytest.mark.parametrize("name,classes", [(f[0], f[4]) for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_each_fault_leaves_an_error_row(faulty_run: dict[str, Any], name: str, classes: set[str]) -> None:
    rows = _q(faulty_run["db"], "SELECT url, ok, error_class, message FROM fetch_log WHERE source = ? "
                                "AND url NOT LIKE '%/robots.txt'", [name])
    assert rows, f"no fetch_log row for {name}"
    failed = [r for r in rows if not r[1]]
    assert failed and {r[2] for r in failed} <= classes, rows
    assert all(r[3] for r in failed), "every failure carries a message"
    # Nothing from a failed fetch became a document (bad feeds are kept raw for diagnosis, never parsed).
    docs = _q(faulty_run["db"], "SELECT count(*) FROM documents WHERE source = ?", [name])
    assert docs == [(0,)]


@pytest.mark.parametrize("name", ["storm-429", "storm-5xx", "reset", "drip-1-byte-per-s", "never-answers"])
def test_transient_faults_are_retried_then_given_up(faulty_run: dict[str, Any], name: str) -> None:
    rows = _q(faulty_run["db"], "SELECT ok, message FROM fetch_log WHERE source = ? AND url NOT LIKE '%/robots.txt'",
              [name])
    assert len(rows) == RETRIES + 1 and not any(ok for ok, _ in rows)
    assert rows[0][1].startswith("will retry") or any(m.startswith("will retry") for _, m in rows)


def test_oversize_bodies_are_not_stored(faulty_run: dict[str, Any]) -> None:
    rows = _q(faulty_run["db"], "SELECT source, bytes FROM fetch_log WHERE source IN ('page-50mb', 'gzip-bomb')")
    assert rows and all(b == 0 for _, b in rows)
    raw = _q(faulty_run["db"], "SELECT count(*), coalesce(max(octet_length(body)), 0) FROM raw_items")
    assert raw[0][1] < 1_000_000


def test_good_sources_documents_and_claims_are_stored(faulty_run: dict[str, Any]) -> None:
    db = faulty_run["db"]
    per_source = dict(_q(db, "SELECT d.source, count(DISTINCT c.claim_id) FROM documents d "
                             "LEFT JOIN claims c USING (doc_id) GROUP BY d.source"))
    for name in GOOD:
        assert per_source.get(name, 0) > 0, f"{name}: no claims stored ({per_source})"
    docs = dict(_q(db, "SELECT source, count(*) FROM documents GROUP BY source"))
    assert docs["good-feed"] == 4 and docs["half-good-feed"] == 3


def test_wrong_and_mixed_encodings_are_decoded(faulty_run: dict[str, Any]) -> None:
    texts = dict(_q(faulty_run["db"], "SELECT source, text FROM documents WHERE source IN "
                                      "('wrong-charset', 'mixed-charset')"))
    assert "Café owners say" in texts["wrong-charset"]
    assert "naïve déjà vu" in texts["mixed-charset"] and "five months behind GPT-5" in texts["mixed-charset"]


def test_a_failed_linked_article_does_not_sink_its_feed(faulty_run: dict[str, Any]) -> None:
    db = faulty_run["db"]
    rows = _q(db, "SELECT ok, status FROM fetch_log WHERE url LIKE '%/half/a/broken.html'")
    assert rows and not any(ok for ok, _ in rows) and {s for _, s in rows} == {500}
    ok_articles = _q(db, "SELECT count(*) FROM raw_items WHERE source = 'half-good-feed' AND kind = 'article'")
    assert ok_articles == [(3,)]
