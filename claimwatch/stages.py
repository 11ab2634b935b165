"""The pipeline's stages as plain functions: what each step reads, computes and loads.

Prefect flows (flows/) wrap these one task per step; tests and benchmarks call them directly.
Each stage holds the warehouse writer lock only to read its input and to load its output, never while it
fetches or computes, so a concurrent reader or a second run waits seconds, not minutes.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from schemas import Claim, Document, Mention, RawItem
from warehouse import writer
from warehouse.load import insert, load_documents, load_raw_items, replace_extractions

log = logging.getLogger(__name__)

PARSEABLE_KINDS = ("article", "page", "post")
# Raw items stored or parsed, or documents extracted, per load. A backlog is read, processed and loaded in
# slices of this size, so a run's memory does not grow with the backlog, at the cost of one short write per
# slice; each slice is its own transaction, so a killed run loses at most the slice in hand.
CHUNK_SIZE = 1000


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
    from dataclasses import replace

    from sources.ingest import save_result

    items = result.items
    with writer(db) as con:
        # Raw bodies go in slices (insert-or-ignore, like save_result): one Arrow copy of a whole backlog's
        # bodies would double the run's peak memory. save_result stores everything else.
        new_raw = sum(load_raw_items(con, items[i : i + CHUNK_SIZE]) for i in range(0, len(items), CHUNK_SIZE))
        counts: dict[str, int] = save_result(con, replace(result, items=[]))
        counts["raw_items"] = new_raw
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


def parse_stage(db: str | Path, limit: int | None = None, chunk: int = CHUNK_SIZE) -> dict[str, int]:
    """Parse every raw item not parsed yet (at most `limit`) and load the documents, `chunk` items at a time."""
    totals = {"documents_new": 0, "parse_errors": 0, "parse_skipped": 0, "duplicates": 0, "items_parsed": 0}
    remaining = limit
    seen: set[str] = set()
    while remaining is None or remaining > 0:
        size = chunk if remaining is None else min(chunk, remaining)
        # Every parsed item gets a parse mark, so the next read starts after this slice; `seen` stops the
        # loop should a slice ever fail to be marked, instead of parsing it forever.
        items = [i for i in pending_raw_items(db, size) if i.item_id not in seen]
        if not items:
            break
        seen.update(i.item_id for i in items)
        n_items = len(items)
        outcome = parse_items(items)
        del items
        for key, value in load_parsed(db, outcome).items():
            totals[key] = totals.get(key, 0) + value
        totals["items_parsed"] += n_items
        if remaining is not None:
            remaining -= n_items
    return totals


# ---------------------------------------------------------------------------------------------- extract


@dataclass
class DocText:
    """The slice of a document the extractor needs."""

    doc_id: str
    text: str
    published: date | None


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


def pending_document_ids(
    db: str | Path, version: str, limit: int | None = None, force: bool = False, since: date | None = None
) -> list[str]:
    """Return ids of originals (not duplicates) whose extraction is missing or stale, published since `since`."""
    where = "d.duplicate_of IS NULL"
    if not force:
        where += " AND (e.extractor_version IS NULL OR e.extractor_version <> $v)"
    if since is not None:
        where += f" AND (d.published_at IS NULL OR d.published_at >= DATE '{since.isoformat()}')"
    sql = f"SELECT d.doc_id FROM documents d LEFT JOIN extractions e USING (doc_id) WHERE {where} ORDER BY d.doc_id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    with writer(db, snapshot=False) as con:
        rows = con.execute(sql, {"v": version} if not force else {}).fetchall()
    return [str(r[0]) for r in rows]


def document_texts(db: str | Path, doc_ids: Sequence[str]) -> list[DocText]:
    """Return the text and publication date of the given documents, in the order of `doc_ids`."""
    if not doc_ids:
        return []
    with writer(db, snapshot=False) as con:
        con.register("_want", pa.table({"doc_id": list(doc_ids)}))
        try:
            rows = con.execute(
                "SELECT d.doc_id, d.text, CAST(d.published_at AS DATE) FROM documents d JOIN _want w USING (doc_id)"
            ).fetchall()
        finally:
            con.unregister("_want")
    by_id = {str(r[0]): DocText(str(r[0]), str(r[1]), r[2]) for r in rows}
    return [by_id[i] for i in doc_ids if i in by_id]


def extract_stage(
    db: str | Path, batch_size: int = 200, limit: int | None = None, force: bool = False, chunk: int = CHUNK_SIZE,
) -> dict[str, int]:
    """Extract every document whose extraction is missing or stale, without any network access.

    Documents are read, extracted and loaded `chunk` at a time (one transaction each), so memory stays flat
    however large the backlog.
    """
    from extractors.claims import EXTRACTOR_VERSION

    totals = {"documents_extracted": 0, "mentions": 0, "claims": 0, "claims_delta": 0}
    ids = pending_document_ids(db, EXTRACTOR_VERSION, limit, force)
    step = max(1, chunk)
    for start in range(0, len(ids), step):
        docs = document_texts(db, ids[start : start + step])
        mentions, claims = extract_slice(docs, batch_size)
        counts = load_extractions(db, [d.doc_id for d in docs], EXTRACTOR_VERSION, mentions, claims)
        del docs, mentions, claims
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    return totals


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


def extract_slice(docs: Sequence[DocText], batch_size: int) -> tuple[list[Mention], list[Claim]]:
    """Extract one slice of documents in batches (pure; run_all runs it in its extraction worker process)."""
    mentions: list[Mention] = []
    claims: list[Claim] = []
    for batch in batched(docs, batch_size):
        m, c = extract_batch(batch)
        mentions.extend(m)
        claims.extend(c)
    return mentions, claims


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: exit when the parent is gone (a SIGKILLed run must not leave its worker behind)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _warm_up() -> None:
    """Load the extractor's spaCy pipeline in the worker while the main process is still fetching."""
    from extractors.claims import get_nlp

    get_nlp()


def _run_now(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    done: Future[Any] = Future()
    try:
        done.set_result(fn(*args))
    except Exception as exc:  # delivered to the caller through .result(), like a pool future
        done.set_exception(exc)
    return done


def parse_and_extract_stage(db: str | Path, batch_size: int = 200, pool: Executor | None = None) -> dict[str, Any]:
    """Parse pending raw items and extract pending documents, one slice at a time; with a pool, overlapped.

    Each parsed slice is loaded, then its new documents go to `pool` (a one-process executor) for extraction
    while the next slice is parsed here; a slice's claims are loaded once the next slice is queued, so at most
    two slices are in flight. The loads are those of `parse_stage` then `extract_stage`, in slices; only the
    waiting is gone. Without a pool (or if the worker dies) extraction runs inline.
    """
    from extractors.claims import EXTRACTOR_VERSION

    parse_totals = {"documents_new": 0, "parse_errors": 0, "parse_skipped": 0, "duplicates": 0, "items_parsed": 0}
    extract_totals = {"documents_extracted": 0, "mentions": 0, "claims": 0, "claims_delta": 0}
    executor: list[Executor | None] = [pool]
    in_flight: tuple[list[DocText], Future[Any]] | None = None
    handed: set[str] = set()
    seen: set[str] = set()

    def submit(docs: list[DocText]) -> Future[Any]:
        if executor[0] is not None:
            try:
                return executor[0].submit(extract_slice, docs, batch_size)
            except BrokenProcessPool:
                log.warning("extraction worker died; extracting in this process")
                executor[0] = None
        return _run_now(extract_slice, docs, batch_size)

    def collect() -> None:
        nonlocal in_flight
        if in_flight is None:
            return
        docs, fut = in_flight
        in_flight = None
        try:
            mentions, claims = fut.result()
        except BrokenProcessPool:
            log.warning("extraction worker died; extracting in this process")
            executor[0] = None
            mentions, claims = extract_slice(docs, batch_size)
        counts = load_extractions(db, [d.doc_id for d in docs], EXTRACTOR_VERSION, mentions, claims)
        for key, value in counts.items():
            extract_totals[key] += value

    def hand_over() -> None:
        nonlocal in_flight
        ids = [i for i in pending_document_ids(db, EXTRACTOR_VERSION) if i not in handed]
        for start in range(0, len(ids), CHUNK_SIZE):
            docs = document_texts(db, ids[start : start + CHUNK_SIZE])
            handed.update(d.doc_id for d in docs)
            if executor[0] is None:  # inline: extract and load now, one slice's results in memory at a time
                collect()
                in_flight = (docs, submit(docs))
                collect()
                continue
            # Queue the next slice before loading the previous one's claims, so the worker never waits on a load.
            queued = (docs, submit(docs))
            collect()
            in_flight = queued

    parsing = True
    while parsing:
        # A small first slice gets the worker extracting sooner; later slices are full size.
        size = CHUNK_SIZE if seen or executor[0] is None else max(1, CHUNK_SIZE // 4)
        items = [i for i in pending_raw_items(db, size) if i.item_id not in seen]
        parsing = bool(items)
        if items:
            seen.update(i.item_id for i in items)
            parse_totals["items_parsed"] += len(items)
            outcome = parse_items(items)
            del items
            for key, value in load_parsed(db, outcome).items():
                parse_totals[key] += value
        hand_over()
    collect()
    return {"parse": parse_totals, "extract": extract_totals}


@contextmanager
def extraction_worker(enabled: bool = True) -> Iterator[Executor | None]:
    """A one-process pool for extraction, warmed up at once (None when disabled).

    The worker is spawned (a fork would inherit locks held by the caller's threads), so, as with any spawning
    multiprocessing code, the caller's main module must guard its entry point with `if __name__ == "__main__"`.
    """
    if not enabled:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))
    try:
        pool.submit(_warm_up)
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_all(
    sources_file: str | Path,
    db: str | Path,
    settings: Any,
    *,
    outcomes: bool = True,
    as_of: date | None = None,
    worker: bool | None = None,
) -> dict[str, Any]:
    """Run every stage in order without Prefect (tests, benchmarks); the `pipeline` flow does the same.

    Parsing and extraction go a slice at a time. With `worker`, extraction runs in a second process while the
    next slice is parsed (see `parse_and_extract_stage` and `extraction_worker`); the warehouse is only ever
    written from this process.
    """
    from sources.config import load_sources

    run_id = new_run_id()
    started = utcnow()
    srcs = [s for s in load_sources(sources_file) if s.enabled]
    with extraction_worker(settings.extract_worker if worker is None else worker) as pool:
        result = ingest_stage(srcs, db, settings, run_id)
        counts: dict[str, Any] = {"run_id": run_id, "fetch": load_ingest(db, result)}
        counts["failed_sources"] = list(result.failed_sources)
        del result  # the fetched bodies are in the warehouse now; parse reads them back a slice at a time
        counts.update(parse_and_extract_stage(db, settings.extract_batch_size, pool))
    if outcomes:
        counts["sync_releases"] = sync_releases_stage(db)
        counts["resolve"] = resolve_stage(db, as_of or datetime.now(UTC).date())
    record_run(db, run_id, "run_all", started, "completed", counts)
    return counts
