"""What every stage shares: run ids, the warehouse's timestamp convention, slice size and the run record."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warehouse import writer
from warehouse.load import insert

log = logging.getLogger(__name__)

# Raw items stored or parsed, or documents extracted, per load. A backlog is read, processed and loaded in
# slices of this size, so a run's memory does not grow with the backlog, at the cost of one short write per
# slice; each slice is its own transaction, so a killed run loses at most the slice in hand.
CHUNK_SIZE = 1000


def new_run_id() -> str:
    """Return a fresh run id (time-ordered prefix, random suffix)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def utcnow() -> datetime:
    """Return the current time as naive UTC, the warehouse's timestamp convention."""
    return datetime.now(UTC).replace(tzinfo=None)


def record_run(
    db: str | Path, run_id: str, flow: str, started: datetime, status: str, counts: dict[str, Any],
    error: str | None = None,
) -> None:
    """Record a finished run ("completed" or "failed"), its per-stage counts and the error that stopped it."""
    with writer(db) as con:
        insert(
            con,
            "runs",
            [{"run_id": run_id, "flow": flow, "started_at": started, "finished_at": utcnow(),
              "status": status, "counts": counts, "error": error}],
            mode="replace",
            key=("run_id",),
        )


def record_failed_run(
    db: str | Path, run_id: str, flow: str, started: datetime, counts: dict[str, Any], exc: BaseException,
) -> None:
    """Record a run that raised; never raises itself (the warehouse may be what failed)."""
    error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    try:
        record_run(db, run_id, flow, started, "failed", counts, error)
    except Exception as rec_exc:  # the original error is what the caller reports
        log.warning("could not record failed run %s in %s: %s", run_id, db, rec_exc)


@dataclass
class RunRecord:
    """A run being recorded: its id, start time and the counts its stages fill in."""

    run_id: str
    started: datetime
    counts: dict[str, Any] = field(default_factory=dict)


@contextmanager
def recorded_run(db: str | Path, flow: str) -> Iterator[RunRecord]:
    """Record the run in `runs` on the way out: "completed", or "failed" with its error (then re-raise)."""
    run = RunRecord(run_id=new_run_id(), started=utcnow())
    try:
        yield run
    except BaseException as exc:
        record_failed_run(db, run.run_id, flow, run.started, run.counts, exc)
        raise
    record_run(db, run.run_id, flow, run.started, "completed", run.counts)
