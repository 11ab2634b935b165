"""`claimwatch sql` output: Arrow batches streamed as CSV and JSON lines, tables capped (real DuckDB files)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimwatch.cli import TABLE_ROWS, app
from warehouse import reader, writer
from warehouse.db import STREAM_BATCH_ROWS, read_only_batches
from warehouse.results import json_lines

BIN = Path(sys.executable).parent / "claimwatch"
MANY = STREAM_BATCH_ROWS * 2 + 17  # more rows than two record batches hold
TYPED = ("select 7 as n, 'a,b \"q\"' as s, 'plain' as p, true as b, 0.25::double as f, date '2025-01-02' as d, "
         "['x', 'y'] as l, {'k': 1} as st, interval 3 day as iv, null::varchar as z, 'é' as u")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with three documents, published to its read snapshot."""
    path = tmp_path_factory.mktemp("sqlout") / "w.duckdb"
    with writer(path) as con:
        con.execute("INSERT INTO documents (doc_id, url, canonical_url, source, kind, title, text, content_sha256) "
                    "SELECT 'd' || i, 'https://example.org/' || i, 'https://example.org/' || i, 'feed', 'article', "
                    "'Story ' || i, 'text', 'sha' || i FROM range(3) t(i)")
    return path


def sql(db: Path, query: str, *fmt: str) -> str:
    """Run `claimwatch sql` in-process; return its stdout (the command must succeed)."""
    res = CliRunner().invoke(app, ["sql", query, "--db", str(db), *fmt])
    assert res.exit_code == 0, (res.output, res.exception)
    return res.stdout_bytes.decode("utf-8")


def test_csv_streams_every_batch_with_one_header(db: Path) -> None:
    text = sql(db, f"select i, 'row ' || i as label from range({MANY}) t(i) order by i", "--format", "csv")
    lines = text.split("\r\n")
    assert lines[0] == '"i","label"' and lines[-1] == ""  # CRLF line ends, as Python's csv module wrote
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == MANY + 1
    assert rows[1] == ["0", "row 0"] and rows[-1] == [str(MANY - 1), f"row {MANY - 1}"]


def test_csv_writes_every_type(db: Path) -> None:
    (header, row), = [list(csv.reader(io.StringIO(sql(db, TYPED, "--format", "csv"))))]
    assert header == ["n", "s", "p", "b", "f", "d", "l", "st", "iv", "z", "u"]
    values = dict(zip(header, row, strict=True))
    assert values["s"] == 'a,b "q"' and values["p"] == "plain" and values["u"] == "é"
    assert (values["n"], values["b"], values["f"], values["d"], values["z"]) == ("7", "true", "0.25", "2025-01-02", "")
    # Types Arrow's CSV writer cannot write are printed as DuckDB casts them to text.
    assert (values["l"], values["st"], values["iv"]) == ("[x, y]", "{'k': 1}", "3 days")


def test_csv_of_an_empty_result_is_its_header(db: Path) -> None:
    assert sql(db, "select url, title from documents where false", "--format", "csv") == '"url","title"\r\n'


def test_jsonl_streams_one_object_per_row(db: Path) -> None:
    text = sql(db, f"select i, i % 2 = 0 as even from range({MANY}) t(i) order by i", "--format", "jsonl")
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == MANY and text.endswith("\n")
    assert rows[0] == {"i": 0, "even": True} and rows[-1] == {"i": MANY - 1, "even": (MANY - 1) % 2 == 0}
    typed = json.loads(sql(db, TYPED, "--format", "jsonl"))
    assert typed == {"n": 7, "s": 'a,b "q"', "p": "plain", "b": True, "f": 0.25, "d": "2025-01-02",
                     "l": ["x", "y"], "st": {"k": 1}, "iv": "3 days", "z": None, "u": "é"}


def test_table_is_capped_and_says_how_many_rows_there_were(db: Path) -> None:
    text = sql(db, f"select i from range({MANY}) t(i) order by i")
    assert f"first {TABLE_ROWS:,} of {MANY:,} rows" in text
    shown = [ln for ln in text.splitlines() if ln.startswith("│")]
    assert len(shown) == TABLE_ROWS and shown[-1].split("│")[1].strip() == str(TABLE_ROWS - 1)
    small = sql(db, "select title from documents order by title")
    assert "Story 2" in small and "rows (--format" not in small


def test_a_runtime_error_mid_stream_is_a_one_line_sql_error(db: Path) -> None:
    res = CliRunner().invoke(app, ["sql", f"select case when i = {MANY - 5} then error('boom') else i end "
                                          f"from range({MANY}) t(i)", "--db", str(db), "--format", "csv"])
    assert res.exit_code != 0 and "boom" in str(res.exception)


def test_a_reader_that_stops_early_ends_the_command_quietly(db: Path) -> None:
    with subprocess.Popen([str(BIN), "sql", f"select i from range({MANY}) t(i)", "--db", str(db), "--format",
                           "csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env={**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"}) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline() == b'"i"\r\n'
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read().decode()
    assert proc.returncode == 0 and "Traceback" not in err and "BrokenPipe" not in err


def test_batches_come_from_the_snapshot_read_only(db: Path) -> None:
    with read_only_batches(db, "select count(*) as n from documents where source = ?", ["feed"]) as batches:
        assert batches.read_all().to_pylist() == [{"n": 3}]
    with pytest.raises(Exception, match=r"read-only|external access|disabled"), \
            read_only_batches(db, "copy documents to '/tmp/claimwatch-should-not-exist.csv'") as batches:
        batches.read_all()
    with reader(db) as con:  # the warehouse is unchanged
        assert con.execute("select count(*) from documents").fetchall() == [(3,)]


def test_json_lines_renders_batches_in_order() -> None:
    import pyarrow as pa

    batches = [pa.record_batch({"a": [1, 2], "t": ["x", None]}), pa.record_batch({"a": [3], "t": ["\n"]}),
               pa.record_batch({"a": pa.array([], pa.int64()), "t": pa.array([], pa.string())})]
    text = b"".join(json_lines(batches)).decode()
    assert [json.loads(line) for line in text.splitlines()] == [
        {"a": 1, "t": "x"}, {"a": 2, "t": None}, {"a": 3, "t": "\n"}]
