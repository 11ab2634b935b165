"""History: does a run's cost grow with what the warehouse already holds?

Builds a warehouse holding a synthetic history (`bench.history_build`: documents, raw items, mentions, claims,
outcomes, bulk Arrow loads), then times an ordinary incremental `pipeline` run of `n_new` new loopback articles
on top of it and the same run on an empty warehouse, each in a fresh process (`bench.pipeline_run`).

ratio = run seconds on the history warehouse ÷ run seconds on an empty one (goal ≤ 1.5). Also reported: bytes
the run wrote to disk (the child's write_bytes, from getrusage), disk bytes per stored article, the latency of
the README's cookbook queries through `claimwatch sql` (a fresh process each), and `claimwatch resolve` time.

`make bench` builds 100,000 documents (~1 minute); `python -m bench bench_history_1m` builds the 1,000,000 of
issue 15 (about 4 GB of disk, several minutes).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_e2e import write_sources
from bench.bench_ingest import serve_corpus_process
from bench.history_build import build
from bench.pipeline_run import ROOT, pipeline_env, run_in_process
from warehouse import snapshot as snapshots
from warehouse import writer

log = logging.getLogger(__name__)
CLI = str(Path(sys.executable).with_name("claimwatch"))

# The README's cookbook, query by query (the `lag_series` one reads a table only `claimwatch lag` fills).
COOKBOOK: dict[str, str] = {
    "cn_under_6_months_2025": (
        "select source, attributed_to, published_at, direction, months_low, months_high, sentence from v_claims "
        "where kind = 'gap' and year(published_at) = 2025 and coalesce(months_high, months_low) < 6 "
        "and ((direction = 'behind' and subject_group->>'country' = 'CN') "
        "or (direction = 'ahead' and reference_group->>'country' = 'CN')) order by published_at"),
    "forecasts_due_this_quarter": (
        "select title, target, deadline_text, deadline_end, hedged, url from v_claims where kind = 'forecast' "
        "and deadline_end between date_trunc('quarter', current_date) and date_trunc('quarter', current_date) "
        "+ interval 3 month - interval 1 day order by deadline_end"),
    "most_cited_models": (
        "select m as model, count(*) as claims from (select unnest(models || target_models) as m from v_claims) "
        "group by m order by claims desc limit 10"),
    "deadline_before_publication": (
        "select title, deadline_text, deadline_end, published_at from v_claims "
        "where list_contains(flags, 'deadline_before_publication')"),
    "claimant_scorecard": (
        "select name, claims, resolved, hit_rate, mae_months, brier from v_source_scorecard "
        "where level = 'claimant' order by resolved desc, hit_rate desc"),
    "gap_timeline": (
        "select published_at, subject, reference, claimed_low, claimed_high, measured_months, error_months, verdict "
        "from v_gap_timeline order by published_at"),
    "forecast_verdicts": (
        "select verdict, count(*) as forecasts from v_claim_outcomes where kind = 'forecast' "
        "group by verdict order by forecasts desc"),
    "outcome_coverage": "select kind, verdict, reason, claims, share_of_kind from v_outcome_coverage",
    "date_provenance": (
        "select published_at, published_source, published_precision, published_usable, title from v_claims "
        "order by published_usable, published_at"),
    "hedged_vs_plain": (
        "select hedged, round(avg(confidence), 2) as confidence, count(*) as claims from v_claims group by hedged"),
    "failing_sources": (
        "select source, count(*) filter (where not ok) as failed, count(*) as attempts, "
        "max(started_at) filter (where not ok) as last_failure, any_value(error_class) filter (where not ok) "
        "as error from fetch_log group by source order by failed desc"),
    "articles_most_claims": (
        "select d.title, d.url, count(c.claim_id) as claims from documents d left join claims c using (doc_id) "
        "where d.duplicate_of is null group by all order by claims desc"),
    "chinese_releases": (
        "select model_id, display_name, organization, release_date, open_weights from releases "
        "where country = 'CN' and release_date >= date '2025-01-01' order by release_date"),
}


def _written_bytes() -> int:
    """Bytes written to storage by this process's finished children so far (getrusage, 512-byte blocks)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_oublock * 512


def _disk_bytes(db: Path) -> int:
    """Bytes of the warehouse and everything published next to it (snapshot, side files)."""
    return sum(p.stat().st_size for p in db.parent.glob(db.stem + "*") if p.is_file() and not p.is_symlink())


def timed_run(sources: Path, db: Path, full_copy: bool = False) -> dict[str, Any]:
    """One incremental pipeline run in a fresh process: seconds, bytes written, documents and claims.

    With `full_copy`, every publication copies the whole file (CLAIMWATCH_SNAPSHOT_FULL_COPY): the old design.
    """
    before = _written_bytes()
    os.environ["CLAIMWATCH_SNAPSHOT_FULL_COPY"] = "1" if full_copy else "0"
    try:
        res = run_in_process(sources, db, worker=True)
    finally:
        os.environ.pop("CLAIMWATCH_SNAPSHOT_FULL_COPY", None)
    return {"seconds": round(res["seconds"], 2), "bytes_written": _written_bytes() - before,
            "documents": res["documents"], "claims": res["claims"]}


def publication_seconds(db: Path) -> dict[str, float]:
    """One small write published incrementally, then the same write published by a full copy of the file."""
    def one_write() -> float:
        """Seconds of one write session that changes one row, publication included."""
        t0 = time.perf_counter()
        with writer(db) as con:
            con.execute("INSERT OR REPLACE INTO cursors VALUES ('bench-history', ?, now()::TIMESTAMP)",
                        [str(time.time())])
        return round(time.perf_counter() - t0, 3)

    one_write()
    incremental = one_write()
    snapshots.reset(db)  # the journal forgotten: the next publication copies the whole file
    return {"incremental": incremental, "full_copy": one_write()}


def _cli(args: list[str], prefect_home: str | None = None) -> tuple[float, str]:
    env = {**pipeline_env(True, prefect_home), "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.run([CLI, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
                          check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"claimwatch {args[0]} failed: {proc.stderr.strip()[-400:]}")
    return seconds, proc.stdout


def cookbook_latency(db: Path) -> dict[str, float]:
    """Seconds of each cookbook query through `claimwatch sql` (process start included)."""
    return {name: round(_cli(["sql", sql, "--db", str(db), "--format", "csv"])[0], 2)
            for name, sql in COOKBOOK.items()}


def _sql_startup(db: Path) -> float:
    """Seconds of a trivial `claimwatch sql` (the process start every query pays)."""
    return round(_cli(["sql", "select 1", "--db", str(db), "--format", "csv"])[0], 2)


def run(n_docs: int = 100_000, n_new: int = 1000, workdir: str | None = None,
        compare_full_copy: bool = True) -> dict[str, Any]:
    """Build the history, time the incremental run on it and on an empty warehouse, then the reads."""
    base = Path(workdir or tempfile.gettempdir())
    free = shutil.disk_usage(base).free
    need = n_docs * 12_000  # ~4 KB per article in the file, x2 for a snapshot, and room to spare
    if free < need:
        raise RuntimeError(f"bench_history needs ~{need >> 30} GB free in {base}, has {free >> 30} GB")
    with tempfile.TemporaryDirectory(prefix="claimwatch-history-", dir=base) as tmp, \
            serve_corpus_process(n_new, 500) as corpus:
        sources = write_sources(corpus.feeds, 500, Path(tmp) / "sources.toml")
        empty = timed_run(sources, Path(tmp) / "empty" / "claims.duckdb")
        db = Path(tmp) / "history" / "claims.duckdb"
        built = build(db, n_docs)
        for _ in snapshots.GENERATIONS:  # a deployment's steady state: both snapshot generations published
            with writer(db):
                pass
        baseline = None
        if compare_full_copy:  # the same run on a copy of the same history, publishing by full copies
            copy = Path(tmp) / "history-full-copy" / "claims.duckdb"
            copy.parent.mkdir()
            shutil.copyfile(db, copy)
            baseline = timed_run(sources, copy, full_copy=True)
            shutil.rmtree(copy.parent)
        history = timed_run(sources, db)
        disk = _disk_bytes(db)
        warehouse_bytes = db.stat().st_size
        with tempfile.TemporaryDirectory(prefix="claimwatch-bench-prefect-") as home:
            resolve_s = round(_cli(["resolve", "--db", str(db)], home)[0], 2)
        queries = cookbook_latency(db)
        publish = publication_seconds(db)
        startup = _sql_startup(db)
    result: dict[str, Any] = {
        "ratio": round(history["seconds"] / empty["seconds"], 3),
        "goal": "<= 1.5",
        "history_documents": n_docs,
        "new_articles": n_new,
        "run_empty": empty,
        "run_history": history,
        "run_history_full_copy_snapshots": baseline,
        "bytes_written_ratio": round(history["bytes_written"] / max(empty["bytes_written"], 1), 2),
        "build_seconds": round(built["build_seconds"], 1),
        "warehouse_bytes": warehouse_bytes,
        "disk_bytes_with_snapshot": disk,
        "disk_bytes_per_article": round(warehouse_bytes / (n_docs + n_new)),
        "resolve_seconds": resolve_s,
        "small_write_seconds": publish,
        "sql_startup_seconds": startup,
        "cookbook_seconds": queries,
        "cookbook_max_seconds": max(queries.values()),
    }
    log.info("bench_history: %s", result)
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(json.dumps(run(n), indent=2))
