"""Warehouse load: claimwatch's claims loader (records → Arrow → one INSERT) vs a bare DuckDB Arrow insert.

Both load the same rows into identical empty `claims` tables in one process, one run; the ratio is
loader rows/s ÷ bare rows/s (goal ≥ 0.5). The bare side gets its Arrow table for free (built before the
clock starts); the loader side pays for turning pydantic records into Arrow, which is part of its job.
"""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from schemas import Claim
from warehouse import writer
from warehouse.load import insert, to_arrow

log = logging.getLogger(__name__)


def _claims(n: int) -> list[Claim]:
    return [
        Claim(
            kind="gap", direction="behind", months_low=float(i % 12), months_high=float(i % 12 + 3),
            subject="Chinese open-weight models", subject_group={"country": "CN", "openness": "open"},
            reference="Claude Sonnet 4.5", models=["claude-sonnet-4.5"], timeframe="current",
            sentence=f"Sentence {i}: open models are {i % 12} months behind.", start_char=i, end_char=i + 50,
            doc_id=f"doc{i // 5}", published_at=date(2026, 1, 1 + i % 28), extractor_version="bench",
        )
        for i in range(n)
    ]


def run(n: int = 100_000, repeats: int = 3) -> dict[str, Any]:
    """Measure both paths `repeats` times on fresh tables; keep the best of each."""
    records = _claims(n)
    with tempfile.TemporaryDirectory() as tmp, writer(Path(tmp) / "b.duckdb", snapshot=False) as con:
        cols = [r[0] for r in con.execute("DESCRIBE claims").fetchall()]
        bare_tbl = to_arrow(records, cols)
        ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'claims'").fetchall()[0][0]
        best_ours = best_bare = float("inf")
        for i in range(repeats):
            for name in (f"ours_{i}", f"bare_{i}"):
                con.execute(ddl.replace("CREATE TABLE claims", f"CREATE TABLE {name}", 1))
            t0 = time.perf_counter()
            # the same call replace_extractions makes for claims (keys collapsed, one append)
            added = insert(con, f"ours_{i}", records, mode="append", key=("claim_id",))
            best_ours = min(best_ours, time.perf_counter() - t0)
            con.register("bare_batch", bare_tbl)
            t0 = time.perf_counter()
            con.execute(f"INSERT INTO bare_{i} BY NAME SELECT * FROM bare_batch")
            best_bare = min(best_bare, time.perf_counter() - t0)
            con.unregister("bare_batch")
            assert added == n
    ours, bare = n / best_ours, n / best_bare
    return {"rows": n, "loader_rows_per_s": round(ours), "bare_arrow_rows_per_s": round(bare),
            "ratio": round(ours / bare, 3), "goal": ">= 0.5"}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    log.info("%s", run())
