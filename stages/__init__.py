"""The pipeline's stages as plain functions (no Prefect): what each step reads, computes and loads.

The Prefect flows in flows/ are the only place that sequences them; tests call them directly. Each stage holds
the warehouse writer lock only to read its input and to load its output, never while it fetches or computes.
Stages get their settings as values and run no SQL of their own: every query is in warehouse/.
"""

from stages.common import CHUNK_SIZE, RunRecord, new_run_id, record_failed_run, record_run, recorded_run, utcnow
from stages.extract import (
    DocText,
    SliceExtractor,
    batched,
    document_texts,
    extract_batch,
    extract_documents,
    extract_slice,
    extract_stage,
    extractor_version,
    load_extractions,
    pending_document_ids,
)
from stages.ingest import fetch, ingest_stage, load_ingest
from stages.outcomes import SyncError, lag_stage, resolve_stage, sync_releases_stage
from stages.overlap import extraction_worker, parse_and_extract_stage
from stages.parse import ParseOutcome, load_parsed, parse_items, parse_stage, read_pending

__all__ = [
    "CHUNK_SIZE",
    "DocText",
    "ParseOutcome",
    "RunRecord",
    "SliceExtractor",
    "SyncError",
    "batched",
    "document_texts",
    "extract_batch",
    "extract_documents",
    "extract_slice",
    "extract_stage",
    "extraction_worker",
    "extractor_version",
    "fetch",
    "ingest_stage",
    "lag_stage",
    "load_extractions",
    "load_ingest",
    "load_parsed",
    "new_run_id",
    "parse_and_extract_stage",
    "parse_items",
    "parse_stage",
    "pending_document_ids",
    "read_pending",
    "record_failed_run",
    "record_run",
    "recorded_run",
    "resolve_stage",
    "sync_releases_stage",
    "utcnow",
]
