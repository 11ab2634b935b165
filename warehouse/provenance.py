"""Date provenance for documents parsed before migration 0006, re-read from their stored raw items (no network).

Documents parsed before publication dates recorded their source and precision have a date nobody can vouch for
(it may be 1 January guessed from a year in the text); the resolver treats them as undated. This pass reads each
one's raw page again with the current date rules (extractors.article.item_date) and records where the date came
from. Run once per warehouse; it touches only dated documents whose provenance is still NULL.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from schemas import ItemKind, RawItem

log = logging.getLogger(__name__)

_PENDING = (
    "SELECT d.doc_id, r.source, r.source_type, r.kind, r.url, r.final_url, r.fetched_at, r.content_type, "
    "r.encoding, r.body, r.meta FROM documents AS d JOIN raw_items AS r ON r.item_id = d.raw_item_id "
    "WHERE d.published_source IS NULL AND d.published_at IS NOT NULL AND d.kind <> 'post'"
)


def _raw_item(row: tuple[Any, ...]) -> RawItem:
    meta = row[10]
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            meta = {}
    kind: ItemKind = "page" if row[3] == "page" else "article"
    return RawItem(source=row[1], source_type=row[2], kind=kind, url=row[4], final_url=row[5], fetched_at=row[6],
                   content_type=row[7], encoding=row[8], body=bytes(row[9] or b""),
                   meta=meta if isinstance(meta, dict) else {})


def _redate(row: tuple[Any, ...]) -> dict[str, Any]:
    """The document's date as the current rules read it; a date they cannot reproduce is kept as a year guess."""
    from extractors.article import item_date

    try:
        found = item_date(_raw_item(row))
    except Exception as exc:  # one odd page must not stop the pass: its date stays unvouched
        log.info("could not re-read the date of %s: %s: %s", row[0], type(exc).__name__, exc)
        found = None
    if found is None:
        return {"doc_id": row[0], "published_at": None, "published_source": "guess", "published_precision": "year"}
    when, source, precision = found
    naive = when.replace(tzinfo=None) if isinstance(when, datetime) else when
    return {"doc_id": row[0], "published_at": naive, "published_source": source, "published_precision": precision}


def backfill_date_provenance(con: duckdb.DuckDBPyConnection) -> int:
    """Record the source and precision of dates stored before migration 0006; returns documents updated."""
    posts = con.execute(
        "UPDATE documents SET published_source = 'feed', published_precision = 'day' "
        "WHERE kind = 'post' AND published_at IS NOT NULL AND published_source IS NULL"
    ).fetchall()
    n_posts = int(posts[0][0]) if posts else 0
    updates = [_redate(row) for row in con.execute(_PENDING).fetchall()]
    if updates:
        batch = pa.Table.from_pylist(updates, schema=pa.schema([
            ("doc_id", pa.string()), ("published_at", pa.timestamp("us")), ("published_source", pa.string()),
            ("published_precision", pa.string())]))
        con.register("_redated", batch)
        try:
            # a date the current rules cannot reproduce keeps its stored value, marked as a year-precision guess
            con.execute(
                "UPDATE documents SET published_at = coalesce(u.published_at, documents.published_at), "
                "published_source = u.published_source, published_precision = u.published_precision "
                "FROM _redated AS u WHERE documents.doc_id = u.doc_id"
            )
        finally:
            con.unregister("_redated")
    if n_posts or updates:
        log.info("recorded date provenance of %d older documents and %d posts", len(updates), n_posts)
    return len(updates) + n_posts
