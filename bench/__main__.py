"""Run every benchmark, then write bench/results.json and bench/RESULTS.md with the machine description."""

from __future__ import annotations

import importlib
import json
import logging
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("bench")
HERE = Path(__file__).resolve().parent

# (module, what its ratio means, goal) — each module exposes run() -> dict with at least "ratio".
BENCHES: list[tuple[str, str, str]] = [
    ("bench.bench_extract", "claim extraction tokens/s ÷ spacy.blank('en') tokenizer tokens/s", ">= 0.5"),
    ("bench.bench_load", "warehouse loader rows/s ÷ bare DuckDB Arrow insert rows/s", ">= 0.5"),
    ("bench.bench_ingest", "re-run on unchanged sources ÷ cold run, in time (bodies re-downloaded: goal 0)",
     "<= 0.05"),
    ("bench.bench_e2e", "end-to-end docs/s on a 5,000-article loopback corpus ÷ slowest necessary stage alone",
     ">= 0.7"),
    ("bench.bench_memory", "peak RSS at 10,000 documents ÷ peak RSS at 1,000", "<= 1.3"),
]


def machine() -> dict[str, Any]:
    """Describe the machine the figures were measured on."""
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = line.split(":", 1)[1].strip()
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count(),
            "cpu": cpu, "memory": mem}


def main(only: list[str] | None = None) -> int:
    """Run the selected benchmarks (all by default) and write the results files."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    results: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
                               "benchmarks": {}}
    for module, meaning, goal in BENCHES:
        short = module.rsplit(".", 1)[-1]
        if only and short not in only:
            continue
        log.info("running %s", short)
        t0 = time.perf_counter()
        try:
            res = importlib.import_module(module).run()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            log.exception("%s failed", short)
            res = {"error": f"{type(exc).__name__}: {exc}"}
        res["seconds"] = round(time.perf_counter() - t0, 1)
        res.setdefault("goal", goal)
        res["meaning"] = meaning
        results["benchmarks"][short] = res
        log.info("%s: %s", short, res)
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (HERE / "RESULTS.md").write_text(render(results))
    return 0


def _met(ratio: Any, goal: str) -> str:
    if not isinstance(ratio, int | float):
        return "n/a"
    op, _, value = goal.partition(" ")
    target = float(value)
    ok = ratio >= target if op == ">=" else ratio <= target
    return "met" if ok else "NOT met"


def render(results: dict[str, Any]) -> str:
    """Render the results as a short markdown page."""
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['measured_at']} on {m['cpus']} CPUs ({m['cpu']}), {m['memory']} RAM, "
        f"Python {m['python']}, {m['platform']}. Each figure is a ratio against a baseline measured in the same run.",
        "",
        "| benchmark | ratio | goal | status | what it compares | details |",
        "|---|---|---|---|---|---|",
    ]
    for name, res in results["benchmarks"].items():
        details = ", ".join(f"{k}={v}" for k, v in res.items() if k not in ("ratio", "goal", "meaning"))
        lines.append(f"| {name} | {res.get('ratio', 'n/a')} | {res['goal']} | {_met(res.get('ratio'), res['goal'])} "
                     f"| {res['meaning']} | {details} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or None))
