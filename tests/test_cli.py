"""The command line as a user meets it: --help everywhere, one-line errors, exit codes, real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from claimwatch.demo import EXAMPLES_DIR, serve_corpus, write_sources

BIN = Path(sys.executable).parent / "claimwatch"
COMMANDS = [[], ["run"], ["demo"], ["serve"], ["extract"], ["sql"], ["report"], ["lag"], ["export"], ["resolve"],
            ["releases"], ["releases", "sync"], ["sources"], ["sources", "list"], ["sources", "check"]]


def cli(*args: str, cwd: Path | None = None, timeout: float = 300,
        env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR", **(env or {})}
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=full_env)


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "root")
def test_every_command_has_help(cmd):
    res = cli(*cmd, "--help")
    assert res.returncode == 0, res.stderr
    assert "Usage" in res.stdout


def _one_line_error(res: subprocess.CompletedProcess, code: int, needle: str) -> None:
    assert res.returncode == code, (res.returncode, res.stdout, res.stderr)
    lines = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert needle in lines[0]
    assert "Traceback" not in res.stderr + res.stdout


def test_bad_input_gives_one_line_errors(tmp_path):
    _one_line_error(cli("run", "--sources", str(tmp_path / "nope.toml"), "--db", str(tmp_path / "w.duckdb")),
                    2, "sources file not found")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nname = "a"\ntype = "rss"\nurl = "https://example.org/feed"\n\n'
                   '[[source]]\nname = "b"\ntype = "carrier-pigeon"\n')
    _one_line_error(cli("sources", "list", "--sources", str(bad)), 2, "bad.toml:6: source 'b'")
    _one_line_error(cli("sql", "select 1", "--db", str(tmp_path / "missing.duckdb")), 2, "no warehouse")
    _one_line_error(cli("extract", str(tmp_path / "missing.txt")), 2, "file not found")
    _one_line_error(cli("extract", "--published", "yesterday", str(bad)), 2, "not a date")
    _one_line_error(cli("lag", "--lagging", "CN", "--db", str(tmp_path / "w.duckdb")), 2, "key=value")


def test_sql_errors_and_read_only(tmp_path):
    from warehouse import writer

    db = tmp_path / "w.duckdb"
    with writer(db):
        pass
    _one_line_error(cli("sql", "selec nothing", "--db", str(db)), 2, "SQL error")
    _one_line_error(cli("sql", "drop table claims", "--db", str(db)), 2, "SQL error")
    ok = cli("sql", "select count(*) as n from claims", "--db", str(db), "--format", "jsonl")
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"n": 0}


def test_extract_jsonl_prints_claim_fields(tmp_path):
    text = tmp_path / "note.txt"
    text.write_text("According to the analysts, Chinese open-source models are about five months behind "
                    "Claude Sonnet 4.5. The weather was fine.")
    res = cli("extract", "--format", "jsonl", "--published", "2026-02-11", str(text))
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    for field in ("kind", "direction", "months_low", "months_high", "approximate", "subject", "subject_group",
                  "reference", "models", "target", "deadline_text", "deadline_start", "deadline_end", "timeframe",
                  "hedged", "attributed_to", "negated", "conditional", "sentence", "start_char", "end_char",
                  "doc_id", "published_at", "extractor_version"):
        assert field in row, field
    assert row["path"] == str(text)
    assert (row["kind"], row["direction"], row["months_low"], row["months_high"]) == ("gap", "behind", 5, 5)
    assert "claude-sonnet-4.5" in row["models"]
    body = text.read_text()
    assert body[row["start_char"]:row["end_char"]] == row["sentence"]


def test_extract_reads_html_and_its_date():
    page = EXAMPLES_DIR / "site/2026/02/11/chinese-open-models-sonnet-gap.html"
    res = cli("extract", "--format", "jsonl", str(page))
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert {r["kind"] for r in rows} == {"gap", "forecast", "release"}  # "Anthropic released Claude Opus 4.1 …"
    assert all(r["published_at"] == "2026-02-11" for r in rows)


@pytest.mark.slow
def test_sql_answers_while_run_writes(tmp_path):
    """While `claimwatch run` writes, `claimwatch sql` keeps answering, and the run completes."""
    db = tmp_path / "w.duckdb"
    with serve_corpus(port=None) as base:
        src = write_sources(base, tmp_path / "sources.toml")
        # A first, quick load publishes a snapshot; the run below then writes while readers query.
        from warehouse import writer

        with writer(db):
            pass
        run = subprocess.Popen([str(BIN), "run", "--sources", str(src), "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"})
        answers: list[subprocess.CompletedProcess] = []

        def poll() -> None:
            while run.poll() is None and len(answers) < 200:
                answers.append(cli("sql", "select count(*) from claims", "--db", str(db), "--format", "csv"))
                time.sleep(0.2)

        reader = threading.Thread(target=poll)
        reader.start()
        _, err = run.communicate(timeout=600)
        reader.join()
    assert run.returncode == 0, err
    assert answers, "the reader never got to ask"
    assert all(a.returncode == 0 for a in answers), [a.stderr for a in answers if a.returncode]
    final = cli("sql", "select count(*) from claims", "--db", str(db), "--format", "csv")
    assert int(final.stdout.splitlines()[1]) > 0


def test_sources_check_says_what_works(tmp_path):
    with serve_corpus(port=None) as base:
        good = write_sources(base, tmp_path / "good.toml")
        ok = cli("sources", "check", "--sources", str(good), env={"CLAIMWATCH_RETRIES": "0"})
    assert ok.returncode == 1  # the bundled corpus includes a deliberately broken feed
    assert "inference-ledger" in ok.stdout and "broken-wire" in ok.stdout
    rows = {line.split("│")[1].strip(): line for line in ok.stdout.splitlines() if line.count("│") > 3}
    assert "ok" in rows["inference-ledger"] and "failed" in rows["broken-wire"]
    listed = cli("sources", "list", "--sources", str(good))
    assert listed.returncode == 0 and "parameter-post" in listed.stdout
