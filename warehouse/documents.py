"""The parse and extract stages' warehouse side: pending raw items and documents, de-duplication, document texts.

Every query the stages need to find work or to de-duplicate lives here; stages/ holds no SQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa

from schemas import Document, RawItem
from warehouse.snapshot import split_ranges

__all__ = [
    "MIN_DEDUPE_CHARS", "PARSEABLE_KINDS", "claim_count", "document_texts", "mark_duplicates",
    "pending_document_ids", "pending_raw_items", "prefer_canonical_copies",
]

PARSEABLE_KINDS = ("article", "page", "post")
# Texts shorter than this are not compared by hash: boilerplate such as "Page not found" or a one-line
# post matches across unrelated sites, and marking those as copies would hide real documents.
MIN_DEDUPE_CHARS = 200


def pending_raw_items(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[RawItem]:
    """Return raw items of parseable kinds that the parse stage has not looked at yet.

    Two steps: the anti-join finds the pending items' row ids reading only keys, kinds and fetch times; then
    only their row groups are read for the bodies. (One `SELECT r.*` with the anti-join, the order and the limit
    read the body of every stored item: 2.8 s per slice on a 1M-item warehouse, against 0.2 s.)
    """
    sql = (
        "SELECT r.rowid FROM raw_items r ANTI JOIN parsed_items p USING (item_id) "
        "WHERE list_contains($kinds, r.kind) ORDER BY r.fetched_at, r.item_id"
    )
    params: dict[str, object] = {"kinds": list(PARSEABLE_KINDS)}
    if limit:
        sql += " LIMIT $limit"
        params["limit"] = int(limit)
    order = [int(r[0]) for r in con.execute(sql, params).fetchall()]
    if not order:
        return []
    fields = RawItem.model_fields
    by_rowid: dict[int, RawItem] = {}
    con.register("_pending", pa.table({"rid": pa.array(order, pa.int64())}))
    try:
        for lo, hi in split_ranges(sorted(order), most=16):
            tbl = con.sql(
                "SELECT r.rowid AS _rid, r.* FROM raw_items r SEMI JOIN _pending w ON r.rowid = w.rid "
                "WHERE r.rowid BETWEEN $lo AND $hi", params={"lo": lo, "hi": hi}).to_arrow_table()
            for row in tbl.to_pylist():
                row["meta"] = json.loads(row["meta"]) if row.get("meta") else {}
                row["body"] = row.get("body") or b""
                by_rowid[int(row.pop("_rid"))] = RawItem(
                    **{k: v for k, v in row.items() if k in fields and v is not None})
    finally:
        con.unregister("_pending")
    return [by_rowid[r] for r in order if r in by_rowid]


def mark_duplicates(con: duckdb.DuckDBPyConnection, docs: list[Document]) -> list[Document]:
    """Point syndicated copies at the earliest original (same content hash, other canonical URL).

    Posts and short texts are never marked: identical short texts are coincidence, not syndication.
    """
    candidates = [d for d in docs if d.kind != "post" and len(d.text) >= MIN_DEDUPE_CHARS]
    others = [d for d in docs if not (d.kind != "post" and len(d.text) >= MIN_DEDUPE_CHARS)]
    return _mark_duplicates(con, candidates) + others


def _mark_duplicates(con: duckdb.DuckDBPyConnection, docs: list[Document]) -> list[Document]:
    if not docs:
        return docs
    shas = pa.table({"sha": sorted({d.content_sha256 for d in docs})})
    con.register("_shas", shas)
    try:
        rows = con.execute(
            "SELECT content_sha256, doc_id, published_at FROM documents "
            "WHERE duplicate_of IS NULL AND kind <> 'post' AND content_sha256 IN (SELECT sha FROM _shas)"
        ).fetchall()
    finally:
        con.unregister("_shas")
    originals: dict[str, tuple[str, datetime | None]] = {str(r[0]): (str(r[1]), r[2]) for r in rows}
    # Within the batch, the earliest published copy is the original; unknown dates sort last.
    ordered = sorted(docs, key=lambda d: (d.published_at is None, _naive(d.published_at) or datetime.max))
    result = []
    for doc in ordered:
        orig = originals.get(doc.content_sha256)
        if orig is None:
            originals[doc.content_sha256] = (doc.doc_id, doc.published_at)
        elif orig[0] != doc.doc_id:
            doc = doc.model_copy(update={"duplicate_of": orig[0]})
        result.append(doc)
    return result


def _naive(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def prefer_canonical_copies(con: duckdb.DuckDBPyConnection, docs: list[Document]) -> None:
    """Point stored documents first seen through a copy at the URL their canonical link names."""
    if not docs:
        return
    batch = pa.table({"doc_id": [d.doc_id for d in docs], "url": [d.url for d in docs],
                      "source": [d.source for d in docs], "raw_item_id": [d.raw_item_id for d in docs]})
    con.register("_canon", batch)
    try:
        con.execute(
            "UPDATE documents SET url = c.url, source = c.source, raw_item_id = c.raw_item_id FROM _canon c "
            "WHERE documents.doc_id = c.doc_id AND documents.url <> documents.canonical_url"
        )
    finally:
        con.unregister("_canon")


def pending_document_ids(
    con: duckdb.DuckDBPyConnection, version: str, limit: int | None = None, force: bool = False,
    since: date | None = None, after: str | None = None,
) -> list[str]:
    """Return ids of originals (not duplicates) whose extraction is missing or stale, published since `since`.

    In doc_id order, from the first id greater than `after`: a backlog is read a page at a time.
    """
    sql = (
        "SELECT d.doc_id FROM documents d LEFT JOIN extractions e USING (doc_id) WHERE d.duplicate_of IS NULL "
        "AND ($force OR e.extractor_version IS NULL OR e.extractor_version <> $v) "
        "AND ($since IS NULL OR d.published_at IS NULL OR d.published_at >= $since) "
        "AND ($after IS NULL OR d.doc_id > $after) ORDER BY d.doc_id"
    )
    params: dict[str, object] = {"v": version, "force": force, "since": since, "after": after}
    if limit:
        sql += " LIMIT $limit"
        params["limit"] = int(limit)
    rows = con.execute(sql, params).fetchall()
    return [str(r[0]) for r in rows]


def document_texts(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[tuple[str, str, date | None]]:
    """Return (doc_id, text, publication date) of the given documents, in the order of `doc_ids`."""
    if not doc_ids:
        return []
    con.register("_want", pa.table({"doc_id": list(doc_ids)}))
    try:
        # A date guessed from the content (published_source 'guess') must not anchor relative deadlines or flag
        # a forecast as late: the extractor gets no date instead.
        rows = con.execute(
            "SELECT d.doc_id, d.text, CASE WHEN d.published_source = 'guess' THEN NULL "
            "ELSE CAST(d.published_at AS DATE) END FROM documents d JOIN _want w USING (doc_id)"
        ).fetchall()
    finally:
        con.unregister("_want")
    by_id = {str(r[0]): (str(r[0]), str(r[1]), r[2]) for r in rows}
    return [by_id[i] for i in doc_ids if i in by_id]


def claim_count(con: duckdb.DuckDBPyConnection) -> int:
    """Return how many claims are stored."""
    return int(con.execute("SELECT count(*) FROM claims").fetchall()[0][0])
