"""`export_views`: Parquet and CSV round trips of the main views, read from the snapshot."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from claimwatch.export import export_views
from tests.test_report import HOSTILE, build_warehouse
from warehouse import writer
from warehouse.db import snapshot_path


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:
        names = ["v_claims", "v_claim_outcomes", "v_source_scorecard", "v_gap_timeline", "documents", "releases",
                 "scores", "lag_series"]
        return {n: int(con.execute(f"SELECT count(*) FROM {n}").fetchall()[0][0]) for n in names}
    finally:
        con.close()


def test_parquet_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    build_warehouse(db)
    expected = _counts(db)
    files = export_views(db, "parquet", tmp_path / "out")
    assert {f.stem for f in files} == set(expected)
    assert all(f.suffix == ".parquet" and f.parent == tmp_path / "out" for f in files)
    assert not list((tmp_path / "out").glob(".*.tmp"))
    con = duckdb.connect()
    for f in files:
        n = con.execute("SELECT count(*) FROM read_parquet(?)", [str(f)]).fetchall()[0][0]
        assert n == expected[f.stem], f.name
    assert expected["v_claims"] > 0 and expected["lag_series"] > 0
    # documents go without their full text; list columns stay lists; the hostile sentence survives byte for byte
    doc_cols = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)",
                                          [str(tmp_path / "out" / "documents.parquet")]).fetchall()]
    assert "text" not in doc_cols and "title" in doc_cols and "text_chars" in doc_cols
    sentences = {r[0] for r in con.execute("SELECT sentence FROM read_parquet(?)",
                                           [str(tmp_path / "out" / "v_claims.parquet")]).fetchall()}
    assert HOSTILE in sentences
    flags = con.execute("SELECT flags FROM read_parquet(?) WHERE len(flags) > 0",
                        [str(tmp_path / "out" / "v_claims.parquet")]).fetchall()
    assert flags == [(["deadline_before_publication"],)]
    con.close()


def test_csv_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    build_warehouse(db)
    expected = _counts(db)
    files = export_views(db, "csv", tmp_path / "csv")
    assert {f.stem for f in files} == set(expected)
    for f in files:
        with f.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == expected[f.stem], f.name
    with (tmp_path / "csv" / "v_claims.csv").open(newline="", encoding="utf-8") as fh:
        assert HOSTILE in {r["sentence"] for r in csv.DictReader(fh)}
    con = duckdb.connect()
    n = con.execute("SELECT count(*) FROM read_csv(?)", [str(tmp_path / "csv" / "v_claims.csv")]).fetchall()[0][0]
    assert n == expected["v_claims"]
    con.close()


def test_export_reads_snapshot_and_skips_missing_relations(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        con.execute("DROP VIEW v_gap_timeline")
        con.execute("DROP VIEW v_source_scorecard")
        con.execute("DROP VIEW v_claim_outcomes")
    # the live file is held open by a writer in this process: export reads the snapshot regardless
    live = duckdb.connect(str(db))
    try:
        files = export_views(db, "parquet", tmp_path / "out")
    finally:
        live.close()
    names = {f.stem for f in files}
    assert "v_claims" in names and "documents" in names
    assert not names & {"v_gap_timeline", "v_source_scorecard", "v_claim_outcomes"}


def test_export_rejects_bad_format_and_missing_db(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="parquet or csv"):
        export_views(tmp_path / "w.duckdb", "xlsx", tmp_path)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        export_views(tmp_path / "nope.duckdb", "csv", tmp_path / "out")
