"""Ingestion state in and out of the warehouse: HTTP validators, cursors, known raw items, robots.txt, retries.

`state_from_db` reads what an ingest run needs to be incremental; `save_result` stores what it produced
(write dispositions: raw_items insert-or-ignore, fetch_log append, http_cache / cursors / robots_cache replace,
retry_queue replace per URL). sources/ fetches and never touches the warehouse; this module is its SQL side.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from sources.base import RetryEntry
from sources.http import CacheEntry, RobotsEntry
from sources.ingest import IngestResult, IngestState
from warehouse.load import get_cursors, insert

__all__ = ["save_result", "state_from_db"]


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()
    return bool(rows[0][0])


class ValidatorIndex(Mapping[str, CacheEntry]):
    """The stored HTTP validators as Arrow columns, one CacheEntry made only for a URL that is asked for: a run
    looks up a few thousand of the million URLs a year of history holds."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table
        self._row = {url: i for i, url in enumerate(table.column("url").to_pylist())}

    def __getitem__(self, url: str) -> CacheEntry:
        i = self._row[url]
        etag, last_modified, sha = (self._table.column(c)[i].as_py() for c in ("etag", "last_modified", "sha256"))
        return CacheEntry(etag=etag, last_modified=last_modified, sha256=sha)

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)


def state_from_db(con: duckdb.DuckDBPyConnection) -> IngestState:
    """Load validators, cursors, known raw-item ids and cached robots.txt from the warehouse (the validators
    and ids through Arrow: at a million rows, Python tuples cost seconds per run)."""
    state = IngestState()
    validators = con.sql("SELECT url, etag, last_modified, sha256 FROM http_cache").to_arrow_table()
    state.http_cache = ValidatorIndex(validators)
    state.cursors = get_cursors(con)
    state.known_item_ids = set(con.sql("SELECT item_id FROM raw_items").to_arrow_table().column(0).to_pylist())
    if _table_exists(con, "robots_cache"):
        for host, body, status, fetched_at in con.execute(
            "SELECT host, body, status, fetched_at FROM robots_cache"
        ).fetchall():
            state.robots[str(host)] = RobotsEntry(body=body or "", status=int(status or 0), fetched_at=fetched_at)
    if _table_exists(con, "retry_queue"):
        for url, source, parent, meta, attempts, first in con.execute(
            "SELECT url, source, parent_url, meta, attempts, first_failed_at FROM retry_queue "
            "WHERE status = 'pending' ORDER BY url"
        ).fetchall():
            state.retry.setdefault(str(source), []).append(
                RetryEntry(url=str(url), parent_url=parent, meta=json.loads(meta) if meta else {},
                           attempts=int(attempts), first_failed_at=first))
    return state


def save_result(con: duckdb.DuckDBPyConnection, result: IngestResult) -> dict[str, int]:
    """Store a run: raw items (insert-or-ignore), fetch log (append), validators, cursors, robots (replace)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    counts = {
        "raw_items": insert(con, "raw_items", result.items, mode="ignore"),
        "fetch_log": insert(con, "fetch_log", result.fetches, mode="append"),
        "http_cache": insert(con, "http_cache", result.cache_rows, mode="replace"),
        "cursors": insert(
            con, "cursors",
            [{"source": k, "cursor": v, "updated_at": now} for k, v in result.cursors.items()], mode="replace",
        ),
        "robots_cache": 0,
    }
    if result.robots_rows and _table_exists(con, "robots_cache"):
        counts["robots_cache"] = insert(con, "robots_cache", result.robots_rows, mode="replace")
    counts["retry_queued"] = sum(1 for r in result.retry_rows if r["status"] == "pending")
    counts["retry_gave_up"] = sum(1 for r in result.retry_rows if r["status"] == "gave_up")
    counts["retry_recovered"] = len(result.retry_done)
    if _table_exists(con, "retry_queue"):
        insert(con, "retry_queue", result.retry_rows, mode="replace", key=("url",))
        if result.retry_done:
            con.register("_retry_done", pa.table({"url": result.retry_done}))
            try:
                con.execute("DELETE FROM retry_queue WHERE url IN (SELECT url FROM _retry_done)")
            finally:
                con.unregister("_retry_done")
    return counts
