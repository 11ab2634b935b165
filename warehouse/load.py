"""Idempotent bulk loaders: pydantic records → one Arrow table → one INSERT per batch.

Write dispositions (stated per table, as dlt does):
- raw_items, documents: insert-or-ignore on the deterministic key (append-only; a re-run adds nothing);
- http_cache, cursors, releases, scores: insert-or-replace (latest value wins);
- mentions, claims: replace per document (all rows of the re-extracted documents are swapped in one transaction);
- fetch_log, runs: append.
Never per-row executemany: one Arrow batch goes in with one statement (~1.2M rows/s vs ~1.8k rows/s here).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from schemas import Claim, Document, FetchLog, Mention, RawItem
from warehouse.db import transaction
from warehouse.keys import HISTORY_KEYS

# Columns stored as JSON text; everything else maps to its natural Arrow type.
JSON_COLUMNS = frozenset({"meta", "attrs", "subject_group", "reference_group", "counts", "evidence"})


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _json_column(values: Sequence[Any]) -> list[Any]:
    """Serialize a JSON column; equal flat dicts (most subject groups) are dumped once, not once per row."""
    cache: dict[Any, str] = {}
    out: list[Any] = []
    append = out.append
    for v in values:
        if v is None or isinstance(v, str):
            append(v)
            continue
        if not v and isinstance(v, dict):
            append("{}")
            continue
        try:
            # Insertion order, not sorted: equal dicts built in another order only cost one more dump.
            k: Any = tuple(v.items()) if isinstance(v, dict) else None
            text = cache.get(k) if k is not None else None
        except TypeError:  # an unhashable value inside the dict
            k = text = None
        if text is None:
            text = json.dumps(v, default=str, sort_keys=True)
            if k is not None:
                cache[k] = text
        append(text)
    return out


def _present(rows: Sequence[BaseModel | dict[str, Any]]) -> set[str]:
    """The column names the rows can fill: the model's fields, or the union of the dicts' keys."""
    first = rows[0]
    if isinstance(first, BaseModel):
        return set(type(first).model_fields)
    names: set[str] = set()
    for r in rows:
        names.update(r)  # type: ignore[arg-type]
    return names


def record_columns(rows: Sequence[BaseModel], cols: Sequence[str]) -> dict[str, list[Any]]:
    """Transpose pydantic records into one list per column, reading each record's `__dict__` once.

    pydantic v2 keeps field values in the instance `__dict__`: one C-level itemgetter per record and a zip
    transpose cost about a fifth of reading every attribute of every record (no model_dump, no per-row dict).
    """
    if not cols:
        return {}
    try:
        picked = list(map(itemgetter(*cols), map(vars, rows)))
    except (KeyError, TypeError):  # a record without a __dict__ entry for a column: attribute by attribute
        return {c: [getattr(r, c, None) for r in rows] for c in cols}
    if len(cols) == 1:
        return {cols[0]: picked}
    return {c: list(v) for c, v in zip(cols, zip(*picked, strict=True), strict=True)}


def _dict_columns(rows: Sequence[dict[str, Any]], cols: Sequence[str]) -> dict[str, list[Any]]:
    return {c: [r.get(c) for r in rows] for c in cols}


def _collapse(data: dict[str, list[Any]], key: Sequence[str], n: int) -> tuple[dict[str, list[Any]], int]:
    """Drop rows repeating a key: each key keeps its first position and its last row's values."""
    keys: Sequence[Any] = data[key[0]] if len(key) == 1 else list(zip(*(data[k] for k in key), strict=True))
    last = dict(zip(keys, range(n), strict=True))
    if len(last) == n:
        return data, n
    keep = list(last.values())
    return {c: [v[i] for i in keep] for c, v in data.items()}, len(keep)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building columns: the lists made here hold no cycles, yet with many live
    records each allocation burst triggers full-generation scans (measured: up to a third of the conversion)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# DuckDB column types → Arrow types. Building arrays with a known type skips pyarrow's inference pass
# (about 40% of the conversion); a column whose values do not fit falls back to inference.
ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(), "JSON": pa.string(), "BLOB": pa.binary(), "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"), "VARCHAR[]": pa.list_(pa.string()),
}


def _array(values: list[Any], typ: pa.DataType | None) -> pa.Array:
    if typ is not None:
        try:
            return pa.array(values, type=typ)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            pass
    return pa.array(values)


def _column_array(col: str, values: list[Any], typ: pa.DataType | None) -> pa.Array:
    """One Arrow column: JSON columns serialized, aware datetimes made naive UTC."""
    if col in JSON_COLUMNS:
        values = _json_column(values)
    elif isinstance(next(filter(None, values), None), datetime):
        values = [_naive_utc(v) for v in values]
    return _array(values, typ)


def to_arrow(
    rows: Sequence[BaseModel | dict[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    extra: dict[str, Any] | None = None,
    key: Sequence[str] | None = None,
    types: dict[str, pa.DataType] | None = None,
) -> pa.Table:
    """Turn records (or dicts) into an Arrow table, column by column (no per-row model_dump).

    JSON columns are serialized, datetimes made naive UTC, `extra` values fill whole columns, and rows
    repeating a `key` are collapsed (the last one wins).
    """
    if not rows:
        return pa.table({})
    present = _present(rows)
    extra = extra or {}
    wanted = list(columns) if columns is not None else sorted(present | set(extra))
    readable = [c for c in wanted if c in present and c not in extra]
    readable += [k for k in key or () if k not in readable]
    types = types or {}
    with _gc_paused():
        records = isinstance(rows[0], BaseModel)
        data = record_columns(rows, readable) if records else _dict_columns(rows, readable)  # type: ignore[arg-type]
        n = len(rows)
        if key:
            data, n = _collapse(data, key, n)
        arrays: dict[str, pa.Array] = {}
        for col in wanted:
            if col in extra:
                arrays[col] = _array([extra[col]] * n, types.get(col))
            elif col in present:
                arrays[col] = _column_array(col, data[col], types.get(col))
    return pa.table(arrays)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Return the column names of a warehouse table, in order."""
    return list(table_types(con, table))


def table_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, pa.DataType | None]:
    """Return each column of a warehouse table with its Arrow type (None where no fixed mapping exists)."""
    return {str(r[0]): ARROW_TYPES.get(str(r[1])) for r in con.execute(f"DESCRIBE {table}").fetchall()}


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
        types = table_types(con, table)
        batch = to_arrow(rows, list(types), extra=extra, key=key,
                         types={c: t for c, t in types.items() if t is not None})
    if batch.num_rows == 0:
        return 0
    verb = {"ignore": "INSERT OR IGNORE", "replace": "INSERT OR REPLACE", "append": "INSERT"}[mode]
    keys = HISTORY_KEYS.get(table) if mode != "append" else None
    if keys and len(keys) == 1:
        batch = last_per_key(batch, keys[0])
    before = _count(con, table) if mode == "ignore" else 0
    name = f"_batch_{table}"
    con.register(name, batch)
    try:
        # table names come from this package's loaders, never from input
        if keys:
            _keyed_write(con, table, name, keys, mode)
        else:
            con.execute(f"{verb} INTO {table} BY NAME SELECT * FROM {name}")  # noqa: S608
    finally:
        con.unregister(name)
    return _count(con, table) - before if mode == "ignore" else batch.num_rows


def last_per_key(table: pa.Table, key: str) -> pa.Table:
    """Rows repeating `key` collapsed: each key keeps its first position and its last row."""
    if table.num_rows == 0 or pc.count_distinct(table[key]).as_py() == table.num_rows:
        return table
    last = dict(zip(table[key].to_pylist(), range(table.num_rows), strict=True))
    return table.take(pa.array(list(last.values()), pa.int64()))


def _keyed_write(con: duckdb.DuckDBPyConnection, table: str, batch: str, keys: tuple[str, ...], mode: str) -> None:
    """Insert-or-ignore or replace by a history table's logical key (warehouse.keys: no index to conflict on).

    Ignore: only rows whose key is not stored yet go in. Replace: the stored rows of the batch's keys are deleted
    and the batch appended, in one transaction. Both join the small batch against the key column alone.
    """
    using = ", ".join(keys)
    if mode == "ignore":
        con.execute(f"INSERT INTO {table} BY NAME SELECT _b.* FROM {batch} _b ANTI JOIN {table} USING ({using})")  # noqa: S608
        return
    match = " AND ".join(f"{table}.{k} = {batch}.{k}" for k in keys)
    with transaction(con):
        con.execute(f"DELETE FROM {table} USING {batch} WHERE {match}")  # noqa: S608
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {batch}")  # noqa: S608


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])  # noqa: S608


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


# ------------------------------------------------------------------ the columnar hand-off from extraction

# The mentions and claims tables' columns as Arrow types, in table order (tests/test_warehouse.py checks them
# against the migrated tables). Extraction hands its results over as tables of these schemas, built where
# the records are made (in the extraction worker), so a load is Arrow in, one INSERT per table.
MENTIONS_SCHEMA = pa.schema([
    ("mention_id", pa.string()), ("doc_id", pa.string()), ("extractor_version", pa.string()),
    ("label", pa.string()), ("text", pa.string()), ("canonical_id", pa.string()), ("org", pa.string()),
    ("country", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()), ("attrs", pa.string()),
])
CLAIMS_SCHEMA = pa.schema([
    ("claim_id", pa.string()), ("doc_id", pa.string()), ("extractor_version", pa.string()), ("kind", pa.string()),
    ("direction", pa.string()), ("months_low", pa.float64()), ("months_high", pa.float64()),
    ("approximate", pa.bool_()), ("subject", pa.string()), ("subject_group", pa.string()),
    ("reference", pa.string()), ("reference_group", pa.string()), ("models", pa.list_(pa.string())),
    ("target", pa.string()), ("target_models", pa.list_(pa.string())), ("deadline_text", pa.string()),
    ("deadline_start", pa.date32()), ("deadline_end", pa.date32()), ("timeframe", pa.string()),
    ("as_of_text", pa.string()), ("hedged", pa.bool_()), ("confidence", pa.float64()),
    ("attributed_to", pa.string()), ("negated", pa.bool_()), ("conditional", pa.bool_()), ("is_goal", pa.bool_()),
    ("flags", pa.list_(pa.string())), ("sentence", pa.string()), ("start_char", pa.int32()),
    ("end_char", pa.int32()), ("published_at", pa.date32()),
])
# An extraction result in columnar form: (mentions table, claims table).
ExtractionTables = tuple[pa.Table, pa.Table]


def records_table(rows: Sequence[BaseModel], schema: pa.Schema, key: str) -> pa.Table:
    """Records → a table of exactly `schema` (an empty one when there are no rows), one row per `key`."""
    if not rows:
        return schema.empty_table()
    table = to_arrow(rows, schema.names, key=(key,), types=dict(zip(schema.names, schema.types, strict=True)))
    return table if table.schema.equals(schema) else table.cast(schema)


def extraction_tables(mentions: Sequence[Mention], claims: Sequence[Claim]) -> ExtractionTables:
    """The columnar hand-off: an extraction batch's mentions and claims as Arrow tables ready to load."""
    return records_table(mentions, MENTIONS_SCHEMA, "mention_id"), records_table(claims, CLAIMS_SCHEMA, "claim_id")


def concat_extractions(parts: Iterable[ExtractionTables]) -> ExtractionTables:
    """Join the hand-offs of several batches into one (zero-copy: the tables keep their chunks)."""
    mentions, claims = [MENTIONS_SCHEMA.empty_table()], [CLAIMS_SCHEMA.empty_table()]
    for m, c in parts:
        mentions.append(m)
        claims.append(c)
    return pa.concat_tables(mentions), pa.concat_tables(claims)


def _as_table(rows: Sequence[BaseModel] | pa.Table, schema: pa.Schema, key: str) -> pa.Table:
    """A hand-off table as is (rows repeating a key collapsed, the last one wins), or records converted."""
    if not isinstance(rows, pa.Table):
        return records_table(rows, schema, key)
    return last_per_key(rows, key)


def _per_doc(table: pa.Table) -> dict[str, int]:
    """Rows per doc_id of a hand-off table."""
    if table.num_rows == 0:
        return {}
    counts = pc.value_counts(table["doc_id"])
    return dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True))


def replace_extractions(
    con: duckdb.DuckDBPyConnection,
    doc_ids: Iterable[str],
    version: str,
    mentions: Sequence[Mention] | pa.Table,
    claims: Sequence[Claim] | pa.Table,
) -> tuple[int, int]:
    """Swap in the mentions and claims of the given documents in one transaction; returns (mentions, claims).

    Takes the extraction hand-off (`extraction_tables`, `concat_extractions`) or records, converted here.
    """
    ids = sorted(set(doc_ids))
    if not ids:
        return (0, 0)
    m_table = _as_table(mentions, MENTIONS_SCHEMA, "mention_id")
    c_table = _as_table(claims, CLAIMS_SCHEMA, "claim_id")
    now = datetime.now(UTC).replace(tzinfo=None)
    per_doc_m, per_doc_c = _per_doc(m_table), _per_doc(c_table)
    marks = pa.table({
        "doc_id": pa.array(ids, pa.string()), "extractor_version": pa.array([version] * len(ids), pa.string()),
        "extracted_at": pa.array([now] * len(ids), pa.timestamp("us")),
        "n_mentions": pa.array([per_doc_m.get(d, 0) for d in ids], pa.int32()),
        "n_claims": pa.array([per_doc_c.get(d, 0) for d in ids], pa.int32()),
    })
    with transaction(con):
        con.register("_doc_ids", marks.select(["doc_id"]))
        # Only a document extracted before has mentions and claims to swap out (they are only ever loaded here,
        # with its `extractions` mark): a slice of new documents skips two deletes that would each scan the
        # doc_id column of the whole history.
        if con.execute("SELECT count(*) FROM extractions SEMI JOIN _doc_ids USING (doc_id)").fetchall()[0][0]:
            con.execute("DELETE FROM mentions WHERE doc_id IN (SELECT doc_id FROM _doc_ids)")
            con.execute("DELETE FROM claims WHERE doc_id IN (SELECT doc_id FROM _doc_ids)")
        con.unregister("_doc_ids")
        # Every row of these documents was just deleted and keys embed the doc id, so nothing can conflict:
        # a plain append skips the conflict checks of INSERT OR IGNORE (~30% of the load's time).
        n_m = insert(con, "mentions", m_table, mode="append")
        n_c = insert(con, "claims", c_table, mode="append")
        insert(con, "extractions", marks, mode="replace")
    return (n_m, n_c)


def set_cursor(con: duckdb.DuckDBPyConnection, source: str, cursor: str | None) -> None:
    """Store the incremental position of a source."""
    now = datetime.now(UTC).replace(tzinfo=None)
    insert(con, "cursors", [{"source": source, "cursor": cursor, "updated_at": now}], mode="replace", key=("source",))


def get_cursors(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Return every stored source cursor."""
    return {str(r[0]): r[1] for r in con.execute("SELECT source, cursor FROM cursors").fetchall()}
