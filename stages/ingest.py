"""The ingest stage: fetch every enabled source with the warehouse's ingestion state, then store the result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sources.config import FetchSettings, SourceConfig
from sources.ingest import IngestResult, IngestState, ingest
from stages.common import CHUNK_SIZE
from warehouse import writer
from warehouse.ingest_state import save_result, state_from_db
from warehouse.load import load_raw_items


def fetch(
    sources: Sequence[SourceConfig], settings: FetchSettings, run_id: str, state: IngestState | None = None,
) -> IngestResult:
    """Fetch sources (network only); social posts are read with extractors.posts to find their linked articles."""
    from extractors import posts

    return ingest(list(sources), state if state is not None else IngestState(), settings, run_id, posts=posts)


def ingest_stage(sources: Sequence[SourceConfig], db: str | Path, settings: FetchSettings, run_id: str) -> IngestResult:
    """Fetch every enabled source (conditional GET, cursors from the warehouse); return the IngestResult."""
    with writer(db, snapshot=False) as con:
        state = state_from_db(con)
    return fetch(sources, settings, run_id, state)


def load_ingest(db: str | Path, result: IngestResult) -> dict[str, int]:
    """Store an IngestResult: new raw items, the fetch log, HTTP validators and cursors."""
    items = result.items
    with writer(db) as con:
        # Raw bodies go in slices (insert-or-ignore, like save_result): one Arrow copy of a whole backlog's
        # bodies would double the run's peak memory. save_result stores everything else.
        new_raw = sum(load_raw_items(con, items[i : i + CHUNK_SIZE]) for i in range(0, len(items), CHUNK_SIZE))
        counts: dict[str, int] = save_result(con, replace(result, items=[]))
        counts["raw_items"] = new_raw
    return counts
