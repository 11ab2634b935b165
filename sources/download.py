"""Downloads that are not watch-list sources (Epoch AI CSVs, the Hugging Face Hub API), through the polite client.

The same user agent, body cap, SSRF guard, retries and fetch-log rows as every connector; the bytes come back
to the caller (the sync stage), which hands them to warehouse/outcomes to parse and load.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas import FetchLog
from sources.config import FetchSettings, SourceConfig
from sources.http import PoliteClient, Response

__all__ = ["Download", "DownloadResult", "download"]


@dataclass
class Download:
    """One downloaded body, or why there is none."""

    url: str
    final_url: str
    status: int | None
    body: bytes
    content_type: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when a body arrived."""
        return self.error is None


@dataclass
class DownloadResult:
    """What a batch of downloads produced: one Download per URL, in order, and every fetch attempt."""

    downloads: list[Download] = field(default_factory=list)
    fetches: list[FetchLog] = field(default_factory=list)


def _as_download(resp: Response) -> Download:
    error = None
    if not resp.ok:
        what = f"HTTP {resp.status}" if resp.status is not None else (resp.error_class or "failed")
        error = f"{what}: {resp.error_class or ''} {resp.message or ''}".strip()
    return Download(url=resp.url, final_url=resp.final_url, status=resp.status, body=resp.body if resp.ok else b"",
                    content_type=resp.content_type, error=error)


async def _download_all(
    urls: Sequence[str], settings: FetchSettings, run_id: str, source: SourceConfig, api: bool,
) -> DownloadResult:
    async with PoliteClient(settings, run_id) as client:
        responses = await asyncio.gather(*(
            client.get(url, source=source, conditional=False, check_robots=not api) for url in urls
        ))
        return DownloadResult([_as_download(r) for r in responses], list(client.fetches))


def download(
    urls: Sequence[str], settings: FetchSettings, run_id: str, *, name: str = "download", api: bool = False,
    allow_private: bool = False,
) -> DownloadResult:
    """GET each URL once (no conditional headers); `api=True` skips robots.txt, as for any documented API.

    `name` is the fetch log's source name; `allow_private` lets loopback and private targets through the SSRF
    guard (tests, a mirror on the local network), as `allow_private` does for a watch-list source.
    """
    if not urls:
        return DownloadResult()
    source = SourceConfig(name=name, type="page", url=urls[0], allow_private=allow_private)
    return asyncio.run(_download_all(urls, settings, run_id, source, api))
