"""Bluesky: an actor's public author feed (no auth), or post search (needs an app password).

Author feed: GET https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed?actor=&limit= (lexicon
https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/getAuthorFeed.json): {"cursor",
"feed": [feedViewPost{post: postView{uri, cid, author{did, handle, displayName}, record{$type:
app.bsky.feed.post, text, createdAt, langs, facets[{index{byteStart, byteEnd}, features[{$type:
app.bsky.richtext.facet#link, uri}]}], embed, reply}, embed (…#view), replyCount, repostCount, likeCount,
quoteCount, indexedAt}, reply?, reason?}]} (tests/fixtures/bsky_author_feed.json).
Search: POST /xrpc/com.atproto.server.createSession {identifier, password} → {accessJwt, refreshJwt, handle,
did}, then GET /xrpc/app.bsky.feed.searchPosts?q=&sort=latest&since= → {"cursor", "hitsTotal", "posts":
[postView]} (lexicons app/bsky/feed/searchPosts.json, com/atproto/server/createSession.json).
Credentials: CLAIMWATCH_BSKY_HANDLE and CLAIMWATCH_BSKY_APP_PASSWORD; never logged or stored.
Cursor: the newest indexedAt seen (ISO 8601); the API's own cursor pages backwards, so it is not ours.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

from schemas.timestamps import parse_iso_datetime
from sources.base import Link, SourceRun, fetch_api_json, json_or_fail, shape_error

__all__ = ["DEFAULT_AUTH_API", "DEFAULT_PUBLIC_API", "fetch"]

DEFAULT_PUBLIC_API = "https://public.api.bsky.app"
DEFAULT_AUTH_API = "https://bsky.social"


async def _session(run: SourceRun, base: str) -> tuple[str | None, list[str]]:
    handle = os.environ.get("CLAIMWATCH_BSKY_HANDLE")
    password = os.environ.get("CLAIMWATCH_BSKY_APP_PASSWORD")
    url = f"{base}/xrpc/com.atproto.server.createSession"
    if not handle or not password:
        resp = run.client.refuse(
            url, run.source, "auth",
            "Bluesky search needs CLAIMWATCH_BSKY_HANDLE and CLAIMWATCH_BSKY_APP_PASSWORD (an app password)",
        )
        run.error(resp)
        return None, []
    secrets = [password]
    resp = await run.client.post_json(
        url, {"identifier": handle, "password": password}, source=run.source, secrets=secrets,
    )
    if not resp.ok:
        run.error(resp)
        return None, secrets
    data = json_or_fail(run, resp)
    token = data.get("accessJwt") if isinstance(data, dict) else None
    if not token:
        shape_error(run, resp, "createSession returned no accessJwt")
        return None, secrets
    return str(token), [*secrets, str(token)]


async def fetch(run: SourceRun, cursor: str | None) -> str | None:
    """Fetch the actor's feed (or search results) newer than the cursor; keep posts and linked articles."""
    src = run.source
    headers: dict[str, str] = {"accept": "application/json"}
    secrets: list[str] = []
    if src.actor:
        base = (src.api_base or DEFAULT_PUBLIC_API).rstrip("/")
        params: dict[str, Any] = {"actor": src.actor, "limit": min(run.limit, 100)}
        url = f"{base}/xrpc/app.bsky.feed.getAuthorFeed?{urlencode(params)}"
        conditional = True
    else:
        base = (src.api_base or DEFAULT_AUTH_API).rstrip("/")
        token, secrets = await _session(run, base)
        if token is None:
            return cursor
        headers["authorization"] = f"Bearer {token}"
        params = {"q": src.query or "", "sort": "latest", "limit": min(run.limit, 100)}
        if cursor:
            params["since"] = cursor
        url = f"{base}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"
        conditional = False
    resp, data = await fetch_api_json(run, url, headers=headers, secrets=secrets, conditional=conditional)
    if data is None:
        return cursor
    key = "feed" if src.actor else "posts"
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        shape_error(run, resp, f"no `{key}` list")
        return cursor
    since = parse_iso_datetime(cursor)
    newest = since
    links: list[Link] = []
    for entry in entries[: run.limit]:
        if not isinstance(entry, dict):
            continue
        post = entry.get("post", entry) if src.actor else entry
        if not isinstance(post, dict) or not post.get("uri"):
            continue
        reason = entry.get("reason") or {}
        if src.actor and str(reason.get("$type", "")).endswith("#reasonRepost"):
            continue  # someone else's post reposted by the actor: not the actor's claim
        indexed = parse_iso_datetime(post.get("indexedAt"))
        if since and indexed and indexed <= since:
            continue
        if indexed and (newest is None or indexed > newest):
            newest = indexed
        handle = (post.get("author") or {}).get("handle")
        links += run.add_post(resp, entry, fallback_url=url, meta={"author": handle}, link_meta={"post_author": handle})
    await run.fetch_articles(links)
    if src.actor:
        run.client.remember(resp)
    return newest.isoformat().replace("+00:00", "Z") if newest else cursor
