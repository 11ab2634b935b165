"""Mastodon hashtag timeline (public, no auth), incrementally by status id.

API: https://docs.joinmastodon.org/methods/timelines/#tag (GET /api/v1/timelines/tag/:hashtag?since_id=&limit=).
Response: a JSON array of Status entities (https://docs.joinmastodon.org/entities/Status/): id, uri, url,
created_at, account{id, username, acct, display_name, url}, content (HTML), spoiler_text, language,
in_reply_to_id, in_reply_to_account_id, reblog, card{url, title, ...}, tags, mentions, media_attachments,
visibility, replies_count, reblogs_count, favourites_count (tests/fixtures/mastodon_tag_timeline.json).
Cursor: the largest status id seen (ids are numeric strings that sort by time).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from sources.base import Link, SourceRun, fetch_api_json, shape_error

__all__ = ["fetch"]


def _id(value: Any) -> int:
    return int(value) if isinstance(value, str | int) and str(value).isdigit() else 0


async def fetch(run: SourceRun, cursor: str | None) -> str | None:
    """Fetch statuses with the hashtag newer than the cursor; keep each as a post plus its linked articles."""
    instance = run.source.instance or ""
    base = run.source.api_base or (instance if instance.startswith(("http://", "https://")) else f"https://{instance}")
    params: dict[str, Any] = {"limit": min(run.limit, 40)}
    if cursor:
        params["since_id"] = cursor
    url = f"{base.rstrip('/')}/api/v1/timelines/tag/{quote(run.source.tag or '', safe='')}?{urlencode(params)}"
    resp, data = await fetch_api_json(run, url)
    if data is None:
        return cursor
    if not isinstance(data, list):
        shape_error(run, resp, "expected a JSON array of statuses")
        return cursor
    newest = _id(cursor)
    links: list[Link] = []
    for status in data[: run.limit]:
        if not isinstance(status, dict) or not status.get("id"):
            continue
        sid = _id(status.get("id"))
        if cursor and sid and sid <= _id(cursor):
            continue
        newest = max(newest, sid)
        acct = (status.get("account") or {}).get("acct")
        links += run.add_post(resp, status, fallback_url=url, meta={"author": acct}, link_meta={"post_author": acct})
    await run.fetch_articles(links)
    return str(newest) if newest else cursor
