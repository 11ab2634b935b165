"""Memory: peak RSS of a pipeline run at 10,000 documents ÷ peak RSS at 1,000 (goal ≤ 1.3).

bench_ingest's corpus (10,000 articles in 20 RSS feeds of 500) is served from a child process on 127.0.0.1.
Each measurement is a fresh Python process running `claimwatch.stages.run_all` (no outcomes) into a fresh
DuckDB file, over the first 2 feeds (1,000 articles) or all 20 (10,000); it reports its own peak resident
set size (VmHWM in /proc/self/status, the kernel's high-water mark), so neither run inherits the other's
heap or the server's. The fixed cost (Python, spaCy, DuckDB, pyarrow) is the same in both runs, so the ratio
shows how much of the footprint grows with the size of the backlog.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.bench_e2e import write_sources
from bench.bench_ingest import serve_corpus_process

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]

DRIVER = """
import json, sys, time
from claimwatch.settings import Settings
from claimwatch.stages import run_all

def hwm():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM'):
            return int(line.split()[1]) * 1024
    return 0

settings = Settings(per_host_interval=0.0, max_items_per_source=1000)
t0 = time.perf_counter()
counts = run_all(sys.argv[1], sys.argv[2], settings, outcomes=False)
print(json.dumps({"peak_rss": hwm(), "seconds": time.perf_counter() - t0,
                  "documents": counts["parse"]["documents_new"], "claims": counts["extract"]["claims"]}))
"""


def measure(feeds: list[str], per_feed: int, tmp: Path, label: str) -> dict[str, Any]:
    """Run the pipeline over the given feeds in a fresh process; return its peak RSS and counts."""
    src = write_sources(feeds, per_feed, tmp / f"sources-{label}.toml")
    db = tmp / f"{label}.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(src), str(db)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"pipeline run at {label} failed: {proc.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def run(small: int = 1000, large: int = 10000, per_feed: int = 500) -> dict[str, Any]:
    """Peak RSS of a run over `large` documents ÷ over `small` documents, each in a fresh process."""
    with serve_corpus_process(large, per_feed) as corpus, tempfile.TemporaryDirectory() as tmp:
        n_small = max(1, small // per_feed)
        lo = measure(corpus.feeds[:n_small], per_feed, Path(tmp), "small")
        hi = measure(corpus.feeds, per_feed, Path(tmp), "large")
    mib = 1024 * 1024
    result: dict[str, Any] = {
        "ratio": round(hi["peak_rss"] / lo["peak_rss"], 3),
        "goal": "<= 1.3",
        "small_documents": lo["documents"],
        "large_documents": hi["documents"],
        "small_peak_rss_mib": round(lo["peak_rss"] / mib, 1),
        "large_peak_rss_mib": round(hi["peak_rss"] / mib, 1),
        "small_seconds": round(lo["seconds"], 1),
        "large_seconds": round(hi["seconds"], 1),
    }
    log.info("bench_memory: %s", result)
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(run(), indent=2))
