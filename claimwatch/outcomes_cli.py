"""Command logic for the outcomes commands (`claimwatch lag`, `releases sync`, `resolve`): terminal text only.

The work is done by the outcome stages (stages/outcomes.py); this module builds the settings they need and
turns their counts into the lines the CLI prints.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from claimwatch.settings import load_settings
from stages.outcomes import SyncError, lag_stage, resolve_stage, sync_releases_stage
from warehouse.outcomes.lag import format_summary, group_key

log = logging.getLogger(__name__)

__all__ = ["SyncError", "lag_command", "releases_sync_command", "resolve_claims", "sync_releases"]


def sync_releases(db: str | Path, eci_url: str | None = None, hf_url: str | None = None, *,
                  strict: bool = True, allow_private: bool = False) -> dict[str, Any]:
    """Load seeds plus the given Epoch/Hub URLs (or, with none, the bundled ECI snapshot); returns counts.

    With `strict`, an explicitly requested URL that failed raises SyncError after everything else was stored.
    """
    return sync_releases_stage(db, load_settings(), eci_url, hf_url, strict=strict, allow_private=allow_private)


def releases_sync_command(db: str | Path, url: str | None = None, hf_url: str | None = None, *,
                          allow_private: bool = False) -> str:
    """Run a release sync and return a one-paragraph summary for the terminal."""
    counts = sync_releases(db, eci_url=url, hf_url=hf_url, strict=False, allow_private=allow_private)
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
    series = lag_stage(db, lagging, leading, metric, start)
    if series is None:
        return (f"no {metric} scores in the warehouse: run `claimwatch releases sync` first "
                "(without --url it loads the bundled Epoch ECI snapshot)")
    return format_summary(series) + (
        f"\nseries stored in lag_series (lagging_group={group_key(series.lagging)!r}, "
        f"leading_group={group_key(series.leading)!r}, metric={metric!r}, {len(series.points)} days)")


def resolve_claims(db: str | Path, as_of: date) -> dict[str, Any]:
    """Resolve every claim as of a date (rows for that date replaced, earlier dates kept); returns verdict counts."""
    return resolve_stage(db, as_of)
