"""Ingest: a cold run over a generated 5,000-article corpus on loopback, then a re-run on unchanged sources.

The corpus is N article pages (realistic newsroom HTML, ~5 KB each, ETag + Last-Modified) linked from
N / per_feed RSS feeds, served by a threaded http.server on 127.0.0.1 in a child process (so server and
ingester do not share one GIL). The cold run fetches robots.txt, every feed and every article; the re-run
starts from `state_from_db` after the cold result was stored with `save_result` in a DuckDB file, and
should answer every feed with a 304, so it fetches no article and adds no raw_items row.

Reported: cold pages/s (articles + feeds fetched per second of the whole ingest), re-run time ÷ cold time
(`ratio`, goal ≤ 0.05) and bodies downloaded by the re-run (goal 0), counted by both client and server.
Loopback politeness: per_host_interval=0 (the whole corpus is one host, so the default 1 s interval would
measure the sleep, not the ingester); everything else is the default (2 requests in flight per host).
Measured on loopback, more per-host concurrency was slower (2: ~800 pages/s, 8: ~600, 16: ~570): the
client is CPU-bound on two shared cores, and extra in-flight requests only add event-loop contention.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from claimwatch.settings import Settings
from sources.config import SourceConfig
from sources.ingest import IngestState, ingest
from warehouse.db import migrate, open_db
from warehouse.ingest_state import save_result, state_from_db

log = logging.getLogger(__name__)

_TOPICS = (
    ("Chinese open-weight models", "Claude Sonnet 4.5", "behind"),
    ("Open models", "GPT-5", "behind"),
    ("The United States", "China", "ahead of"),
    ("European labs", "the frontier", "behind"),
)


def _article(i: int, base: str) -> bytes:
    subject, reference, rel = _TOPICS[i % len(_TOPICS)]
    months = 3 + i % 10
    day = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=i)
    paras = "\n".join(
        f"<p>Paragraph {k} of story {i}: {subject} are about {months} months {rel} {reference}, according to "
        f"analysts who compared release dates and benchmark scores across dozens of models released since 2023. "
        f"Other researchers disagreed, saying the gap depends on the benchmark and on the month it is measured.</p>"
        for k in range(6)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Story {i}: {subject} and {reference} | Bench Ledger</title>
<link rel="canonical" href="{base}/a/{i}.html?utm_source=bench">
<meta property="og:site_name" content="Bench Ledger">
<meta property="article:published_time" content="{day.isoformat()}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Story {i}","datePublished":"{day.isoformat()}","author":{{"@type":"Person","name":"Writer {i % 37}"}}}}
</script></head>
<body><header><nav><a href="/">Home</a> <a href="/ai">AI</a> <a href="/subscribe">Subscribe</a></nav></header>
<div class="ad">Advertisement</div>
<main><article><h1>Story {i}: {subject} and {reference}</h1><p class="byline">By Writer {i % 37}</p>
{paras}
</article></main>
<aside><h3>Related</h3><ul><li><a href="/a/{(i + 1)}.html">Next story</a></li></ul></aside>
<footer>© 2026 Bench Ledger</footer></body></html>""".encode()


def _feed(f: int, ids: range, base: str) -> bytes:
    items = "\n".join(
        f"<item><title>Story {i}</title><link>{base}/a/{i}.html</link><guid>{base}/a/{i}.html</guid>"
        f"<pubDate>{format_datetime(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=i))}</pubDate></item>"
        for i in ids
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench feed {f}</title>'
            f"<link>{base}/</link><description>bench</description>{items}</channel></rss>").encode()


@dataclass
class Corpus:
    """A running loopback server with the generated corpus, and counters of what it served."""

    base: str
    feeds: list[str]
    n_articles: int
    bodies: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)
    served_200: int = 0
    served_304: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sources(self) -> list[SourceConfig]:
        """One rss source per feed, allowed to reach loopback."""
        per = max(1, self.n_articles // max(1, len(self.feeds)))
        return [SourceConfig(name=f"bench-{k}", type="rss", url=u, allow_private=True, max_items=per)
                for k, u in enumerate(self.feeds)]


def _handler(corpus: Corpus) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes; Nagle would add 40 ms

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            if self.path == "/__stats":
                stats = json.dumps({"served_200": corpus.served_200, "served_304": corpus.served_304}).encode()
                self.send_response(200)
                self.send_header("content-length", str(len(stats)))
                self.end_headers()
                self.wfile.write(stats)
                return
            entry = corpus.bodies.get(self.path.split("?", 1)[0])
            if entry is None:
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            body, etag, ctype = entry
            if self.headers.get("if-none-match") == etag:
                with corpus.lock:
                    corpus.served_304 += 1
                self.send_response(304)
                self.send_header("etag", etag)
                self.end_headers()
                return
            with corpus.lock:
                corpus.served_200 += 1
            self.send_response(200)
            self.send_header("content-type", ctype)
            self.send_header("etag", etag)
            self.send_header("last-modified", "Thu, 01 Jan 2026 00:00:00 GMT")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return H


@contextmanager
def serve_corpus(n_articles: int = 5000, per_feed: int = 500) -> Iterator[Corpus]:
    """Generate and serve the bench corpus on 127.0.0.1 (a free port) in this process; yields the Corpus."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    n_feeds = max(1, (n_articles + per_feed - 1) // per_feed)
    corpus = Corpus(base=base, feeds=[f"{base}/feeds/{f}.xml" for f in range(n_feeds)], n_articles=n_articles)

    def add(path: str, body: bytes, ctype: str) -> None:
        corpus.bodies[path] = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"', ctype)

    add("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    for i in range(n_articles):
        add(f"/a/{i}.html", _article(i, base), "text/html; charset=utf-8")
    for f in range(n_feeds):
        ids = range(f * per_feed, min(n_articles, (f + 1) * per_feed))
        add(f"/feeds/{f}.xml", _feed(f, ids, base), "application/rss+xml; charset=utf-8")
    httpd.RequestHandlerClass = _handler(corpus)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield corpus
    finally:
        httpd.shutdown()
        httpd.server_close()


def _serve_forever(n_articles: int, per_feed: int, conn: Any) -> None:
    with serve_corpus(n_articles, per_feed) as corpus:
        conn.send((corpus.base, corpus.feeds))
        conn.recv()  # block until the parent is done


@contextmanager
def serve_corpus_process(n_articles: int = 5000, per_feed: int = 500) -> Iterator[Corpus]:
    """Serve the corpus from a child process, so the server does not share the ingester's GIL."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve_forever, args=(n_articles, per_feed, child), daemon=True)
    proc.start()
    try:
        base, feeds = parent.recv()
        yield Corpus(base=base, feeds=feeds, n_articles=n_articles)
    finally:
        parent.send("stop")
        proc.join(timeout=10)
        if proc.is_alive():
            proc.terminate()


def _stats(corpus: Corpus) -> dict[str, int]:
    with urllib.request.urlopen(corpus.base + "/__stats", timeout=10) as r:  # loopback, our own server
        data: dict[str, int] = json.loads(r.read())
    return data


def bench_settings() -> Settings:
    """Default settings except no per-host interval (the corpus is one loopback host)."""
    return Settings(per_host_interval=0.0, max_items_per_source=1000)


def run(n_articles: int = 5000, per_feed: int = 500) -> dict[str, Any]:
    """Cold ingest, then a re-run with the cold run's validators; report pages/s, time ratio, bodies re-fetched."""
    settings = bench_settings()
    with serve_corpus_process(n_articles, per_feed) as corpus:
        sources = corpus.sources()
        state = IngestState()
        t0 = time.perf_counter()
        cold = ingest(sources, state, settings, "bench-cold")
        cold_s = time.perf_counter() - t0
        served_cold = _stats(corpus)["served_200"]
        articles = sum(1 for i in cold.items if i.kind == "article")
        feeds = sum(1 for i in cold.items if i.kind == "feed")
        failed = sum(1 for f in cold.fetches if not f.ok)

        with tempfile.TemporaryDirectory() as tmp:
            con = open_db(Path(tmp) / "bench.duckdb")
            try:
                migrate(con)
                t_save = time.perf_counter()
                saved_cold = save_result(con, cold)
                save_s = time.perf_counter() - t_save
                # The re-run starts from what the warehouse holds: validators, cursors, known ids, robots.txt.
                warm_state = state_from_db(con)
                t1 = time.perf_counter()
                rerun = ingest(sources, warm_state, settings, "bench-rerun")
                rerun_s = time.perf_counter() - t1
                saved_rerun = save_result(con, rerun)
            finally:
                con.close()
        served_rerun = _stats(corpus)["served_200"] - served_cold
    result = {
        "ratio": round(rerun_s / cold_s, 4) if cold_s else None,
        "goal": "<= 0.05",
        "articles": n_articles,
        "feeds": len(corpus.feeds),
        "cold_seconds": round(cold_s, 3),
        "cold_pages_per_s": round((articles + feeds) / cold_s, 1) if cold_s else None,
        "cold_articles_fetched": articles,
        "cold_failed_attempts": failed,
        "rerun_seconds": round(rerun_s, 4),
        "rerun_bodies_downloaded_client": rerun.bodies_downloaded,
        "rerun_bodies_served_200": served_rerun,
        "rerun_not_modified": sum(1 for f in rerun.fetches if f.not_modified),
        "rerun_new_items": len(rerun.items),
        "cold_save_seconds": round(save_s, 3),
        "cold_raw_items_stored": saved_cold["raw_items"],
        "rerun_raw_items_added": saved_rerun["raw_items"],
        "settings": {"per_host_interval": settings.per_host_interval,
                     "per_host_concurrency": settings.per_host_concurrency,
                     "total_concurrency": settings.total_concurrency},
    }
    log.info("bench_ingest: %s", result)
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(run(), indent=2))
