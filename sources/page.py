"""A single web page, watched as is (an index page, a leaderboard, a living report)."""

from __future__ import annotations

from sources.base import SourceRun

__all__ = ["fetch"]


async def fetch(run: SourceRun, cursor: str | None) -> str | None:
    """Fetch the page conditionally; a changed body becomes a kind="page" RawItem."""
    resp = await run.client.get_once(run.source.url or "", source=run.source)
    if resp.not_modified:
        run.client.remember(resp)
    elif resp.ok:
        run.add(resp, "page")
        run.client.remember(resp)
    else:
        run.error(resp)
    return cursor
