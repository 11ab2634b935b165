"""Social posts (Hacker News, Mastodon, Bluesky, X, Reddit) → Document(kind="post"). Pure: no network, no DB.

Each platform stores its post as the API's own JSON object (see the connectors in sources/ for the shapes and
their reference URLs). This module reads the text, the author handle, the creation time, the canonical post
URL, the outbound links (Bluesky keeps them in facets and embeds, X in entities, Mastodon in the HTML and the
preview card) and the reply/quote context.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from schemas import Document, RawItem

log = logging.getLogger(__name__)

__all__ = ["html_to_text", "parse_post", "post_links", "post_url"]

_PLATFORM_HOSTS = frozenset({
    "news.ycombinator.com", "bsky.app", "x.com", "twitter.com", "mobile.twitter.com", "reddit.com",
    "www.reddit.com", "old.reddit.com",
})


def _dt(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (ValueError, OverflowError, OSError):
            return None  # a timestamp past year 9999, NaN or infinity: no date, not a crash
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return None


def html_to_text(html: str | None) -> str:
    """Turn a post's HTML (Mastodon content, HN story_text) into text; <p> blocks become paragraphs."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return html
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks: list[str] = []
    paragraphs = root.findall(".//p")
    if paragraphs:
        for p in paragraphs:
            text = "".join(p.itertext()).strip()
            if text:
                blocks.append(text)
    else:
        text = "".join(root.itertext()).strip()
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def _anchors(html: str | None, skip_classes: tuple[str, ...] = ("mention", "hashtag")) -> list[str]:
    if not html:
        return []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    out = []
    for a in root.iter("a"):
        classes = (a.get("class") or "").split()
        rel = (a.get("rel") or "").split()
        if any(c in classes for c in skip_classes) or "tag" in rel:
            continue
        href = a.get("href")
        if href:
            out.append(href)
    return out


def _keep(urls: list[Any]) -> list[str]:
    out: list[str] = []
    for u in urls:
        if not isinstance(u, str):
            continue
        parts = urlsplit(u)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() in _PLATFORM_HOSTS:
            continue
        if u not in out:
            out.append(u)
    return out


# ----------------------------------------------------------------------------------------- per platform


def _hn_links(obj: dict[str, Any]) -> list[str]:
    return _keep([obj.get("url"), *_anchors(obj.get("story_text")), *_anchors(obj.get("comment_text"))])


def _mastodon_links(obj: dict[str, Any]) -> list[str]:
    status = obj.get("reblog") or obj
    card = status.get("card") or {}
    links = [*_anchors(status.get("content")), card.get("url")]
    instance = urlsplit(status.get("url") or status.get("uri") or "").hostname or ""
    return [u for u in _keep(links) if (urlsplit(u).hostname or "") != instance or "/@" not in u]


def _bsky_post(obj: dict[str, Any]) -> dict[str, Any]:
    post = obj.get("post")
    return post if isinstance(post, dict) else obj


def _bsky_external(embed: Any) -> list[Any]:
    if not isinstance(embed, dict):
        return []
    out: list[Any] = []
    ext = embed.get("external")
    if isinstance(ext, dict):
        out.append(ext.get("uri"))
    media = embed.get("media")
    if isinstance(media, dict):
        out.extend(_bsky_external(media))
    return out


def _bsky_links(obj: dict[str, Any]) -> list[str]:
    post = _bsky_post(obj)
    record = post.get("record") or {}
    links: list[Any] = []
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            if str(feature.get("$type", "")).endswith("#link"):
                links.append(feature.get("uri"))
    links.extend(_bsky_external(record.get("embed")))
    links.extend(_bsky_external(post.get("embed")))
    return _keep(links)


def _x_links(obj: dict[str, Any]) -> list[str]:
    tweet = obj.get("data") or {}
    urls = (tweet.get("entities") or {}).get("urls") or []
    links = [u.get("unwound_url") or u.get("expanded_url") or u.get("url") for u in urls if isinstance(u, dict)]
    note = (tweet.get("note_tweet") or {}).get("entities", {}).get("urls") or []
    links.extend(u.get("unwound_url") or u.get("expanded_url") for u in note if isinstance(u, dict))
    return _keep(links)


def _reddit_links(obj: dict[str, Any]) -> list[str]:
    links = [obj.get("external_url"), *_anchors(obj.get("content_html"), ())]
    return _keep(links)


_LINKS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "hackernews": _hn_links, "mastodon": _mastodon_links, "bluesky": _bsky_links, "x": _x_links,
    "reddit": _reddit_links,
}


def post_links(source_type: str, obj: dict[str, Any]) -> list[str]:
    """Return the outbound (non-platform) links of a post object, in order, without duplicates."""
    fn = _LINKS.get(source_type)
    return fn(obj) if fn else []


def _bsky_web_url(uri: str | None, handle: str | None) -> str | None:
    if not uri or not uri.startswith("at://"):
        return None
    parts = uri[len("at://"):].split("/")
    if len(parts) < 3:
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[-1]}"


def post_url(source_type: str, obj: dict[str, Any]) -> str | None:
    """Return the public web URL of a post object."""
    if source_type == "hackernews":
        oid = obj.get("objectID")
        return f"https://news.ycombinator.com/item?id={oid}" if oid else None
    if source_type == "mastodon":
        return obj.get("url") or obj.get("uri")
    if source_type == "bluesky":
        post = _bsky_post(obj)
        return _bsky_web_url(post.get("uri"), (post.get("author") or {}).get("handle"))
    if source_type == "x":
        tweet = obj.get("data") or {}
        users = {u.get("id"): u for u in (obj.get("includes") or {}).get("users") or []}
        user = users.get(tweet.get("author_id")) or {}
        name = user.get("username") or "i/web"
        return f"https://x.com/{name}/status/{tweet.get('id')}" if tweet.get("id") else None
    if source_type == "reddit":
        return obj.get("link")
    return None


def _hn(obj: dict[str, Any]) -> dict[str, Any]:
    title = obj.get("title") or obj.get("story_title") or ""
    body = html_to_text(obj.get("story_text") or obj.get("comment_text"))
    text = "\n\n".join(t for t in (title, body) if t)
    context: dict[str, Any] = {}
    if obj.get("parent_id"):
        context["reply_to"] = f"https://news.ycombinator.com/item?id={obj['parent_id']}"
    if obj.get("story_id") and str(obj.get("story_id")) != str(obj.get("objectID")):
        context["story"] = f"https://news.ycombinator.com/item?id={obj['story_id']}"
        context["story_title"] = obj.get("story_title")
    return {
        "text": text, "author": obj.get("author"), "created": _dt(obj.get("created_at_i") or obj.get("created_at")),
        "title": title or None, "lang": None, "context": context,
        "extra": {"points": obj.get("points"), "num_comments": obj.get("num_comments")},
    }


def _mastodon(obj: dict[str, Any]) -> dict[str, Any]:
    status = obj.get("reblog") or obj
    account = status.get("account") or {}
    acct = account.get("acct") or account.get("username")
    host = urlsplit(status.get("url") or status.get("uri") or "").hostname
    if acct and "@" not in acct and host:
        acct = f"{acct}@{host}"
    text = html_to_text(status.get("content"))
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}"
    context: dict[str, Any] = {}
    if status.get("in_reply_to_id"):
        context["reply_to_id"] = status.get("in_reply_to_id")
        context["reply_to_account_id"] = status.get("in_reply_to_account_id")
    quote = status.get("quote")
    if isinstance(quote, dict):
        quoted = quote.get("quoted_status") or {}
        if quoted:
            context["quote_url"] = quoted.get("url") or quoted.get("uri")
            context["quote_text"] = html_to_text(quoted.get("content"))
    if obj.get("reblog"):
        context["boosted_by"] = (obj.get("account") or {}).get("acct")
    return {
        "text": text, "author": f"@{acct}" if acct else None, "created": _dt(status.get("created_at")),
        "title": None, "lang": status.get("language"), "context": context,
        "extra": {"tags": [t.get("name") for t in status.get("tags") or [] if isinstance(t, dict)]},
    }


def _bluesky(obj: dict[str, Any]) -> dict[str, Any]:
    post = _bsky_post(obj)
    record = post.get("record") or {}
    author = post.get("author") or {}
    context: dict[str, Any] = {}
    reply = record.get("reply") or {}
    if reply:
        context["reply_to"] = (reply.get("parent") or {}).get("uri")
        context["thread_root"] = (reply.get("root") or {}).get("uri")
    view_reply = obj.get("reply") or {}
    parent = view_reply.get("parent") or {}
    if parent.get("uri"):
        p_author = (parent.get("author") or {}).get("handle")
        context["reply_to_url"] = _bsky_web_url(parent.get("uri"), p_author)
        context["reply_to_text"] = (parent.get("record") or {}).get("text")
    embed = post.get("embed") or {}
    quoted = embed.get("record") if isinstance(embed, dict) else None
    if isinstance(quoted, dict) and "record" in quoted and isinstance(quoted["record"], dict):
        quoted = quoted["record"]  # recordWithMedia#view nests the record view one level deeper
    if isinstance(quoted, dict) and quoted.get("uri"):
        q_author = (quoted.get("author") or {}).get("handle")
        context["quote_url"] = _bsky_web_url(quoted.get("uri"), q_author)
        context["quote_text"] = (quoted.get("value") or {}).get("text")
    langs = record.get("langs") or []
    return {
        "text": record.get("text") or "", "author": f"@{author['handle']}" if author.get("handle") else None,
        "created": _dt(record.get("createdAt") or post.get("indexedAt")), "title": None,
        "lang": langs[0] if langs else None, "context": context,
        "extra": {"like_count": post.get("likeCount"), "repost_count": post.get("repostCount")},
    }


def _x(obj: dict[str, Any]) -> dict[str, Any]:
    tweet = obj.get("data") or {}
    includes = obj.get("includes") or {}
    users = {u.get("id"): u for u in includes.get("users") or []}
    tweets = {t.get("id"): t for t in includes.get("tweets") or []}
    user = users.get(tweet.get("author_id")) or {}
    text = (tweet.get("note_tweet") or {}).get("text") or tweet.get("text") or ""
    context: dict[str, Any] = {}
    for ref in tweet.get("referenced_tweets") or []:
        kind = ref.get("type")
        target = tweets.get(ref.get("id")) or {}
        t_user = users.get(target.get("author_id")) or {}
        url = f"https://x.com/{t_user.get('username') or 'i/web'}/status/{ref.get('id')}"
        if kind == "replied_to":
            context["reply_to_url"], context["reply_to_text"] = url, target.get("text")
        elif kind == "quoted":
            context["quote_url"], context["quote_text"] = url, target.get("text")
        elif kind == "retweeted":
            context["retweet_of"] = url
    return {
        "text": text, "author": f"@{user['username']}" if user.get("username") else tweet.get("author_id"),
        "created": _dt(tweet.get("created_at")), "title": None, "lang": tweet.get("lang"), "context": context,
        "extra": {"conversation_id": tweet.get("conversation_id")},
    }


def _reddit(obj: dict[str, Any]) -> dict[str, Any]:
    title = obj.get("title") or ""
    body = html_to_text(obj.get("content_html"))
    # Link posts carry only "submitted by ... [link] [comments]"; that boilerplate is not the post's text.
    if body.strip().startswith("submitted by") or ("[link]" in body and len(body) < 300):
        body = ""
    return {
        "text": "\n\n".join(t for t in (title, body) if t), "author": obj.get("author"),
        "created": _dt(obj.get("published") or obj.get("updated")), "title": title or None, "lang": None,
        "context": {"subreddit": obj.get("subreddit")}, "extra": {},
    }


_PARSERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "hackernews": _hn, "mastodon": _mastodon, "bluesky": _bluesky, "x": _x, "reddit": _reddit,
}


def parse_post(item: RawItem) -> Document | None:
    """Turn a post RawItem (the platform's JSON object) into a Document; None if it has no text or no URL."""
    from extractors.article import canonicalize_url

    parser = _PARSERS.get(item.source_type)
    if parser is None:
        return None
    try:
        obj = json.loads(item.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(obj, dict):
        return None
    try:
        fields = parser(obj)
        url = post_url(item.source_type, obj) or item.url
        links = post_links(item.source_type, obj)
    except (AttributeError, TypeError, KeyError) as exc:  # an object of unexpected shape is skipped, not fatal
        log.info("post %s has an unexpected shape: %s", item.url, exc)
        return None
    text = (fields["text"] or "").strip()
    if not text or not url:
        return None
    meta: dict[str, Any] = {"platform": item.source_type, "links": links}
    meta.update({k: v for k, v in fields["context"].items() if v})
    meta.update({k: v for k, v in fields["extra"].items() if v not in (None, [], "")})
    return Document(
        url=url, canonical_url=canonicalize_url(url), source=item.source, kind="post", title=fields["title"],
        authors=[fields["author"]] if fields["author"] else [], published_at=fields["created"], text=text,
        # A post's creation time comes from the platform's API object: a feed entry's timestamp, to the second.
        published_source="feed" if fields["created"] else None,
        published_precision="day" if fields["created"] else None,
        lang=fields["lang"] if isinstance(fields["lang"], str) and fields["lang"] else None,  # APIs send odd types
        discovered_via=item.parent_url, raw_item_id=item.item_id or None,
        outlet=item.source_type, meta=meta,
    )
