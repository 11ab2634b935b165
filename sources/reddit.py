"""Reddit via its public Atom feeds: a subreddit's newest posts, or a search (in one subreddit or site-wide).

Feeds: https://www.reddit.com/r/{sub}/new/.rss, https://www.reddit.com/r/{sub}/search.rss?q=&restrict_sr=1&sort=new,
https://www.reddit.com/search.rss?q=&sort=new (Reddit serves Atom 1.0 at these .rss URLs). Each <entry> has
author/name (/u/x), category (subreddit), content (HTML with "[link]" pointing at the submitted URL and
"[comments]" at the thread), id (t3_…), link (the thread), updated, published, title
(tests/fixtures/reddit_new.atom). Each entry is kept as a kind="post" RawItem whose body is a JSON object of
those fields; the submitted external link is fetched as an article.
Cursor: the newest published time seen (ISO 8601).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from schemas.timestamps import parse_iso_datetime
from sources.base import Link, SourceRun
from sources.rss import fetch_feed

__all__ = ["DEFAULT_BASE", "feed_url", "fetch"]

DEFAULT_BASE = "https://www.reddit.com"


def feed_url(base: str, subreddit: str | None, query: str | None) -> str:
    """Return the Atom feed URL for a subreddit listing or a search."""
    base = base.rstrip("/")
    if query:
        params = {"q": query, "sort": "new"}
        if subreddit:
            return f"{base}/r/{quote(subreddit)}/search.rss?{urlencode({**params, 'restrict_sr': 'on'})}"
        return f"{base}/search.rss?{urlencode(params)}"
    return f"{base}/r/{quote(subreddit or '')}/new/.rss"


async def fetch(run: SourceRun, cursor: str | None) -> str | None:
    """Fetch the feed conditionally; keep new entries as posts and fetch what they link to."""
    src = run.source
    url = feed_url(src.api_base or DEFAULT_BASE, src.subreddit, src.query)
    resp, parsed = await fetch_feed(run, url)
    if parsed is None:
        return cursor
    _info, entries = parsed
    since = parse_iso_datetime(cursor)
    newest = since
    links: list[Link] = []
    for entry in entries[: run.limit]:
        if not entry.link:
            continue
        published = parse_iso_datetime(entry.published) or parse_iso_datetime(entry.updated)
        if since and published and published <= since:
            continue
        if published and (newest is None or published > newest):
            newest = published
        content = entry.content_html or entry.summary or ""
        external = [u for u in entry.links if u != entry.link]
        obj = {
            "id": entry.entry_id, "title": entry.title, "link": entry.link, "author": entry.author,
            "published": entry.published, "updated": entry.updated, "subreddit": src.subreddit,
            "content_html": content, "external_url": external[0] if external else None,
        }
        links += run.add_post(resp, obj, fallback_url=entry.link, url=entry.link,
                              meta={"author": entry.author, "title": entry.title},
                              link_meta={"post_title": entry.title})
    await run.fetch_articles(links)
    run.client.remember(resp)
    return newest.isoformat().replace("+00:00", "Z") if newest else cursor
