"""DuckDB access: the one module that knows where the warehouse lives and how to open it.

Writers hold DuckDB's file lock only for short load transactions (`writer()`), wait for the lock instead of
failing when another writer has it, and publish a read-only snapshot after each load so that readers
(`reader()`, `claimwatch sql`, the duckdb CLI) never touch the file a flow is writing.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse import snapshot as snapshots

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
VIEWS_DIR = PACKAGE_DIR / "views"

# How long a writer waits for another writer's lock before giving up: the `lock_wait_seconds` setting, which
# config.settings.load_settings applies here (see set_lock_wait); the default matches the setting's.
LOCK_WAIT_SECONDS = 600.0


def set_lock_wait(seconds: float) -> None:
    """Set how long writers of this process wait for the warehouse lock (from the `lock_wait_seconds` setting)."""
    global LOCK_WAIT_SECONDS
    LOCK_WAIT_SECONDS = max(float(seconds), 0.0)


# DuckDB's budget in every connection this process opens on a warehouse or its snapshot: the
# `duckdb_memory_limit` and `duckdb_threads` settings, applied by config.settings.load_settings (see
# set_duckdb_limits). Without a limit DuckDB allows itself 80% of RAM and keeps the pages a session read (raw
# bodies, a publication's copied rows) resident until the connection closes, so a session's footprint grew
# with the warehouse; with one, pages past the budget are evicted (or spilled) instead. An empty limit or
# zero threads leaves DuckDB's own default.
DUCKDB_MEMORY_LIMIT = "256MB"
DUCKDB_THREADS = 0
# A user's own query (`claimwatch sql`, read_only_query/read_only_batches) runs with this budget instead: it may
# sort a year of claims (v_gap_timeline), and under 256 MB such sorts spill to disk. "" keeps the limit above.
DUCKDB_QUERY_MEMORY_LIMIT = "1GB"
# Whether DuckDB's checkpoints vacuum (the `duckdb_vacuum` setting; off by default). Every short write of a run
# appends a slice as a small row group, and a vacuuming checkpoint merges small row groups in a binary pattern
# (measured: appends of 1,000 rows of 6 KB bodies cost +30 MiB per session, but +100 / +160 / +250 MiB on every
# 4th / 8th / 16th session, capped by the memory limit), rewriting each row several times and setting a large
# run's peak memory. Without it a session costs the same at any size; row groups whose rows are all deleted (a
# re-extracted slice) are still dropped and their blocks reused, and `claimwatch retention --compact` rewrites the
# file with full row groups when wanted.
DUCKDB_VACUUM = False
_SIZE = re.compile(r"\d+(?:\.\d+)?\s*(?:[KMGT]i?B|B|bytes)", re.I)


def set_duckdb_limits(memory_limit: str, threads: int, query_memory_limit: str | None = None,
                      vacuum: bool | None = None) -> None:
    """Set the memory limit, thread count and vacuuming of the DuckDB connections this process opens (from the
    settings), and the budget of users' read-only queries."""
    global DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS, DUCKDB_QUERY_MEMORY_LIMIT, DUCKDB_VACUUM
    DUCKDB_MEMORY_LIMIT = _size("duckdb_memory_limit", memory_limit)
    DUCKDB_THREADS = max(int(threads), 0)
    if query_memory_limit is not None:
        DUCKDB_QUERY_MEMORY_LIMIT = _size("duckdb_query_memory_limit", query_memory_limit)
    if vacuum is not None:
        DUCKDB_VACUUM = bool(vacuum)


def _size(name: str, value: str) -> str:
    """A DuckDB memory size as given ("256MB", "1GB"; "" for DuckDB's default), or a ValueError naming the setting."""
    size = value.strip()
    if size and not _SIZE.fullmatch(size):
        raise ValueError(f"{name} {size!r} is not a size such as '1GB' or '512MB'")
    return size


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    """The connection configuration every warehouse and snapshot connection is opened with."""
    config: dict[str, str | bool | int | float | list[str]] = {}
    if DUCKDB_MEMORY_LIMIT:
        config["memory_limit"] = DUCKDB_MEMORY_LIMIT
    if DUCKDB_THREADS:
        config["threads"] = DUCKDB_THREADS
    if not DUCKDB_VACUUM:
        config["max_vacuum_tasks"] = 0
    return config


def connect(target: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection with the process's limits (no lock handling: see open_db for writers)."""
    return duckdb.connect(str(target), read_only=read_only, config=duckdb_config())


class WarehouseBusy(RuntimeError):  # noqa: N818 - reads as a state ("busy"), like TimeoutError's peers
    """Raised when the warehouse lock could not be taken within the wait limit."""


class WarehouseError(RuntimeError):
    """A warehouse file that cannot be used (not a DuckDB database, unreadable, missing for a read)."""


# The magic bytes of a DuckDB database file, at offset 8 (after the header checksum).
_DUCKDB_MAGIC = b"DUCK"


def check_warehouse(path: str | Path, *, must_exist: bool = False, partial_ok: bool = False) -> Path:
    """Fail in one line unless `path` is a DuckDB file (or, unless `must_exist`, absent so it can be created).

    `partial_ok` also lets through a file too short to hold a header yet: one another writer is creating
    under the lock (the writer checks again, strictly, once it holds the lock).
    """
    p = Path(path)
    if str(path) == ":memory:":
        return p
    if not p.exists():
        if must_exist:
            raise WarehouseError(f"no warehouse at {p}: check --db, or run `claimwatch run` / `claimwatch demo` first")
        return p
    if p.is_dir():
        raise WarehouseError(f"{p} is a directory, not a DuckDB warehouse: pass --db a file in it, e.g. "
                             f"{p / 'claims.duckdb'}")
    try:
        with p.open("rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise WarehouseError(f"cannot read the warehouse {p}: {exc.strerror or exc}") from exc
    if head[8:12] != _DUCKDB_MAGIC and not (partial_ok and len(head) < 12):
        raise WarehouseError(
            f"{p} is not a DuckDB database: pass --db the warehouse file (e.g. data/claims.duckdb) or a new path"
        )
    return p


def snapshot_path(db_path: str | Path) -> Path:
    """Return the path of the read-only snapshot published next to a warehouse file."""
    p = Path(db_path)
    return p.with_name(p.stem + ".snapshot" + (p.suffix or ".duckdb"))


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text or "resource temporarily unavailable" in text or "conflicting" in text


def open_db(path: str | Path, *, read_only: bool = False, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, retrying with jittered backoff while another process holds its lock."""
    target = str(path)
    check_warehouse(target, must_exist=read_only)
    if target != ":memory:" and not read_only:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    delay = 0.05
    while True:
        try:
            return connect(target, read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise WarehouseBusy(f"warehouse {target} is locked by another process: {exc}") from exc
                raise
            time.sleep(delay + random.uniform(0, delay))
            delay = min(delay * 2, 1.0)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: committed if it returns, rolled back (and re-raised) if it raises.

    Inside a transaction the caller already opened, the block joins it (the caller commits or rolls back).
    """
    # Autocommit gives every statement its own transaction id; inside an open transaction two calls agree. (A
    # BEGIN that fails inside a transaction would abort the caller's, so it cannot be the probe.)
    first, second = (con.execute("SELECT txid_current()").fetchall()[0][0] for _ in range(2))
    if first == second:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _migration_files() -> list[Path]:
    return sorted(p for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending numbered migrations, record each one, and (re)create the views; return what was applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    rows = con.execute("SELECT version FROM schema_migrations").fetchall()
    done = {int(r[0]) for r in rows}
    applied: list[str] = []
    for path in _migration_files():
        version = int(path.name[:4])
        if version in done:
            continue
        sql = path.read_text(encoding="utf-8")
        with transaction(con):
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?, ?)",
                [version, path.name, hashlib.sha256(sql.encode()).hexdigest(), datetime.now(UTC).replace(tzinfo=None)],
            )
        applied.append(path.name)
        log.info("applied migration %s", path.name)
    create_views(con)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace every view in views/*.sql (in file-name order, so later views may use earlier ones)."""
    for path in sorted(VIEWS_DIR.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Return the highest applied migration number (0 for an empty database)."""
    try:
        # fetchall, not fetchone: DuckDB 2 treats a half-read result as still open and refuses register().
        value = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
    except duckdb.CatalogException:
        return 0
    return int(value) if value is not None else 0


def publish_snapshot(db_path: str | Path) -> Path | None:
    """Publish the closed warehouse's read snapshot (incrementally when the journal allows; see warehouse.snapshot)."""
    src = Path(db_path)
    if str(db_path) == ":memory:" or not src.exists():
        return None
    return snapshots.publish(src)


def lock_path(db_path: str | Path) -> Path:
    """Return the path of the advisory lock file that serializes writers of a warehouse."""
    p = Path(db_path)
    return p.with_name(p.name + ".lock")


@contextmanager
def write_lock(db_path: str | Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock (an flock on a side file), waiting for another writer to finish.

    The flock covers the whole write, snapshot copy included, so a snapshot is never copied mid-write.
    The OS drops it when a process dies, so a killed run never leaves a stale lock behind.
    """
    if str(db_path) == ":memory:":
        yield
        return
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    with open(path, "a+") as fh:
        delay = 0.02
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(f"warehouse {db_path} is busy: another writer held it too long") from exc
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 0.5)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextmanager
def writer(
    db_path: str | Path, *, snapshot: bool = True, wait: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for a short write: lock, migrate, yield, close, publish the read snapshot, unlock."""
    # Before the lock file is created next to something that is not a warehouse; a file still being created by
    # another writer passes here and is checked again once the lock is ours.
    check_warehouse(db_path, partial_ok=True)
    memory = str(db_path) == ":memory:"
    with write_lock(db_path, wait=wait):
        check_warehouse(db_path)
        if not memory:
            snapshots.begin_session(Path(db_path))
        con = open_db(db_path, wait=wait)
        try:
            # No automatic checkpoint mid-session: the snapshot journal reads this session's changes from the
            # row groups not yet persisted, so they must stay unpersisted until capture() has read them.
            con.execute("SET checkpoint_threshold = '1TB'")
            migrate(con)
            marks = {} if memory else snapshots.mark(con, Path(db_path))
            yield con
            if not memory:
                snapshots.capture_safely(con, Path(db_path), marks)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if snapshot:
            publish_snapshot(db_path)


def _connect_snapshot(target: Path, attempts: int = 20) -> duckdb.DuckDBPyConnection:
    """Open a snapshot read-only; retry while a writer refreshes the generation a stale link pointed at."""
    for attempt in range(attempts):
        try:
            return connect(target, read_only=True)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


@contextmanager
def reader(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a consistent read-only view of the warehouse without ever blocking a writer.

    Reads the snapshot published after the last load; falls back to the main file (read-only) when no
    snapshot exists yet and no writer holds it.
    """
    snap = snapshot_path(db_path)
    target = snap if snap.exists() else Path(db_path)
    if not target.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `claimwatch run` or `claimwatch demo` first")
    check_warehouse(target)
    con = _connect_snapshot(target)
    try:
        yield con
    finally:
        con.close()


def _lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """Close a reader to everything but reading the warehouse (with the budget of a user's query)."""
    if DUCKDB_QUERY_MEMORY_LIMIT:
        con.execute(f"SET memory_limit = '{DUCKDB_QUERY_MEMORY_LIMIT}'")  # checked by set_duckdb_limits
    # A read-only connection already refuses writes to the warehouse; closing external access also stops
    # COPY ... TO, ATTACH and file readers, so `claimwatch sql` cannot be used to write anywhere.
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def read_only_query(
    db_path: str | Path, query: str, params: list[object] | None = None
) -> tuple[list[str], list[tuple[object, ...]]]:
    """Run one query against the read snapshot with writes and file access disabled; return (columns, rows)."""
    with reader(db_path) as con:
        _lock_down(con)
        result = con.execute(query, params or [])
        columns = [d[0] for d in (result.description or [])]
        rows = result.fetchall() if result.description else []
    return columns, rows


# Rows per Arrow record batch a streamed result is read in: large enough that per-batch overhead vanishes,
# small enough that a million-row answer never sits in memory whole.
STREAM_BATCH_ROWS = 65_536


@contextmanager
def read_only_batches(
    db_path: str | Path, query: str, params: list[object] | None = None, batch_rows: int = STREAM_BATCH_ROWS
) -> Iterator[pa.RecordBatchReader]:
    """Run one query like `read_only_query`, but hand back its rows as a stream of Arrow record batches.

    The reader stays valid inside the `with` block (the snapshot stays open until it closes). A statement with
    no result (e.g. SET) yields an empty reader with no columns.
    """
    import pyarrow as pa

    with reader(db_path) as con:
        _lock_down(con)
        rel = con.sql(query, params=params or None)
        if rel is None:
            yield pa.RecordBatchReader.from_batches(pa.schema([]), [])
            return
        yield rel.to_arrow_reader(batch_rows)
