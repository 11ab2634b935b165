"""Warehouse load: the pipeline's extraction hand-off loaded by claimwatch vs a bare DuckDB Arrow insert.

Extraction hands its results to the warehouse as Arrow tables (`warehouse.load.extraction_tables`, built in
the extraction batch while the records are fresh); the loader swaps them in with `replace_extractions`, the
call every extract stage makes (delete the documents' old rows, insert mentions and claims, mark the
documents extracted, one transaction). The bare side inserts the same claims table with one
`INSERT ... SELECT` into an identical empty table. ratio = loader rows/s ÷ bare rows/s (goal ≥ 0.5), each the
best of `repeats` runs, one fresh database per run holding both tables, the order alternating.

The conversion from records to the hand-off happens in extraction, so it is timed separately and reported
(`conversion_*`), with the ratio a loader would reach if it converted records itself (`ratio_with_conversion`).
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
from warehouse.load import concat_extractions, extraction_tables, replace_extractions

log = logging.getLogger(__name__)
CLAIMS_PER_DOC = 5


def _claims(n: int) -> list[Claim]:
    return [
        Claim(
            kind="gap", direction="behind", months_low=float(i % 12), months_high=float(i % 12 + 3),
            subject="Chinese open-weight models", subject_group={"country": "CN", "openness": "open"},
            reference="Claude Sonnet 4.5", models=["claude-sonnet-4.5"], timeframe="current",
            sentence=f"Sentence {i}: open models are {i % 12} months behind.", start_char=i, end_char=i + 50,
            doc_id=f"doc{i // CLAIMS_PER_DOC}", published_at=date(2026, 1, 1 + i % 28), extractor_version="bench",
        )
        for i in range(n)
    ]


def _convert(records: list[Claim], batch: int) -> tuple[Any, Any, float]:
    """Convert records to the hand-off the way extraction does, one batch of documents' claims at a time."""
    t0 = time.perf_counter()
    mentions, claims = concat_extractions(extraction_tables([], records[i : i + batch])
                                          for i in range(0, len(records), batch))
    return mentions, claims, time.perf_counter() - t0


def _loader(con: Any, doc_ids: list[str], mentions: Any, claims: Any) -> tuple[float, int]:
    """The pipeline's load of a slice: `replace_extractions` with the extraction hand-off."""
    t0 = time.perf_counter()
    _, added = replace_extractions(con, doc_ids, "bench", mentions, claims)
    return time.perf_counter() - t0, added


def _bare(con: Any, claims: Any) -> float:
    """DuckDB's bare Arrow insert of the same claims table into an identical empty table."""
    con.register("bare_batch", claims)
    t0 = time.perf_counter()
    con.execute("INSERT INTO bare BY NAME SELECT * FROM bare_batch")
    seconds = time.perf_counter() - t0
    con.unregister("bare_batch")
    return seconds


def run(n: int = 100_000, repeats: int = 5, batch_docs: int = 200) -> dict[str, Any]:
    """Measure both paths `repeats` times, interleaved, on a fresh database each time; keep the best of each."""
    records = _claims(n)
    doc_ids = sorted({c.doc_id for c in records})
    best_ours = best_bare = best_convert = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            mentions, claims, convert_s = _convert(records, batch_docs * CLAIMS_PER_DOC)
            best_convert = min(best_convert, convert_s)
            with writer(Path(tmp) / f"run_{i}.duckdb", snapshot=False) as con:
                ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'claims'").fetchall()[0][0]
                con.execute(ddl.replace("CREATE TABLE claims", "CREATE TABLE bare", 1))
                # alternate which side goes first, so neither always meets the freshly grown file
                for side in ("ours", "bare") if i % 2 == 0 else ("bare", "ours"):
                    if side == "ours":
                        ours_s, added = _loader(con, doc_ids, mentions, claims)
                        best_ours = min(best_ours, ours_s)
                        assert added == n
                    else:
                        best_bare = min(best_bare, _bare(con, claims))
    ours, bare = n / best_ours, n / best_bare
    return {"rows": n, "documents": len(doc_ids), "loader_rows_per_s": round(ours),
            "bare_arrow_rows_per_s": round(bare), "ratio": round(ours / bare, 3), "goal": ">= 0.5",
            "conversion_rows_per_s": round(n / best_convert),
            "ratio_with_conversion": round(n / (best_ours + best_convert) / bare, 3)}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    log.info("%s", run())
