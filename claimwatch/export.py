"""Export the warehouse's main views and tables as Parquet or CSV files with DuckDB's COPY.

Reads the read snapshot (the file writers publish after each load), never the live warehouse, through its own
read-only connection: `warehouse.db.read_only_query` turns external access off, which would also refuse COPY.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Literal

import duckdb

from warehouse.db import snapshot_path

log = logging.getLogger(__name__)

Format = Literal["parquet", "csv"]

# name of the exported file → the query that produces it (relations that do not exist are skipped).
# Documents go without their full text (large, and copyrighted page content); raw bodies are never exported.
EXPORTS: dict[str, tuple[str, str]] = {
    "v_claims": ("v_claims", "SELECT * FROM v_claims ORDER BY published_at, claim_id"),
    "v_claim_outcomes": ("v_claim_outcomes", "SELECT * FROM v_claim_outcomes ORDER BY published_at, claim_id"),
    "v_source_scorecard": ("v_source_scorecard", "SELECT * FROM v_source_scorecard"),
    "v_gap_timeline": ("v_gap_timeline", "SELECT * FROM v_gap_timeline ORDER BY published_at, claim_id"),
    "documents": (
        "documents",
        "SELECT * EXCLUDE (text), length(text) AS text_chars FROM documents ORDER BY published_at, doc_id",
    ),
    "releases": ("releases", "SELECT * FROM releases ORDER BY release_date, model_id"),
    "scores": ("scores", "SELECT * FROM scores ORDER BY metric, as_of, model_id"),
    "lag_series": ("lag_series", "SELECT * FROM lag_series ORDER BY lagging_group, leading_group, metric, day"),
}


def _relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_views(db_path: str | Path, fmt: Format, out_dir: str | Path) -> list[Path]:
    """Write the main views and tables of the warehouse snapshot as Parquet or CSV files; return the files written."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"format must be parquet or csv, not {fmt!r}")
    snap = snapshot_path(db_path)
    source = snap if snap.exists() else Path(db_path)
    if not source.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `claimwatch run` or `claimwatch demo` first")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
    written: list[Path] = []
    con = duckdb.connect(str(source), read_only=True)
    try:
        present = _relations(con)
        for name, (relation, query) in EXPORTS.items():
            if relation not in present:
                log.info("export: %s not in this warehouse, skipped", relation)
                continue
            target = out / f"{name}.{fmt}"
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            # COPY takes no bind parameters for the file name: quote it as a SQL string literal.
            con.execute(f"COPY ({query}) TO {_sql_string(str(tmp))} ({options})")
            os.replace(tmp, target)
            written.append(target)
            log.info("exported %s → %s", relation, target)
    finally:
        con.close()
    return written
