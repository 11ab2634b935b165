"""Re-extraction at a year's scale (issue 15): peak RSS at `large` documents ÷ at `small`, and a kill/resume check.

After an extractor version bump every stored document is stale. This bench builds synthetic warehouses
(`bench.history_build` with `version=OLD_VERSION`: every document, mention and claim marked as extracted by an
older version, in the build's own pass; an UPDATE of the marks afterwards is cheap too, 0.2 s for 1,000,000
`extractions` rows and 0.6 s more for their mentions and claims, but needs a write session of its own) and
re-extracts each the way a user does: the `extract` flow, in a fresh Python process, on Prefect's ephemeral API
with a private PREFECT_HOME and analytics off.

- ratio = peak RSS (VmHWM) of the flow process at `large` documents ÷ at `small` (goal ≤ 1.3). The processes it
  starts (the ephemeral API server; task-runner workers, with Dask) are sampled from /proc by this process and
  reported apart, as are documents per second and the build time of each warehouse.
- The large re-extraction is also the kill/resume check (one run serves both, so the bench costs about one large
  re-extraction, not two): SIGKILLed, the flow process and everything it started, once `kill_at` of the documents
  carry the new version in the read snapshot, then started again and left to finish. Afterwards every document
  has exactly one `extractions` row, at the new version; no claim_id or mention_id is stored twice; no claim or
  mention of an old version is left; each document's claims and mentions are as many as its `extractions` row
  records, and the claims as many as sum(n_claims); the restart extracted exactly the documents the killed run
  had not committed. The bench raises ResumeError otherwise. The large docs/s is the restart's (a whole run,
  process start to end, over the rest); its peak RSS is the larger of the two processes' peaks.
- Also reported: what the runs leave under PREFECT_HOME (the cached `extract-batch` task persists every batch's
  mentions and claims, ~25 KB per synthetic document, and nothing deletes them) and the warehouse's bytes.

Task runner: threads (the default). Measured on 5,000 documents (2 cores): threads 80 docs/s; `task_runner =
"dask"` with 2 workers 31 docs/s, because each 1,000-document slice is a subflow run and Prefect gives each run
its own copy of the DaskTaskRunner, which starts a new LocalCluster (2 fresh worker processes, each loading spaCy)
per slice. `run(runner="dask")` measures that path.

Durations on 2 cores, measured: 2,000 and 20,000 documents (the defaults) 6 minutes, ratio 1.23; 10,000 and
100,000 34 minutes, ratio 1.19 (71 docs/s at 10,000; 50 docs/s over the last 60% of 100,000). Synthetic documents
extract at ~85 docs/s through the flow, but the time per slice grows with the warehouse: each slice's load
publishes the read snapshot, and a re-extraction deletes rows from `mentions` and `claims`, so every publication
reconciles both tables whole (warehouse/snapshot.py, `_apply_table`: an EXCEPT over all their keys). A slice's load
takes ~0.4 s at 2,000 documents, 1-6 s at 100,000, and 14-24 s at the start of a 1,000,000-document run, and the
mentions table grows from 4 to ~72 rows per document as the synthetic documents are re-extracted (an EXCEPT of 4M
keys takes 2-3 s under the 256 MB DuckDB budget, of 40M keys 44-62 s). Estimate for `python -m bench
bench_reextract_1m` (100,000 and 1,000,000 documents; ~45 GB of free disk): half an hour for the 100,000, 9 minutes
to build the 1,000,000, then 3.3 hours of extraction plus 20-40 hours of loads: one to two days.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.history_build import build
from bench.pipeline_run import ROOT, own_peak_rss, pipeline_env, warm_up

log = logging.getLogger(__name__)

OLD_VERSION = "bench-reextract-old"
MIB = 1024 * 1024


# ------------------------------------------------------------------------------------------- process tree


def _proc_status(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS of a live process, in bytes (empty once it is gone)."""
    out: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            out[line.split(":")[0]] = int(line.split()[1]) * 1024
    return out


def _children_map() -> dict[int, list[int]]:
    """Parent pid → child pids, for every process visible in /proc."""
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`."""
    kids, out, todo = _children_map(), [], [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _role(pid: int) -> str:
    """What a descendant of the flow process is: the API server, a task-runner worker, or a helper."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "uvicorn" in cmd or "prefect.server" in cmd:
        return "prefect_server"
    if "resource_tracker" in cmd or "forkserver" in cmd:
        return "helper"
    if "spawn_main" in cmd or "multiprocessing-fork" in cmd:
        return "worker"
    return "helper"


@dataclass
class TreeSampler:
    """Samples the peak RSS (VmHWM) of a process and of every process below it, by role, until stopped."""

    pid: int
    interval: float = 0.2
    peaks: dict[int, int] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def sample(self) -> None:
        """Read the high-water mark of the process and of each descendant alive now."""
        for pid in [self.pid, *descendants(self.pid)]:
            hwm = _proc_status(pid).get("VmHWM", 0)
            if pid not in self.roles:
                self.roles[pid] = "flow" if pid == self.pid else _role(pid)
            self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def peak(self, role: str) -> int:
        """The largest peak among the processes of one role."""
        return max((p for pid, p in self.peaks.items() if self.roles.get(pid) == role), default=0)

    def count(self, role: str) -> int:
        """How many processes of one role were seen."""
        return sum(1 for r in self.roles.values() if r == role)


# ------------------------------------------------------------------------------------------- the child


def child_main(db: str) -> dict[str, Any]:
    """In the fresh process: start Prefect's API (and spaCy, if extraction runs here), then time the flow."""
    from flows.pipeline import extract_flow

    warm_up(os.environ.get("CLAIMWATCH_TASK_RUNNER", "thread") == "thread")  # with Dask, each worker loads its own
    t0 = time.perf_counter()
    counts = extract_flow(db=db)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_rss": own_peak_rss(), "documents": counts["documents_extracted"],
            "claims": counts["claims"]}


def child_env(prefect_home: Path, runner: str, workers: int) -> dict[str, str]:
    """The environment of a re-extraction run: a bench run's (private Prefect home), with the chosen task runner."""
    return {**pipeline_env(prefect_home=str(prefect_home)), "PYTHONPATH": str(ROOT),
            "CLAIMWATCH_TASK_RUNNER": runner, "CLAIMWATCH_DASK_WORKERS": str(workers)}


@dataclass
class Launch:
    """One re-extraction process: what it reported (or None if killed) and the sampled peaks of its tree."""

    report: dict[str, Any] | None
    wall_seconds: float
    peak_rss: int
    worker_peak_rss: int
    workers_started: int
    server_peak_rss: int


def launch(db: Path, prefect_home: Path, runner: str, workers: int, stop_when: int | None = None,
           timeout: float = 6 * 3600) -> Launch:
    """Run the extract flow over `db` in a fresh process; SIGKILL its whole tree once `stop_when` docs are done.

    The process leads its own session, so the kill reaches every process it started (workers, API server) at
    once, as a machine losing power or a container being killed would. Its stderr goes to a file next to
    PREFECT_HOME (a pipe nobody reads while polling could fill up and stall it).
    """
    from stages import extractor_version

    cmd = [sys.executable, "-m", "bench.bench_reextract", "--child", str(db)]
    errors = prefect_home.with_name(prefect_home.name + "-stderr.log")
    t0 = time.perf_counter()
    with errors.open("a") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(prefect_home, runner, workers), stdout=subprocess.PIPE,
                                stderr=err, text=True, start_new_session=True)
        killed = False
        with TreeSampler(proc.pid) as sampler:
            if stop_when is not None:
                killed = _kill_when(proc, db, extractor_version(), stop_when, sampler, t0 + timeout)
            try:
                out, _ = proc.communicate(timeout=max(1.0, timeout - (time.perf_counter() - t0)))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise
    wall = time.perf_counter() - t0
    report = None
    if not killed:
        if proc.returncode != 0:
            tail = errors.read_text(errors="replace").strip()[-600:]
            raise RuntimeError(f"re-extraction of {db} failed ({proc.returncode}): {tail}")
        report = json.loads(out.strip().splitlines()[-1])
    peak = max(sampler.peak("flow"), int(report["peak_rss"]) if report else 0)
    return Launch(report, wall, peak, sampler.peak("worker"), sampler.count("worker"), sampler.peak("prefect_server"))


def _kill_when(proc: subprocess.Popen[str], db: Path, version: str, target: int, sampler: TreeSampler,
               deadline: float) -> bool:
    """Poll the read snapshot until `target` documents carry `version`, then SIGKILL the process group."""
    while proc.poll() is None and time.perf_counter() < deadline:
        if done_count(db, version, snapshot=True) >= target:
            sampler.sample()  # the high-water marks just before the kill
            os.killpg(proc.pid, signal.SIGKILL)
            return True
        time.sleep(1.0)  # a count over the snapshot's marks: cheap, but not free on a 1M-row table
    return False


# ------------------------------------------------------------------------------------------- the warehouse


def done_count(db: Path, version: str, snapshot: bool = False) -> int:
    """Documents whose extraction mark is at `version`: from the read snapshot, or from the file itself."""
    from warehouse import reader, writer

    sql = "SELECT count(*) FROM extractions WHERE extractor_version = ?"
    if snapshot:
        try:
            with reader(db) as con:
                return int(con.execute(sql, [version]).fetchall()[0][0])
        except Exception:  # a generation being swapped in, or none published yet: the next poll reads it
            return 0
    with writer(db, snapshot=False) as con:  # after a kill: the file, with whatever its WAL committed
        return int(con.execute(sql, [version]).fetchall()[0][0])


class ResumeError(AssertionError):
    """A restarted re-extraction left a document extracted twice or not at all, or its counts wrong."""


# Each query counts violations: every one must return 0 after a killed re-extraction was restarted to the end.
INVARIANTS: dict[str, str] = {
    # originals without exactly one extractions row, or whose row is not at the new version
    "documents_not_current": (
        "SELECT count(*) FROM documents d LEFT JOIN (SELECT doc_id, count(*) AS n, "
        "count(*) FILTER (WHERE extractor_version = $v) AS cur FROM extractions GROUP BY doc_id) e USING (doc_id) "
        "WHERE d.duplicate_of IS NULL AND (e.n IS NULL OR e.n <> 1 OR e.cur <> 1)"),
    "extraction_rows_repeated": "SELECT count(*) - count(DISTINCT doc_id) FROM extractions",
    "claim_ids_repeated": "SELECT count(*) - count(DISTINCT claim_id) FROM claims",
    "mention_ids_repeated": "SELECT count(*) - count(DISTINCT mention_id) FROM mentions",
    "claims_of_old_versions": "SELECT count(*) FROM claims WHERE extractor_version <> $v",
    "mentions_of_old_versions": "SELECT count(*) FROM mentions WHERE extractor_version <> $v",
    # documents whose stored claims (mentions) are not as many as their extractions row records
    "documents_claims_miscounted": (
        "SELECT count(*) FROM extractions e FULL JOIN (SELECT doc_id, count(*) AS n FROM claims GROUP BY doc_id) c "
        "USING (doc_id) WHERE coalesce(e.n_claims, -1) <> coalesce(c.n, 0)"),
    "documents_mentions_miscounted": (
        "SELECT count(*) FROM extractions e FULL JOIN (SELECT doc_id, count(*) AS n FROM mentions GROUP BY doc_id) m "
        "USING (doc_id) WHERE coalesce(e.n_mentions, -1) <> coalesce(m.n, 0)"),
}


def check_resumed(db: Path, version: str, n_docs: int, committed_before: int, extracted_by_restart: int
                  ) -> dict[str, int]:
    """Check a killed-and-restarted re-extraction; return its figures, raise ResumeError on any violation.

    Read-only, on the warehouse file (the restart ended with a checkpoint), with room to count distinct keys
    of tens of millions of mentions without spilling.
    """
    import duckdb

    con = duckdb.connect(str(db), read_only=True, config={"memory_limit": "2GB"})
    try:
        found = {name: int(con.execute(sql, {"v": version} if "$v" in sql else {}).fetchall()[0][0])
                 for name, sql in INVARIANTS.items()}
        current, claims, recorded = con.execute(
            "SELECT (SELECT count(*) FROM extractions WHERE extractor_version = $v), (SELECT count(*) FROM claims), "
            "(SELECT coalesce(sum(n_claims), 0) FROM extractions)", {"v": version}).fetchall()[0]
    finally:
        con.close()
    figures = {"documents": n_docs, "committed_before_kill": committed_before,
               "extracted_by_restart": extracted_by_restart, "documents_current": int(current),
               "claims": int(claims), "claims_recorded": int(recorded), **found}
    broken = [f"{name}: {count}" for name, count in found.items() if count]
    if not 0 < committed_before < n_docs:
        broken.append(f"the kill landed after {committed_before} of {n_docs} documents, not midway")
    if extracted_by_restart != n_docs - committed_before:
        broken.append(f"the restart extracted {extracted_by_restart}, not {n_docs} - {committed_before}")
    if current != n_docs:
        broken.append(f"{current} of {n_docs} documents at the new version")
    if claims != recorded:
        broken.append(f"{claims} claims stored, sum(extractions.n_claims) = {recorded}")
    if broken:
        raise ResumeError(f"the re-extraction of {db} did not resume cleanly: {'; '.join(broken)}")
    return figures


def build_stale(db: Path, n_docs: int) -> float:
    """Build a synthetic warehouse of `n_docs` documents extracted by OLD_VERSION; return the seconds it took."""
    db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    build(db, n_docs, version=OLD_VERSION)
    return time.perf_counter() - t0


def tree_bytes(path: Path) -> int:
    """Bytes of the files under a directory."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def prefect_home_bytes(home: Path) -> dict[str, int]:
    """What the runs left under PREFECT_HOME: the persisted task results, the API's database, everything."""
    storage = home / "storage"
    files = [p for p in storage.rglob("*") if p.is_file()] if storage.is_dir() else []
    return {"prefect_result_files": len(files), "prefect_result_bytes": sum(p.stat().st_size for p in files),
            "prefect_api_db_bytes": sum(p.stat().st_size for p in home.glob("prefect.db*") if p.is_file()),
            "prefect_home_bytes": tree_bytes(home)}


# ------------------------------------------------------------------------------------------- measurements


def measure(db: Path, n_docs: int, runner: str, workers: int, home: Path) -> dict[str, Any]:
    """Build a stale warehouse of `n_docs` documents and re-extract it in one uninterrupted run."""
    build_s = build_stale(db, n_docs)
    run = launch(db, home, runner, workers)
    assert run.report is not None
    if run.report["documents"] != n_docs:
        raise RuntimeError(f"the re-extraction of {n_docs} documents extracted {run.report['documents']}")
    return {"documents": n_docs, "build_seconds": round(build_s, 1), "flow_seconds": round(run.report["seconds"], 1),
            "docs_per_second": round(n_docs / run.report["seconds"], 1), "peak_rss": run.peak_rss,
            "worker_peak_rss": run.worker_peak_rss, "workers_started": run.workers_started,
            "api_server_peak_rss": run.server_peak_rss, "claims": run.report["claims"],
            "warehouse_bytes": tree_bytes(db.parent), **prefect_home_bytes(home)}


def kill_and_resume(db: Path, n_docs: int, runner: str, workers: int, home: Path, kill_at: float
                    ) -> tuple[Launch, Launch, dict[str, int]]:
    """Re-extract a stale warehouse, SIGKILL the run at `kill_at`, run it again to the end, check the result."""
    from stages import extractor_version

    version = extractor_version()
    first = launch(db, home, runner, workers, stop_when=max(1, int(n_docs * kill_at)))
    if first.report is not None:
        raise ResumeError(f"the run over {n_docs} documents finished before the kill at {kill_at:.0%}")
    committed = done_count(db, version)
    log.info("killed after %.0f s with %d of %d documents committed; restarting", first.wall_seconds, committed,
             n_docs)
    again = launch(db, home, runner, workers)
    assert again.report is not None
    return first, again, check_resumed(db, version, n_docs, committed, int(again.report["documents"]))


def measure_killed(db: Path, n_docs: int, runner: str, workers: int, home: Path, kill_at: float) -> dict[str, Any]:
    """The large measurement: build, re-extract killed at `kill_at` and restarted; the restart's docs/s."""
    build_s = build_stale(db, n_docs)
    first, again, checked = kill_and_resume(db, n_docs, runner, workers, home, kill_at)
    assert again.report is not None
    extracted = checked["extracted_by_restart"]
    return {"documents": n_docs, "build_seconds": round(build_s, 1),
            "flow_seconds": round(again.report["seconds"], 1),
            "docs_per_second": round(extracted / again.report["seconds"], 1),
            "peak_rss": max(first.peak_rss, again.peak_rss), "killed_run_peak_rss": first.peak_rss,
            "restart_peak_rss": again.peak_rss, "worker_peak_rss": max(first.worker_peak_rss, again.worker_peak_rss),
            "workers_started": first.workers_started + again.workers_started,
            "api_server_peak_rss": max(first.server_peak_rss, again.server_peak_rss),
            "killed_after_seconds": round(first.wall_seconds, 1), "claims": checked["claims"],
            "warehouse_bytes": tree_bytes(db.parent), **prefect_home_bytes(home), "resume": checked}


def _figures(prefix: str, m: dict[str, Any]) -> dict[str, Any]:
    """One measurement's figures for the result: sizes in MiB, Prefect's leftovers per document too."""
    out: dict[str, Any] = {}
    for key, value in m.items():
        if key == "resume":
            continue
        if key.endswith("rss"):
            out[f"{prefix}_{key}_mib"] = round(value / MIB, 1)
        else:
            out[f"{prefix}_{key}"] = value
    out[f"{prefix}_prefect_result_bytes_per_document"] = round(m["prefect_result_bytes"] / m["documents"])
    return out


# Disk per document at the peak of a run: the warehouse after re-extraction (every synthetic document yields ~70
# mentions) and its two snapshot generations, ~14 KB, and the persisted task results under PREFECT_HOME, ~25 KB.
DISK_PER_DOCUMENT = 45_000


def run(small: int = 2_000, large: int = 20_000, runner: str = "thread", workers: int = 2, kill_at: float = 0.4,
        workdir: str | None = None) -> dict[str, Any]:
    """Re-extract a `small` and a `large` stale warehouse (the large one killed at `kill_at` and restarted)."""
    base = Path(workdir or tempfile.gettempdir())
    need = max(small, large) * DISK_PER_DOCUMENT
    if shutil.disk_usage(base).free < need:
        raise RuntimeError(f"bench_reextract needs ~{need >> 30} GB free in {base}")
    with tempfile.TemporaryDirectory(prefix="claimwatch-reextract-", dir=base) as tmp:
        root = Path(tmp)
        lo = measure(root / "small" / "claims.duckdb", small, runner, workers, root / "prefect-small")
        shutil.rmtree(root / "small")
        shutil.rmtree(root / "prefect-small")
        hi = measure_killed(root / "large" / "claims.duckdb", large, runner, workers, root / "prefect-large",
                            kill_at)
    result: dict[str, Any] = {
        "ratio": round(hi["peak_rss"] / lo["peak_rss"], 3),
        "goal": "<= 1.3",
        "runner": runner if runner == "thread" else f"{runner} x{workers}",
        **_figures("small", lo),
        **_figures("large", hi),
        "resume": hi["resume"],
    }
    if lo["worker_peak_rss"]:
        result["worker_ratio"] = round(hi["worker_peak_rss"] / lo["worker_peak_rss"], 3)
    log.info("bench_reextract: %s", result)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child_main(sys.argv[2])))
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        logging.getLogger("warehouse").setLevel(logging.WARNING)
        small = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
        large = int(sys.argv[2]) if len(sys.argv) > 2 else 10 * small
        print(json.dumps(run(small, large), indent=2))
