"""Downloads that are not watch-list sources (Epoch AI CSVs, the Hugging Face Hub and OpenRouter APIs), politely.

The same user agent, body cap, SSRF guard, retries and fetch-log rows as every connector, and conditional GET
when the caller passes the validators (ETag / Last-Modified) it stored last time: a 304 comes back as
`not_modified` with no body. The bytes come back to the caller (the sync stage), which hands them to
warehouse/outcomes to parse and load, and stores the new validators (`DownloadResult.cache_rows`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from schemas import FetchLog
from sources.config import FetchSettings, SourceConfig
from sources.http import CacheEntry, PoliteClient, Response

__all__ = ["Download", "DownloadResult", "QuickSettings", "download"]


@dataclass
class Download:
    """One downloaded body, or why there is none."""

    url: str
    final_url: str
    status: int | None
    body: bytes
    content_type: str | None
    error: str | None = None
    not_modified: bool = False
    transient: bool = False
    fetched_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the server answered: a body arrived, or a 304 said the stored one is current."""
        return self.error is None


@dataclass
class DownloadResult:
    """What a batch of downloads produced: one Download per URL, in order, and every fetch attempt."""

    downloads: list[Download] = field(default_factory=list)
    fetches: list[FetchLog] = field(default_factory=list)
    cache_rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class QuickSettings:
    """A FetchSettings copy for data downloads: a shorter connect timeout and fewer retries, so an offline
    fallback is quick, and a body cap sized for datasets rather than pages."""

    user_agent: str
    connect_timeout: float
    read_timeout: float
    max_body_bytes: int
    max_redirects: int
    retries: int
    backoff_seconds: float
    max_retry_after: float
    per_host_concurrency: int
    per_host_interval: float
    total_concurrency: int
    respect_robots: bool
    max_items_per_source: int

    @classmethod
    def of(cls, base: FetchSettings, *, connect_timeout: float | None = None, retries: int | None = None,
           max_body_bytes: int | None = None) -> QuickSettings:
        """Copy `base`, lowering connect_timeout and retries (never raising them); `max_body_bytes` replaces."""
        return cls(
            user_agent=base.user_agent,
            connect_timeout=min(base.connect_timeout, connect_timeout or base.connect_timeout),
            read_timeout=base.read_timeout, max_body_bytes=max_body_bytes or base.max_body_bytes,
            max_redirects=base.max_redirects,
            retries=base.retries if retries is None else min(base.retries, retries),
            backoff_seconds=base.backoff_seconds, max_retry_after=base.max_retry_after,
            per_host_concurrency=base.per_host_concurrency, per_host_interval=base.per_host_interval,
            total_concurrency=base.total_concurrency, respect_robots=base.respect_robots,
            max_items_per_source=base.max_items_per_source,
        )


def _as_download(resp: Response) -> Download:
    error = None
    if not resp.ok:
        what = f"HTTP {resp.status}" if resp.status is not None else (resp.error_class or "failed")
        error = f"{what}: {resp.error_class or ''} {resp.message or ''}".strip()
    return Download(url=resp.url, final_url=resp.final_url, status=resp.status, body=resp.body if resp.ok else b"",
                    content_type=resp.content_type, error=error, not_modified=resp.not_modified,
                    transient=resp.transient, fetched_at=datetime.now(UTC).replace(tzinfo=None))


async def _download_all(
    urls: Sequence[str], settings: FetchSettings, run_id: str, source: SourceConfig, api: bool,
    validators: Mapping[str, CacheEntry],
) -> DownloadResult:
    async with PoliteClient(settings, run_id, cache=dict(validators)) as client:
        responses = await asyncio.gather(*(
            client.get(url, source=source, conditional=url in validators, check_robots=not api) for url in urls
        ))
        for resp in responses:
            client.remember(resp)
        return DownloadResult([_as_download(r) for r in responses], list(client.fetches),
                              list(client.cache_rows.values()))


def download(
    urls: Sequence[str], settings: FetchSettings, run_id: str, *, name: str = "download", api: bool = False,
    allow_private: bool = False, validators: Mapping[str, CacheEntry] | None = None,
) -> DownloadResult:
    """GET each URL once; `api=True` skips robots.txt, as for any documented API.

    With `validators` (url → the ETag / Last-Modified stored after the last download), those URLs are fetched
    conditionally and a 304 comes back as `not_modified`. `name` is the fetch log's source name; `allow_private`
    lets loopback and private targets through the SSRF guard (tests, a mirror on the local network), as
    `allow_private` does for a watch-list source.
    """
    if not urls:
        return DownloadResult()
    source = SourceConfig(name=name, type="page", url=urls[0], allow_private=allow_private)
    return asyncio.run(_download_all(urls, settings, run_id, source, api, validators or {}))
