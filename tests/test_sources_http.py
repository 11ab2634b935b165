"""The polite client against injected faults on a loopback server: every fault is a logged row, never a crash."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import Iterator

import pytest

from sources.config import SourceConfig
from sources.http import PoliteClient, check_url, is_forbidden_address
from sources.ingest import IngestState
from tests.httpfixture import FixtureServer, Reply, fast_settings, ingest, ingest_async, running_server


@pytest.fixture
def srv() -> Iterator[FixtureServer]:
    with running_server() as s:
        yield s


HTML = "<html><head><title>t</title></head><body><p>Hello there, this is a page.</p></body></html>"


def page(srv: FixtureServer, path: str, name: str = "p", **kw) -> SourceConfig:
    return SourceConfig(name=name, type="page", url=srv.url(path), allow_private=True, **kw)


def run(sources, settings=None, sleep=None, state=None):
    settings = settings or fast_settings()
    state = state or IngestState()

    async def go():
        client = PoliteClient(settings, "t", cache=state.http_cache, robots=state.robots, sleep=sleep)
        try:
            return await ingest_async(sources, state, settings, "t", client=client)
        finally:
            await client.aclose()

    return asyncio.run(go())


def rows(result, path_suffix):
    return [f for f in result.fetches if f.url.endswith(path_suffix)]


def test_user_agent_and_conditional_get(srv: FixtureServer):
    srv.static("/a.html", HTML)
    state = IngestState()
    first = run([page(srv, "/a.html")], state=state)
    assert [i.kind for i in first.items] == ["page"]
    req = next(r for r in srv.requests if r.path == "/a.html")
    assert req.headers["user-agent"] == fast_settings().user_agent
    assert first.cache_rows[0]["etag"] and first.cache_rows[0]["sha256"] == first.items[0].sha256
    second = run([page(srv, "/a.html")], state=state)
    (row,) = rows(second, "/a.html")
    assert row.ok and row.not_modified and row.status == 304 and row.bytes == 0
    assert second.items == [] and second.bodies_downloaded == 0
    last = [r for r in srv.requests if r.path == "/a.html"][-1]
    assert last.headers["if-none-match"] and last.headers["if-modified-since"]


def test_last_modified_only_revalidates(srv: FixtureServer):
    srv.static("/lm.html", HTML, etag=False)
    state = IngestState()
    run([page(srv, "/lm.html")], state=state)
    second = run([page(srv, "/lm.html")], state=state)
    assert rows(second, "/lm.html")[0].not_modified


def test_timeout_is_retried_then_recorded(srv: FixtureServer):
    srv.route("/slow", lambda req: Reply(200, {"content-type": "text/html"}, b"late", delay=1.5))
    result = run([page(srv, "/slow")], settings=fast_settings(read_timeout=0.2, retries=1))
    attempts = rows(result, "/slow")
    assert [a.error_class for a in attempts] == ["timeout", "timeout"]
    assert attempts[0].message.startswith("will retry")
    assert result.failed_sources == ["p"]


def test_5xx_retried_with_backoff_then_recorded(srv: FixtureServer):
    srv.route("/boom", lambda req: Reply(500, {"content-type": "text/plain"}, b"oops"))
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    result = run([page(srv, "/boom")], settings=fast_settings(retries=2, backoff_seconds=0.5,
                                                                          max_retry_after=60), sleep=sleep)
    assert [(a.status, a.error_class) for a in rows(result, "/boom")] == [(500, "http_status")] * 3
    # Exponential: 0.5 then 1.0 (plus at most 10% jitter).
    assert 0.5 <= slept[0] <= 0.55 and 1.0 <= slept[1] <= 1.1


def test_429_retry_after_is_honoured_and_capped(srv: FixtureServer):
    srv.sequence("/busy", [
        Reply(429, {"retry-after": "7", "content-type": "text/plain"}, b"slow down"),
        Reply(503, {"retry-after": "120", "content-type": "text/plain"}, b"maintenance"),
        Reply(200, {"content-type": "text/html; charset=utf-8"}, HTML.encode()),
    ])
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    result = run([page(srv, "/busy")], settings=fast_settings(retries=3, max_retry_after=30), sleep=sleep)
    assert slept == [7.0, 30.0]  # Retry-After: 7 honoured; 120 capped at max_retry_after
    assert [a.status for a in rows(result, "/busy")] == [429, 503, 200]
    assert [i.kind for i in result.items] == ["page"]
    assert result.failed_sources == []


def test_connection_reset_is_recorded_and_retried(srv: FixtureServer):
    srv.sequence("/flaky", [Reply(fault="reset"), Reply(200, {"content-type": "text/html"}, HTML.encode())])
    srv.route("/dead", lambda req: Reply(fault="reset"))
    result = run([page(srv, "/flaky", "flaky"), page(srv, "/dead", "dead")])
    assert [a.error_class for a in rows(result, "/flaky")] == ["reset", None]
    assert {a.error_class for a in rows(result, "/dead")} == {"reset"}
    assert result.failed_sources == ["dead"]


def test_redirects_followed_and_loop_and_cap_refused(srv: FixtureServer):
    srv.static("/final.html", HTML)
    srv.route("/moved", lambda req: Reply(301, {"location": "/final.html"}))
    srv.route("/loop-a", lambda req: Reply(302, {"location": "/loop-b"}))
    srv.route("/loop-b", lambda req: Reply(302, {"location": "/loop-a"}))
    for i in range(6):
        srv.route(f"/chain{i}", lambda req, i=i: Reply(302, {"location": f"/chain{i + 1}"}))
    srv.route("/to-file", lambda req: Reply(302, {"location": "file:///etc/passwd"}))
    result = run([
        page(srv, "/moved", "moved"), page(srv, "/loop-a", "loop"),
        page(srv, "/chain0", "chain"), page(srv, "/to-file", "file"),
    ], settings=fast_settings(max_redirects=3))
    item = next(i for i in result.items if i.source == "moved")
    assert item.url == srv.url("/moved") and item.final_url == srv.url("/final.html")
    errors = {f.source: f.error_class for f in result.fetches if not f.ok}
    assert errors == {"loop": "redirect_loop", "chain": "too_many_redirects", "file": "bad_url"}


def test_oversize_bodies_are_aborted_not_buffered(srv: FixtureServer):
    srv.route("/huge", lambda req: Reply(200, {"content-type": "text/html"}, fault="stream",
                                                    stream_bytes=50 * 1024 * 1024))
    srv.route("/declared", lambda req: Reply(200, {"content-type": "text/html", "x-pad": "1"},
                                                        b"x" * 2_000_000))
    result = run([page(srv, "/huge", "huge"), page(srv, "/declared", "declared")],
                 settings=fast_settings(max_body_bytes=1_000_000))
    for name in ("huge", "declared"):
        (row,) = [f for f in result.fetches if f.source == name and not f.url.endswith("/robots.txt")]
        assert row.error_class == "too_large" and row.bytes == 0
    assert result.items == []


def test_gzip_and_deflate_decoded_and_gzip_bomb_refused(srv: FixtureServer):
    srv.static("/gz.html", HTML, gzip_body=True)
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    body = raw_deflate.compress(HTML.encode()) + raw_deflate.flush()
    srv.route("/deflate.html", lambda req: Reply(200, {"content-type": "text/html",
                                                                  "content-encoding": "deflate"}, body))
    bomb = gzip.compress(b"\0" * (30 * 1024 * 1024))  # ~30 KB on the wire, 30 MB inflated
    srv.route("/bomb.html", lambda req: Reply(200, {"content-type": "text/html",
                                                               "content-encoding": "gzip"}, bomb))
    result = run([page(srv, "/gz.html", "gz"), page(srv, "/deflate.html", "deflate"),
                  page(srv, "/bomb.html", "bomb")], settings=fast_settings(max_body_bytes=1_000_000))
    bodies = {i.source: i.body for i in result.items}
    assert bodies["gz"] == HTML.encode() and bodies["deflate"] == HTML.encode()
    (row,) = rows(result, "/bomb.html")
    assert row.error_class == "too_large" and "decoded body exceeds" in row.message


def test_charsets_wrong_missing_meta_and_bom(srv: FixtureServer):
    text = "<html><body><p>Café – naïve “quotes” déjà vu, a longer sentence for detection purposes.</p></body></html>"
    srv.route("/wrong", lambda r: Reply(200, {"content-type": "text/html; charset=utf-8"},
                                                   text.encode("cp1252")))
    meta = '<html><head><meta charset="iso-8859-1"></head>' + text[6:]
    srv.route("/meta", lambda r: Reply(200, {"content-type": "text/html"}, meta.encode("latin-1",
                                                                                                  "replace")))
    srv.route("/bom", lambda r: Reply(200, {"content-type": "text/html"}, text.encode("utf-16")))
    jp = "<html><body><p>" + "人工知能のモデルは半年遅れていると報告書は述べている。" * 5 + "</p></body></html>"
    srv.route("/none", lambda r: Reply(200, {"content-type": "text/html"}, jp.encode("shift_jis")))
    result = run([page(srv, p, p.strip("/")) for p in ("/wrong", "/meta", "/bom", "/none")])
    enc = {i.source: i.encoding for i in result.items}
    assert enc["wrong"] == "cp1252"
    assert enc["meta"] == "cp1252"  # a declared latin-1 is read as its superset windows-1252
    assert enc["bom"] == "utf-16"
    assert enc["none"] in ("shift_jis", "cp932")
    decoded = {i.source: i.body.decode(i.encoding) for i in result.items}
    assert "Café – naïve" in decoded["wrong"] and "人工知能" in decoded["none"]


def test_malformed_xml_html_as_feed_and_malformed_json(srv: FixtureServer):
    srv.static("/broken.rss", "<?xml version='1.0'?><rss><channel><title>x</title><item><title>a",
                          "application/rss+xml")
    srv.static("/notfeed.rss", "<!DOCTYPE html><html><body><h1>Subscribe!</h1></body></html>",
                          "text/html; charset=utf-8")
    srv.static("/api/v1/search_by_date", '{"hits": [ {"objectID": ', "application/json", etag=False)
    srv.static("/api/v1/timelines/tag/ai", '{"error": "not an array"}', "application/json", etag=False)
    srcs = [
        SourceConfig(name="broken", type="rss", url=srv.url("/broken.rss"), allow_private=True),
        SourceConfig(name="notfeed", type="rss", url=srv.url("/notfeed.rss"), allow_private=True),
        SourceConfig(name="hn", type="hackernews", query="x", api_base=srv.base, allow_private=True),
        SourceConfig(name="m", type="mastodon", tag="ai", instance="x.y", api_base=srv.base,
                     allow_private=True),
    ]
    result = run(srcs)
    errors = {f.source: f.error_class for f in result.fetches if not f.ok}
    assert errors == {"broken": "parse", "notfeed": "not_a_feed", "hn": "parse", "m": "parse"}
    # The bad feed bodies are kept raw for diagnosis, but their validators are not: the next run re-reads them.
    assert {i.source for i in result.items} == {"broken", "notfeed"}
    assert not any(r["url"].endswith((".rss",)) for r in result.cache_rows)


def test_ssrf_refused_without_allow_private(srv: FixtureServer):
    srv.static("/secret", HTML)
    srcs = [
        SourceConfig(name="ip", type="page", url=srv.url("/secret")),
        SourceConfig(name="localhost", type="page", url=f"http://localhost:{srv.port}/secret"),
        SourceConfig(name="meta", type="page", url="http://169.254.169.254/latest/meta-data/"),
        SourceConfig(name="api", type="hackernews", query="x", api_base=srv.base),
    ]
    result = ingest(srcs, IngestState(), fast_settings(), "t")
    assert {f.source: f.error_class for f in result.fetches if "robots" not in f.url} == {
        "ip": "ssrf", "localhost": "ssrf", "meta": "ssrf", "api": "ssrf",
    }
    assert srv.requests == []


def test_ssrf_guard_checks_resolved_addresses_at_connect(srv: FixtureServer, monkeypatch):
    """A public-looking name that resolves to loopback (DNS rebinding) is refused where the socket opens."""
    import anyio

    real = anyio.getaddrinfo

    async def fake(host, port, *a, **kw):
        if host == "news.example":
            return await real("127.0.0.1", port, *a, **kw)
        return await real(host, port, *a, **kw)

    monkeypatch.setattr(anyio, "getaddrinfo", fake)
    srv.static("/x", HTML)
    src = SourceConfig(name="rebind", type="page", url=f"http://news.example:{srv.port}/x")
    result = ingest([src], IngestState(), fast_settings(respect_robots=False), "t")
    assert [(f.error_class, "127.0.0.1" in (f.message or "")) for f in result.fetches] == [("ssrf", True)]
    assert srv.requests == []


@pytest.mark.parametrize("addr,bad", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True), ("169.254.169.254", True),
    ("100.64.0.1", True), ("0.0.0.0", True), ("224.0.0.1", True), ("240.0.0.1", True), ("::1", True),
    ("fe80::1", True), ("fc00::1", True), ("::ffff:127.0.0.1", True), ("ff02::1", True),
    ("93.184.216.34", False), ("2606:2800:220:1:248:1893:25c8:1946", False), ("not-an-ip", True),
])
def test_forbidden_addresses(addr, bad):
    assert is_forbidden_address(addr) is bad


def test_check_url_schemes():
    assert "scheme" in (check_url("file:///etc/passwd", True) or "")
    assert "scheme" in (check_url("gopher://x/", False) or "")
    assert check_url("https://example.com/a", False) is None
    assert check_url("http://127.0.0.1/", True) is None
    assert check_url("http://[::1]/", False)


def test_robots_disallow_unreachable_and_missing(srv: FixtureServer):
    srv.robots("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n")
    srv.static("/private/x.html", HTML)
    srv.static("/public/y.html", HTML)
    state = IngestState()
    result = run([page(srv, "/private/x.html", "priv"), page(srv, "/public/y.html", "pub")],
                 settings=fast_settings(), state=state, sleep=_nosleep)
    errors = {f.source: f.error_class for f in result.fetches if not f.ok}
    assert errors == {"priv": "robots"}
    assert srv.hits("/private/x.html") == 0
    assert [r["host"] for r in result.robots_rows] == [srv.base]
    # Within 24 h the stored robots.txt is reused: no new robots request.
    before = srv.hits("/robots.txt")
    run([page(srv, "/public/y.html", "pub")], state=state, sleep=_nosleep)
    assert srv.hits("/robots.txt") == before


def test_robots_5xx_disallows_and_404_allows(srv: FixtureServer):
    srv.route("/robots.txt", lambda r: Reply(503, {"content-type": "text/plain"}, b"down"))
    srv.static("/a.html", HTML)
    result = run([page(srv, "/a.html")], settings=fast_settings(retries=0))
    assert [f.error_class for f in result.fetches if not f.ok][-1] == "robots"
    assert srv.hits("/a.html") == 0
    srv.route("/robots.txt", lambda r: Reply(404, {"content-type": "text/plain"}, b"none"))
    result = run([page(srv, "/a.html")])
    assert [i.kind for i in result.items] == ["page"]


def test_one_failing_source_never_stops_the_others(srv: FixtureServer):
    srv.static("/good.html", HTML)
    srv.route("/bad.html", lambda r: Reply(500, {}, b""))
    result = run([page(srv, "/bad.html", "bad"), page(srv, "/good.html", "good")],
                 settings=fast_settings(retries=0))
    assert result.failed_sources == ["bad"]
    assert [i.source for i in result.items] == ["good"]
    assert result.summary()["errors"]["bad"][0].endswith("HTTP 500 Internal Server Error")


async def _nosleep(s: float) -> None:
    return None


def test_transient_article_failure_is_queued_and_the_feed_still_revalidates(srv: FixtureServer):
    feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>f</title>"
            "<item><title>ok</title><link>{base}/ok.html</link></item>"
            "<item><title>flaky</title><link>{base}/flaky.html</link></item></channel></rss>")
    srv.static("/f.rss", feed, "application/rss+xml")
    srv.static("/ok.html", HTML)
    srv.route("/flaky.html", lambda r: Reply(503, {"content-type": "text/plain"}, b"busy"))
    src = SourceConfig(name="f", type="rss", url=srv.url("/f.rss"), allow_private=True)
    state = IngestState()
    first = run([src], settings=fast_settings(retries=0), state=state)
    assert srv.url("/f.rss") in {r["url"] for r in first.cache_rows}  # the feed itself is validated
    queued = [(r["url"], r["attempts"], r["status"]) for r in first.retry_rows]
    assert queued == [(srv.url("/flaky.html"), 1, "pending")]
    # still failing: the feed answers 304 (no body) and the queued article alone is retried
    again = run([src], settings=fast_settings(retries=0), state=state)
    assert next(f for f in again.fetches if f.url.endswith("/f.rss")).not_modified
    assert [(r["url"], r["attempts"]) for r in again.retry_rows] == [(srv.url("/flaky.html"), 2)]
    srv.static("/flaky.html", HTML.replace("Hello", "Hi"))
    second = run([src], settings=fast_settings(retries=0), state=state)
    assert [i.url for i in second.items if i.kind == "article"] == [srv.url("/flaky.html")]
    assert second.retry_done == [srv.url("/flaky.html")] and second.retry_rows == []
    third = run([src], settings=fast_settings(retries=0), state=state)
    assert [f.url for f in third.fetches] == [srv.url("/f.rss")] and third.fetches[0].not_modified


def test_authorization_is_not_forwarded_across_origins(srv: FixtureServer, monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_X_BEARER_TOKEN", "secret-token-xyz")
    other = f"http://localhost:{srv.port}"
    srv.route("/2/tweets/search/recent", lambda r: Reply(302, {"location": f"{other}/elsewhere"}))
    srv.static("/elsewhere", '{"meta": {"result_count": 0}}', "application/json", etag=False)
    src = SourceConfig(name="x", type="x", query="q", api_base=srv.base, allow_private=True)
    result = run([src])
    assert result.failed_sources == []
    (hop,) = [r for r in srv.requests if r.path == "/elsewhere"]
    assert "authorization" not in hop.headers
    first = next(r for r in srv.requests if r.path == "/2/tweets/search/recent")
    assert first.headers["authorization"] == "Bearer secret-token-xyz"


def test_non_html_article_links_are_not_downloaded(srv: FixtureServer):
    srv.fixture("/api/v1/search_by_date", "hn_search_by_date.json", "application/json", etag=False)
    srv.route("/articles/lag-report.html", lambda r: Reply(200, {"content-type": "application/pdf"}, b"%PDF" * 1000))
    src = SourceConfig(name="hn", type="hackernews", query="ai", api_base=srv.base, allow_private=True)
    result = run([src])
    (row,) = rows(result, "/articles/lag-report.html")
    assert (row.error_class, row.bytes) == ("content_type", 0)
    assert [i.kind for i in result.items] == ["post", "post"]


def test_crawl_delay_raises_the_host_interval(srv: FixtureServer):
    srv.robots("User-agent: *\nCrawl-delay: 3\n")
    srv.static("/a.html", HTML)
    settings = fast_settings(per_host_interval=0.0, max_retry_after=10)

    async def go():
        client = PoliteClient(settings, "t", sleep=_nosleep)
        try:
            src = page(srv, "/a.html")
            await client.get(src.url or "", source=src)
            return client._host(src.url or "").interval
        finally:
            await client.aclose()

    assert asyncio.run(go()) == 3.0


def test_redirect_to_a_private_address_is_refused_at_the_hop(srv: FixtureServer, monkeypatch):
    import sources.http as http_mod

    # Pretend the fixture server's address is public, so only the redirect target is private.
    monkeypatch.setattr(http_mod, "is_forbidden_address", lambda a: a != "127.0.0.1")
    srv.route("/go", lambda r: Reply(302, {"location": "http://10.0.0.7/admin"}))
    src = SourceConfig(name="r", type="page", url=srv.url("/go"))
    result = run([src], settings=fast_settings(respect_robots=False))
    assert [(f.url, f.status, f.error_class) for f in result.fetches] == [
        (srv.url("/go"), 302, None), ("http://10.0.0.7/admin", None, "ssrf"),
    ]


def test_a_url_fetched_once_per_run_keeps_no_body_afterwards(srv: FixtureServer):
    """get_once shares one fetch; once it is done the client keeps its status and log but not its body."""
    srv.static("/once.html", HTML)
    source = page(srv, "/once.html")

    async def go():
        client = PoliteClient(fast_settings(), "t")
        try:
            first, second = await asyncio.gather(client.get_once(source.url, source=source),
                                                  client.get_once(source.url, source=source))
            later = await client.get_once(source.url, source=source)
            return first, second, later, client
        finally:
            await client.aclose()

    first, second, later, client = asyncio.run(go())
    assert first.body and second.body == first.body and not first.repeat  # in flight: both callers get the body
    assert later.repeat and later.body == b"" and later.status == first.status and later.log is first.log
    assert [f.url for f in client.fetches if f.url == source.url] == [source.url]  # one request for the page
    assert all(not fut.result().body for fut in client._once.values())
