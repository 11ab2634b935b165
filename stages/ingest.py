"""The ingest stage: fetch every enabled source with the warehouse's ingestion state, then store the result.

Raw items are stored while the fetch goes on, a slice of CHUNK_SIZE at a time (sources/ hands them to the load
it is given), with the fetch log rows written meanwhile, so neither a backlog's bodies nor its log sit in memory
together; the rest of the result (the last log rows, HTTP validators, cursors, robots, retries) is stored
afterwards by `load_ingest`. A raw item stored before its
validators is harmless: killed in between, the next run re-fetches it and the insert-or-ignore keeps one copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from schemas import FetchLog, RawItem
from sources.config import FetchSettings, SourceConfig
from sources.ingest import IngestResult, IngestState, ingest
from stages.common import CHUNK_SIZE
from warehouse import writer
from warehouse.ingest_state import save_result, state_from_db
from warehouse.load import insert, load_raw_items
from warehouse.outcomes.observed import save_source_labs


def fetch(
    sources: Sequence[SourceConfig], settings: FetchSettings, run_id: str, state: IngestState | None = None,
    db: str | Path | None = None,
) -> IngestResult:
    """Fetch sources (network only); social posts are read with extractors.posts to find their linked articles.

    With `db`, new raw items are stored there in slices as they arrive instead of collecting in the result.
    """
    from extractors import posts

    sink = _raw_item_store(db) if db is not None else None
    return ingest(list(sources), state if state is not None else IngestState(), settings, run_id, posts=posts,
                  sink=sink, sink_size=CHUNK_SIZE)


def _raw_item_store(db: str | Path) -> Callable[[list[RawItem], list[FetchLog]], int]:
    """The sink the fetch hands raw items to: one short write per slice, insert-or-ignore, with the fetch log
    rows written since the last slice (appended), so a long run's log never piles up in memory."""

    def store(items: list[RawItem], fetches: list[FetchLog]) -> int:
        # No snapshot publication per slice: the journal keeps each session, and load_ingest publishes.
        with writer(db, snapshot=False) as con:
            if fetches:
                insert(con, "fetch_log", fetches, mode="append")
            return load_raw_items(con, items)

    return store


def ingest_stage(sources: Sequence[SourceConfig], db: str | Path, settings: FetchSettings, run_id: str) -> IngestResult:
    """Fetch every enabled source (conditional GET, cursors from the warehouse), storing raw items as they come.

    Also records which sources are a lab's own feed (`lab` in the watch list), for release corroboration.
    """
    with writer(db, snapshot=False) as con:
        state = state_from_db(con)
        save_source_labs(con, {s.name: s.lab for s in sources})
    return fetch(sources, settings, run_id, state, db=db)


def load_ingest(db: str | Path, result: IngestResult) -> dict[str, int]:
    """Store an IngestResult: raw items not stored during the fetch, the fetch log, HTTP validators and cursors."""
    items = result.items
    with writer(db) as con:
        # Raw bodies go in slices (insert-or-ignore, like save_result): one Arrow copy of a whole backlog's
        # bodies would double the run's peak memory. save_result stores everything else.
        new_raw = sum(load_raw_items(con, items[i : i + CHUNK_SIZE]) for i in range(0, len(items), CHUNK_SIZE))
        counts: dict[str, int] = save_result(con, replace(result, items=[]))
        counts["raw_items"] = new_raw + result.items_stored
    return counts
