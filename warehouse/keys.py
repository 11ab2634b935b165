"""Logical keys of the history tables: the tables that grow with every run and carry no index.

DuckDB keeps a PRIMARY KEY as an ART index and re-serializes the whole index at every checkpoint of a table
that changed (measured: a 1,000-row append to a 2M-row keyed table checkpoints ~150 MB; duckdb/duckdb#24848),
so a run's bytes written grew with the warehouse. Migration 0010 drops the constraint from these tables; the
loaders (`warehouse.load.insert`) keep their dispositions by key with joins on the incoming batch, and the
snapshot journal (`warehouse.snapshot`) uses these keys where no constraint names one. Small tables (cursors,
runs, releases, ...) keep their PRIMARY KEY.
"""

from __future__ import annotations

HISTORY_KEYS: dict[str, tuple[str, ...]] = {
    "raw_items": ("item_id",),
    "http_cache": ("url",),
    "documents": ("doc_id",),
    "parsed_items": ("item_id",),
    "extractions": ("doc_id",),
    "mentions": ("mention_id",),
    "claims": ("claim_id",),
    "outcomes": ("claim_id", "as_of"),
}
