"""The extract stage: stored documents → mentions and claims, a slice at a time, with no network access.

`extract_stage` is the one slice loop: find a slice of pending documents, extract it, swap its results in.
How a slice is extracted is a parameter: inline by default, or fanned out over a Prefect task runner by the
`extract` flow, or in a worker process by `parse_and_extract_stage`. The slice is handed over by reference
(the warehouse and the slice's document ids) and the extractor reads the texts where it runs: a Prefect flow's
parameters go to the API, which refuses a run whose parameters exceed 512 KB, and a slice of texts does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from schemas import Claim, Mention
from stages.common import CHUNK_SIZE
from warehouse import documents, writer
from warehouse.load import ExtractionTables, concat_extractions, extraction_tables, replace_extractions


@dataclass
class DocText:
    """The slice of a document the extractor needs."""

    doc_id: str
    text: str
    published: date | None


# Extracts one slice of stored documents in batches of the given size: (warehouse, the slice's doc ids, batch
# size) → the columnar hand-off (mentions table, claims table; warehouse.load.extraction_tables). The texts are
# read by the extractor (`document_texts`), so only ids cross a Prefect boundary: CHUNK_SIZE ids are ~70 KB.
SliceExtractor = Callable[[str, list[str], int], ExtractionTables]


def extractor_version() -> str:
    """Return the running extractor's version (read at call time, so a test may patch it)."""
    from extractors.claims import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def extract_batch(docs: Sequence[DocText]) -> ExtractionTables:
    """Run the claim extractor over a batch of documents (one spaCy pipe call); pure, no I/O.

    The records become Arrow columns here, while they are fresh, so the load is Arrow in, one INSERT out.
    """
    from extractors.claims import extract_many

    mentions: list[Mention] = []
    claims: list[Claim] = []
    for result in extract_many((d.text, d.published, d.doc_id) for d in docs):
        mentions.extend(result.mentions)
        claims.extend(result.claims)
    return extraction_tables(mentions, claims)


def batched(seq: Sequence[DocText], size: int) -> list[list[DocText]]:
    """Split a sequence into lists of at most `size` items."""
    size = max(1, size)
    return [list(seq[i : i + size]) for i in range(0, len(seq), size)]


def extract_slice(docs: Sequence[DocText], batch_size: int) -> ExtractionTables:
    """Extract one slice of documents in batches (pure; picklable, so a worker process can run it)."""
    return concat_extractions(extract_batch(batch) for batch in batched(docs, batch_size))


def extract_documents(db: str, doc_ids: list[str], batch_size: int) -> ExtractionTables:
    """Read the given documents' texts and extract them in batches, in this process (the default extractor)."""
    return extract_slice(document_texts(db, doc_ids), batch_size)


def load_extractions(
    db: str | Path, doc_ids: Iterable[str], version: str, mentions: Sequence[Mention] | pa.Table,
    claims: Sequence[Claim] | pa.Table,
) -> dict[str, int]:
    """Swap in the extraction results of the given documents."""
    ids = list(doc_ids)
    with writer(db) as con:
        before = documents.claim_count(con)
        n_m, n_c = replace_extractions(con, ids, version, mentions, claims)
        after = documents.claim_count(con)
    return {"documents_extracted": len(ids), "mentions": n_m, "claims": n_c, "claims_delta": after - before}


def pending_document_ids(
    db: str | Path, version: str, limit: int | None = None, force: bool = False, since: date | None = None,
    after: str | None = None,
) -> list[str]:
    """Return ids of originals (not duplicates) whose extraction is missing or stale, published since `since`."""
    with writer(db, snapshot=False) as con:
        return documents.pending_document_ids(con, version, limit, force, since, after)


def document_texts(db: str | Path, doc_ids: Sequence[str]) -> list[DocText]:
    """Return the text and publication date of the given documents, in the order of `doc_ids`."""
    if not doc_ids:
        return []
    with writer(db, snapshot=False) as con:
        rows = documents.document_texts(con, doc_ids)
    return [DocText(doc_id, text, published) for doc_id, text, published in rows]


def extract_stage(
    db: str | Path, batch_size: int = 200, limit: int | None = None, force: bool = False, chunk: int = CHUNK_SIZE,
    since: date | None = None, extract: SliceExtractor = extract_documents,
) -> dict[str, int]:
    """Extract every document whose extraction is missing or stale (published since `since`), with no network.

    Pending ids are read, extracted (by `extract`) and loaded `chunk` at a time, in doc_id order, one
    transaction each, so memory stays flat however large the backlog (no list of every pending id either).
    A slice's results and its `extractions` marks commit together: killed and restarted, a run resumes with
    the documents not yet at this version, so none is stored twice or missed.
    """
    version = extractor_version()
    totals = {"documents_extracted": 0, "mentions": 0, "claims": 0, "claims_delta": 0}
    step = max(1, chunk)
    after: str | None = None
    left = limit if limit else None
    while left is None or left > 0:
        ids = pending_document_ids(db, version, min(step, left or step), force, since, after)
        if not ids:
            break
        after = ids[-1]
        left = None if left is None else left - len(ids)
        mentions, claims = extract(str(db), ids, batch_size)
        counts = load_extractions(db, ids, version, mentions, claims)
        del mentions, claims
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    return totals
