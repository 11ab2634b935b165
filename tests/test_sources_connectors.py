"""Every connector against recorded-shape fixtures on a loopback server: items, links, cursors, re-runs."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from sources.config import SourceConfig
from sources.ingest import IngestState
from tests.httpfixture import (
    FixtureServer,
    corpus_sources,
    fast_settings,
    ingest,
    ingest_source,
    running_server,
    serve_corpus,
)


@pytest.fixture
def srv() -> Iterator[FixtureServer]:
    with running_server() as s:
        yield s


TOKEN = "test-bearer-token-123"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CLAIMWATCH_BSKY_HANDLE", "claimwatch-test.bsky.social")
    monkeypatch.setenv("CLAIMWATCH_BSKY_APP_PASSWORD", APP_PASSWORD)


def by_source(result, name):
    return [i for i in result.items if i.source == name]


def test_every_connector_ingests_and_rerun_downloads_no_unchanged_body(srv: FixtureServer, creds):
    serve_corpus(srv)
    state = IngestState()
    first = ingest(corpus_sources(srv), state, fast_settings(), "run-1")
    assert first.failed_sources == []
    assert all(f.ok for f in first.fetches), [(f.url, f.error_class, f.message) for f in first.fetches if not f.ok]
    kinds = {(i.source, i.kind) for i in first.items}
    for src in ("ledger", "aggregator"):
        assert (src, "feed") in kinds and (src, "article") in kinds
    # The page source and the feed share one fetch of the same URL; the first source in the list keeps it.
    assert srv.url("/2026/02/10/parity.html") in {i.url for i in first.items if i.kind in ("page", "article")}
    assert srv.hits("/2026/02/10/parity.html") == 1
    for src in ("hn", "masto", "bsky", "bsky-search", "reddit", "x"):
        assert (src, "post") in kinds, src
    assert set(first.cursors) == {"hn", "masto", "bsky", "bsky-search", "reddit", "x"}

    # Second run: feeds, articles and the author feed answer 304; the APIs answer with nothing new.
    second = ingest(corpus_sources(srv), state, fast_settings(), "run-2")
    assert second.items == []
    assert second.failed_sources == []
    revalidated = {f.url for f in second.fetches if f.not_modified}
    assert srv.url("/feed.rss") in revalidated
    assert srv.url("/feed.atom") in revalidated
    assert srv.url("/2026/02/10/parity.html") in revalidated
    pages = [f for f in second.fetches if f.bytes and (".html" in f.url or f.url.endswith((".rss", ".atom")))]
    assert pages == []


def test_rss_entries_become_articles_with_entry_meta(srv: FixtureServer):
    serve_corpus(srv)
    src = SourceConfig(name="ledger", type="rss", url=srv.url("/feed.rss"), allow_private=True)
    result = ingest_source(src, IngestState(), fast_settings(), "r")
    articles = {i.url: i for i in result.items if i.kind == "article"}
    lag = articles[srv.url("/articles/lag-report.html?utm_source=rss")]
    assert lag.parent_url == srv.url("/feed.rss")
    assert lag.meta["entry_title"] == "Open models are five months behind, report finds"
    assert lag.meta["entry_author"] == "Ada Quill"
    assert lag.meta["entry_published"].startswith("2026-02-12T13:30:00")
    assert lag.encoding == "utf-8" and lag.etag and lag.status == 200
    # The relative link in the feed is resolved against the feed URL.
    assert srv.url("/2026/02/10/parity.html") in articles


def test_max_items_caps_entries(srv: FixtureServer):
    serve_corpus(srv)
    src = SourceConfig(name="ledger", type="rss", url=srv.url("/feed.rss"), allow_private=True, max_items=1)
    result = ingest_source(src, IngestState(), fast_settings(), "r")
    assert len([i for i in result.items if i.kind == "article"]) == 1


def test_hackernews_posts_cursor_and_linked_article(srv: FixtureServer):
    serve_corpus(srv)
    src = SourceConfig(name="hn", type="hackernews", query="ai", api_base=srv.base, allow_private=True)
    state = IngestState()
    result = ingest_source(src, state, fast_settings(), "r")
    posts = [i for i in result.items if i.kind == "post"]
    assert [p.url for p in posts] == [
        "https://news.ycombinator.com/item?id=43100002", "https://news.ycombinator.com/item?id=43100001",
    ]
    assert json.loads(posts[0].body)["created_at_i"] == 1771063500
    article = next(i for i in result.items if i.kind == "article")
    assert article.parent_url == "https://news.ycombinator.com/item?id=43100002"
    assert result.cursors["hn"] == "1771063500"
    # The next request asks only for newer stories.
    ingest_source(src, state, fast_settings(), "r2")
    last = [r for r in srv.requests if r.path == "/api/v1/search_by_date"][-1]
    assert "numericFilters=created_at_i%3E1771063500" in last.query


def test_mastodon_since_id_and_links_skip_mentions_and_hashtags(srv: FixtureServer):
    serve_corpus(srv)
    src = SourceConfig(name="m", type="mastodon", instance="mastodon.social", tag="ai", api_base=srv.base,
                       allow_private=True)
    state = IngestState()
    result = ingest_source(src, state, fast_settings(), "r")
    articles = [i for i in result.items if i.kind == "article"]
    assert [a.url for a in articles] == [srv.url("/articles/us-lead.html")]
    assert articles[0].parent_url == "https://mastodon.social/@aiwatch/113900000000000002"
    assert result.cursors["m"] == "113900000000000002"
    ingest_source(src, state, fast_settings(), "r2")
    last = [r for r in srv.requests if r.path == "/api/v1/timelines/tag/ai"][-1]
    assert "since_id=113900000000000002" in last.query


def test_bluesky_author_feed_links_from_facets_and_embeds_and_skips_reposts(srv: FixtureServer):
    serve_corpus(srv)
    src = SourceConfig(name="b", type="bluesky", actor="aiwatch.bsky.social", api_base=srv.base,
                       allow_private=True)
    result = ingest_source(src, IngestState(), fast_settings(), "r")
    posts = [i for i in result.items if i.kind == "post"]
    assert len(posts) == 2  # the repost of someone else's post is not the actor's
    articles = {i.url: i.parent_url for i in result.items if i.kind == "article"}
    # One link lives only in a facet (the text shows a truncated URL), the other only in an external embed.
    assert articles == {
        srv.url("/articles/lag-report.html"):
            "https://bsky.app/profile/aiwatch.bsky.social/post/3lhxyzabc2k2a",
        srv.url("/articles/open-closed.html"):
            "https://bsky.app/profile/aiwatch.bsky.social/post/3lhxyzdef4m4b",
    }
    assert result.cursors["b"] == "2026-02-14T11:00:00.456000Z"


def test_bluesky_search_uses_app_password_session_without_leaking_it(srv: FixtureServer, creds):
    serve_corpus(srv)
    src = SourceConfig(name="bs", type="bluesky", query="open models", api_base=srv.base, allow_private=True)
    result = ingest_source(src, IngestState(), fast_settings(), "r")
    assert result.failed_sources == []
    assert len([i for i in result.items if i.kind == "post"]) == 2
    dump = json.dumps([f.model_dump(mode="json") for f in result.fetches])
    dump += json.dumps([i.meta for i in result.items]) + json.dumps(result.cache_rows, default=str)
    assert APP_PASSWORD not in dump and "fixture-access" not in dump
    assert not any("searchPosts" in r["url"] for r in result.cache_rows)


def test_bluesky_search_without_credentials_is_an_auth_error(srv: FixtureServer, monkeypatch):
    monkeypatch.delenv("CLAIMWATCH_BSKY_HANDLE", raising=False)
    monkeypatch.delenv("CLAIMWATCH_BSKY_APP_PASSWORD", raising=False)
    serve_corpus(srv)
    src = SourceConfig(name="bs", type="bluesky", query="q", api_base=srv.base, allow_private=True)
    result = ingest_source(src, IngestState(), fast_settings(), "r")
    assert [f.error_class for f in result.fetches] == ["auth"]
    assert result.failed_sources == ["bs"]


def test_reddit_entries_are_posts_and_submitted_links_are_fetched(srv: FixtureServer):
    serve_corpus(srv)
    src = SourceConfig(name="rd", type="reddit", subreddit="LocalLLaMA", api_base=srv.base,
                       allow_private=True)
    state = IngestState()
    result = ingest_source(src, state, fast_settings(), "r")
    posts = [i for i in result.items if i.kind == "post"]
    assert len(posts) == 2
    articles = [i for i in result.items if i.kind == "article"]
    assert [(a.url, a.parent_url) for a in articles] == [(
        srv.url("/articles/open-closed.html"),
        "https://www.reddit.com/r/LocalLLaMA/comments/1ir0001/the_openclosed_gap_measured/",
    )]
    assert result.cursors["rd"] == "2026-02-14T11:00:00Z"
    again = ingest_source(src, state, fast_settings(), "r2")
    assert again.items == [] and any(f.not_modified for f in again.fetches)


def test_x_recent_search_with_bearer_token(srv: FixtureServer, creds):
    serve_corpus(srv)
    src = SourceConfig(name="x", type="x", query="AI lag", api_base=srv.base, allow_private=True)
    state = IngestState()
    result = ingest_source(src, state, fast_settings(), "r")
    posts = [i for i in result.items if i.kind == "post"]
    assert [p.url for p in posts] == [
        "https://x.com/policydesk/status/1890000000000000002", "https://x.com/forecaster/status/1890000000000000001",
    ]
    body = json.loads(posts[0].body)
    assert body["includes"]["tweets"][0]["id"] == "1889999999999999999"
    assert [i.url for i in result.items if i.kind == "article"] == [srv.url("/articles/us-lead.html")]
    assert result.cursors["x"] == "1890000000000000002"
    seen = [r for r in srv.requests if r.path == "/2/tweets/search/recent"]
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    text = json.dumps([f.model_dump(mode="json") for f in result.fetches]) + json.dumps([i.meta for i in result.items])
    assert TOKEN not in text
    ingest_source(src, state, fast_settings(), "r2")
    seen = [r for r in srv.requests if r.path == "/2/tweets/search/recent"]
    assert "since_id=1890000000000000002" in seen[-1].query


def test_x_without_token_records_auth_error(srv: FixtureServer, monkeypatch):
    monkeypatch.delenv("CLAIMWATCH_X_BEARER_TOKEN", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    src = SourceConfig(name="x", type="x", query="q", api_base=srv.base, allow_private=True)
    result = ingest_source(src, IngestState(), fast_settings(), "r")
    assert [(f.ok, f.error_class) for f in result.fetches] == [(False, "auth")]
    assert srv.hits("/2/tweets/search/recent") == 0
