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

__all__ = [
    "SyncError", "format_sync", "lag_command", "releases_sync_command", "resolve_claims", "run_releases_sync",
    "sync_exit_code", "sync_releases",
]


# Exit status of `claimwatch releases sync` (also in its --help and the README): whether the requested sources
# were reached. 1 and 2 keep their CLI-wide meaning (operational failure, user error).
EXIT_REACHED = 0  # every requested source answered (200, or 304: the stored copy is current), or none was asked
EXIT_PARTIAL = 3  # some requested sources were not reached: their stored copy or the bundled snapshot was used
EXIT_OFFLINE = 4  # no requested source was reached: fell back to stored copies / the bundled snapshot entirely


def sync_releases(db: str | Path, eci_url: str | None = None, hf_url: str | None = None, *,
                  models_url: str | None = None, openrouter_url: str | None = None, live: bool | None = None,
                  strict: bool = True, allow_private: bool = False) -> dict[str, Any]:
    """Load seeds plus the live sources (settings) or the given URLs; with none, the bundled ECI snapshot.

    With `strict`, an explicitly requested URL that failed raises SyncError after everything else was stored.
    """
    return sync_releases_stage(db, load_settings(), eci_url, hf_url, models_url=models_url,
                               openrouter_url=openrouter_url, live=live, strict=strict, allow_private=allow_private)


def sync_exit_code(counts: dict[str, Any]) -> int:
    """The exit status for a sync's counts: EXIT_REACHED, EXIT_PARTIAL or EXIT_OFFLINE."""
    if counts.get("reached", True):
        return EXIT_REACHED
    return EXIT_PARTIAL if counts.get("n_reached", 0) else EXIT_OFFLINE


def format_sync(counts: dict[str, Any]) -> str:
    """The terminal summary of a sync: what was loaded, one line per source, and any fallback said plainly."""
    if not counts.get("live"):
        where = "bundled Epoch ECI snapshot + seeds (offline)"
    else:
        where = f"{counts.get('n_reached', 0)} of {counts.get('n_requested', 0)} live sources reached + seeds"
    facts = ", ".join(f"{k} {v}" for k, v in sorted(counts.get("facts", {}).items()))
    n_facts = sum(counts.get("facts", {}).values())
    lines = [f"synced {where}: {n_facts} release facts ({facts or 'none'}), {counts['seeds']} seed rows, "
             f"{counts['scores']} scores, {counts['undated']} undated rows kept aside, "
             f"{counts['snapshots']} snapshots"]
    for src in counts.get("sources", []):
        line = f"  {src['state']:<13} {src['origin']:<10} {src['url']}"
        if src.get("fallback"):
            line += f"\n    → {src['reason']}; FALLBACK: {src['fallback']}"
        lines.append(line)
    if not counts.get("reached", True):
        lines.append("warning: not every requested source was reached; see the FALLBACK lines above "
                     "(and `select * from fetch_log where error_class = 'fallback'`)")
    if counts["errors"]:
        lines.append("errors:\n  " + "\n  ".join(counts["errors"]))
    return "\n".join(lines)


def run_releases_sync(db: str | Path, url: str | None = None, hf_url: str | None = None, *,
                      models_url: str | None = None, openrouter_url: str | None = None, live: bool | None = None,
                      allow_private: bool = False) -> tuple[str, int]:
    """Run a release sync; return the terminal summary and the exit status (see EXIT_*)."""
    counts = sync_releases(db, eci_url=url, hf_url=hf_url, models_url=models_url, openrouter_url=openrouter_url,
                           live=live, strict=False, allow_private=allow_private)
    return format_sync(counts), sync_exit_code(counts)


def releases_sync_command(db: str | Path, url: str | None = None, hf_url: str | None = None, *,
                          allow_private: bool = False, **more: Any) -> str:
    """Run a release sync and return its summary for the terminal (the exit status: run_releases_sync)."""
    return run_releases_sync(db, url, hf_url, allow_private=allow_private, **more)[0]


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
