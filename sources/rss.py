"""RSS/Atom feeds (feedparser) plus the article page each entry links to.

The feed itself is kept as a kind="feed" RawItem; every entry's link is fetched as a kind="article" RawItem
whose parent_url is the feed URL and whose meta carries the entry's title, author and dates. Conditional GET
on the feed means an unchanged feed costs one 304 and nothing else.
"""

from __future__ import annotations

import asyncio
import calendar
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from sources.base import SourceRun
from sources.http import Response

log = logging.getLogger(__name__)

__all__ = ["FeedEntry", "FeedError", "feed_or_fail", "fetch", "parse_feed"]


class FeedError(ValueError):
    """A body that is not a usable feed; `error_class` is 'parse' or 'not_a_feed'."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class


@dataclass
class FeedEntry:
    """The fields of one feed entry that claimwatch keeps."""

    link: str | None
    title: str | None
    author: str | None
    published: str | None
    updated: str | None
    entry_id: str | None
    summary: str | None
    content_html: str | None
    links: list[str]


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def parse_feed(body: bytes, content_type: str | None, base_url: str) -> tuple[dict[str, Any], list[FeedEntry]]:
    """Parse RSS/Atom bytes into (feed info, entries); raise FeedError for HTML or unusable XML."""
    head = body[:2048].lstrip().lower()
    looks_html = head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]
    headers = {"content-location": base_url, "content-type": content_type or "application/xml"}
    # A stream, never bytes: feedparser treats a string that looks like a URL as something to download.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    entries = list(parsed.get("entries") or [])
    if not parsed.get("version") and not entries:
        if looks_html or "html" in (content_type or "").lower():
            raise FeedError("not_a_feed", f"expected RSS/Atom, got an HTML page ({content_type or 'no content-type'})")
        reason = parsed.get("bozo_exception")
        raise FeedError("parse", f"malformed feed: {reason or 'no feed elements found'}")
    if parsed.get("bozo") and not any(e.get("link") for e in entries):
        # feedparser recovers from small errors (undefined entities); a body with no usable entry is broken.
        raise FeedError("parse", f"malformed feed: {parsed.get('bozo_exception')}")
    if parsed.get("bozo"):
        log.info("feed %s is not well-formed (%s); using the entries recovered", base_url, parsed.get("bozo_exception"))
    feed = parsed.get("feed") or {}
    info = {"title": feed.get("title"), "link": feed.get("link"), "version": parsed.get("version")}
    out: list[FeedEntry] = []
    for e in entries:
        content = e.get("content") or []
        out.append(FeedEntry(
            link=e.get("link"), title=e.get("title"), author=e.get("author"),
            published=_iso(e.get("published_parsed")) or e.get("published"),
            updated=_iso(e.get("updated_parsed")) or e.get("updated"), entry_id=e.get("id"),
            summary=e.get("summary"), content_html=content[0].get("value") if content else None,
            links=[lk.get("href") for lk in e.get("links") or [] if lk.get("href")],
        ))
    return info, out


async def feed_or_fail(run: SourceRun, resp: Response) -> tuple[dict[str, Any], list[FeedEntry]] | None:
    """Parse a feed response; on failure mark the fetch failed, keep the raw body, and return None."""
    try:
        # feedparser is pure Python (~0.2 s for a 500-entry feed): off the loop, so other sources keep fetching.
        return await asyncio.to_thread(parse_feed, resp.body, resp.content_type, resp.final_url)
    except FeedError as exc:
        resp.fail(exc.error_class, str(exc))
        run.error(resp)
        run.add(resp, "feed")  # kept in the raw log as received, for diagnosis; validators are not stored
        return None


async def fetch_feed(run: SourceRun, url: str) -> tuple[Response, tuple[dict[str, Any], list[FeedEntry]] | None]:
    """GET a feed conditionally and parse it; None when unchanged (304) or failed (already recorded)."""
    resp = await run.client.get(url, source=run.source)
    return resp, await feed_or_fail(run, resp) if run.has_new_body(resp) else None


async def fetch(run: SourceRun, cursor: str | None) -> str | None:
    """Fetch the feed; fetch each entry's article; remember its validators (failed links go to the retry queue)."""
    url = run.source.url or ""
    resp, parsed = await fetch_feed(run, url)
    if parsed is None:
        return cursor
    info, entries = parsed
    run.add(resp, "feed", meta={"feed_title": info.get("title"), "entries": len(entries)})
    links: list[tuple[str, str, dict[str, Any]]] = []
    for entry in entries[: run.limit]:
        link = urljoin(resp.final_url, entry.link.strip()) if entry.link else None
        if not link or not link.startswith(("http://", "https://")):
            continue
        meta = {
            "entry_title": entry.title, "entry_author": entry.author, "entry_published": entry.published,
            "entry_updated": entry.updated, "entry_id": entry.entry_id, "feed_title": info.get("title"),
        }
        links.append((link, url, {k: v for k, v in meta.items() if v}))
    await run.fetch_articles(links)
    run.client.remember(resp)
    return cursor
