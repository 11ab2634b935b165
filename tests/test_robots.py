"""robots.txt by RFC 9309 (Protego) against a loopback site: precedence, wildcards, `$`, groups, failures, expiry."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sources.config import SourceConfig
from sources.http import PoliteClient, RobotsEntry, robots_token
from sources.ingest import IngestState, ingest_async
from tests.httpfixture import FixtureServer, Reply, fast_settings, running_server
from warehouse.db import reader, writer
from warehouse.ingest_state import save_result, state_from_db

HTML = "<html><head><title>t</title></head><body><p>Hello there, this is a page.</p></body></html>"
PDF = b"%PDF-1.4 not really a pdf"


@pytest.fixture
def srv() -> Iterator[FixtureServer]:
    with running_server() as s:
        yield s


def _nosleep(_s: float):
    async def done() -> None:
        return None

    return done()


def page(srv: FixtureServer, path: str, name: str) -> SourceConfig:
    return SourceConfig(name=name, type="page", url=srv.url(path), allow_private=True)


def run(sources, state: IngestState | None = None, **overrides):
    state = state or IngestState()
    settings = fast_settings(**overrides)

    async def go():
        client = PoliteClient(settings, "t", cache=state.http_cache, robots=state.robots, sleep=_nosleep)
        try:
            return await ingest_async(sources, state, settings, "t", client=client)
        finally:
            await client.aclose()

    return asyncio.run(go())


def outcome(result) -> dict[str, str]:
    """source -> 'ok' or the error class of its own fetch (robots.txt rows left out)."""
    return {f.source: "ok" if f.ok else str(f.error_class) for f in result.fetches if not f.url.endswith("/robots.txt")}


def site(srv: FixtureServer) -> list[SourceConfig]:
    for path in ("/articles/a.html", "/about.html", "/articles/notes.html"):
        srv.static(path, HTML)
    srv.static("/articles/report.pdf", PDF.decode(), "application/pdf")
    return [page(srv, "/articles/a.html", "article"), page(srv, "/about.html", "about"),
            page(srv, "/articles/report.pdf", "pdf")]


def test_allow_beats_a_shorter_disallow_and_dollar_anchors(srv: FixtureServer, tmp_path: Path):
    # urllib.robotparser took the first matching line (Disallow: /) and refused everything here.
    srv.robots("User-agent: *\nDisallow: /\nAllow: /articles/\nDisallow: /articles/*.pdf$\n")
    result = run(site(srv))
    assert outcome(result) == {"article": "ok", "about": "robots", "pdf": "robots"}
    assert srv.hits("/articles/a.html") == 1
    assert srv.hits("/about.html") == 0 and srv.hits("/articles/report.pdf") == 0
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        save_result(con, result)
    with reader(db) as con:
        rows = con.execute(
            "SELECT source, url, message FROM fetch_log WHERE error_class = 'robots' ORDER BY source").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("about", srv.url("/about.html")), ("pdf", srv.url("/articles/report.pdf"))]
    assert all(r[2] == "disallowed by robots.txt" for r in rows)


def test_wildcards_and_end_anchor(srv: FixtureServer):
    srv.robots("User-agent: *\nDisallow: /*.pdf$\nDisallow: /*/private/\n")
    for path in ("/docs/a.pdf", "/docs/a.pdf.html", "/x/private/p.html", "/x/public/p.html"):
        srv.static(path, HTML)
    srcs = [page(srv, "/docs/a.pdf", "pdf"), page(srv, "/docs/a.pdf.html", "not-pdf"),
            page(srv, "/x/private/p.html", "private"), page(srv, "/x/public/p.html", "public")]
    assert outcome(run(srcs)) == {"pdf": "robots", "not-pdf": "ok", "private": "robots", "public": "ok"}


def test_the_most_specific_user_agent_group_applies(srv: FixtureServer):
    srv.robots("User-agent: *\nDisallow: /\n\nUser-agent: claimwatch\nDisallow: /drafts/\n\n"
               "User-agent: otherbot\nAllow: /\n")
    srv.static("/drafts/d.html", HTML)
    srv.static("/news/n.html", HTML)
    srcs = [page(srv, "/drafts/d.html", "draft"), page(srv, "/news/n.html", "news")]
    assert outcome(run(srcs)) == {"draft": "robots", "news": "ok"}
    # Another product token falls back to the `*` group and is refused everything.
    result = run(srcs, user_agent="otherclaimbot/1.0 (+mailto:ops@example.org)")
    assert outcome(result) == {"draft": "robots", "news": "robots"}


def test_the_group_is_matched_on_the_product_token_only():
    assert robots_token("claimwatch/0.1.0 (+https://example.org/contact; crawler)") == "claimwatch"
    assert robots_token("MyBot") == "MyBot"


def test_a_robots_txt_that_times_out_disallows_the_host_for_a_while(srv: FixtureServer, tmp_path: Path):
    srv.route("/robots.txt", lambda r: Reply(200, {"content-type": "text/plain"}, b"User-agent: *\nAllow: /\n",
                                             fault="sleep", delay=3.0))
    srv.static("/a.html", HTML)
    srv.static("/b.html", HTML)
    state = IngestState()
    result = run([page(srv, "/a.html", "a"), page(srv, "/b.html", "b")], state=state, read_timeout=0.3, retries=0)
    assert outcome(result) == {"a": "robots", "b": "robots"}
    assert srv.hits("/a.html") == 0 and srv.hits("/b.html") == 0
    assert srv.hits("/robots.txt") == 1  # one attempt per host per run, not one per source
    (robots_row,) = [f for f in result.fetches if f.url.endswith("/robots.txt")]
    assert robots_row.error_class == "timeout"
    # The verdict is stored with a short expiry: the next run within it does not ask again...
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        save_result(con, result)
    with writer(db) as con:
        state = state_from_db(con)
    entry = state.robots[srv.base]
    assert entry.unreachable and entry.expires_at - entry.fetched_at == timedelta(minutes=30)
    srv.robots("User-agent: *\nAllow: /\n")
    assert outcome(run([page(srv, "/a.html", "a")], state=state)) == {"a": "robots"}
    assert srv.hits("/robots.txt") == 1
    # ...and once it has expired, robots.txt is fetched again and the site is crawled.
    state.robots[srv.base] = RobotsEntry(body="", status=0, fetched_at=entry.fetched_at - timedelta(hours=1))
    assert outcome(run([page(srv, "/a.html", "a")], state=state)) == {"a": "ok"}


def test_5xx_disallows_but_a_stale_good_copy_stands_in(srv: FixtureServer):
    srv.robots("User-agent: *\nDisallow: /private/\n")
    srv.static("/private/x.html", HTML)
    srv.static("/public/y.html", HTML)
    state = IngestState()
    srcs = [page(srv, "/private/x.html", "priv"), page(srv, "/public/y.html", "pub")]
    assert outcome(run(srcs, state=state)) == {"priv": "robots", "pub": "ok"}
    good = state.robots[srv.base]
    assert not good.unreachable and good.expires_at - good.fetched_at == timedelta(hours=24)
    # Past its 24 h the copy is refetched; the server now answers 503, so the stale copy is used meanwhile.
    state.robots[srv.base] = RobotsEntry(good.body, good.status, good.fetched_at - timedelta(hours=25))
    srv.route("/robots.txt", lambda r: Reply(503, {"content-type": "text/plain"}, b"down"))
    assert outcome(run(srcs, state=state, retries=0)) == {"priv": "robots", "pub": "ok"}
    # With no copy at all, a 5xx means complete disallow.
    assert outcome(run(srcs, retries=0)) == {"priv": "robots", "pub": "robots"}


def test_4xx_means_no_robots_txt_and_allows_everything(srv: FixtureServer):
    srv.route("/robots.txt", lambda r: Reply(404, {"content-type": "text/plain"}, b"none"))
    srv.static("/private/x.html", HTML)
    state = IngestState()
    assert outcome(run([page(srv, "/private/x.html", "p")], state=state)) == {"p": "ok"}
    entry = state.robots[srv.base]
    assert entry.status == 404 and not entry.unreachable and entry.expires_at - entry.fetched_at == timedelta(hours=24)
