"""The pipeline's stages as plain functions: what each step reads, computes and loads.

Prefect flows (flows/) wrap these one task per step; tests and benchmarks call them directly.
Each stage holds the warehouse writer lock only to read its input and to load its output, never while it
fetches or computes, so a concurrent reader or a second run waits seconds, not minutes.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from schemas import Claim, Document, Mention, RawItem
from warehouse import writer
from warehouse.load import insert, load_documents, replace_extractions

log = logging.getLogger(__name__)

PARSEABLE_KINDS = ("article", "page", "post")


def new_run_id() -> str:
    """Return a fresh run id (time-ordered prefix, random suffix)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def utcnow() -> datetime:
    """Return the current time as naive UTC, the warehouse's timestamp convention."""
    return datetime.now(UTC).replace(tzinfo=None)


# ----------------------------------------------------------------------------------------------- ingest


def ingest_stage(sources: Sequence[Any], db: str | Path, settings: Any, run_id: str) -> Any:
    """Fetch every enabled source (conditional GET, cursors from the warehouse); return the IngestResult."""
    from sources.ingest import ingest, state_from_db

    with writer(db, snapshot=False) as con:
        state = state_from_db(con)
    return ingest(list(sources), state, settings, run_id)


def load_ingest(db: str | Path, result: Any) -> dict[str, int]:
    """Store an IngestResult: new raw items, the fetch log, HTTP validators and cursors."""
    from sources.ingest import save_result

    with writer(db) as con:
        counts: dict[str, int] = save_result(con, result)
    return counts


# ------------------------------------------------------------------------------------------------ parse


@dataclass
class ParseOutcome:
    """What the parse stage produced for one batch of raw items."""

    documents: list[Document] = field(default_factory=list)
    marks: list[dict[str, Any]] = field(default_factory=list)

    def count(self, status: str) -> int:
        """Return how many raw items ended with the given status."""
        return sum(1 for m in self.marks if m["status"] == status)


def pending_raw_items(db: str | Path, limit: int | None = None) -> list[RawItem]:
    """Return raw items of parseable kinds that the parse stage has not looked at yet."""
    sql = (
        "SELECT r.* FROM raw_items r ANTI JOIN parsed_items p USING (item_id) "
        f"WHERE r.kind IN {PARSEABLE_KINDS} ORDER BY r.fetched_at, r.item_id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    with writer(db, snapshot=False) as con:
        tbl = con.sql(sql).to_arrow_table()
    items: list[RawItem] = []
    fields = RawItem.model_fields
    for row in tbl.to_pylist():
        row["meta"] = json.loads(row["meta"]) if row.get("meta") else {}
        row["body"] = row.get("body") or b""
        items.append(RawItem(**{k: v for k, v in row.items() if k in fields and v is not None}))
    return items


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


# Texts shorter than this are not compared by hash: boilerplate such as "Page not found" or a one-line
# post matches across unrelated sites, and marking those as copies would hide real documents.
MIN_DEDUPE_CHARS = 200


def mark_duplicates(con: Any, docs: list[Document]) -> list[Document]:
    """Point syndicated copies at the earliest original (same content hash, other canonical URL).

    Posts and short texts are never marked: identical short texts are coincidence, not syndication.
    """
    candidates = [d for d in docs if d.kind != "post" and len(d.text) >= MIN_DEDUPE_CHARS]
    others = [d for d in docs if not (d.kind != "post" and len(d.text) >= MIN_DEDUPE_CHARS)]
    return _mark_duplicates(con, candidates) + others


def _mark_duplicates(con: Any, docs: list[Document]) -> list[Document]:
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


def load_parsed(db: str | Path, outcome: ParseOutcome) -> dict[str, int]:
    """Load parsed documents (de-duplicated) and the parse marks in one short write."""
    with writer(db) as con:
        docs = mark_duplicates(con, outcome.documents)
        dup_ids = {d.doc_id for d in docs if d.duplicate_of}
        # Several fetched URLs can share one canonical URL (a syndicated copy, a tracking-parameter variant):
        # the copy served at the canonical URL itself is the one to keep, so it goes last ("last wins").
        docs.sort(key=lambda d: d.url == d.canonical_url)
        new_docs = load_documents(con, docs)
        _prefer_canonical_copies(con, [d for d in docs if d.url == d.canonical_url])
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


def _prefer_canonical_copies(con: Any, docs: list[Document]) -> None:
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


def parse_stage(db: str | Path, limit: int | None = None) -> dict[str, int]:
    """Parse every raw item not parsed yet and load the documents."""
    items = pending_raw_items(db, limit)
    outcome = parse_items(items)
    counts = load_parsed(db, outcome)
    counts["items_parsed"] = len(items)
    return counts


# ---------------------------------------------------------------------------------------------- extract


@dataclass
class DocText:
    """The slice of a document the extractor needs."""

    doc_id: str
    text: str
    published: date | None


def pending_documents(db: str | Path, version: str, limit: int | None = None, force: bool = False) -> list[DocText]:
    """Return originals (not duplicates) whose stored extraction is missing or from another extractor version."""
    where = "d.duplicate_of IS NULL"
    if not force:
        where += " AND (e.extractor_version IS NULL OR e.extractor_version <> $v)"
    sql = (
        "SELECT d.doc_id, d.text, CAST(d.published_at AS DATE) FROM documents d "
        f"LEFT JOIN extractions e USING (doc_id) WHERE {where} ORDER BY d.doc_id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    with writer(db, snapshot=False) as con:
        rows = con.execute(sql, {"v": version} if not force else {}).fetchall()
    return [DocText(str(r[0]), str(r[1]), r[2]) for r in rows]


def extract_batch(docs: Sequence[DocText]) -> tuple[list[Mention], list[Claim]]:
    """Run the claim extractor over a batch of documents (one spaCy pipe call); pure, no I/O."""
    from extractors.claims import extract_many

    mentions: list[Mention] = []
    claims: list[Claim] = []
    for result in extract_many((d.text, d.published, d.doc_id) for d in docs):
        mentions.extend(result.mentions)
        claims.extend(result.claims)
    return mentions, claims


def batched(seq: Sequence[DocText], size: int) -> list[list[DocText]]:
    """Split a sequence into lists of at most `size` items."""
    size = max(1, size)
    return [list(seq[i : i + size]) for i in range(0, len(seq), size)]


def load_extractions(
    db: str | Path, doc_ids: Iterable[str], version: str, mentions: Sequence[Mention], claims: Sequence[Claim]
) -> dict[str, int]:
    """Swap in the extraction results of the given documents."""
    ids = list(doc_ids)
    with writer(db) as con:
        before = int(con.execute("SELECT count(*) FROM claims").fetchall()[0][0])
        n_m, n_c = replace_extractions(con, ids, version, mentions, claims)
        after = int(con.execute("SELECT count(*) FROM claims").fetchall()[0][0])
    return {"documents_extracted": len(ids), "mentions": n_m, "claims": n_c, "claims_delta": after - before}


def extract_stage(
    db: str | Path, batch_size: int = 200, limit: int | None = None, force: bool = False
) -> dict[str, int]:
    """Extract every document whose extraction is missing or stale, without any network access."""
    from extractors.claims import EXTRACTOR_VERSION

    docs = pending_documents(db, EXTRACTOR_VERSION, limit, force)
    mentions: list[Mention] = []
    claims: list[Claim] = []
    for batch in batched(docs, batch_size):
        m, c = extract_batch(batch)
        mentions.extend(m)
        claims.extend(c)
    if not docs:
        return {"documents_extracted": 0, "mentions": 0, "claims": 0, "claims_delta": 0}
    return load_extractions(db, [d.doc_id for d in docs], EXTRACTOR_VERSION, mentions, claims)


def record_run(db: str | Path, run_id: str, flow: str, started: datetime, status: str, counts: dict[str, Any]) -> None:
    """Record a finished run and its per-stage counts."""
    with writer(db) as con:
        insert(
            con,
            "runs",
            [{"run_id": run_id, "flow": flow, "started_at": started, "finished_at": utcnow(),
              "status": status, "counts": counts}],
            mode="replace",
            key=("run_id",),
        )


# ------------------------------------------------------------------------------------------- outcomes


def sync_releases_stage(db: str | Path, eci_url: str | None = None, hf_url: str | None = None) -> dict[str, Any]:
    """Load the curated release seeds and capability scores (bundled snapshot, or the given URLs)."""
    from claimwatch.outcomes_cli import sync_releases

    return sync_releases(db, eci_url=eci_url, hf_url=hf_url)


def resolve_stage(db: str | Path, as_of: date) -> dict[str, Any]:
    """Recompute the outcome of every stored claim as of a date."""
    from claimwatch.outcomes_cli import resolve_claims

    return resolve_claims(db, as_of)


# ---------------------------------------------------------------------------------------------- whole


def run_all(
    sources_file: str | Path,
    db: str | Path,
    settings: Any,
    *,
    outcomes: bool = True,
    as_of: date | None = None,
) -> dict[str, Any]:
    """Run every stage in order without Prefect (tests, benchmarks); the `pipeline` flow does the same."""
    from sources.config import load_sources

    run_id = new_run_id()
    started = utcnow()
    srcs = [s for s in load_sources(sources_file) if s.enabled]
    result = ingest_stage(srcs, db, settings, run_id)
    counts: dict[str, Any] = {"run_id": run_id, "fetch": load_ingest(db, result)}
    counts["failed_sources"] = list(result.failed_sources)
    counts["parse"] = parse_stage(db)
    counts["extract"] = extract_stage(db, settings.extract_batch_size)
    if outcomes:
        counts["sync_releases"] = sync_releases_stage(db)
        counts["resolve"] = resolve_stage(db, as_of or datetime.now(UTC).date())
    record_run(db, run_id, "run_all", started, "completed", counts)
    return counts
