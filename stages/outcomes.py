"""The outcome stages: sync release facts and scores, resolve claims, measure the lag between two groups.

Downloads go through the polite client in sources/ (user agent, size cap, SSRF guard, fetch_log rows); the
bodies are parsed and loaded by warehouse/outcomes, under the writer lock only for the load.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from schemas import FetchLog
from sources.config import FetchSettings
from sources.download import QuickSettings, download
from sources.http import CacheEntry
from stages.common import new_run_id
from warehouse import writer
from warehouse.load import insert
from warehouse.outcomes.lag import LagSeries, compute_lag, count_scores
from warehouse.outcomes.releases import (
    BUNDLED_ECI,
    Fetched,
    SyncCounts,
    is_local,
    last_stored,
    read_local,
    stored_validators,
    sync_bundled_eci,
    sync_releases,
    touch_snapshot,
)
from warehouse.outcomes.resolve import resolve

log = logging.getLogger(__name__)


class SyncError(RuntimeError):
    """Raised after a sync when a source that was asked for explicitly could not be loaded (so callers can retry)."""

    # Only downloads of explicitly requested URLs raise it; the errors arrive as text, so the flow's retry
    # condition (flows.retry.is_transient) treats it as network trouble worth a retry.
    transient = True


class ReleaseSettings(FetchSettings, Protocol):
    """What the release sync reads from the settings object (config.settings.Settings fits)."""

    @property
    def releases_live(self) -> bool:
        """Fetch the live sources below by default (False: only explicitly given URLs)."""

    @property
    def eci_url(self) -> str | None:
        """Epoch AI's ECI scores CSV."""

    @property
    def epoch_models_url(self) -> str:
        """Epoch AI's AI-models CSV."""

    @property
    def hf_api_url(self) -> str:
        """The Hugging Face Hub model-list endpoint."""

    @property
    def hf_authors(self) -> str:
        """Comma-separated Hub authors whose newest repositories are listed."""

    @property
    def hf_limit(self) -> int:
        """Repositories per author."""

    @property
    def openrouter_url(self) -> str:
        """OpenRouter's model-list endpoint."""

    @property
    def releases_connect_timeout(self) -> float:
        """Connect timeout of release downloads (short: an offline sync falls back quickly)."""

    @property
    def releases_retries(self) -> int:
        """Retries of a transient release-download failure."""

    @property
    def releases_max_body_bytes(self) -> int:
        """The body cap of release downloads (datasets, larger than pages)."""


@dataclass(frozen=True)
class ReleaseSource:
    """One release-data URL a sync asks for."""

    origin: str  # epoch | hf | openrouter
    url: str
    explicit: bool  # named by the caller (CLI flag, flow parameter), not taken from the settings
    eci: bool = False  # the ECI scores file: without it the bundled snapshot is the fallback


@dataclass
class SourceReport:
    """How one requested source went: fetched, not-modified, local, or unreachable (with the fallback used)."""

    origin: str
    url: str
    state: str
    explicit: bool = False
    eci: bool = False
    reason: str | None = None
    fallback: str | None = None

    @property
    def reached(self) -> bool:
        """True when the source answered with data (or a 304) that loaded."""
        return self.state in ("fetched", "not-modified", "local")


def hf_list_urls(api_url: str, authors: str, limit: int) -> list[str]:
    """One Hub list request per author, newest repositories first (https://huggingface.co/docs/hub/api)."""
    return [f"{api_url}?author={a.strip()}&sort=createdAt&direction=-1&limit={limit}"
            for a in authors.split(",") if a.strip()]


def release_sources(
    settings: ReleaseSettings, eci_url: str | None = None, hf_url: str | None = None, *,
    models_url: str | None = None, openrouter_url: str | None = None, live: bool | None = None,
) -> list[ReleaseSource]:
    """The sources a sync fetches: the given URLs, plus (when live) the settings' URLs for the others."""
    live = settings.releases_live if live is None else live
    out: list[ReleaseSource] = []

    def add(origin: str, given: str | None, default: str | None, eci: bool = False) -> None:
        if given:
            out.append(ReleaseSource(origin, given, True, eci))
        elif live and default:
            out.append(ReleaseSource(origin, default, False, eci))

    add("epoch", eci_url, settings.eci_url, eci=True)
    add("epoch", models_url, settings.epoch_models_url)
    if hf_url:
        out.append(ReleaseSource("hf", hf_url, True))
    elif live and settings.hf_api_url:
        out += [ReleaseSource("hf", u, False)
                for u in hf_list_urls(settings.hf_api_url, settings.hf_authors, settings.hf_limit)]
    add("openrouter", openrouter_url, settings.openrouter_url)
    return out


@dataclass
class _Fetch:
    """Everything the download half of a sync hands to the load half."""

    bodies: dict[str, list[Fetched]] = field(default_factory=dict)
    reports: dict[str, SourceReport] = field(default_factory=dict)
    fetches: list[FetchLog] = field(default_factory=list)
    cache_rows: list[dict[str, Any]] = field(default_factory=list)


def _download_sources(
    sources: Sequence[ReleaseSource], settings: ReleaseSettings, run_id: str, validators: Mapping[str, CacheEntry],
    allow_private: bool,
) -> _Fetch:
    """Read local sources and download the others (Epoch's files as pages, the two APIs as APIs)."""
    out = _Fetch()
    quick = QuickSettings.of(settings, connect_timeout=settings.releases_connect_timeout,
                             retries=settings.releases_retries, max_body_bytes=settings.releases_max_body_bytes)
    for src in sources:
        out.reports[src.url] = SourceReport(src.origin, src.url, "pending", src.explicit, src.eci)
        if is_local(src.url):
            try:
                out.bodies.setdefault(src.origin, []).append(read_local(src.url))
                out.reports[src.url].state = "local"
            except OSError as exc:
                out.reports[src.url].state = "unreachable"
                out.reports[src.url].reason = f"{type(exc).__name__}: {exc}"
    for api in (False, True):
        remote = [s for s in sources if not is_local(s.url) and (s.origin != "epoch") == api]
        result = download([s.url for s in remote], quick, run_id, name="sync-releases", api=api,
                          allow_private=allow_private, validators=validators)
        out.fetches += result.fetches
        out.cache_rows += result.cache_rows
        for src, d in zip(remote, result.downloads, strict=True):
            rep = out.reports[src.url]
            if not d.ok:
                rep.state, rep.reason = "unreachable", d.error
            elif d.not_modified:
                rep.state = "not-modified"
            else:
                rep.state = "fetched"
                out.bodies.setdefault(src.origin, []).append(Fetched(
                    url=d.url, body=d.body, status=d.status, content_type=d.content_type, fetched_at=d.fetched_at))
    return out


def _fall_back(con: Any, rep: SourceReport, counts: SyncCounts, bundled_loaded: bool) -> bool:
    """Decide and load the fallback of an unreachable source; returns whether the bundled ECI is now loaded."""
    stored = last_stored(con, rep.url)
    if stored is not None:
        rep.fallback = f"kept the copy stored {stored:%Y-%m-%d %H:%M} UTC"
    elif rep.eci:
        if not bundled_loaded:
            sync_bundled_eci(con, counts)
        rep.fallback = f"loaded the bundled ECI snapshot ({BUNDLED_ECI.name})"
        return True
    else:
        rep.fallback = "no stored copy: seeds and the other sources only"
    return bundled_loaded


def _load(con: Any, got: _Fetch, run: str, *, offline: bool) -> tuple[SyncCounts, bool]:
    """Load the bodies, fall back for every source not reached, record fetch_log and validators.

    Returns the counts and whether the bundled ECI snapshot was loaded.
    """
    counts = sync_releases(con, got.bodies.get("epoch", []), got.bodies.get("hf", []),
                           openrouter=got.bodies.get("openrouter", []), seeds=True, bundled=offline)
    for err in counts.errors:  # a body that arrived but did not load counts as not reached
        rep = got.reports.get(err.split(": ", 1)[0])
        if rep is not None and rep.reached:
            rep.state, rep.reason = "unreachable", err.split(": ", 1)[1]
    bundled = offline
    notes: list[FetchLog] = []
    for rep in got.reports.values():
        if rep.state == "not-modified":
            touch_snapshot(con, rep.url)
        elif not rep.reached:
            bundled = _fall_back(con, rep, counts, bundled)
            log.warning("release source %s not reached (%s); %s", rep.url, rep.reason, rep.fallback)
            notes.append(FetchLog(run_id=run, source="sync-releases", url=rep.url, started_at=datetime.now(UTC),
                                  duration_ms=0.0, ok=False, error_class="fallback",
                                  message=f"{rep.reason}; {rep.fallback}"))
    if got.fetches or notes:
        insert(con, "fetch_log", got.fetches + notes, mode="append")
    # validators only for bodies that loaded: a 304 must never stand in for a body that did not parse
    loaded = [r for r in got.cache_rows if got.reports.get(r["url"]) is None or got.reports[r["url"]].reached]
    if loaded:
        insert(con, "http_cache", loaded, mode="replace")
    return counts, bundled


def sync_releases_stage(
    db: str | Path, settings: ReleaseSettings, eci_url: str | None = None, hf_url: str | None = None, *,
    models_url: str | None = None, openrouter_url: str | None = None, live: bool | None = None,
    strict: bool = True, allow_private: bool = False, run_id: str | None = None,
) -> dict[str, Any]:
    """Load the curated seeds plus the live release sources (or the given URLs); return counts and a per-source report.

    Sources: the given URLs, plus, when `live` (default: settings.releases_live), Epoch's ECI and AI-models CSVs,
    the Hub per author and OpenRouter from the settings. Conditional GET against the validators stored last time;
    a 304 keeps the stored copy. An unreachable source falls back to its last stored copy, or for the ECI to the
    bundled snapshot, with a warning and a `fallback` row in fetch_log. With no source at all, the bundled ECI
    snapshot is loaded (offline use). `result["reached"]` is False when a requested source was not reached.
    With `strict`, an explicitly given URL that failed raises SyncError after everything else was stored.
    `allow_private` lets the downloads reach loopback or private addresses (tests, a local mirror).
    """
    run = run_id or new_run_id()
    sources = release_sources(settings, eci_url, hf_url, models_url=models_url, openrouter_url=openrouter_url,
                              live=live)
    remote = [s.url for s in sources if not is_local(s.url)]
    validators: dict[str, CacheEntry] = {}
    if remote:
        with writer(db, snapshot=False) as con:  # only reads (and migrates): the load below publishes
            validators = stored_validators(con, remote)
    got = _download_sources(sources, settings, run, validators, allow_private)
    with writer(db) as con:
        counts, bundled = _load(con, got, run, offline=not sources)
    failed = [r for r in got.reports.values() if not r.reached]
    result = counts.as_dict()
    result["errors"] = [f"{r.url}: {r.reason}" for r in failed] + [
        e for e in counts.errors if e.split(": ", 1)[0] not in got.reports]
    result.update(
        live=bool(sources), bundled=bundled, reached=not failed, n_requested=len(sources),
        n_reached=len(sources) - len(failed),
        sources=[{"origin": r.origin, "url": r.url, "state": r.state, "explicit": r.explicit, "reason": r.reason,
                  "fallback": r.fallback} for r in got.reports.values()],
    )
    explicit_failed = [r for r in failed if r.explicit]
    if strict and explicit_failed:
        raise SyncError("; ".join(f"{r.url}: {r.reason}" for r in explicit_failed))
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
