"""X (Twitter) API v2 recent search, incrementally by tweet id. Needs a bearer token.

API: GET https://api.x.com/2/tweets/search/recent?query=&since_id=&max_results=&tweet.fields=&expansions=&user.fields=
(https://docs.x.com/x-api/posts/search-recent-posts). Response: {"data": [{id, text, author_id, created_at, lang,
conversation_id, entities{urls[{start, end, url, expanded_url, display_url, unwound_url?}], mentions, hashtags},
referenced_tweets[{type: replied_to|quoted|retweeted, id}], note_tweet?}], "includes": {"users": [{id, name,
username}], "tweets": [...]}, "meta": {newest_id, oldest_id, result_count, next_token}}; "data" is absent
when nothing matched (tests/fixtures/x_search_recent.json).
Each tweet is kept as a kind="post" RawItem shaped like a single-tweet lookup ({"data": tweet, "includes":
{users, tweets}}) so that it stands alone. Token: CLAIMWATCH_X_BEARER_TOKEN or the Prefect Secret block
"claimwatch-x-bearer-token"; it is sent only to the API origin and never logged or stored.
Cursor: meta.newest_id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sources.base import Link, SourceRun, fetch_api_json, secret_from_env_or_prefect, shape_error

__all__ = ["DEFAULT_API", "SECRET_BLOCK", "TOKEN_ENV", "fetch"]

DEFAULT_API = "https://api.x.com"
TOKEN_ENV = "CLAIMWATCH_X_BEARER_TOKEN"
SECRET_BLOCK = "claimwatch-x-bearer-token"


def _id(value: Any) -> int:
    return int(value) if isinstance(value, str | int) and str(value).isdigit() else 0


async def fetch(run: SourceRun, cursor: str | None) -> str | None:
    """Search recent tweets newer than the cursor; keep each as a post plus the articles it links to."""
    base = (run.source.api_base or DEFAULT_API).rstrip("/")
    params: dict[str, Any] = {
        "query": run.source.query or "",
        "max_results": max(10, min(run.limit, 100)),
        "tweet.fields": "created_at,author_id,lang,entities,referenced_tweets,conversation_id,note_tweet",
        "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id",
        "user.fields": "username,name,verified",
    }
    if cursor and cursor.isdigit():
        params["since_id"] = cursor
    url = f"{base}/2/tweets/search/recent?{urlencode(params)}"
    token = secret_from_env_or_prefect(TOKEN_ENV, SECRET_BLOCK)
    if not token:
        resp = run.client.refuse(url, run.source, "auth", f"X search needs a bearer token ({TOKEN_ENV})")
        run.error(resp)
        return cursor
    resp, data = await fetch_api_json(run, url, headers={"authorization": f"Bearer {token}"}, secrets=[token])
    if data is None:
        return cursor
    if not isinstance(data, dict):
        shape_error(run, resp, "expected a JSON object")
        return cursor
    tweets = data.get("data") or []
    if not isinstance(tweets, list):
        shape_error(run, resp, "`data` is not a list")
        return cursor
    includes = data.get("includes") or {}
    users = {u.get("id"): u for u in includes.get("users") or [] if isinstance(u, dict)}
    refs = {t.get("id"): t for t in includes.get("tweets") or [] if isinstance(t, dict)}
    newest = max(_id(cursor), _id((data.get("meta") or {}).get("newest_id")))
    links: list[Link] = []
    for tweet in tweets[: run.limit]:
        if not isinstance(tweet, dict) or not tweet.get("id"):
            continue
        newest = max(newest, _id(tweet.get("id")))
        ref_tweets = [refs[r["id"]] for r in tweet.get("referenced_tweets") or [] if r.get("id") in refs]
        user_ids = [tweet.get("author_id"), *(t.get("author_id") for t in ref_tweets)]
        obj = {
            "data": tweet,
            "includes": {"users": [users[i] for i in dict.fromkeys(user_ids) if i in users], "tweets": ref_tweets},
        }
        author = (users.get(tweet.get("author_id")) or {}).get("username")
        links += run.add_post(resp, obj, fallback_url=url, meta={"author": author}, link_meta={"post_author": author})
    await run.fetch_articles(links)
    return str(newest) if newest else cursor
