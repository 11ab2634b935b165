"""Idempotent bulk loaders: pydantic records → one Arrow table → one INSERT per batch.

Write dispositions (stated per table, as dlt does):
- raw_items, documents: insert-or-ignore on the deterministic key (append-only; a re-run adds nothing);
- http_cache, cursors, releases, scores: insert-or-replace (latest value wins);
- mentions, claims: replace per document (all rows of the re-extracted documents are swapped in one transaction);
- fetch_log, runs: append.
Never per-row executemany: one Arrow batch goes in with one statement (~1.2M rows/s vs ~1.8k rows/s here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import BaseModel

from schemas import Claim, Document, FetchLog, Mention, RawItem

# Columns stored as JSON text; everything else maps to its natural Arrow type.
JSON_COLUMNS = frozenset({"meta", "attrs", "subject_group", "reference_group", "counts", "evidence"})


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def to_arrow(rows: Sequence[BaseModel | dict[str, Any]], columns: Sequence[str] | None = None) -> pa.Table:
    """Turn records (or dicts) into an Arrow table; JSON columns serialized, datetimes made naive UTC."""
    dicts: list[dict[str, Any]] = []
    for row in rows:
        d = row.model_dump(mode="python") if isinstance(row, BaseModel) else dict(row)
        if columns is not None:
            d = {c: d.get(c) for c in columns}
        for key, value in d.items():
            if key in JSON_COLUMNS and value is not None and not isinstance(value, str):
                d[key] = json.dumps(value, default=str, sort_keys=True)
            else:
                d[key] = _naive_utc(value)
        dicts.append(d)
    return pa.Table.from_pylist(dicts)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Return the column names of a warehouse table, in order."""
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[BaseModel | dict[str, Any]] | pa.Table,
    *,
    mode: str = "ignore",
    extra: dict[str, Any] | None = None,
    key: Sequence[str] | None = None,
) -> int:
    """Bulk-insert rows into a table with mode 'ignore' (keep existing keys), 'replace' or 'append'.

    With `key`, rows repeating a key inside the batch are collapsed first (the last one wins), because
    DuckDB resolves a conflict only against rows already stored, not between rows of one statement.
    Returns the number of rows the table gained (for 'replace', the number of rows written).
    """
    if isinstance(rows, pa.Table):
        batch = rows
    else:
        if not rows:
            return 0
        cols = [c for c in table_columns(con, table)]
        dicts = []
        for r in rows:
            d = r.model_dump(mode="python") if isinstance(r, BaseModel) else dict(r)
            if extra:
                d.update(extra)
            dicts.append({c: d.get(c) for c in cols if c in d or (extra and c in extra)})
        if key:
            dicts = list({tuple(d.get(k) for k in key): d for d in dicts}.values())
        batch = to_arrow(dicts)
    if batch.num_rows == 0:
        return 0
    verb = {"ignore": "INSERT OR IGNORE", "replace": "INSERT OR REPLACE", "append": "INSERT"}[mode]
    before = _count(con, table)
    name = f"_batch_{table}"
    con.register(name, batch)
    try:
        con.execute(f"{verb} INTO {table} BY NAME SELECT * FROM {name}")
    finally:
        con.unregister(name)
    after = _count(con, table)
    return batch.num_rows if mode == "replace" else after - before


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def load_raw_items(con: duckdb.DuckDBPyConnection, items: Sequence[RawItem]) -> int:
    """Append raw items that are new (by url + body hash); returns how many were new."""
    return insert(con, "raw_items", items, mode="ignore", key=("item_id",))


def load_fetch_log(con: duckdb.DuckDBPyConnection, entries: Sequence[FetchLog]) -> int:
    """Append fetch attempts to the audit log."""
    return insert(con, "fetch_log", entries, mode="append")


def load_documents(con: duckdb.DuckDBPyConnection, docs: Sequence[Document]) -> int:
    """Insert documents not seen before (by canonical-URL id); returns how many were new."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return insert(con, "documents", docs, mode="ignore", extra={"parsed_at": now}, key=("doc_id",))


def replace_extractions(
    con: duckdb.DuckDBPyConnection,
    doc_ids: Iterable[str],
    version: str,
    mentions: Sequence[Mention],
    claims: Sequence[Claim],
) -> tuple[int, int]:
    """Swap in the mentions and claims of the given documents in one transaction; returns (mentions, claims)."""
    ids = sorted(set(doc_ids))
    if not ids:
        return (0, 0)
    now = datetime.now(UTC).replace(tzinfo=None)
    per_doc_m: dict[str, int] = {}
    per_doc_c: dict[str, int] = {}
    for m in mentions:
        per_doc_m[m.doc_id] = per_doc_m.get(m.doc_id, 0) + 1
    for c in claims:
        per_doc_c[c.doc_id] = per_doc_c.get(c.doc_id, 0) + 1
    marks = [
        {"doc_id": d, "extractor_version": version, "extracted_at": now,
         "n_mentions": per_doc_m.get(d, 0), "n_claims": per_doc_c.get(d, 0)}
        for d in ids
    ]
    id_table = pa.table({"doc_id": ids})
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_doc_ids", id_table)
        con.execute("DELETE FROM mentions WHERE doc_id IN (SELECT doc_id FROM _doc_ids)")
        con.execute("DELETE FROM claims WHERE doc_id IN (SELECT doc_id FROM _doc_ids)")
        con.unregister("_doc_ids")
        n_m = insert(con, "mentions", mentions, mode="ignore", key=("mention_id",))
        n_c = insert(con, "claims", claims, mode="ignore", key=("claim_id",))
        insert(con, "extractions", marks, mode="replace", key=("doc_id",))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return (n_m, n_c)


def set_cursor(con: duckdb.DuckDBPyConnection, source: str, cursor: str | None) -> None:
    """Store the incremental position of a source."""
    now = datetime.now(UTC).replace(tzinfo=None)
    insert(con, "cursors", [{"source": source, "cursor": cursor, "updated_at": now}], mode="replace", key=("source",))


def get_cursors(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Return every stored source cursor."""
    return {str(r[0]): r[1] for r in con.execute("SELECT source, cursor FROM cursors").fetchall()}
