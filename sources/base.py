"""What every connector shares: the per-source run context, raw-item construction and linked-article fetching.

A connector is `async def fetch(run: SourceRun, cursor: str | None) -> str | None`: it adds RawItems with
`run.add` (kept in `run.items`, or handed on in slices through the run's `ItemHandoff`) and returns the new
cursor. It never raises for a bad response: the failure is already a fetch-log row, and `run.error(...)` adds
it to the run summary.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from schemas import FetchLog, RawItem
from sources.config import FetchSettings, SourceConfig
from sources.http import ARTICLE_TYPES, PoliteClient, Response

log = logging.getLogger(__name__)

__all__ = [
    "ItemHandoff", "ItemSink", "Link", "PostReader", "SourceRun", "external_links", "fetch_api_json", "json_or_fail",
    "secret_from_env_or_prefect", "shape_error",
]

# A linked article to fetch: (url, the post that links to it, meta for its RawItem).
Link = tuple[str, str, dict[str, Any]]


class PostReader(Protocol):
    """Reads a platform's post object: its canonical URL and outbound links. The stage passes extractors.posts."""

    def post_url(self, source_type: str, obj: dict[str, Any]) -> str | None:
        """Return the post's canonical web URL, or None."""

    def post_links(self, source_type: str, obj: dict[str, Any]) -> list[str]:
        """Return the URLs the post links to."""

# Hosts whose links are the platform itself (profiles, other posts), not articles worth fetching.
PLATFORM_HOSTS = (
    "news.ycombinator.com", "bsky.app", "x.com", "twitter.com", "t.co", "reddit.com", "www.reddit.com",
    "old.reddit.com", "redd.it", "i.redd.it", "v.redd.it", "preview.redd.it",
)
_MEDIA_EXT = re.compile(r"\.(png|jpe?g|gif|webp|svg|mp4|mov|webm|mp3|wav|zip|gz|tar|exe|dmg)$", re.I)


def external_links(urls: Iterable[str | None], exclude_hosts: Iterable[str] = ()) -> list[str]:
    """Return distinct http(s) links worth fetching as articles (platform, media and excluded hosts dropped)."""
    skip = {h.lower() for h in (*PLATFORM_HOSTS, *exclude_hosts)}
    out: list[str] = []
    for url in urls:
        if not url or not isinstance(url, str):
            continue
        url = url.strip()
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host or host in skip:
            continue
        if _MEDIA_EXT.search(parts.path):
            continue
        if url not in out:
            out.append(url)
    return out


def _prefect_configured() -> bool:
    """True if a Prefect API is configured (environment or active profile); blocks need one to load from."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    try:
        from prefect.settings import PREFECT_API_URL  # lazy, and only when the environment has no secret

        return bool(PREFECT_API_URL.value())
    except Exception:  # prefect missing or its settings unreadable: no block to ask
        return False


def secret_from_env_or_prefect(env_name: str, block_name: str | None = None) -> str | None:
    """Return a secret from the environment, else from a Prefect Secret block (only if Prefect is configured)."""
    value = os.environ.get(env_name)
    if value:
        return value
    if not block_name or not _prefect_configured():
        return None
    try:
        from prefect.blocks.system import Secret  # lazy: sources/ never imports prefect at module level

        secret: Any = Secret.load(block_name)
        got = secret.get()
    except Exception as exc:  # no block, no server: the connector reports "auth" without the secret
        log.info("no Prefect secret block %s (%s)", block_name, type(exc).__name__)
        return None
    return str(got) if got else None


# Keeps a slice of new raw items, with the fetch log rows written since the last slice, and returns how many
# items were new to it: the ingest stage's warehouse load, handed down as a value (sources/ runs no SQL).
ItemSink = Callable[[list[RawItem], list[FetchLog]], int]


class ItemHandoff:
    """A run's new raw items, handed to a sink in slices while the fetch goes on.

    Of an item two sources share (one page linked from both), the first copy to arrive is kept; collected
    in the result instead, the copy of the source listed first is.

    At most `size` items wait in memory for the next hand-over, so a backlog's bodies are never all held at
    once; the fetch log rows written meanwhile (`drain`, the client's) go with them, so the log of a long run
    does not pile up either. A sink that raises stops the hand-over (later items are dropped, not buffered);
    `ingest` re-raises its error once every source has finished, so a failing warehouse fails the run instead
    of a source.
    """

    def __init__(self, sink: ItemSink, size: int, drain: Callable[[], list[FetchLog]] | None = None) -> None:
        self.sink = sink
        self.drain = drain
        self.size = max(1, size)
        self.pending: list[RawItem] = []
        self.seen: set[str] = set()
        self.by_kind: dict[str, int] = {}
        self.stored = 0
        self.error: BaseException | None = None

    def add(self, item: RawItem) -> None:
        """Take one new item; hand the slice over once it is full."""
        if item.item_id in self.seen:
            return
        self.seen.add(item.item_id)
        self.by_kind[item.kind] = self.by_kind.get(item.kind, 0) + 1
        if self.error is None:
            self.pending.append(item)
            if len(self.pending) >= self.size:
                self.flush()

    def flush(self) -> None:
        """Hand the waiting items over (a blocking call: a slice's load is short)."""
        items, self.pending = self.pending, []
        if not items or self.error is not None:
            return
        rows = self.drain() if self.drain is not None else []
        try:
            self.stored += self.sink(items, rows)
        except Exception as exc:  # re-raised by ingest after the sources finish; never a source's failure
            log.error("could not store %d raw items: %s: %s", len(items), type(exc).__name__, exc)
            self.error = exc


@dataclass
class RetryEntry:
    """A linked article queued for another try after a transient failure."""

    url: str
    parent_url: str | None
    meta: dict[str, Any]
    attempts: int
    first_failed_at: datetime


@dataclass
class SourceRun:
    """Everything one connector needs for one run of one source, and what it produced."""

    source: SourceConfig
    client: PoliteClient
    settings: FetchSettings
    # How to read a post's URL and links (supplied by the caller; None: posts keep the API URL, links unread).
    posts: PostReader | None = None
    known_item_ids: set[str] = field(default_factory=set)
    items: list[RawItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Linked articles queued by an earlier run after a transient failure (retried before the connector runs),
    # and what this run learnt about linked articles: transient failures to queue, URLs fetched fine.
    retries: list[RetryEntry] = field(default_factory=list)
    failed_links: dict[str, tuple[str, dict[str, Any], str]] = field(default_factory=dict)
    settled_links: set[str] = field(default_factory=set)
    cursor: str | None = None
    # When set, new items go to it (and on to the warehouse in slices) instead of accumulating in `items`.
    handoff: ItemHandoff | None = None
    _emitted: set[str] = field(default_factory=set)

    @property
    def limit(self) -> int:
        """How many entries/posts to take per run."""
        return self.source.max_items or self.settings.max_items_per_source

    def has_new_body(self, resp: Response) -> bool:
        """True for a fresh 200 body; a 304 keeps its validators, a failure is recorded, and both say False."""
        if resp.not_modified:
            self.client.remember(resp)
            return False
        if not resp.ok:
            self.error(resp)
            return False
        return True

    def error(self, resp: Response | None, what: str | None = None) -> None:
        """Add a failure to the run summary (the fetch-log row already exists)."""
        if resp is not None:
            self.errors.append(f"{resp.url}: {resp.error_class or resp.status}: {resp.message or ''}".strip())
        elif what:
            self.errors.append(what)

    def add(
        self, resp: Response | None, kind: str, *, url: str | None = None, body: bytes | None = None,
        parent_url: str | None = None, meta: dict[str, Any] | None = None, content_type: str | None = None,
    ) -> RawItem | None:
        """Append a RawItem built from a response (or from an API object's JSON bytes); skip known ones."""
        if resp is not None and resp.repeat and body is None:
            return None  # fetched earlier in this run: that caller kept the item (see Response.repeat)
        now = datetime.now(UTC)
        if resp is not None and body is None:
            item = RawItem(
                source=self.source.name, source_type=self.source.type, kind=kind,  # type: ignore[arg-type]
                url=url or resp.url, final_url=resp.final_url, fetched_at=now, status=resp.status,
                etag=resp.etag, last_modified=resp.last_modified, content_type=resp.content_type,
                encoding=resp.encoding, body=resp.body, parent_url=parent_url, meta=meta or {},
            )
        else:
            item = RawItem(
                source=self.source.name, source_type=self.source.type, kind=kind,  # type: ignore[arg-type]
                url=url or (resp.url if resp else ""), final_url=resp.final_url if resp else None, fetched_at=now,
                status=resp.status if resp else None, content_type=content_type or "application/json",
                encoding="utf-8", body=body or b"", parent_url=parent_url, meta=meta or {},
            )
        if item.item_id in self.known_item_ids or item.item_id in self._emitted:
            return None
        self._emitted.add(item.item_id)
        if self.handoff is not None:
            self.handoff.add(item)
        else:
            self.items.append(item)
        return item

    def add_post(
        self, resp: Response, obj: dict[str, Any], *, fallback_url: str, url: str | None = None,
        meta: dict[str, Any] | None = None, link_meta: dict[str, Any] | None = None,
    ) -> list[Link]:
        """Keep one API post object as a kind='post' RawItem; return the external articles it links to."""
        kind = self.source.type
        purl = url or (self.posts.post_url(kind, obj) if self.posts else None) or fallback_url
        body = json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf-8")
        self.add(resp, "post", url=purl, body=body, meta=meta)
        found = self.posts.post_links(kind, obj) if self.posts else []
        return [(link, purl, {"post_url": purl, **(link_meta or {})}) for link in external_links(found)]

    async def fetch_article(self, url: str, parent_url: str, meta: dict[str, Any] | None = None) -> Response:
        """Fetch a linked article (once per run) and keep it as a kind='article' RawItem."""
        resp = await self.client.get_once(url, source=self.source, accept_types=ARTICLE_TYPES)
        if resp.not_modified:
            self.client.remember(resp)
            self.settled_links.add(url)
        elif resp.ok:
            self.add(resp, "article", parent_url=parent_url, meta=meta)
            self.client.remember(resp)
            self.settled_links.add(url)
        else:
            if resp.transient:
                # Queued for the next run, so the feed's own validators can still be stored (304 next time).
                error = f"{resp.error_class or resp.status}: {resp.message or ''}".strip()
                self.failed_links[url] = (parent_url, meta or {}, error[:300])
            else:
                self.settled_links.add(url)  # a permanent failure (404, refused): retrying will not help
            self.error(resp)
        return resp

    async def retry_queued(self) -> None:
        """Retry the linked articles an earlier run could not fetch."""
        await self.fetch_articles([(e.url, e.parent_url or "", e.meta) for e in self.retries])

    async def fetch_articles(self, links: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Fetch several linked articles concurrently (the client enforces per-host politeness).

        A few workers take the links in turn, as many as the client may fetch at once: one coroutine per link,
        all started together, would hold a frame (and, until the gather ends, a response) for every link.
        """
        pending = iter(links)

        async def work() -> None:
            for url, parent, meta in pending:
                await self.fetch_article(url, parent, meta)

        workers = min(len(links), max(self.settings.total_concurrency, 1))
        if workers:
            await asyncio.gather(*(work() for _ in range(workers)))


def json_or_fail(run: SourceRun, resp: Response) -> Any:
    """Parse a response body as JSON; on malformed JSON mark the fetch failed ('parse') and return None."""
    try:
        return resp.json()
    except ValueError as exc:
        resp.fail("parse", f"malformed JSON: {exc}")
        run.error(resp)
        return None


async def fetch_api_json(
    run: SourceRun, url: str, *, headers: dict[str, str] | None = None, secrets: Sequence[str] = (),
    conditional: bool = False,
) -> tuple[Response, Any]:
    """GET a documented JSON API (its terms, not robots.txt, govern it); the JSON, or None once recorded.

    None means there is nothing new to read: a 304, a failed fetch, or a malformed body (each already
    in the fetch log and the run's errors).
    """
    resp = await run.client.get(
        url, source=run.source, conditional=conditional, headers={"accept": "application/json", **(headers or {})},
        secrets=secrets, check_robots=False,
    )
    return resp, json_or_fail(run, resp) if run.has_new_body(resp) else None


def shape_error(run: SourceRun, resp: Response, what: str) -> None:
    """Record a JSON body that parsed but does not have the API's documented shape."""
    resp.fail("parse", f"unexpected response shape: {what}")
    run.error(resp)
