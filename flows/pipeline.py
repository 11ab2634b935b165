"""Prefect flows: wiring only, and the only place the stages are sequenced. Business logic lives in stages/.

Flows: `ingest`, `extract`, `sync-releases`, `resolve`, and `pipeline` (all of them in order).
- Retries only on network tasks, with explicit backoff delays, and only for transient errors (flows.retry).
- Warehouse writes are serialized by the warehouse's writer lock (warehouse.db.write_lock): a second run
  waits for the first to finish its short load instead of failing.
- Each run publishes a markdown artifact (counts per stage, fetch errors, new claims with evidence).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE as NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.futures import wait

import stages
from config.settings import Settings, load_settings
from flows.retry import retry_transient
from sources.ingest import IngestResult
from warehouse.load import ExtractionTables, concat_extractions

DEFAULT_SOURCES = "sources.toml"
DEFAULT_DB = "data/claims.duckdb"


def _logger() -> Any:
    """The run logger inside a flow or task run; the module logger when a task is called through .fn()."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


def _settings(db: str | None, sources: str | None = None) -> Settings:
    return load_settings().with_overrides(db=Path(db) if db else None, sources=Path(sources) if sources else None)


# --------------------------------------------------------------------------------------------- tasks


@task(name="fetch-sources", retries=2, retry_delay_seconds=[10, 60], retry_condition_fn=retry_transient,
      cache_policy=NO_CACHE)
def fetch_sources(sources_file: str, db: str, run_id: str, limit: int | None = None) -> IngestResult:
    """Fetch all enabled sources (network); a failing source is recorded, never raised."""
    from sources.config import load_sources

    settings = _settings(db, sources_file)
    if limit:
        settings = settings.with_overrides(max_items_per_source=limit)
    srcs = [s for s in load_sources(sources_file) if s.enabled]
    _logger().info("fetching %d sources from %s", len(srcs), sources_file)
    result: IngestResult = stages.ingest_stage(srcs, db, settings, run_id)
    return result


@task(name="load-raw", cache_policy=NO_CACHE)
def load_raw(db: str, result: IngestResult) -> dict[str, int]:
    """Store raw items, fetch log, validators and cursors."""
    return stages.load_ingest(db, result)


@task(name="parse", cache_policy=NO_CACHE)
def parse(db: str, limit: int | None = None) -> dict[str, int]:
    """Parse new raw items into documents."""
    return stages.parse_stage(db, limit)


@task(name="parse-and-extract", cache_policy=NO_CACHE)
def parse_and_extract(db: str, batch_size: int, pool: Any) -> dict[str, Any]:
    """Parse new raw items and extract new documents slice by slice, extraction overlapped in `pool`."""
    return stages.parse_and_extract_stage(db, batch_size, pool)


def _batch_cache_key(_context: Any, parameters: dict[str, Any]) -> str:
    """Key a batch by the extractor version and the exact texts: same input, same claims."""
    from extractors.claims import EXTRACTOR_VERSION

    digest = hashlib.sha256(EXTRACTOR_VERSION.encode())
    for doc in parameters["batch"]:
        digest.update(f"\x1f{doc.doc_id}\x1e{doc.published}\x1e".encode())
        digest.update(doc.text.encode("utf-8", "replace"))
    return "extract-batch-" + digest.hexdigest()


# The one cached task: extraction is pure, so a batch already extracted by this extractor version (a second
# run racing the first over the same backlog, or a run retried after a crash between extract and load) is
# read back instead of recomputed. Tasks that write the warehouse are never cached: a cache hit would skip
# the write. Persisted, not kept in memory: the result store every slice's subflow run shares keeps the last 1,000
# results it wrote in an LRU (Prefect's cache_result_in_memory), so the flow process held the mentions and claims of
# up to 200,000 documents (on bench_reextract's synthetic ones, 17.5 MB more per slice: 3.5 GB at the cap).
@task(name="extract-batch", cache_key_fn=_batch_cache_key, cache_expiration=timedelta(days=1), persist_result=True,
      cache_result_in_memory=False)
def extract_batch(batch: list[stages.DocText]) -> ExtractionTables:
    """Extract mentions and claims from one batch of documents as Arrow tables (pure CPU work, no I/O)."""
    return stages.extract_batch(batch)


# --------------------------------------------------------------------------------------------- flows


@flow(name="extract-batches")
def extract_batches(db: str, doc_ids: list[str], batch_size: int) -> ExtractionTables:
    """Read one slice's texts and fan its batches out over the flow's task runner (threads, or Dask).

    The slice comes by reference (warehouse and document ids): a flow's parameters are sent to the Prefect API,
    which refuses more than 512 KB, so the texts are read here and travel only as task arguments (to a thread,
    or pickled to a Dask worker, which then needs no access to the warehouse file).
    """
    futures = [extract_batch.submit(b) for b in stages.batched(stages.document_texts(db, doc_ids), batch_size)]
    wait(futures)
    return concat_extractions(fut.result() for fut in futures)


def _task_runner(settings: Settings) -> Any:
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": settings.dask_workers, "threads_per_worker": 1, "processes": True,
                            "dashboard_address": None}
        )
    return None


@flow(name="ingest")
def ingest_flow(
    sources: str = DEFAULT_SOURCES, db: str = DEFAULT_DB, limit: int | None = None, extract: bool = True
) -> dict[str, Any]:
    """Fetch every enabled source, parse new items into documents, and (by default) extract their claims."""
    # Recorded in `runs` whether it completes or fails (with the error that stopped it).
    with stages.recorded_run(db, "ingest") as run:
        counts = run.counts
        result = fetch_sources(sources, db, run.run_id, limit)
        counts["fetch"] = load_raw(db, result)
        counts["failed_sources"] = list(result.failed_sources)
        counts["parse"] = parse(db)
        if extract:
            counts["extract"] = extract_flow(db=db)
    _publish(db, run.run_id, run.started, counts)
    return counts


@flow(name="extract")
def extract_flow(
    db: str = DEFAULT_DB, limit: int | None = None, force: bool = False, since: date | None = None
) -> dict[str, Any]:
    """Extract claims from stored documents that are new or were extracted by an older extractor version.

    The slice loop is the extract stage's (read a slice, extract, load), so memory stays flat however large the
    backlog; each slice is fanned out in batches over the flow's task runner. No network access.
    """
    settings = _settings(db)
    runner = _task_runner(settings)
    sub = extract_batches.with_options(task_runner=runner) if runner is not None else extract_batches

    def fan_out(db: str, doc_ids: list[str], batch_size: int) -> ExtractionTables:
        return sub(db, doc_ids, batch_size)

    totals = stages.extract_stage(db, settings.extract_batch_size, limit, force, since=since, extract=fan_out)
    if not totals["documents_extracted"]:
        _logger().info("nothing to extract: every document is current")
    return totals


@flow(name="sync-releases")
def sync_releases_flow(
    db: str = DEFAULT_DB, url: str | None = None, hf_url: str | None = None, live: bool | None = None,
) -> dict[str, Any]:
    """Load release facts and scores: seeds, Epoch AI (live by default), Hugging Face Hub, OpenRouter.

    A source that cannot be reached falls back to its stored copy or the bundled ECI snapshot: logged as a warning
    and recorded in fetch_log (error_class 'fallback'); `reached` in the result says whether every one answered.
    """
    counts = sync_task(db, url, hf_url, live)
    log = _logger()
    for src in counts.get("sources", []):
        if src.get("fallback"):
            log.warning("release source %s not reached (%s); %s", src["url"], src["reason"], src["fallback"])
    log.info("releases sync: %s", {k: v for k, v in counts.items() if k != "sources"})
    return counts


@task(name="sync-releases", retries=2, retry_delay_seconds=[10, 60], retry_condition_fn=retry_transient,
      cache_policy=NO_CACHE)
def sync_task(db: str, url: str | None, hf_url: str | None, live: bool | None = None) -> dict[str, Any]:
    """Fetch and store releases and scores (explicit URLs that fail raise, so the task retries them)."""
    return stages.sync_releases_stage(db, _settings(db), eci_url=url, hf_url=hf_url, live=live)


@flow(name="resolve")
def resolve_flow(db: str = DEFAULT_DB, as_of: date | None = None) -> dict[str, Any]:
    """Compare stored claims with what happened, as of a date (today by default), keeping history."""
    counts = resolve_task(db, as_of or datetime.now(UTC).date())
    _logger().info("resolve: %s", counts)
    return counts


@task(name="resolve", cache_policy=NO_CACHE)
def resolve_task(db: str, as_of: date) -> dict[str, Any]:
    """Recompute outcomes of every claim as of a date."""
    return stages.resolve_stage(db, as_of)


@flow(name="pipeline")
def pipeline(
    sources: str = DEFAULT_SOURCES,
    db: str = DEFAULT_DB,
    since: date | None = None,
    limit: int | None = None,
    sync: bool = True,
    resolve: bool = True,
) -> dict[str, Any]:
    """Run ingest → parse → extract → load, then sync releases and resolve claims."""
    log = _logger()
    settings = _settings(db, sources)
    # The default path overlaps parsing and extraction (a second process extracts one slice while the next
    # is parsed); with a Dask task runner or a `since` filter, the stages run in turn and extraction fans out.
    overlap = settings.extract_worker and settings.task_runner == "thread" and since is None
    # Recorded in `runs` whether it completes or fails (with the error that stopped it).
    with stages.recorded_run(db, "pipeline") as run:
        counts = run.counts
        counts["run_id"] = run.run_id
        with stages.extraction_worker(overlap) as pool:
            result = fetch_sources(sources, db, run.run_id, limit)
            counts["fetch"] = load_raw(db, result)
            counts["failed_sources"] = list(result.failed_sources)
            del result
            if overlap:
                counts.update(parse_and_extract(db, settings.extract_batch_size, pool))
            else:
                counts["parse"] = parse(db)
                counts["extract"] = extract_flow(db=db, since=since)
        if sync:
            counts["sync_releases"] = sync_releases_flow(db=db)
        if resolve:
            counts["resolve"] = resolve_flow(db=db)
    _publish(db, run.run_id, run.started, counts)
    log.info("pipeline run %s finished: %s", run.run_id, counts)
    return counts


def _publish(db: str, run_id: str, started: datetime, counts: dict[str, Any]) -> None:
    from flows.artifacts import run_summary_markdown

    create_markdown_artifact(
        key="claimwatch-run",
        markdown=run_summary_markdown(db, run_id, started, counts),
        description=f"claimwatch run {run_id}",
    )
