"""Command logic for the outcomes commands (`claimwatch lag`, `releases sync`, `resolve`), as plain functions.

cli.py (typer) and claimwatch.stages call these; each opens the warehouse through warehouse.db.writer so the lock
is held only for the load and a read snapshot is published afterwards.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from warehouse.db import writer
from warehouse.outcomes.lag import compute_lag, format_summary, group_key
from warehouse.outcomes.releases import sync_releases as _sync
from warehouse.outcomes.resolve import resolve

log = logging.getLogger(__name__)


class SyncError(RuntimeError):
    """Raised after a sync when a source that was asked for explicitly could not be loaded (so callers can retry)."""


def sync_releases(db: str | Path, eci_url: str | None = None, hf_url: str | None = None, *,
                  strict: bool = True) -> dict[str, Any]:
    """Load seeds plus the given Epoch/Hub URLs (or, with none, the bundled ECI snapshot); returns counts.

    With `strict`, an explicitly requested URL that failed raises SyncError after everything else was stored.
    """
    offline = eci_url is None and hf_url is None
    with writer(db) as con:
        counts = _sync(con, [eci_url] if eci_url else [], [hf_url] if hf_url else [], seeds=True, bundled=offline)
    result = counts.as_dict()
    if strict and counts.errors and not offline:
        raise SyncError("; ".join(counts.errors))
    return result


def releases_sync_command(db: str | Path, url: str | None = None, hf_url: str | None = None) -> str:
    """Run a release sync and return a one-paragraph summary for the terminal."""
    counts = sync_releases(db, eci_url=url, hf_url=hf_url, strict=False)
    where = "bundled Epoch ECI snapshot + seeds (offline)" if url is None and hf_url is None else ", ".join(
        u for u in (url, hf_url) if u)
    text = (f"synced {where}: {counts['releases']} release rows, {counts['seeds']} seed rows, "
            f"{counts['scores']} scores, {counts['undated']} undated rows kept aside, "
            f"{counts['snapshots']} snapshots")
    if counts["errors"]:
        text += "\nerrors:\n  " + "\n  ".join(counts["errors"])
    return text


def lag_command(db: str | Path, lagging: dict[str, str], leading: dict[str, str], metric: str = "eci",
                start: date | None = None) -> str:
    """Compute and store the lag series between two groups; return its summary (mean, min, max, now)."""
    with writer(db) as con:
        n_scores = int(con.execute("SELECT count(*) FROM scores WHERE metric = ?", [metric]).fetchall()[0][0])
        if n_scores == 0:
            return (f"no {metric} scores in the warehouse: run `claimwatch releases sync` first "
                    "(without --url it loads the bundled Epoch ECI snapshot)")
        series = compute_lag(con, lagging, leading, metric=metric, start=start)
    return format_summary(series) + (
        f"\nseries stored in lag_series (lagging_group={group_key(series.lagging)!r}, "
        f"leading_group={group_key(series.leading)!r}, metric={metric!r}, {len(series.points)} days)")


def resolve_claims(db: str | Path, as_of: date) -> dict[str, Any]:
    """Resolve every claim as of a date (rows for that date replaced, earlier dates kept); returns verdict counts."""
    with writer(db) as con:
        return dict(resolve(con, as_of))
