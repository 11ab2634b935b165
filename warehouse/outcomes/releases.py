"""Release registry sync: curated seeds, Epoch AI CSVs and the Hugging Face Hub into releases/scores/snapshots.

No network: the sync stage downloads through the polite client in sources/ and hands the bodies (`Fetched`)
to `sync_releases`; local files and the bundled snapshot are read here.

Idempotent: every body is stored once per (url, sha256) in `snapshots`; releases and scores are
insert-or-replace on their keys. When sources disagree about a model, the curated seed wins over Epoch, and
Epoch over the Hub (a lower-priority source only fills fields the higher one left empty).
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
from warehouse.load import insert
from warehouse.outcomes.epoch import parse_date, parse_epoch_csv
from warehouse.outcomes.hf import parse_hf_models
from warehouse.outcomes.normalize import countries_iso2, org_id

log = logging.getLogger(__name__)

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
SEED_RELEASES = SEEDS_DIR / "releases.csv"
BUNDLED_ECI = SEEDS_DIR / "epoch-eci" / "eci_scores_2025-12-19.csv"
# Where the bundled snapshot came from (see seeds/epoch-eci/README.md); recorded as the snapshot URL.
BUNDLED_ECI_URL = (
    "https://github.com/IAPS-AI/ECI-Accessibility-Gap/blob/1d87bbc6e43b2bd4cb94582c3e919a9771425fb0/data/eci_scores.csv"
)
EPOCH_ECI_URL = "https://epoch.ai/data/eci_scores.csv"

ORIGIN_PRIORITY = {"seed": 3, "epoch": 2, "hf": 1}
_FILL_FIELDS = ("organization", "organization_name", "country", "countries", "open_weights", "accessibility")


@dataclass
class Fetched:
    """One fetched (or read) body."""

    url: str
    body: bytes
    status: int | None = 200
    content_type: str | None = None
    path: str | None = None


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
    now = _now()
    insert(con, "snapshots", [{
        "snapshot_id": sid, "url": the_url, "kind": kind, "fetched_at": now, "last_seen_at": now,
        "status": got.status, "content_type": got.content_type, "sha256": sha, "bytes": len(got.body),
        "n_rows": n_rows, "body": got.body, "path": got.path,
    }], mode="ignore")
    con.execute("UPDATE snapshots SET last_seen_at = ? WHERE snapshot_id = ?", [now, sid])
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


def merge_releases(con: duckdb.DuckDBPyConnection, rows: Iterable[dict[str, Any]]) -> int:
    """Insert-or-replace release rows, honouring origin priority and filling gaps; returns rows written."""
    incoming: dict[str, dict[str, Any]] = {}
    for r in rows:
        if not _valid(Release, r):
            continue
        mid = r["model_id"]
        cur = incoming.get(mid)
        incoming[mid] = r if cur is None else _merge_pair(cur, r)
    if not incoming:
        return 0
    cols = ["model_id", "display_name", "organization", "organization_name", "country", "countries",
            "release_date", "open_weights", "accessibility", "source_url", "origin", "note"]
    existing = {
        row[0]: dict(zip(cols, row, strict=True))
        for row in con.execute(f"SELECT {', '.join(cols)} FROM releases").fetchall()  # noqa: S608 - fixed names
    }
    now = _now()
    out = []
    for mid, r in incoming.items():
        merged = _merge_pair(existing[mid], r) if mid in existing else dict(r)
        merged["updated_at"] = now
        out.append(merged)
    return insert(con, "releases", out, mode="replace")


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
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the counts as a plain dict (for run records and logs)."""
        return {"snapshots": self.snapshots, "releases": self.releases, "scores": self.scores,
                "undated": self.undated, "seeds": self.seeds, "errors": list(self.errors)}


def sync_epoch(con: duckdb.DuckDBPyConnection, got: Fetched, counts: SyncCounts, record_url: str | None = None) -> None:
    """Store one Epoch CSV body: its snapshot, releases, scores and undated rows."""
    parsed = parse_epoch_csv(got.body, record_url or got.url)
    sid = store_snapshot(con, got, parsed.kind, parsed.n_rows, url=record_url)
    counts.snapshots += 1
    counts.releases += merge_releases(con, parsed.releases)
    counts.scores += upsert_scores(con, parsed.scores, sid)
    if parsed.undated:
        insert(con, "undated_rows", [{**u, "snapshot_id": sid} for u in parsed.undated], mode="replace")
        counts.undated += len(parsed.undated)


def sync_hf(con: duckdb.DuckDBPyConnection, got: Fetched, counts: SyncCounts) -> None:
    """Store one Hub API response body (list or single model): its snapshot and releases."""
    parts = urlsplit(got.url)
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme.startswith("http") else "https://huggingface.co"
    rows, n = parse_hf_models(got.body, base_url=base)
    kind = "hf-model" if "/api/models/" in got.url else "hf-models"
    store_snapshot(con, got, kind, n)
    counts.snapshots += 1
    counts.releases += merge_releases(con, rows)


def sync_releases(
    con: duckdb.DuckDBPyConnection,
    epoch: Sequence[Fetched] = (),
    hf: Sequence[Fetched] = (),
    *,
    seeds: bool = True,
    bundled: bool = False,
) -> SyncCounts:
    """Load releases and scores from seeds, Epoch CSV bodies and Hub API bodies; one bad body never stops the rest.

    `bundled=True` also loads the ECI snapshot shipped in seeds/epoch-eci (offline demo).
    """
    counts = SyncCounts()
    if bundled:
        try:
            sync_epoch(con, read_local(BUNDLED_ECI), counts, record_url=BUNDLED_ECI_URL)
        except (OSError, csv.Error) as exc:
            counts.errors.append(f"{BUNDLED_ECI}: {exc}")
    for got in epoch:
        try:
            sync_epoch(con, got, counts)
        except (ValueError, csv.Error) as exc:
            log.warning("epoch source %s failed: %s", got.url, exc)
            counts.errors.append(f"{got.url}: {type(exc).__name__}: {exc}")
    for got in hf:
        try:
            sync_hf(con, got, counts)
        except (ValueError, csv.Error) as exc:
            log.warning("hub source %s failed: %s", got.url, exc)
            counts.errors.append(f"{got.url}: {type(exc).__name__}: {exc}")
    if seeds and SEED_RELEASES.exists():
        # Seeds last: they are the curated facts and must win whatever order sources arrive in.
        seed_rows = load_seed_rows()
        body = SEED_RELEASES.read_bytes()
        store_snapshot(con, Fetched(url=SEED_RELEASES.resolve().as_uri(), body=body, status=None,
                                    content_type="text/csv", path=str(SEED_RELEASES)), "seed", len(seed_rows))
        counts.snapshots += 1
        counts.seeds = merge_releases(con, seed_rows)
    return counts


def release_dates(con: duckdb.DuckDBPyConnection) -> dict[str, date | None]:
    """Return model_id → release_date for every release."""
    return {str(r[0]): r[1] for r in con.execute("SELECT model_id, release_date FROM releases").fetchall()}
