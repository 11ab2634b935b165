"""Memory: peak RSS of a pipeline run over a large backlog ÷ over a small one (goal ≤ 1.3).

bench_ingest's corpus (500-article RSS feeds) is served from a child process on 127.0.0.1. Each measurement is
a fresh Python process running the `pipeline` flow (no release sync, no resolve; `bench.pipeline_run`) into a
fresh DuckDB file, over the first `small` articles' feeds or all `large`: 1,000 and 10,000 by default, 5,000 and
50,000 for bench_memory_50k. Each run reports its own peak resident set size (VmHWM in /proc/self/status, the
kernel's high-water mark), so neither inherits the other's heap or the server's, and that of its extraction
worker process (reported, not in the ratio). The fixed cost (Python, Prefect, spaCy, DuckDB, pyarrow) is the
same in both runs, so the ratio shows how much of the footprint grows with the size of the backlog.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from bench.bench_e2e import write_sources
from bench.bench_ingest import serve_corpus_process
from bench.pipeline_run import run_in_process

log = logging.getLogger(__name__)


def measure(feeds: list[str], per_feed: int, tmp: Path, label: str) -> dict[str, Any]:
    """Run the pipeline over the given feeds in a fresh process; return its peak RSS and counts."""
    src = write_sources(feeds, per_feed, tmp / f"sources-{label}.toml")
    return run_in_process(src, tmp / f"{label}.duckdb")


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
        "small_worker_peak_rss_mib": round(lo["children_peak_rss"] / mib, 1),
        "large_worker_peak_rss_mib": round(hi["children_peak_rss"] / mib, 1),
        "small_seconds": round(lo["seconds"], 1),
        "large_seconds": round(hi["seconds"], 1),
    }
    log.info("bench_memory: %s", result)
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(run(), indent=2))
