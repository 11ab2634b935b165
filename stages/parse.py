"""The parse stage: raw items → documents, a slice at a time, de-duplicated as they load."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemas import Document, RawItem
from stages.common import CHUNK_SIZE, utcnow
from warehouse import writer
from warehouse.documents import mark_duplicates, pending_raw_items, prefer_canonical_copies
from warehouse.load import insert, load_documents

log = logging.getLogger(__name__)


@dataclass
class ParseOutcome:
    """What the parse stage produced for one batch of raw items."""

    documents: list[Document] = field(default_factory=list)
    marks: list[dict[str, Any]] = field(default_factory=list)

    def count(self, status: str) -> int:
        """Return how many raw items ended with the given status."""
        return sum(1 for m in self.marks if m["status"] == status)


def read_pending(db: str | Path, limit: int | None = None) -> list[RawItem]:
    """Return raw items of parseable kinds that the parse stage has not looked at yet."""
    with writer(db, snapshot=False) as con:
        return pending_raw_items(con, limit)


def parse_items(items: Iterable[RawItem], parse: Callable[[RawItem], Document | None] | None = None) -> ParseOutcome:
    """Parse raw items into documents; a broken item becomes an 'error' mark with its reason, never an exception."""
    if parse is None:
        from extractors.article import parse_item

        parse = parse_item
    out = ParseOutcome()
    now = utcnow()
    for item in items:
        mark: dict[str, Any] = {"item_id": item.item_id, "url": item.url, "parsed_at": now, "doc_id": None}
        try:
            doc = parse(item)
        except Exception as exc:  # a parser bug on one page must not stop the batch
            log.warning("parse failed for %s: %s: %s", item.url, type(exc).__name__, exc)
            mark.update(status="error", error_class=type(exc).__name__, message=str(exc)[:500])
            out.marks.append(mark)
            continue
        if doc is None:
            mark.update(status="skipped", error_class=None, message="no main text found")
        else:
            out.documents.append(doc)
            mark.update(status="document", doc_id=doc.doc_id, error_class=None, message=None)
        out.marks.append(mark)
    return out


def load_parsed(db: str | Path, outcome: ParseOutcome) -> dict[str, int]:
    """Load parsed documents (de-duplicated) and the parse marks in one short write."""
    with writer(db) as con:
        docs = mark_duplicates(con, outcome.documents)
        dup_ids = {d.doc_id for d in docs if d.duplicate_of}
        # Several fetched URLs can share one canonical URL (a syndicated copy, a tracking-parameter variant):
        # the copy served at the canonical URL itself is the one to keep, so it goes last ("last wins").
        docs.sort(key=lambda d: d.url == d.canonical_url)
        new_docs = load_documents(con, docs)
        prefer_canonical_copies(con, [d for d in docs if d.url == d.canonical_url])
        marks = [
            {**m, "status": "duplicate"} if m.get("doc_id") in dup_ids else m for m in outcome.marks
        ]
        insert(con, "parsed_items", marks, mode="replace", key=("item_id",))
    return {
        "documents_new": new_docs,
        "parse_errors": outcome.count("error"),
        "parse_skipped": outcome.count("skipped"),
        "duplicates": len(dup_ids),
    }


def parse_stage(db: str | Path, limit: int | None = None, chunk: int = CHUNK_SIZE) -> dict[str, int]:
    """Parse every raw item not parsed yet (at most `limit`) and load the documents, `chunk` items at a time."""
    totals = {"documents_new": 0, "parse_errors": 0, "parse_skipped": 0, "duplicates": 0, "items_parsed": 0}
    remaining = limit
    seen: set[str] = set()
    while remaining is None or remaining > 0:
        size = chunk if remaining is None else min(chunk, remaining)
        # Every parsed item gets a parse mark, so the next read starts after this slice; `seen` stops the
        # loop should a slice ever fail to be marked, instead of parsing it forever.
        items = [i for i in read_pending(db, size) if i.item_id not in seen]
        if not items:
            break
        seen.update(i.item_id for i in items)
        n_items = len(items)
        outcome = parse_items(items)
        del items  # the raw bodies go before the load: a slice's documents are in `outcome`
        for key, value in load_parsed(db, outcome).items():
            totals[key] = totals.get(key, 0) + value
        totals["items_parsed"] += n_items
        if remaining is not None:
            remaining -= n_items
    return totals
