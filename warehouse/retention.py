"""Retention: drop raw bodies older than N days, keeping parsed text, mentions, claims and their evidence.

Raw bodies are what makes re-parsing possible; documents (the parsed text), mentions and claims (each with its
evidence sentence and offsets into that text) are what every view, the report and re-extraction read, so they
are kept. Only bodies the parse stage has already looked at are dropped: a body still waiting to be parsed is
never lost. The row stays (url, sha256, validators, fetched_at), so de-duplication and the audit trail are
unchanged; `body` becomes NULL and `meta.body_dropped_at` says when. DuckDB reuses the freed blocks for the
next loads, so the file stops growing by the bodies' share; `compact=True` also rewrites the file to give the
space back to the filesystem (a full copy: a maintenance step, not something to run every half hour).
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from warehouse.db import open_db, write_lock, writer
from warehouse.load import insert

log = logging.getLogger(__name__)

# Bodies the pipeline may still need: the kinds the parse stage reads are dropped only once parsed.
_DROP_SQL = """
UPDATE raw_items SET body = NULL,
       meta = json_merge_patch(coalesce(meta, '{}'), json_object('body_dropped_at', CAST($now AS VARCHAR)))
WHERE body IS NOT NULL AND fetched_at < $cutoff
  AND item_id IN (SELECT item_id FROM parsed_items)
"""


def drop_bodies_older_than(db: str | Path, days: int, now: datetime | None = None,
                           compact: bool = False) -> dict[str, Any]:
    """Set raw bodies fetched more than `days` days ago (and already parsed) to NULL; return what was dropped."""
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    now = now or datetime.now(UTC).replace(tzinfo=None)
    cutoff = now - timedelta(days=days)
    with writer(db) as con:
        row = con.execute(
            "SELECT count(*), coalesce(sum(octet_length(body)), 0) FROM raw_items WHERE body IS NOT NULL "
            "AND fetched_at < $cutoff AND item_id IN (SELECT item_id FROM parsed_items)", {"cutoff": cutoff},
        ).fetchall()[0]
        con.execute(_DROP_SQL, {"now": now, "cutoff": cutoff})
        counts: dict[str, Any] = {"bodies_dropped": int(row[0]), "body_bytes_dropped": int(row[1]),
                                  "cutoff": cutoff.isoformat(sep=" ")}
        insert(con, "runs", [{"run_id": now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8],
                              "flow": "retention", "started_at": now, "finished_at": now, "status": "completed",
                              "counts": counts}], mode="append")
    log.info("retention: dropped %d raw bodies (%d bytes) fetched before %s", row[0], row[1], cutoff)
    if compact:
        counts["file_bytes_before"], counts["file_bytes_after"] = compact_warehouse(db)
    return counts


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def compact_warehouse(db: str | Path) -> tuple[int, int]:
    """Rewrite the warehouse into a fresh file (freed blocks dropped) and swap it in; return sizes before, after."""
    path = Path(db)
    before = path.stat().st_size
    tmp = path.with_name(f".{path.name}.{os.getpid()}.compact")
    tmp.unlink(missing_ok=True)
    with write_lock(path):
        con = open_db(path)
        try:
            name = str(con.execute("SELECT current_database()").fetchall()[0][0])
            con.execute("ATTACH " + _sql_string(str(tmp)) + " AS compacted")
            con.execute(f'COPY FROM DATABASE "{name}" TO compacted')  # tables, then views, in dependency order
            con.execute("DETACH compacted")
        finally:
            con.close()
        os.replace(tmp, path)
    with writer(path):  # republish the read snapshot from the compacted file
        pass
    after = path.stat().st_size
    log.info("compacted %s: %d -> %d bytes", path, before, after)
    return before, after
