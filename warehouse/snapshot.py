"""The read snapshot, refreshed incrementally: a write costs what it changed, not what the warehouse holds.

Readers open `<stem>.snapshot.duckdb`, a symlink to one of two generation files (`.snapshot-a`, `.snapshot-b`).
A publication brings the generation readers are *not* on up to date and swaps the symlink atomically; a reader
keeps the inode it opened. Bringing a generation up to date uses a journal of what each write session changed,
kept in `<stem>.snapshot-journal.duckdb` (touched only under the writer lock):

- `capture()` runs at the end of every write session, before its CHECKPOINT (automatic checkpoints are off for
  the session): DuckDB keeps rows appended in the session in row groups not yet persistent, and flags row groups
  holding updated rows, so the keys of exactly those rows (for a table without a key, the rows themselves) are
  journalled with the session's sequence number. Capturing too much is harmless: a refresh re-copies by key.
- `refresh()` applies the journal entries a generation has not seen: delete those keys from it, copy the rows
  main now holds for them. Deletes leave no trace in row groups, so each table's row count is then compared with
  main's; a table that differs is reconciled by key (the only step that reads a whole table, and only for tables
  that lost rows: re-extraction, resolve).
- Anything the journal cannot vouch for falls back to a full file copy: no generation yet, another schema
  (a migration or changed views), a session that died before journalling, a generation a reader still holds.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.keys import HISTORY_KEYS

log = logging.getLogger(__name__)

GENERATIONS = ("a", "b")
JOURNAL = "_cw_journal"
GEN = "_cw_gen"
FULL = "_cw_full"  # journal table: (session, table) pairs to re-copy whole (a keyless table that was updated)


def snapshot_link(db: Path) -> Path:
    """The path readers open (a symlink to the current generation)."""
    return db.with_name(db.stem + ".snapshot" + (db.suffix or ".duckdb"))


def generation_path(db: Path, gen: str) -> Path:
    """The file of one snapshot generation."""
    return db.with_name(f"{db.stem}.snapshot-{gen}{db.suffix or '.duckdb'}")


def journal_path(db: Path) -> Path:
    """The journal of changed keys per write session."""
    return db.with_name(f"{db.stem}.snapshot-journal{db.suffix or '.duckdb'}")


def state_path(db: Path) -> Path:
    """JSON: the last session sequence, each generation's applied sequence, whether a session is open."""
    return db.with_name(f"{db.stem}.snapshot-state.json")


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class State:
    """Journal bookkeeping kept next to the warehouse."""

    seq: int = 0
    applied: dict[str, int] | None = None
    open_session: bool = False

    @classmethod
    def load(cls, db: Path) -> State:
        """Read the state file (a missing or unreadable one means: nothing is known, copy in full)."""
        try:
            data = json.loads(state_path(db).read_text())
            return cls(int(data["seq"]), {k: int(v) for k, v in data["applied"].items()}, bool(data["open"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(applied={})

    def save(self, db: Path) -> None:
        """Write the state file atomically."""
        tmp = state_path(db).with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"seq": self.seq, "applied": self.applied or {}, "open": self.open_session}))
        os.replace(tmp, state_path(db))


def current_generation(db: Path) -> str | None:
    """The generation the snapshot link points at, or None (no link yet, or a plain file from older versions)."""
    link = snapshot_link(db)
    if not link.is_symlink():
        return None
    target = os.readlink(link)
    for gen in GENERATIONS:
        if target == generation_path(db, gen).name:
            return gen
    return None


def journalling(db: Path) -> bool:
    """Whether write sessions must journal their changes (a generation exists to keep up to date)."""
    return current_generation(db) is not None


def begin_session(db: Path) -> None:
    """Mark a write session open; a session that dies before `capture` leaves the mark (→ full copies)."""
    if not journalling(db):
        return
    state = State.load(db)
    if state.open_session:  # the previous session died between its writes and its journal entry
        state.applied = {}
    state.open_session = True
    state.save(db)


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each base table of the main database with its primary-key columns ([] when it has none)."""
    db = con.execute("SELECT current_database()").fetchall()[0][0]
    tables: dict[str, list[str]] = {str(r[0]): [] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND NOT temporary", [db]).fetchall()}
    for name, cols in con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE database_name = ? AND constraint_type = 'PRIMARY KEY'", [db]).fetchall():
        tables[str(name)] = [str(c) for c in cols]
    for name, key in HISTORY_KEYS.items():  # history tables carry no index; their loaders keep these keys
        if name in tables and not tables[name]:
            tables[name] = list(key)
    return tables


def _dirty_ranges(con: duckdb.DuckDBPyConnection, table: str, appended_from: int | None = None
                  ) -> list[tuple[int, int]]:
    """Row-id ranges of the row groups appended (not yet persistent) or updated in this session.

    With `appended_from` (the table's physical row count when the session began), a row group that was only
    appended to is narrowed to the rows from there on: the rows it already held before the session are unchanged
    (appending to the last, partly filled row group of a large table would otherwise journal up to 122,880 old
    rows per session, and every refresh would copy them — a cost that grows with the warehouse).
    """
    rows = con.execute(
        "SELECT row_group_id, bool_and(persistent), bool_or(has_updates), max(start + count) "
        "FROM pragma_storage_info(?) GROUP BY row_group_id ORDER BY row_group_id", [table]).fetchall()
    ranges: list[tuple[int, int]] = []
    start = 0
    for _rg, persistent, updated, count in rows:
        end = start + int(count or 0)
        if not persistent or updated:
            lo = start if updated or appended_from is None else max(start, appended_from)
            if lo < end:
                if ranges and ranges[-1][1] == lo:
                    ranges[-1] = (ranges[-1][0], end)
                else:
                    ranges.append((lo, end))
        start = end
    return ranges


# marks entry: the size and modification time of the warehouse file and its WAL when the session began.
_FILES = "\x00files"
_WAL_AT, _WAL_TAIL = "\x00wal_at", "\x00wal_tail"  # marks entries: the WAL's size and last bytes at session start
_TAIL = 4096
_WAL_READ_MAX = 256 << 20


def _files(db: Path) -> int:
    """A fingerprint of the warehouse file and its WAL: it changes with every committed write or checkpoint."""
    parts = []
    for p in (db, db.with_name(db.name + ".wal")):
        try:
            st = p.stat()
            parts.append((st.st_size, st.st_mtime_ns))
        except OSError:
            parts.append((-1, -1))
    return hash(tuple(parts))


def mark(con: duckdb.DuckDBPyConnection, db: Path) -> dict[str, int]:
    """At session start: where each table's appends will start (one past its last row id), and the files' state.

    One past the largest row id is never more than the physical row count (deleted rows at the end make it
    less), so the appended range is at worst widened by deleted rows, which select nothing. `max(rowid)` is
    answered from row-group metadata; the storage-info pragma, which lists every column segment (~0.35 s per
    session on a 1M-document warehouse), is read only at capture time and only after a write.
    """
    if not journalling(db):
        return {}
    marks = {table: _next_rowid(con, table) for table in _tables(con)}
    marks[_FILES] = _files(db)
    marks[_WAL_AT], marks[_WAL_TAIL] = _wal_position(db)
    return marks


def _wal_path(db: Path) -> Path:
    return db.with_name(db.name + ".wal")


def _wal_position(db: Path) -> tuple[int, int]:
    """The WAL's size and a hash of its last bytes (to recognise the same log later); (-1, 0) without one."""
    try:
        with _wal_path(db).open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - _TAIL))
            return size, hash(fh.read(_TAIL))
    except OSError:
        return -1, 0


def _touched(db: Path, marks: dict[str, int], tables: dict[str, list[str]]) -> set[str]:
    """The tables this session's WAL names: every insert, update and delete is logged under its table's name.

    A table whose name is absent from the session's log was not written, so its storage info (the pragma lists
    every column segment: ~0.1 s for raw_items at 1M rows) need not be read. Whenever the log cannot be read
    as this session's alone (no mark, no WAL, a checkpoint in between, too large), every table counts.
    """
    start, tail = marks.get(_WAL_AT, -1), marks.get(_WAL_TAIL, 0)
    try:
        with _wal_path(db).open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            if start < 0 or size < start or size - start > _WAL_READ_MAX:
                return set(tables)
            fh.seek(max(0, start - _TAIL))
            if hash(fh.read(start - max(0, start - _TAIL))) != tail:  # not the log the session began with
                return set(tables)
            written = fh.read()
    except OSError:
        return set(tables)
    return {t for t in tables if t.encode() in written}


def _next_rowid(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f'SELECT coalesce(max(rowid) + 1, 0) FROM main."{table}"').fetchall()[0][0])  # noqa: S608


def _physical_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    rows = con.execute("SELECT row_group_id, max(start + count) FROM pragma_storage_info(?) GROUP BY ALL",
                       [table]).fetchall()
    return sum(int(r[1] or 0) for r in rows)


def _journal(con: duckdb.DuckDBPyConnection, seq: int, table: str, cols: str, where: str) -> None:
    select = f'SELECT {seq}::BIGINT AS _seq, {cols} FROM main."{table}" WHERE {where}'  # noqa: S608
    con.execute(f'CREATE TABLE IF NOT EXISTS {JOURNAL}."{table}" AS {select} LIMIT 0')
    con.execute(f'INSERT INTO {JOURNAL}."{table}" BY NAME {select}')


def _capture_table(con: duckdb.DuckDBPyConnection, seq: int, table: str, key: list[str], start: int | None,
                   ranges: list[tuple[int, int]]) -> None:
    """Journal one table's changes: keys of appended or updated row groups, or (no key) the appended rows."""
    if key:
        where = " OR ".join(f"(rowid >= {lo} AND rowid < {hi})" for lo, hi in ranges)
        _journal(con, seq, table, ", ".join(f'"{c}"' for c in key), where)
        return
    updated = con.execute("SELECT bool_or(has_updates) FROM pragma_storage_info(?)", [table]).fetchall()[0][0]
    if start is None or updated or _physical_rows(con, table) < start:
        con.execute(f"CREATE TABLE IF NOT EXISTS {JOURNAL}.{FULL} (_seq BIGINT, table_name VARCHAR)")
        con.execute(f"INSERT INTO {JOURNAL}.{FULL} VALUES (?, ?)", [seq, table])  # noqa: S608
        return
    _journal(con, seq, table, "*", f"rowid >= {start}")


def capture(con: duckdb.DuckDBPyConnection, db: Path, marks: dict[str, int]) -> None:
    """Journal what this session appended or updated (see the module docstring); close the session."""
    if not journalling(db):
        return
    state = State.load(db)
    if _FILES in marks and marks[_FILES] == _files(db):
        # Nothing was committed since the session began (the WAL took no write, no checkpoint ran): a session that
        # only read, such as finding pending work, has nothing to journal.
        state.open_session = False
        state.save(db)
        return
    state.seq += 1
    tables = _tables(con)
    touched = _touched(db, marks, tables)
    dirty = {t: r for t in tables
             if t in touched and (r := _dirty_ranges(con, t, marks.get(t) if tables[t] else None))}
    if dirty:  # a session that only read (pending work, texts) journals nothing and attaches nothing
        con.execute(f"ATTACH {_sql_string(str(journal_path(db)))} AS {JOURNAL}")
        try:
            for table, ranges in dirty.items():
                _capture_table(con, state.seq, table, tables[table], marks.get(table), ranges)
        finally:
            con.execute(f"DETACH {JOURNAL}")
    state.open_session = False
    state.save(db)


def capture_safely(con: duckdb.DuckDBPyConnection, db: Path, marks: dict[str, int]) -> None:
    """`capture`, but a journal that cannot be written only costs full copies, never the write itself."""
    try:
        capture(con, db, marks)
    except duckdb.Error as exc:
        log.warning("snapshot journal not written (%s): the next publications copy in full", exc)
        reset(db)


def reset(db: Path) -> None:
    """Forget the journal: every generation is copied in full at its next publication."""
    state_path(db).unlink(missing_ok=True)
    journal_path(db).unlink(missing_ok=True)


def _schema(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[object, ...]]:
    """Tables, columns, types and view definitions of one attached database."""
    cols = con.execute("SELECT table_name, column_index, column_name, data_type FROM duckdb_columns() "
                       "WHERE database_name = ? AND NOT internal ORDER BY ALL", [catalog]).fetchall()
    views = con.execute("SELECT view_name, sql FROM duckdb_views() WHERE database_name = ? AND NOT internal "
                        "ORDER BY ALL", [catalog]).fetchall()
    return [*cols, *views]


def _count(con: duckdb.DuckDBPyConnection, ref: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {ref}").fetchall()[0][0])  # noqa: S608 - our own names


def _apply_table(con: duckdb.DuckDBPyConnection, main: str, table: str, key: list[str], since: int,
                 journalled: bool) -> None:
    """Bring one table of the generation up to date: journalled keys re-copied, then reconciled if counts differ."""
    src, dst, jrn = f'{main}."{table}"', f'{GEN}.main."{table}"', f'{JOURNAL}.main."{table}"'
    keys = ", ".join(f'"{c}"' for c in key)
    match = " AND ".join(f'_t."{c}" = _k."{c}"' for c in key)
    if journalled and key:
        changed = f"(SELECT DISTINCT {keys} FROM {jrn} WHERE _seq > {since})"  # noqa: S608
        con.execute(f"DELETE FROM {dst} AS _t USING {changed} _k WHERE {match}")  # noqa: S608
        _copy_rows(con, src, dst, keys, changed)
    elif journalled:
        con.execute(f"INSERT INTO {dst} BY NAME SELECT * EXCLUDE (_seq) FROM {jrn} WHERE _seq > {since}")  # noqa: S608
    if _count(con, src) == _count(con, dst):
        return
    log.info("snapshot: reconciling %s (rows were deleted)", table)
    if not key:
        con.execute(f"DELETE FROM {dst}")  # noqa: S608
        con.execute(f"INSERT INTO {dst} SELECT * FROM {src}")  # noqa: S608
        return
    gone = f"(SELECT {keys} FROM {dst} EXCEPT SELECT {keys} FROM {src})"  # noqa: S608
    con.execute(f"DELETE FROM {dst} AS _t USING {gone} _k WHERE {match}")  # noqa: S608
    con.execute(f"INSERT INTO {dst} SELECT _m.* FROM {src} _m ANTI JOIN {dst} _g USING ({keys})")  # noqa: S608


def split_ranges(rowids: list[int], most: int = 64) -> list[tuple[int, int]]:
    """Cover sorted row ids with at most `most` inclusive ranges, splitting at the widest gaps.

    >>> split_ranges([1, 2, 3, 10, 11, 500], most=2)
    [(1, 11), (500, 500)]
    """
    if not rowids:
        return []
    gaps = sorted(range(1, len(rowids)), key=lambda i: rowids[i] - rowids[i - 1], reverse=True)
    cuts = sorted(i for i in gaps[: most - 1] if rowids[i] - rowids[i - 1] > 1)
    bounds = [0, *cuts, len(rowids)]
    return [(rowids[a], rowids[b - 1]) for a, b in itertools.pairwise(bounds)]


def _copy_rows(con: duckdb.DuckDBPyConnection, src: str, dst: str, keys: str, changed: str) -> None:
    """Copy the rows of `src` whose key is in `changed`, reading only the row groups that hold them.

    A join would read every column of every row of `src` (the bodies and texts of the whole history); the
    keys alone locate the rows, and a row-id range is pruned to its row groups before any other column is read.
    """
    found = con.execute(f"SELECT _m.rowid FROM {src} _m SEMI JOIN {changed} _c USING ({keys}) ORDER BY 1")  # noqa: S608
    for lo, hi in split_ranges([int(r[0]) for r in found.fetchall()]):
        con.execute(f"INSERT INTO {dst} SELECT _m.* FROM {src} _m SEMI JOIN {changed} _c USING ({keys}) "  # noqa: S608
                    f"WHERE _m.rowid BETWEEN {lo} AND {hi}")


def _journal_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [JOURNAL]).fetchall()
    return {str(r[0]) for r in rows}


def _apply(db: Path, gen: str, since: int, prune_upto: int) -> bool:
    """Apply the journal after `since` to a generation; False when only a full copy can bring it up to date."""
    from warehouse.db import connect as db_connect  # db imports this module: import at call time

    con = db_connect(db)
    try:
        main = '"' + str(con.execute("SELECT current_database()").fetchall()[0][0]) + '"'
        con.execute(f"ATTACH {_sql_string(str(generation_path(db, gen)))} AS {GEN}")
        if _schema(con, main.strip('"')) != _schema(con, GEN):
            log.info("snapshot generation %s: schema differs from the warehouse", gen)
            return False
        con.execute(f"ATTACH {_sql_string(str(journal_path(db)))} AS {JOURNAL}")
        journalled = _journal_tables(con)
        full = set()
        if FULL in journalled:
            full = {str(r[0]) for r in con.execute(
                f"SELECT DISTINCT table_name FROM {JOURNAL}.main.{FULL} WHERE _seq > ?",  # noqa: S608
                [since]).fetchall()}
        con.execute("BEGIN TRANSACTION")
        for table, key in _tables(con).items():
            if table in full:
                con.execute(f'DELETE FROM {GEN}.main."{table}"')  # noqa: S608
                con.execute(f'INSERT INTO {GEN}.main."{table}" SELECT * FROM {main}."{table}"')  # noqa: S608
                continue
            _apply_table(con, main, table, key, since, table in journalled)
        con.execute("COMMIT")
        con.execute(f"CHECKPOINT {GEN}")
        for table in journalled:
            con.execute(f'DELETE FROM {JOURNAL}.main."{table}" WHERE _seq <= {prune_upto}')  # noqa: S608
        return True
    finally:
        con.close()


def _full_copy(db: Path, gen: str) -> None:
    dst = generation_path(db, gen)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    shutil.copyfile(db, tmp)
    os.replace(tmp, dst)  # a reader of the old file keeps its inode


def _point_link(db: Path, gen: str) -> None:
    link = snapshot_link(db)
    tmp = link.with_name(f".{link.name}.{os.getpid()}.lnk")
    tmp.unlink(missing_ok=True)
    os.symlink(generation_path(db, gen).name, tmp)
    os.replace(tmp, link)


def publish(db: Path) -> Path:
    """Bring the generation readers are not on up to date (journal, else full copy) and point the link at it."""
    state = State.load(db)
    applied = dict(state.applied or {})
    current = current_generation(db)
    target = "b" if current == "a" else "a"
    incremental = False
    if os.environ.get("CLAIMWATCH_SNAPSHOT_FULL_COPY") == "1":  # the escape hatch (and bench_history's baseline)
        applied = {}
    if current is not None and target in applied and generation_path(db, target).exists() \
            and not state.open_session:
        others = [v for g, v in applied.items() if g != target] + [state.seq]
        try:
            incremental = _apply(db, target, applied[target], min(others))
        except duckdb.Error as exc:  # most often a reader still holding this generation
            log.info("snapshot generation %s: incremental refresh failed (%s), copying in full", target, exc)
    if not incremental:
        why = ("forced" if os.environ.get("CLAIMWATCH_SNAPSHOT_FULL_COPY") == "1" else "no generation yet"
               if current is None else "generation never published" if target not in applied
               else "a session died before journalling" if state.open_session else "journal not applicable")
        log.info("snapshot generation %s: full copy (%s)", target, why)
        _full_copy(db, target)
    applied[target] = state.seq
    _point_link(db, target)
    # Read again: the full-copy path may run while no state exists yet; keep the session sequence as captured.
    state = State.load(db)
    state.applied = {g: v for g, v in applied.items() if g in GENERATIONS}
    state.save(db)
    log.debug("published snapshot generation %s (%s)", target, "incremental" if incremental else "full copy")
    return snapshot_link(db)
