"""The outcome stages: sync release facts and scores, resolve claims, measure the lag between two groups.

Downloads go through the polite client in sources/ (user agent, size cap, SSRF guard, fetch_log rows); the
bodies are parsed and loaded by warehouse/outcomes, under the writer lock only for the load.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from schemas import FetchLog
from sources.config import FetchSettings
from sources.download import download
from stages.common import new_run_id
from warehouse import writer
from warehouse.load import insert
from warehouse.outcomes.lag import LagSeries, compute_lag, count_scores
from warehouse.outcomes.releases import Fetched, is_local, read_local, sync_releases
from warehouse.outcomes.resolve import resolve

log = logging.getLogger(__name__)


class SyncError(RuntimeError):
    """Raised after a sync when a source that was asked for explicitly could not be loaded (so callers can retry)."""

    # Only downloads of explicitly requested URLs raise it; the errors arrive as text, so the flow's retry
    # condition (flows.retry.is_transient) treats it as network trouble worth a retry.
    transient = True


def fetch_release_bodies(
    targets: Sequence[str], settings: FetchSettings, run_id: str, *, api: bool, allow_private: bool,
) -> tuple[list[Fetched], list[str], list[FetchLog]]:
    """Read local targets and download the others; return the bodies, the errors and the fetch-log rows."""
    got: list[Fetched] = []
    errors: list[str] = []
    for target in (t for t in targets if is_local(t)):
        try:
            got.append(read_local(target))
        except OSError as exc:
            errors.append(f"{target}: {type(exc).__name__}: {exc}")
    remote = [t for t in targets if not is_local(t)]
    result = download(remote, settings, run_id, name="sync-releases", api=api, allow_private=allow_private)
    for d in result.downloads:
        if d.ok:
            got.append(Fetched(url=d.url, body=d.body, status=d.status, content_type=d.content_type))
        else:
            log.warning("release source %s failed: %s", d.url, d.error)
            errors.append(f"{d.url}: {d.error}")
    return got, errors, result.fetches


def sync_releases_stage(
    db: str | Path, settings: FetchSettings, eci_url: str | None = None, hf_url: str | None = None, *,
    strict: bool = True, allow_private: bool = False, run_id: str | None = None,
) -> dict[str, Any]:
    """Load the curated seeds plus the given Epoch/Hub URLs (with none, the bundled ECI snapshot); return counts.

    With `strict`, an explicitly requested URL that failed raises SyncError after everything else was stored.
    `allow_private` lets the downloads reach loopback or private addresses (tests, a local mirror).
    """
    offline = eci_url is None and hf_url is None
    run = run_id or new_run_id()
    epoch, e_errors, e_log = fetch_release_bodies([eci_url] if eci_url else [], settings, run, api=False,
                                                  allow_private=allow_private)
    hub, h_errors, h_log = fetch_release_bodies([hf_url] if hf_url else [], settings, run, api=True,
                                                allow_private=allow_private)
    with writer(db) as con:
        counts = sync_releases(con, epoch, hub, seeds=True, bundled=offline)
        if e_log or h_log:
            insert(con, "fetch_log", e_log + h_log, mode="append")
    counts.errors[:0] = e_errors + h_errors
    result = counts.as_dict()
    if strict and counts.errors and not offline:
        raise SyncError("; ".join(counts.errors))
    return result


def resolve_stage(db: str | Path, as_of: date) -> dict[str, Any]:
    """Resolve every claim as of a date (rows for that date replaced, earlier dates kept); return verdict counts."""
    with writer(db) as con:
        return dict(resolve(con, as_of))


def lag_stage(
    db: str | Path, lagging: Mapping[str, str], leading: Mapping[str, str], metric: str = "eci",
    start: date | None = None,
) -> LagSeries | None:
    """Compute and store the lag series between two groups; None when the warehouse has no scores of `metric`."""
    with writer(db) as con:
        if count_scores(con, metric) == 0:
            return None
        return compute_lag(con, lagging, leading, metric=metric, start=start)
