"""Run the `pipeline` flow once (no release sync, no resolve) in this process and print what it cost, as JSON.

    python -m bench.pipeline_run SOURCES DB

bench_e2e and bench_memory run it in a fresh process per measurement, so no run inherits another's heap, and
settings reach the flow the way they reach any run: CLAIMWATCH_* variables (set by `pipeline_env`). Prefect's
ephemeral API (and, with the extraction worker off, the spaCy pipeline) are started before the clock starts.
Printed: seconds of the flow call, this process's peak RSS (VmHWM), the peak RSS of its largest child (the
extraction worker; from getrusage once the worker has exited), documents parsed and claims loaded.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def pipeline_env(worker: bool = True, prefect_home: str | None = None) -> dict[str, str]:
    """The environment of a bench pipeline run: loopback politeness off, a private Prefect home."""
    return {
        **os.environ,
        "CLAIMWATCH_PER_HOST_INTERVAL": "0",  # one loopback host: the default 1 s interval would measure sleeps
        "CLAIMWATCH_MAX_ITEMS_PER_SOURCE": "1000",
        "CLAIMWATCH_EXTRACT_WORKER": "true" if worker else "false",
        "PREFECT_HOME": prefect_home or tempfile.mkdtemp(prefix="claimwatch-bench-prefect-"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }


ROOT = Path(__file__).resolve().parents[1]


def run_in_process(sources: Path, db: Path, worker: bool = True, timeout: float = 7200) -> dict[str, Any]:
    """Run the pipeline flow over `sources` into `db` in a fresh Python process; return its JSON line."""
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-prefect-") as home:
        env = {**pipeline_env(worker, home), "PYTHONPATH": str(ROOT)}
        proc = subprocess.run([sys.executable, "-m", "bench.pipeline_run", str(sources), str(db)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        # The API's validation message, if any, says more than the exception class around it.
        found = re.search(r"'msg': '([^']*)'", proc.stderr)
        errors = [line for line in proc.stderr.splitlines() if "Error" in line or "error" in line]
        detail = found.group(1) if found else (errors or [proc.stderr])[-1]
        raise RuntimeError(f"pipeline run into {db.name} failed: {detail[:400]}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def own_peak_rss() -> int:
    """This process's peak resident set size in bytes (VmHWM, the kernel's high-water mark)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) * 1024
    return 0


def warm_up(load_nlp: bool) -> None:
    """Start Prefect's ephemeral API (one throwaway flow run) and, when extraction runs in this process, spaCy,
    so neither is on the clock of the run measured next."""
    from prefect import flow

    from extractors.claims import get_nlp

    @flow(name="bench-warm-up")
    def warm() -> None:
        if load_nlp:
            get_nlp()

    warm()


def main(argv: list[str]) -> dict[str, Any]:
    """Warm up Prefect and spaCy, then time one pipeline flow run."""
    from flows.pipeline import pipeline

    # Extraction runs here only with the worker off; with it on, the worker loads spaCy while fetching.
    warm_up(os.environ.get("CLAIMWATCH_EXTRACT_WORKER") == "false")
    t0 = time.perf_counter()
    counts = pipeline(sources=argv[0], db=argv[1], sync=False, resolve=False)
    seconds = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": seconds, "peak_rss": own_peak_rss(), "children_peak_rss": children,
            "documents": counts["parse"]["documents_new"], "claims": counts["extract"]["claims"]}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
