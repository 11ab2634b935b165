"""Release registry sync: curated seeds, Epoch AI CSVs, the Hugging Face Hub and OpenRouter into facts and releases.

No network: the sync stage downloads through the polite client in sources/ and hands the bodies (`Fetched`)
to `sync_releases`; local files and the bundled snapshot are read here.

Every source's statement about a model is one row of `release_facts` (origin, evidence URL, the URL it was read
from, retrieval time). `releases` (one row per model, what the resolver and lag code read) is rebuilt from them
by `v_releases`: the highest-priority origin wins (seed > observed > epoch > hf > openrouter; ties go to the
earliest date) and lower-priority facts only fill fields the winner left empty. The order and why is in
warehouse/views/24_v_release_facts.sql.

Idempotent: every body is stored once per (url, sha256) in `snapshots`; a full list (seed file, an Epoch CSV,
OpenRouter's list) replaces the facts read from that URL before; the Hub's per-author lists (newest N only)
insert-or-replace theirs. Scores are insert-or-replace on their keys.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
from pydantic import ValidationError

from schemas import Release, Score, model_slug, stable_id
from sources.http import CacheEntry
from warehouse.load import insert
from warehouse.outcomes.epoch import parse_date, parse_epoch_csv
from warehouse.outcomes.hf import parse_hf_models
from warehouse.outcomes.normalize import countries_iso2, org_id
from warehouse.outcomes.openrouter import parse_openrouter_models

log = logging.getLogger(__name__)

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
SEED_RELEASES = SEEDS_DIR / "releases.csv"
BUNDLED_ECI = SEEDS_DIR / "epoch-eci" / "eci_scores_2025-12-19.csv"
# Where the bundled snapshot came from (see seeds/epoch-eci/README.md); recorded as the snapshot URL.
BUNDLED_ECI_URL = (
    "https://github.com/IAPS-AI/ECI-Accessibility-Gap/blob/1d87bbc6e43b2bd4cb94582c3e919a9771425fb0/data/eci_scores.csv"
)
# Older versions of a source's body are kept only up to this size (see store_snapshot).
KEEP_OLD_BODY_BYTES = 1024 * 1024
# The seed file's facts are keyed by this name, not by its path, so a checkout moved elsewhere replaces them.
SEED_FETCHED_FROM = "claimwatch:warehouse/seeds/releases.csv"

# Mirrors v_release_facts (the SQL is what decides); used to merge duplicates inside one batch.
ORIGIN_PRIORITY = {"seed": 5, "observed": 4, "epoch": 3, "hf": 2, "openrouter": 1}
_FILL_FIELDS = ("organization", "organization_name", "country", "countries", "open_weights", "accessibility")
_FACT_COLS = ("model_id", "origin", "fetched_from", "display_name", "organization", "organization_name", "country",
              "countries", "release_date", "open_weights", "accessibility", "source_url", "note", "retrieved_at",
              "snapshot_id")
_RELEASE_COLS = ("model_id", "display_name", "organization", "organization_name", "country", "countries",
                 "release_date", "open_weights", "accessibility", "source_url", "origin", "note")


@dataclass
class Fetched:
    """One fetched (or read) body."""

    url: str
    body: bytes
    status: int | None = 200
    content_type: str | None = None
    path: str | None = None
    fetched_at: datetime | None = None  # when the body was downloaded (None: now)


def is_local(target: str | Path) -> bool:
    """True for a file path or file:// URL (read here), False for a URL to download."""
    text = str(target)
    return isinstance(target, Path) or text.startswith("file://") or "://" not in text


def read_local(target: str | Path) -> Fetched:
    """Read a local CSV (a path or a file:// URL) as a Fetched body."""
    p = Path(str(target).removeprefix("file://"))
    return Fetched(url=p.resolve().as_uri(), body=p.read_bytes(), status=None, content_type="text/csv", path=str(p))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def store_snapshot(con: duckdb.DuckDBPyConnection, got: Fetched, kind: str, n_rows: int,
                   url: str | None = None) -> str:
    """Store a body once per (url, sha256) and bump last_seen_at; returns the snapshot id."""
    sha = hashlib.sha256(got.body).hexdigest()
    the_url = url or got.url
    sid = stable_id(the_url, sha)
    now = got.fetched_at or _now()
    insert(con, "snapshots", [{
        "snapshot_id": sid, "url": the_url, "kind": kind, "fetched_at": now, "last_seen_at": now,
        "status": got.status, "content_type": got.content_type, "sha256": sha, "bytes": len(got.body),
        "n_rows": n_rows, "body": got.body, "path": got.path,
    }], mode="ignore")
    con.execute("UPDATE snapshots SET last_seen_at = ? WHERE snapshot_id = ?", [now, sid])
    # Epoch's AI-models CSV and OpenRouter's list change daily and run to megabytes: keeping every version's body
    # would grow the warehouse by gigabytes a year. Older large bodies of the same URL go (row, hash, size stay).
    con.execute("UPDATE snapshots SET body = NULL WHERE url = ? AND snapshot_id <> ? AND bytes > ? "
                "AND body IS NOT NULL", [the_url, sid, KEEP_OLD_BODY_BYTES])
    return sid


def load_seed_rows(path: Path = SEED_RELEASES) -> list[dict[str, Any]]:
    """Read the curated release seed CSV (model_id may be blank: it is derived from display_name)."""
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh), start=2):
            name = (r.get("display_name") or "").strip()
            url = (r.get("source_url") or "").strip()
            day = parse_date(r.get("release_date"))
            if not name or not url or day is None:
                log.warning("seed line %d discarded: needs display_name, release_date and source_url", i)
                continue
            ow = (r.get("open_weights") or "").strip().lower()
            countries = countries_iso2(r.get("country"))
            rows.append({
                "model_id": (r.get("model_id") or "").strip() or model_slug(name),
                "display_name": name,
                "organization": org_id(r.get("organization")),
                "organization_name": (r.get("organization") or "").strip() or None,
                "country": countries[0] if countries else None,
                "countries": ",".join(countries) or None,
                "release_date": day,
                "open_weights": True if ow in {"true", "yes", "1"} else False if ow in {"false", "no", "0"} else None,
                "accessibility": None,
                "source_url": url,
                "origin": "seed",
                "note": (r.get("note") or "").strip() or None,
            })
    return rows


def _valid(model: type[Release] | type[Score], row: dict[str, Any]) -> bool:
    """Validate a row against its schema record at the boundary; log and drop it when invalid."""
    fields = {k: row.get(k) for k in model.model_fields if row.get(k) is not None}
    if model is Release:
        fields.setdefault("organization", "")
    try:
        model.model_validate(fields)
    except ValidationError as exc:
        log.warning("discarding %s row %s: %s", model.__name__, row.get("model_id"), exc.errors()[0]["msg"])
        return False
    return True


def merge_releases(
    con: duckdb.DuckDBPyConnection, rows: Iterable[dict[str, Any]], *, fetched_from: str | None = None,
    retrieved_at: datetime | None = None, snapshot_id: str | None = None, replace_source: bool = False,
) -> int:
    """Store release facts and rebuild `releases` for the models they touch; returns facts written.

    `fetched_from` keys the facts (default: each row's source_url); with `replace_source`, the facts read from
    that URL before are dropped first (a full list that no longer names a model no longer vouches for it).
    """
    when = retrieved_at or _now()
    incoming: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        if not _valid(Release, r):
            continue
        fact = {k: r.get(k) for k in _FACT_COLS}
        fact["fetched_from"] = fetched_from or r.get("fetched_from") or r["source_url"]
        fact["retrieved_at"] = r.get("retrieved_at") or when
        fact["snapshot_id"] = r.get("snapshot_id") or snapshot_id
        key = (str(fact["model_id"]), str(fact["origin"]), str(fact["fetched_from"]))
        cur = incoming.get(key)
        incoming[key] = fact if cur is None else _merge_pair(cur, fact)
    touched = {k[0] for k in incoming}
    if replace_source and fetched_from:
        gone = con.execute("SELECT DISTINCT model_id FROM release_facts WHERE fetched_from = ?",
                           [fetched_from]).fetchall()
        touched |= {str(g[0]) for g in gone}
        con.execute("DELETE FROM release_facts WHERE fetched_from = ?", [fetched_from])
    written = insert(con, "release_facts", list(incoming.values()), mode="replace") if incoming else 0
    rebuild_releases(con, touched)
    return written


def rebuild_releases(con: duckdb.DuckDBPyConnection, model_ids: Iterable[str] | None = None) -> int:
    """Write `releases` rows from v_releases (all models, or the given ones); returns rows written."""
    ids = None if model_ids is None else sorted(set(model_ids))
    if ids == []:
        return 0
    cols = ", ".join(_RELEASE_COLS)
    where = "" if ids is None else " WHERE list_contains(?, model_id)"
    params: list[Any] = [_now()] + ([] if ids is None else [ids])
    if ids is not None:
        # a model whose every fact was withdrawn leaves the registry
        con.execute("DELETE FROM releases WHERE list_contains(?, model_id) "
                    "AND model_id NOT IN (SELECT model_id FROM release_facts)", [ids])
    con.execute(f"INSERT OR REPLACE INTO releases ({cols}, updated_at) "  # noqa: S608 - fixed names
                f"SELECT {cols}, ? FROM v_releases{where}", params)
    n = con.execute(f"SELECT count(*) FROM v_releases{where}", [] if ids is None else [ids]).fetchall()[0][0]  # noqa: S608
    return int(n)


def _merge_pair(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    p_old = ORIGIN_PRIORITY.get(old.get("origin") or "", 0)
    p_new = ORIGIN_PRIORITY.get(new.get("origin") or "", 0)
    if p_new > p_old:
        win, lose = dict(new), old
    elif p_new < p_old:
        win, lose = dict(old), new
    else:
        # same source class: the earlier dated row is the first public release
        d_old, d_new = old.get("release_date"), new.get("release_date")
        newer_first = d_new is not None and (d_old is None or d_new < d_old)
        win, lose = (dict(new), old) if newer_first or d_old == d_new else (dict(old), new)
    for k in _FILL_FIELDS:
        if win.get(k) is None and lose.get(k) is not None:
            win[k] = lose[k]
    return win


def upsert_scores(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]], snapshot_id: str | None) -> int:
    """Insert-or-replace score rows keyed by (model_id, metric, as_of)."""
    now = _now()
    batch = [{**r, "snapshot_id": snapshot_id, "updated_at": now} for r in rows if _valid(Score, r)]
    return insert(con, "scores", batch, mode="replace") if batch else 0


@dataclass
class SyncCounts:
    """What a sync did."""

    snapshots: int = 0
    releases: int = 0
    scores: int = 0
    undated: int = 0
    seeds: int = 0
    facts: dict[str, int] = field(default_factory=dict)  # facts written per origin
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the counts as a plain dict (for run records and logs)."""
        return {"snapshots": self.snapshots, "releases": self.releases, "scores": self.scores,
                "undated": self.undated, "seeds": self.seeds, "facts": dict(self.facts), "errors": list(self.errors)}

    def add_facts(self, origin: str, n: int) -> None:
        """Count facts written for an origin."""
        self.facts[origin] = self.facts.get(origin, 0) + n


def _base(url: str, default: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme.startswith("http") else default


def sync_epoch(con: duckdb.DuckDBPyConnection, got: Fetched, counts: SyncCounts, record_url: str | None = None) -> None:
    """Store one Epoch CSV body: its snapshot, release facts, scores and undated rows."""
    url = record_url or got.url
    parsed = parse_epoch_csv(got.body, url)
    if "model" not in parsed.columns:
        raise ValueError("not an Epoch CSV: no model column")
    if parsed.n_rows == 0:  # a truncated or emptied file must not withdraw every fact read from this URL
        raise ValueError("an Epoch CSV with no rows")
    sid = store_snapshot(con, got, parsed.kind, parsed.n_rows, url=record_url)
    counts.snapshots += 1
    n = merge_releases(con, parsed.releases, fetched_from=url, retrieved_at=got.fetched_at, snapshot_id=sid,
                       replace_source=True)
    counts.releases += n
    counts.add_facts("epoch", n)
    counts.scores += upsert_scores(con, parsed.scores, sid)
    if parsed.undated:
        insert(con, "undated_rows", [{**u, "snapshot_id": sid} for u in parsed.undated], mode="replace")
        counts.undated += len(parsed.undated)


def sync_hf(con: duckdb.DuckDBPyConnection, got: Fetched, counts: SyncCounts) -> None:
    """Store one Hub API response body (list or single model): its snapshot and release facts."""
    rows, n_seen = parse_hf_models(got.body, base_url=_base(got.url, "https://huggingface.co"))
    kind = "hf-model" if "/api/models/" in got.url else "hf-models"
    sid = store_snapshot(con, got, kind, n_seen)
    counts.snapshots += 1
    # A per-author list holds only the newest N repositories: older facts from the same URL stay.
    n = merge_releases(con, rows, fetched_from=got.url, retrieved_at=got.fetched_at, snapshot_id=sid)
    counts.releases += n
    counts.add_facts("hf", n)


def sync_openrouter(con: duckdb.DuckDBPyConnection, got: Fetched, counts: SyncCounts) -> None:
    """Store one OpenRouter `/api/v1/models` body: its snapshot and release facts (the full list replaces)."""
    rows, n_seen = parse_openrouter_models(got.body, base_url=_base(got.url, "https://openrouter.ai"))
    if n_seen == 0:
        raise ValueError("no `data` list of models in the response")
    sid = store_snapshot(con, got, "openrouter-models", n_seen)
    counts.snapshots += 1
    n = merge_releases(con, rows, fetched_from=got.url, retrieved_at=got.fetched_at, snapshot_id=sid,
                       replace_source=True)
    counts.releases += n
    counts.add_facts("openrouter", n)


def sync_bundled_eci(con: duckdb.DuckDBPyConnection, counts: SyncCounts) -> None:
    """Load the ECI snapshot shipped in seeds/epoch-eci (offline, or the fallback when Epoch is unreachable)."""
    try:
        sync_epoch(con, read_local(BUNDLED_ECI), counts, record_url=BUNDLED_ECI_URL)
    except (OSError, ValueError, csv.Error) as exc:
        counts.errors.append(f"{BUNDLED_ECI}: {exc}")


def sync_seeds(con: duckdb.DuckDBPyConnection, counts: SyncCounts) -> None:
    """Load the curated seed file (its facts replace the seed facts loaded before)."""
    seed_rows = load_seed_rows()
    body = SEED_RELEASES.read_bytes()
    sid = store_snapshot(con, Fetched(url=SEED_RELEASES.resolve().as_uri(), body=body, status=None,
                                      content_type="text/csv", path=str(SEED_RELEASES)), "seed", len(seed_rows))
    counts.snapshots += 1
    counts.seeds = merge_releases(con, seed_rows, fetched_from=SEED_FETCHED_FROM, snapshot_id=sid,
                                  replace_source=True)
    counts.add_facts("seed", counts.seeds)


_SYNCERS = {"epoch": sync_epoch, "hf": sync_hf, "openrouter": sync_openrouter}


def sync_releases(
    con: duckdb.DuckDBPyConnection,
    epoch: Sequence[Fetched] = (),
    hf: Sequence[Fetched] = (),
    *,
    openrouter: Sequence[Fetched] = (),
    seeds: bool = True,
    bundled: bool = False,
) -> SyncCounts:
    """Load releases and scores from seeds, Epoch CSV, Hub API and OpenRouter bodies; one bad body never stops the rest.

    `bundled=True` also loads the ECI snapshot shipped in seeds/epoch-eci (offline, or as the fallback).
    """
    counts = SyncCounts()
    if bundled:
        sync_bundled_eci(con, counts)
    for origin, bodies in (("epoch", epoch), ("hf", hf), ("openrouter", openrouter)):
        for got in bodies:
            try:
                _SYNCERS[origin](con, got, counts)
            except (ValueError, csv.Error) as exc:
                log.warning("%s source %s failed: %s", origin, got.url, exc)
                counts.errors.append(f"{got.url}: {type(exc).__name__}: {exc}")
    if seeds and SEED_RELEASES.exists():
        sync_seeds(con, counts)
    return counts


def stored_validators(con: duckdb.DuckDBPyConnection, urls: Iterable[str]) -> dict[str, CacheEntry]:
    """ETag / Last-Modified of the URLs whose body is stored in `snapshots` (a 304 must have a body to keep)."""
    wanted = sorted(set(urls))
    if not wanted:
        return {}
    rows = con.execute(
        "SELECT c.url, c.etag, c.last_modified, c.sha256 FROM http_cache AS c "
        "WHERE list_contains(?, c.url) AND (c.etag IS NOT NULL OR c.last_modified IS NOT NULL) "
        "AND EXISTS (SELECT 1 FROM snapshots AS s WHERE s.url = c.url)", [wanted]).fetchall()
    return {str(u): CacheEntry(etag=e, last_modified=lm, sha256=sha) for u, e, lm, sha in rows}


def last_stored(con: duckdb.DuckDBPyConnection, url: str) -> datetime | None:
    """When a body from this URL was last received or confirmed (None: never stored)."""
    row = con.execute("SELECT max(coalesce(last_seen_at, fetched_at)) FROM snapshots WHERE url = ?",
                      [url]).fetchall()
    return row[0][0] if row and row[0][0] is not None else None


def touch_snapshot(con: duckdb.DuckDBPyConnection, url: str, when: datetime | None = None) -> None:
    """A 304 confirmed the newest stored body of this URL: bump its last_seen_at."""
    con.execute(
        "UPDATE snapshots SET last_seen_at = ? WHERE snapshot_id = ("
        " SELECT snapshot_id FROM snapshots WHERE url = ? ORDER BY fetched_at DESC LIMIT 1)",
        [when or _now(), url])


def release_dates(con: duckdb.DuckDBPyConnection) -> dict[str, date | None]:
    """Return model_id → release_date for every release."""
    return {str(r[0]): r[1] for r in con.execute("SELECT model_id, release_date FROM releases").fetchall()}
