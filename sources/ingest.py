"""The ingest interface the ingest stage calls: every enabled source fetched concurrently in one asyncio loop.

`ingest(sources, state, settings, run_id, posts)` is synchronous (it owns its event loop), never raises for a
source's failure, and returns an `IngestResult`: the new raw items, one FetchLog row per HTTP attempt, the
new cursors, the HTTP validators to store, and a per-source error summary. Network only: the state comes in
and the result goes out as values; warehouse/ingest_state.py reads and stores them. Given a `sink` (the
ingest stage's load), new raw items go to it in slices while the fetch goes on instead of into the result.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from schemas import FetchLog, RawItem
from sources import bluesky, hackernews, mastodon, page, reddit, rss, x
from sources.base import ItemHandoff, ItemSink, PostReader, RetryEntry, SourceRun
from sources.config import FetchSettings, SourceConfig
from sources.http import CacheEntry, PoliteClient, RobotsEntry

log = logging.getLogger(__name__)

__all__ = [
    "CONNECTORS",
    "CacheEntry",
    "IngestResult",
    "IngestState",
    "ItemSink",
    "RobotsEntry",
    "ingest",
    "ingest_async",
    "ingest_source",
]

Connector = Callable[[SourceRun, str | None], Awaitable[str | None]]

CONNECTORS: dict[str, Connector] = {
    "rss": rss.fetch,
    "page": page.fetch,
    "hackernews": hackernews.fetch,
    "mastodon": mastodon.fetch,
    "bluesky": bluesky.fetch,
    "reddit": reddit.fetch,
    "x": x.fetch,
}

T = TypeVar("T")


@dataclass
class IngestState:
    """What a run needs to be incremental: HTTP validators, cursors, known raw items and cached robots.txt."""

    # Read-only during a run (the warehouse hands over an index over a million stored validators, see
    # warehouse.ingest_state); a plain dict is updated with what the run learned (a caller that reuses its state).
    http_cache: Mapping[str, CacheEntry] = field(default_factory=dict)
    cursors: dict[str, str | None] = field(default_factory=dict)
    known_item_ids: set[str] = field(default_factory=set)
    robots: dict[str, RobotsEntry] = field(default_factory=dict)
    retry: dict[str, list[RetryEntry]] = field(default_factory=dict)


# A linked article that failed transiently this many runs in a row is given up on (kept in retry_queue
# with status 'gave_up', and every attempt stays in fetch_log). Five runs at the default 30-minute schedule
# cover a two-hour outage of the linked site.
MAX_RETRY_ATTEMPTS = 5


@dataclass
class IngestResult:
    """Everything one ingest run produced, ready for `save_result`."""

    items: list[RawItem] = field(default_factory=list)
    fetches: list[FetchLog] = field(default_factory=list)
    cursors: dict[str, str | None] = field(default_factory=dict)
    cache_rows: list[dict[str, Any]] = field(default_factory=list)
    robots_rows: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    bodies_downloaded: int = 0
    retry_rows: list[dict[str, Any]] = field(default_factory=list)
    retry_done: list[str] = field(default_factory=list)
    # New raw items handed to the sink during the fetch (not in `items`), by kind, and how many it stored.
    items_handed_over: dict[str, int] = field(default_factory=dict)
    items_stored: int = 0
    # Attempts, failures and 304s of the run, counting the rows handed to a sink with the items (`fetches` then
    # holds only the rest); None (a result built by hand): count `fetches`.
    fetch_counts: dict[str, int] | None = None

    @property
    def failed_sources(self) -> list[str]:
        """Names of sources that ended with at least one unrecovered failure."""
        return sorted(name for name, errs in self.errors.items() if errs)

    def summary(self) -> dict[str, Any]:
        """Counts for a run summary: items by kind, attempts, failures, 304s, bodies, failed sources."""
        kinds: dict[str, int] = dict(self.items_handed_over)
        for item in self.items:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        counts = self.fetch_counts or {
            "attempts": len(self.fetches), "failed_attempts": sum(1 for f in self.fetches if not f.ok),
            "not_modified": sum(1 for f in self.fetches if f.not_modified)}
        return {
            "items": sum(kinds.values()), "items_by_kind": kinds, "attempts": counts["attempts"],
            "failed_attempts": counts["failed_attempts"], "not_modified": counts["not_modified"],
            "bodies_downloaded": self.bodies_downloaded, "failed_sources": self.failed_sources,
            "errors": {k: v for k, v in self.errors.items() if v},
        }


def _run_sync(coro: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Called from inside a running loop (an async flow): run ours on a worker thread instead of nesting.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _run_one(
    source: SourceConfig, client: PoliteClient, state: IngestState, settings: FetchSettings, posts: PostReader | None,
    handoff: ItemHandoff | None = None,
) -> SourceRun:
    run = SourceRun(source=source, client=client, settings=settings, posts=posts, known_item_ids=state.known_item_ids,
                    retries=list(state.retry.get(source.name, [])), handoff=handoff)
    connector = CONNECTORS[source.type]
    cursor = state.cursors.get(source.name)
    try:
        await run.retry_queued()
        run.cursor = await connector(run, cursor)
    except Exception as exc:  # a connector bug must cost one source, never the run
        log.exception("source %s failed", source.name)
        message = f"{type(exc).__name__}: {exc}"
        client.refuse(source.url or source.api_base or source.name, source, "internal", message)
        run.errors.append(message)
        run.cursor = cursor
    return run


async def ingest_async(
    sources: Sequence[SourceConfig], state: IngestState, settings: FetchSettings, run_id: str,
    client: PoliteClient | None = None, posts: PostReader | None = None, sink: ItemSink | None = None,
    sink_size: int = 1000,
) -> IngestResult:
    """Fetch every enabled source concurrently inside the running loop; see `ingest`."""
    enabled = [s for s in sources if s.enabled]
    own = client is None
    client = client or PoliteClient(settings, run_id, cache=state.http_cache, robots=state.robots)
    handoff = ItemHandoff(sink, sink_size, drain=client.take_fetches) if sink is not None else None
    try:
        runs = await asyncio.gather(*(_run_one(s, client, state, settings, posts, handoff) for s in enabled))
        if handoff is not None:
            handoff.flush()
            if handoff.error is not None:
                raise handoff.error
    finally:
        if own:
            await client.aclose()
    if isinstance(state.http_cache, dict) and client.cache:
        state.http_cache.update(client.cache)
    result = IngestResult(
        fetches=list(client.fetches), cache_rows=list(client.cache_rows.values()),
        robots_rows=list(client.robots_rows.values()), bodies_downloaded=client.bodies_downloaded,
        fetch_counts=dict(client.fetch_counts),
    )
    if handoff is not None:
        result.items_handed_over, result.items_stored = handoff.by_kind, handoff.stored
        state.known_item_ids.update(handoff.seen)
    seen: set[str] = set()
    for run in runs:
        for item in run.items:
            # An article linked from two sources is fetched once; keep the first copy only.
            if item.item_id not in seen:
                seen.add(item.item_id)
                result.items.append(item)
        result.errors[run.source.name] = list(run.errors)
        _queue_updates(run, result, state)
        if run.cursor != state.cursors.get(run.source.name):
            result.cursors[run.source.name] = run.cursor
            state.cursors[run.source.name] = run.cursor
    state.known_item_ids.update(i.item_id for i in result.items)
    log.info("ingest %s: %s", run_id, {k: v for k, v in result.summary().items() if k != "errors"})
    return result


def _queue_updates(run: SourceRun, result: IngestResult, state: IngestState) -> None:
    """Turn a run's linked-article outcomes into retry_queue upserts and deletions (and update `state`)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    queued = {e.url: e for e in run.retries}
    for url, (parent, meta, error) in run.failed_links.items():
        prior = queued.get(url)
        attempts = (prior.attempts if prior else 0) + 1
        result.retry_rows.append({
            "url": url, "source": run.source.name, "parent_url": parent, "meta": meta, "attempts": attempts,
            "first_failed_at": prior.first_failed_at if prior else now, "last_failed_at": now, "last_error": error,
            "status": "gave_up" if attempts >= MAX_RETRY_ATTEMPTS else "pending",
        })
    done = [u for u in queued if u in run.settled_links and u not in run.failed_links]
    result.retry_done.extend(done)
    pending = {r["url"]: r for r in result.retry_rows if r["source"] == run.source.name and r["status"] == "pending"}
    keep = [e for e in run.retries if e.url not in done and e.url not in pending]
    keep += [RetryEntry(url=r["url"], parent_url=r["parent_url"], meta=r["meta"], attempts=r["attempts"],
                        first_failed_at=r["first_failed_at"]) for r in pending.values()]
    state.retry[run.source.name] = keep


def ingest(
    sources: Sequence[SourceConfig], state: IngestState, settings: FetchSettings, run_id: str,
    posts: PostReader | None = None, sink: ItemSink | None = None, sink_size: int = 1000,
) -> IngestResult:
    """Fetch every enabled source concurrently (one asyncio loop); one failing source never stops the others.

    `posts` reads a post's URL and links (the ingest stage passes extractors.posts); without it, social posts
    keep their API URL and no linked article is fetched. With a `sink`, new raw items are handed to it
    `sink_size` at a time as they arrive, each slice with the fetch log rows written meanwhile (the result's
    `items` stays empty and its `fetches` holds only the rows after the last slice); an error of the sink is
    raised.
    """
    return _run_sync(ingest_async(sources, state, settings, run_id, posts=posts, sink=sink, sink_size=sink_size))


def ingest_source(
    source: SourceConfig, state: IngestState, settings: FetchSettings, run_id: str, posts: PostReader | None = None,
) -> IngestResult:
    """Fetch a single source (same contract as `ingest`)."""
    return ingest([source], state, settings, run_id, posts)
