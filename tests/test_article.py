"""Article and post parsing on the fixture corpus and on literal strings: pure functions, no network."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.article import canonicalize_url, dedupe, parse_html, parse_item, parse_item_or_reason
from schemas import Document, RawItem

FIX = Path(__file__).parent / "fixtures"
BASE = "https://news.example"


def item(rel: str, kind: str = "article", *, ctype: str = "text/html; charset=utf-8", body: bytes | None = None,
         source_type: str = "rss", **kw) -> RawItem:
    raw = body if body is not None else (FIX / rel).read_bytes().replace(b"{base}", BASE.encode())
    return RawItem(source="s", source_type=source_type, kind=kind, url=f"{BASE}/{rel}", fetched_at=datetime.now(UTC),
                   content_type=ctype, body=raw, **kw)


def test_jsonld_article_with_canonical_tracking_stripped():
    doc = parse_item(item("articles/lag-report.html", parent_url=f"{BASE}/feed.rss"))
    assert doc is not None
    assert doc.title == "Open models are five months behind, report finds"
    assert doc.authors == ["Ada Quill", "Ben Ortiz"]
    assert doc.published_at == datetime(2026, 2, 12, 13, 30, tzinfo=UTC)
    assert doc.updated_at == datetime(2026, 2, 13, 10, 0, tzinfo=UTC)
    assert doc.canonical_url == f"{BASE}/articles/lag-report.html?page=1"  # utm_*, fbclid gone; page kept
    assert doc.outlet == "The Example Ledger" and doc.lang == "en"
    assert doc.discovered_via == f"{BASE}/feed.rss"
    paragraphs = doc.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Chinese open-weight models are about five months behind Claude Sonnet 4.5")
    for chrome in ("Advertisement", "Subscribe", "Related", "All rights reserved", "Markets close"):
        assert chrome not in doc.text


def test_meta_tags_only_article():
    doc = parse_item(item("articles/us-lead.html"))
    assert doc is not None
    assert doc.title == "The US leads China in frontier AI by about seven months"
    assert doc.authors == ["Jane Roe", "John Doe"]
    assert doc.published_at == datetime(2026, 2, 13, 8, 0, tzinfo=UTC)
    assert doc.canonical_url == f"{BASE}/articles/us-lead.html"  # from og:url, gclid stripped
    assert doc.lang == "en" and doc.outlet == "Policy Weekly"
    assert "Topics" not in doc.text and "Terms" not in doc.text


def test_visible_time_date_and_byline():
    doc = parse_item(item("articles/open-closed.html"))
    assert doc is not None
    assert doc.published_at == datetime(2026, 2, 11, 7, 0, tzinfo=UTC)
    assert doc.authors == ["Chen Wei"]
    assert doc.text.startswith("Open-weight models trail the best closed models by six to twelve months")
    assert doc.outlet == "news.example"


def test_date_from_url_and_language_guess_without_markup():
    doc = parse_item(item("2026/02/10/parity.html"))
    assert doc is not None
    assert doc.published_at == datetime(2026, 2, 10, tzinfo=UTC)
    assert doc.title == "Open models have caught up" and doc.lang == "en"


def test_feed_entry_hints_fill_gaps():
    sentence = b"A sentence about models and the gap between them. "
    html = b"<html><body><article><p>" + sentence * 6 + b"</p></article></body></html>"
    doc = parse_item(item("x.html", body=html, meta={"entry_title": "From the feed", "entry_author": "Feed Author",
                                                     "entry_published": "2026-01-05T10:00:00+00:00"}))
    assert doc is not None
    assert (doc.title, doc.authors) == ("From the feed", ["Feed Author"])
    assert doc.published_at == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    assert doc.meta["entry_title"] == "From the feed"


def test_non_latin_charset_from_meta_is_decoded():
    html = ('<html><head><meta charset="windows-1251"><title>Модели</title></head><body><article><p>'
            + "Открытые модели отстают от закрытых примерно на шесть месяцев, говорится в докладе. " * 3
            + "</p></article></body></html>")
    doc = parse_item(item("ru.html", body=html.encode("cp1251"), ctype="text/html"))
    assert doc is not None and "Открытые модели отстают" in doc.text


@pytest.mark.parametrize("body,ctype,reason", [
    (b"", "text/html", "empty body"),
    (b"%PDF-1.7 binary", "application/pdf", "not HTML"),
    (b"<html><body><nav>Home</nav></body></html>", "text/html", "no main text"),
    (b"\x00\x01\x02<html", "text/html", None),
    (b"<<<<>>>>&&&&", "text/html", None),
])
def test_bad_bodies_return_none_with_a_reason(body, ctype, reason):
    doc, why = parse_item_or_reason(item("bad.html", body=body, ctype=ctype))
    assert doc is None and why
    if reason:
        assert reason in why


def test_feed_items_are_not_documents():
    assert parse_item_or_reason(item("feed.rss", kind="feed", ctype="application/rss+xml")) == (
        None, "feed items are not documents")


def test_fallback_extractor_when_trafilatura_finds_nothing(monkeypatch):
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *a, **k: None)
    doc = parse_item(item("articles/lag-report.html"))
    assert doc is not None
    assert doc.text.split("\n\n")[0].startswith("Chinese open-weight models are about five months behind")
    assert "All rights reserved" not in doc.text


def test_parse_html_raises_parse_error_for_empty_page():
    from extractors.article import ParseError

    with pytest.raises(ParseError):
        parse_html("<html><body></body></html>", "https://e.com/a")


def test_canonicalize_url():
    assert canonicalize_url("HTTPS://Example.COM:443/a/b?utm_source=x&id=3&fbclid=y&gclid=z&mc_eid=1#frag") == (
        "https://example.com/a/b?id=3")
    assert canonicalize_url("http://e.com:80") == "http://e.com/"
    assert canonicalize_url("/rel?pk_campaign=x&q=1", base="https://e.com/x/") == "https://e.com/rel?q=1"


def test_dedupe_marks_syndicated_copy_and_drops_repeated_canonical():
    original = parse_item(item("articles/lag-report.html"))
    copy = parse_item(item("syndication/lag-report-copy.html"))
    again = parse_item(item("articles/lag-report.html", body=(FIX / "articles/lag-report.html").read_bytes()
                            .replace(b"{base}", BASE.encode()).replace(b"Thursday", b"Thursday")))
    assert original and copy and again
    assert copy.content_sha256 == original.content_sha256 and copy.doc_id != original.doc_id
    out = dedupe([copy, original, again])
    assert [d.doc_id for d in out] == [original.doc_id, copy.doc_id]  # earliest first; repeated URL dropped
    assert out[0].duplicate_of is None and out[1].duplicate_of == original.doc_id
    # Against stored originals (content hash → doc_id), a new copy points at the stored one.
    stored = {original.content_sha256: "stored-doc"}
    assert dedupe([copy], stored)[0].duplicate_of == "stored-doc"
    assert dedupe([copy], [original])[0].duplicate_of == original.doc_id


def test_dedupe_ignores_short_texts_and_posts():
    a = Document(url="https://a.com/1", canonical_url="https://a.com/1", source="s", text="Page not found")
    b = Document(url="https://b.com/1", canonical_url="https://b.com/1", source="s", text="Page not found")
    assert all(d.duplicate_of is None for d in dedupe([a, b]))


def post_item(source_type: str, obj: dict) -> RawItem:
    body = json.dumps(obj).replace("{base}", BASE).encode()
    return RawItem(source="s", source_type=source_type, kind="post", url="https://x/", fetched_at=datetime.now(UTC),
                   body=body, content_type="application/json", parent_url=None)


def load(name: str):
    return json.loads((FIX / name).read_text(encoding="utf-8"))


def test_hackernews_post():
    hit = load("hn_search_by_date.json")["hits"][1]
    doc = parse_item(post_item("hackernews", hit))
    assert doc is not None and doc.kind == "post"
    assert doc.url == "https://news.ycombinator.com/item?id=43100001" and doc.authors == ["askerofthings"]
    assert doc.published_at == datetime(2026, 2, 14, 9, 0, tzinfo=UTC)
    assert doc.text == ("Ask HN: Is the open/closed AI gap shrinking?\n\nHow far behind are open AI models really?"
                        "\n\nSome say six months, some say a year.")
    first = parse_item(post_item("hackernews", load("hn_search_by_date.json")["hits"][0]))
    assert first is not None and first.meta["links"] == [f"{BASE}/articles/lag-report.html"]


def test_mastodon_post_links_skip_mentions_and_tags():
    statuses = load("mastodon_tag_timeline.json")
    doc = parse_item(post_item("mastodon", statuses[0]))
    assert doc is not None
    assert doc.authors == ["@aiwatch@mastodon.social"] and doc.lang == "en"
    assert doc.meta["links"] == [f"{BASE}/articles/us-lead.html"]
    assert doc.text.startswith("The US lead over China in frontier #AI is about seven months")
    reply = parse_item(post_item("mastodon", statuses[1]))
    assert reply is not None and reply.meta["reply_to_id"] == "113899999999999999"
    assert reply.authors == ["@researcher@sigmoid.social"]


def test_bluesky_posts_facets_embeds_reply_and_quote():
    feed = load("bsky_author_feed.json")["feed"]
    reply, facet_post = parse_item(post_item("bluesky", feed[0])), parse_item(post_item("bluesky", feed[1]))
    assert facet_post is not None and reply is not None
    # The link exists only in the facet: the text shows a truncated URL.
    assert facet_post.meta["links"] == [f"{BASE}/articles/lag-report.html"]
    assert "lag-rep…" in facet_post.text
    assert facet_post.url == "https://bsky.app/profile/aiwatch.bsky.social/post/3lhxyzabc2k2a"
    assert facet_post.authors == ["@aiwatch.bsky.social"]
    assert facet_post.published_at == datetime(2026, 2, 14, 10, 30, tzinfo=UTC)
    assert reply.meta["links"] == [f"{BASE}/articles/open-closed.html"]
    assert reply.meta["reply_to_url"] == "https://bsky.app/profile/labnews.bsky.social/post/3lhparent0002"
    assert reply.meta["reply_to_text"] == "How big is the open/closed gap now?"
    quote = parse_item(post_item("bluesky", load("bsky_search_posts.json")["posts"][0]))
    assert quote is not None
    assert quote.meta["quote_url"] == "https://bsky.app/profile/aiwatch.bsky.social/post/3lhxyzabc2k2a"
    assert quote.meta["quote_text"].startswith("Chinese open models are ~5 months behind")


def test_x_post_links_reply_and_quote_context():
    data = load("x_search_recent.json")
    first = {"data": data["data"][0], "includes": data["includes"]}
    doc = parse_item(post_item("x", first))
    assert doc is not None
    assert doc.url == "https://x.com/policydesk/status/1890000000000000002" and doc.authors == ["@policydesk"]
    assert doc.meta["links"] == [f"{BASE}/articles/us-lead.html"]  # the unwound URL, not t.co
    assert doc.meta["quote_url"] == "https://x.com/someone/status/1889999999999999999"
    second = parse_item(post_item("x", {"data": data["data"][1], "includes": data["includes"]}))
    assert second is not None and second.meta["reply_to_text"] == "When will open models match Claude Opus?"


def test_reddit_post_drops_link_boilerplate():
    obj = {"id": "t3_1", "title": "The gap: 6 to 12 months", "link": "https://www.reddit.com/r/x/comments/1/t/",
           "author": "/u/a", "published": "2026-02-14T11:00:00+00:00", "subreddit": "x",
           "content_html": '&#32; submitted by <a href="https://www.reddit.com/user/a">/u/a</a> <br/> '
                           f'<span><a href="{BASE}/a.html">[link]</a></span>'}
    doc = parse_item(post_item("reddit", obj))
    assert doc is not None
    assert doc.text == "The gap: 6 to 12 months" and doc.meta["links"] == [f"{BASE}/a.html"]


def test_malformed_post_json_is_skipped():
    assert parse_item(post_item("bluesky", {"post": {"record": "not-a-dict"}})) is None
    bad = RawItem(source="s", source_type="x", kind="post", url="u", fetched_at=datetime.now(UTC), body=b"{nope")
    assert parse_item_or_reason(bad)[0] is None
