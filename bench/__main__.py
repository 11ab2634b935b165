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

# (name, module, what its ratio means, goal, run() keyword arguments). Each module exposes run() -> dict with
# at least "ratio".
BENCHES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("bench_extract", "bench.bench_extract", "claim extraction tokens/s ÷ spacy.blank('en') tokenizer tokens/s",
     ">= 0.5", {}),
    ("bench_load", "bench.bench_load", "warehouse loader rows/s ÷ bare DuckDB Arrow insert rows/s", ">= 0.5", {}),
    ("bench_ingest", "bench.bench_ingest",
     "re-run on unchanged sources ÷ cold run, in time (bodies re-downloaded: goal 0)", "<= 0.05", {}),
    ("bench_e2e", "bench.bench_e2e",
     "end-to-end docs/s on a 5,000-article loopback corpus ÷ slowest necessary stage alone", ">= 0.7", {}),
    ("bench_memory", "bench.bench_memory", "peak RSS at 10,000 documents ÷ peak RSS at 1,000", "<= 1.3", {}),
    ("bench_history", "bench.bench_history",
     "a 1,000-article run on a 100,000-document warehouse ÷ the same run on an empty one, in time", "<= 1.5", {}),
]
# Ten times today's corpus. About half an hour on two cores, so they run only when named
# (`python -m bench bench_e2e_50k bench_memory_50k`, or `make bench-scale`); their last figures are kept in
# results.json and RESULTS.md by every later `make bench`.
SCALE_BENCHES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("bench_e2e_50k", "bench.bench_e2e",
     "end-to-end docs/s on a 50,000-article loopback corpus ÷ slowest necessary stage alone", ">= 0.7",
     {"n_articles": 50_000, "single_process": False}),
    ("bench_memory_50k", "bench.bench_memory", "peak RSS at 50,000 documents ÷ peak RSS at 5,000", "<= 1.3",
     {"small": 5_000, "large": 50_000}),
    ("bench_history_1m", "bench.bench_history",
     "a 1,000-article run on a 1,000,000-document warehouse ÷ the same run on an empty one, in time", "<= 1.5",
     {"n_docs": 1_000_000}),
    ("bench_reextract_20k", "bench.bench_reextract",
     "peak RSS re-extracting 20,000 documents (killed at 40% and restarted) ÷ re-extracting 2,000", "<= 1.3",
     {"small": 2_000, "large": 20_000}),
    # A day or two, not minutes (see bench/bench_reextract.py): `python -m bench bench_reextract_1m`.
    ("bench_reextract_1m", "bench.bench_reextract",
     "peak RSS re-extracting 1,000,000 documents (killed at 40% and restarted) ÷ re-extracting 100,000", "<= 1.3",
     {"small": 100_000, "large": 1_000_000}),
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


def _previous() -> dict[str, Any]:
    """The figures of the last run, each tagged with when it was measured (kept for benchmarks not re-run)."""
    try:
        old = json.loads((HERE / "results.json").read_text())
    except (OSError, ValueError):
        return {}
    return {name: {**res, "measured_at": res.get("measured_at", old.get("measured_at"))}
            for name, res in old.get("benchmarks", {}).items()}


def main(only: list[str] | None = None) -> int:
    """Run the selected benchmarks (the default set when none is named) and write the results files."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request: 100,000 lines at 50k articles
    now = datetime.now(UTC).isoformat(timespec="seconds")
    results: dict[str, Any] = {"measured_at": now, "machine": machine(), "benchmarks": _previous()}
    selected = set(only) if only else {b[0] for b in BENCHES}
    for short, module, meaning, goal, kwargs in BENCHES + SCALE_BENCHES:
        if short not in selected:
            continue
        log.info("running %s", short)
        t0 = time.perf_counter()
        try:
            res = importlib.import_module(module).run(**kwargs)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            log.exception("%s failed", short)
            res = {"error": f"{type(exc).__name__}: {exc}"}
        res["seconds"] = round(time.perf_counter() - t0, 1)
        res.setdefault("goal", goal)
        res["meaning"] = meaning
        res["measured_at"] = now
        results["benchmarks"][short] = res
        log.info("%s: %s", short, res)
    order = [b[0] for b in BENCHES + SCALE_BENCHES]
    results["benchmarks"] = dict(sorted(results["benchmarks"].items(),
                                        key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
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
        f"Python {m['python']}, {m['platform']}. Each figure is a ratio against a baseline measured in the same run. "
        "The *_50k rows run only when named (`make bench-scale`); each row says when it was measured.",
        "",
        "| benchmark | ratio | goal | status | what it compares | measured | details |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, res in results["benchmarks"].items():
        details = ", ".join(f"{k}={v}" for k, v in res.items()
                            if k not in ("ratio", "goal", "meaning", "measured_at"))
        lines.append(f"| {name} | {res.get('ratio', 'n/a')} | {res['goal']} | {_met(res.get('ratio'), res['goal'])} "
                     f"| {res['meaning']} | {str(res.get('measured_at', ''))[:10]} | {details} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or None))
