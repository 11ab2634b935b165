"""Hacker News stories via the Algolia HN Search API, newest first, incrementally by creation time.

API: https://hn.algolia.com/api (GET /api/v1/search_by_date?query=&tags=story&numericFilters=created_at_i>N).
Response: {"hits": [...], "nbHits", "page", "nbPages", "hitsPerPage", "exhaustiveNbHits", "query", "params",
"processingTimeMS"}; each hit has objectID, title, url, author, points, story_text, num_comments,
created_at, created_at_i, updated_at, story_id, _tags, _highlightResult (tests/fixtures/hn_search_by_date.json).
Cursor: the largest created_at_i seen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sources.base import Link, SourceRun, fetch_api_json, shape_error

__all__ = ["DEFAULT_API", "fetch"]

DEFAULT_API = "https://hn.algolia.com"


async def fetch(run: SourceRun, cursor: str | None) -> str | None:
    """Fetch stories matching the query created after the cursor; keep each as a post plus its linked article."""
    base = (run.source.api_base or DEFAULT_API).rstrip("/")
    params: dict[str, Any] = {"query": run.source.query or "", "tags": "story", "hitsPerPage": min(run.limit, 100)}
    if cursor and cursor.isdigit():
        params["numericFilters"] = f"created_at_i>{cursor}"
    url = f"{base}/api/v1/search_by_date?{urlencode(params)}"
    resp, data = await fetch_api_json(run, url)
    if data is None:
        return cursor
    hits = data.get("hits") if isinstance(data, dict) else None
    if not isinstance(hits, list):
        shape_error(run, resp, "no `hits` list")
        return cursor
    newest = int(cursor) if cursor and cursor.isdigit() else 0
    links: list[Link] = []
    for hit in hits[: run.limit]:
        if not isinstance(hit, dict) or not hit.get("objectID"):
            continue
        created = hit.get("created_at_i")
        if isinstance(created, int):
            if cursor and created <= int(cursor or 0):
                continue
            newest = max(newest, created)
        title = hit.get("title")
        links += run.add_post(resp, hit, fallback_url=url, meta={"author": hit.get("author"), "title": title},
                              link_meta={"post_title": title})
    await run.fetch_articles(links)
    return str(newest) if newest else cursor
