"""The `claimwatch` command line: run the pipeline, try the demo, extract from files, query the warehouse.

Every command that touches the warehouse takes `--db FILE`. A user mistake (missing file, bad SQL, bad
sources entry) prints one line on stderr and exits 2; an operational failure exits 1. No tracebacks.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from claimwatch.settings import SettingsError, load_settings

app = typer.Typer(
    name="claimwatch",
    help="Track claims about AI progress (lags, catch-ups, forecasts) and check them against what shipped.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
releases_app = typer.Typer(help="Release facts and capability scores.", no_args_is_help=True)
sources_app = typer.Typer(help="The watch list: list it, or check that each source answers.", no_args_is_help=True)
app.add_typer(releases_app, name="releases")
app.add_typer(sources_app, name="sources")

# Piped output gets a fixed, roomy width instead of rich's 80 columns, so tables stay readable in logs.
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)
log = logging.getLogger("claimwatch")

DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB warehouse file [default: data/claims.duckdb]")]
SourcesOption = Annotated[Path | None, typer.Option("--sources", help="sources file [default: sources.toml]")]

class UserError(Exception):
    """A mistake in what the user asked for: reported in one line, exit code 2."""


def _settings(db: Path | None = None, sources: Path | None = None) -> Any:
    return load_settings().with_overrides(db=db, sources=sources)


def _require_file(path: Path, what: str) -> Path:
    if not path.exists():
        raise UserError(f"{what} not found: {path}")
    return path


def _prefect_env() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # Prefect's 20 s default for starting its ephemeral API is too short when two runs start together on a
    # busy two-core machine; waiting longer costs nothing when it starts fast.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log progress at INFO level")] = False,
) -> None:
    """Set up logging for every command."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


# ---------------------------------------------------------------------------------------------- output


def print_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None, fmt: str = "table"
) -> None:
    """Print query results as a rich table, CSV or JSON lines."""
    if fmt == "jsonl":
        for row in rows:
            out.print_json(json.dumps(dict(zip(columns, row, strict=False)), default=str), indent=None)
        return
    if fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(columns)
        w.writerows(rows)
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(str(col), overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)


def claim_summary(kind: str, direction: str | None, lo: float | None, hi: float | None,
                  reference: str | None, target: str | None, deadline_end: Any) -> str:
    """Render a claim compactly, e.g. 'gap behind 5 mo vs Claude Sonnet 4.5'."""
    def num(v: float | None) -> str:
        return "" if v is None else (f"{v:g}")

    if kind == "gap":
        months = "?" if lo is None and hi is None else (num(lo) if lo == hi else f"{num(lo)}–{num(hi)}")
        text = f"gap {direction or '?'} {months} mo"
        if direction == "parity":
            text = "gap parity"
        return text + (f" vs {reference}" if reference else "")
    return f"forecast: {target or '?'} by {deadline_end or '?'}"


# ---------------------------------------------------------------------------------------------- run


@app.command()
def run(
    sources: SourcesOption = None,
    db: DbOption = None,
    limit: Annotated[int | None, typer.Option(help="at most this many items per source")] = None,
    since: Annotated[str | None, typer.Option(help="extract only documents published on or after YYYY-MM-DD")] = None,
) -> None:
    """Run the pipeline once: ingest → parse → extract → load → sync releases → resolve."""
    settings = _settings(db, sources)
    _require_file(settings.sources, "sources file")
    from sources.config import load_sources

    load_sources(settings.sources)  # validate before starting Prefect, so a bad entry is a one-line error
    counts = _run_pipeline(str(settings.sources), str(settings.db), limit=limit, since=_date(since))
    _print_counts(counts, settings.db)


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UserError(f"not a date (YYYY-MM-DD): {text}") from exc


def _run_pipeline(sources: str, db: str, **kwargs: Any) -> dict[str, Any]:
    _prefect_env()
    from flows.pipeline import pipeline

    with out.status("running the pipeline (Prefect starts a local API on first use)…"):
        result: dict[str, Any] = pipeline(sources=sources, db=db, **kwargs)
    return result


def _print_counts(counts: dict[str, Any], db: Path) -> None:
    fetch = counts.get("fetch", {})
    parse = counts.get("parse", {})
    extract = counts.get("extract", {})
    out.print(
        f"[bold]run complete[/bold] — warehouse {db}\n"
        f"  fetched: {fetch}\n  parsed: {parse}\n  extracted: {extract}"
    )
    failed = counts.get("failed_sources") or []
    if failed:
        out.print(f"  [yellow]sources with fetch errors:[/yellow] {', '.join(failed)} "
                  f"(see: claimwatch sql \"select * from fetch_log where not ok\" --db {db})")


# ---------------------------------------------------------------------------------------------- demo


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="DuckDB warehouse file for the demo")] = Path("data/demo.duckdb"),
) -> None:
    """Serve the bundled examples/ corpus on 127.0.0.1, run the pipeline on it, and show the stored claims."""
    from claimwatch.demo import serve_corpus, write_sources

    # The corpus server is our own, on loopback: the one-second per-host courtesy interval owed to real
    # sites would only make the demo slow. An explicit CLAIMWATCH_PER_HOST_INTERVAL still wins.
    os.environ.setdefault("CLAIMWATCH_PER_HOST_INTERVAL", "0.05")
    with serve_corpus() as base:
        sources_file = write_sources(base, db.parent / "demo-sources.toml")
        out.print(f"serving the example corpus at {base}; sources: {sources_file}")
        counts = _run_pipeline(str(sources_file), str(db))
    _print_counts(counts, db)
    _show_claims(db)
    from claimwatch.outcomes_cli import lag_command

    # The measured lag the claims are compared with, from the bundled Epoch AI ECI snapshot (CC BY 4.0).
    out.print("\n[bold]measured lag (Epoch Capabilities Index, bundled snapshot)[/bold]")
    out.print(lag_command(db, {"country": "CN"}, {"country": "US"}, "eci", date(2023, 1, 1)))


def _show_claims(db: Path) -> None:
    from warehouse import reader

    with reader(db) as con:
        has_outcomes = bool(con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'v_claim_outcomes'").fetchall()[0][0])
        verdict = "o.verdict" if has_outcomes else "NULL"
        join = "LEFT JOIN v_claim_outcomes o USING (claim_id)" if has_outcomes else ""
        rows = con.execute(
            "SELECT c.source, c.published_at, c.kind, c.direction, c.months_low, c.months_high, c.reference, "
            f"c.target, c.deadline_end, c.timeframe, {verdict}, c.sentence FROM v_claims c {join} "
            "ORDER BY c.published_at, c.source, c.start_char"
        ).fetchall()
        total = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                 for t in ("raw_items", "documents", "mentions", "claims")}
    table = Table(title=f"{len(rows)} claims in {db}", show_lines=True, header_style="bold")
    for col, width in (("source", 18), ("date", 10), ("claim", 34), ("outcome", 12), ("evidence", 70)):
        table.add_column(col, max_width=width, overflow="fold")
    for source, published, kind, direction, lo, hi, reference, target, deadline_end, timeframe, outcome, sentence \
            in rows:
        summary = claim_summary(kind, direction, lo, hi, reference, target, deadline_end)
        if kind == "gap" and timeframe == "past":
            summary += " (past)"
        table.add_row(str(source), str(published or ""), summary, outcome or "", sentence)
    out.print(table)
    out.print("rows: " + ", ".join(f"{k}={v}" for k, v in total.items()))
    out.print(f'query it: claimwatch sql "select * from v_claims" --db {db}')


# ---------------------------------------------------------------------------------------------- extract


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="text (.txt) or HTML (.html) files")],
    published: Annotated[str | None, typer.Option(help="publication date YYYY-MM-DD (anchors relative dates)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | jsonl")] = "table",
) -> None:
    """Run the claim extractor on local files, without Prefect or a warehouse."""
    if fmt not in ("table", "jsonl"):
        raise UserError(f"--format must be table or jsonl, not {fmt}")
    from claimwatch.files import extract_file

    pub = _date(published)
    rows: list[tuple[str, Any]] = []
    for path in paths:
        _require_file(path, "file")
        for claim in extract_file(path, pub):
            rows.append((str(path), claim))
    if fmt == "jsonl":
        for path_s, claim in rows:
            sys.stdout.write(json.dumps({"path": path_s, **claim.model_dump(mode="json")}, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} claims", show_lines=True, header_style="bold")
    for col, width in (("file", 24), ("claim", 36), ("hedged", 6), ("evidence", 80)):
        table.add_column(col, max_width=width, overflow="fold")
    for path_s, c in rows:
        table.add_row(path_s, claim_summary(c.kind, c.direction, c.months_low, c.months_high, c.reference, c.target,
                                            c.deadline_end), "yes" if c.hedged else "", c.sentence)
    out.print(table)


# ---------------------------------------------------------------------------------------------- serve


@app.command()
def serve(sources: SourcesOption = None, db: DbOption = None) -> None:
    """Register the Prefect deployments (with schedules) and run them until interrupted.

    Start a server first (`prefect server start`) and point PREFECT_API_URL at it; trigger runs with
    `prefect deployment run 'pipeline/claimwatch'`.
    """
    settings = _settings(db, sources)
    _require_file(settings.sources, "sources file")
    from sources.config import load_sources

    load_sources(settings.sources)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.deploy import serve_all

    serve_all(settings)


# ---------------------------------------------------------------------------------------------- sql


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="a read-only SQL query")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table | csv | jsonl")] = "table",
) -> None:
    """Print the result of a read-only query (reads the snapshot published after the last load)."""
    import duckdb

    from warehouse.db import read_only_query

    settings = _settings(db)
    if fmt not in ("table", "csv", "jsonl"):
        raise UserError(f"--format must be table, csv or jsonl, not {fmt}")
    try:
        columns, rows = read_only_query(settings.db, query)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from exc
    except duckdb.Error as exc:
        raise UserError(f"SQL error: {str(exc).splitlines()[0]}") from exc
    print_rows(columns, rows, fmt=fmt)


# ---------------------------------------------------------------------------------------------- report


@app.command()
def report(
    db: DbOption = None,
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write")] = Path("report.html"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="resolve as of YYYY-MM-DD [default: today]")] = None,
) -> None:
    """Write a self-contained HTML report: claimed vs measured lag, forecasts and outcomes, scorecard, evidence."""
    from claimwatch.report import render_report

    settings = _settings(db)
    _require_file(settings.db, "warehouse")
    path = render_report(settings.db, out_file, _date(as_of))
    out.print(f"wrote {path}")


@app.command()
def export(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="parquet | csv")] = "parquet",
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write into")] = Path("export"),
) -> None:
    """Write the main views (claims, outcomes, scorecard, gap timeline, releases, scores) as Parquet or CSV."""
    if fmt not in ("parquet", "csv"):
        raise UserError(f"--format must be parquet or csv, not {fmt}")
    from claimwatch.export import export_views

    settings = _settings(db)
    _require_file(settings.db, "warehouse")
    for path in export_views(settings.db, fmt, out_dir):  # type: ignore[arg-type]
        out.print(f"wrote {path}")


# ---------------------------------------------------------------------------------------------- outcomes


@app.command()
def lag(
    lagging: Annotated[str, typer.Option(help="the group behind, e.g. country=CN or openness=open")] = "country=CN",
    leading: Annotated[str, typer.Option(help="the group ahead, e.g. country=US or openness=closed")] = "country=US",
    metric: Annotated[str, typer.Option(help="score metric")] = "eci",
    start: Annotated[str | None, typer.Option("--from", help="first day of the series YYYY-MM-DD")] = None,
    db: DbOption = None,
) -> None:
    """Measure how far one group of models trails another on a metric, day by day; store the series."""
    from claimwatch.outcomes_cli import lag_command

    settings = _settings(db)
    out.print(lag_command(settings.db, _group(lagging), _group(leading), metric, _date(start)))


def _group(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(f"a group is key=value[,key=value], e.g. country=CN; got {text!r}")
        pairs[key.strip()] = value.strip()
    return pairs


@releases_app.command("sync")
def releases_sync(
    url: Annotated[str | None, typer.Option(help="an Epoch AI CSV (ECI scores or AI models) to fetch")] = None,
    hf_url: Annotated[str | None, typer.Option("--hf-url", help="a Hugging Face Hub models API URL to fetch")] = None,
    db: DbOption = None,
) -> None:
    """Load release facts and capability scores: curated seeds, the bundled ECI snapshot, or the given URLs."""
    from claimwatch.outcomes_cli import releases_sync_command

    settings = _settings(db)
    with out.status("syncing releases…"):
        summary = releases_sync_command(settings.db, url, hf_url)
    out.print(summary)


@app.command()
def resolve(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="resolve as of YYYY-MM-DD [default: today]")] = None,
) -> None:
    """Compare every stored claim with what happened, as of a date (history is kept per date)."""
    from claimwatch.stages import resolve_stage

    settings = _settings(db)
    _require_file(settings.db, "warehouse")
    out.print(resolve_stage(settings.db, _date(as_of) or date.today()))


# ---------------------------------------------------------------------------------------------- sources


@sources_app.command("list")
def sources_list(sources: SourcesOption = None) -> None:
    """List the sources in the watch list (validated)."""
    from sources.config import load_sources

    settings = _settings(sources=sources)
    _require_file(settings.sources, "sources file")
    rows = [(s.name, s.type, "yes" if s.enabled else "no", s.url or s.query or s.tag or s.actor or s.subreddit or "")
            for s in load_sources(settings.sources)]
    print_rows(["name", "type", "enabled", "target"], rows, title=str(settings.sources))


@sources_app.command("check")
def sources_check(sources: SourcesOption = None) -> None:
    """Fetch every enabled source once, without storing anything, and say what works."""
    from rich.progress import Progress

    from sources.config import load_sources
    from sources.ingest import IngestState, ingest_source

    settings = _settings(sources=sources)
    _require_file(settings.sources, "sources file")
    srcs = [s for s in load_sources(settings.sources) if s.enabled]
    rows = []
    failures = 0
    with Progress(console=err, transient=True) as progress:
        bar = progress.add_task("checking sources", total=len(srcs))
        for src in srcs:
            result = ingest_source(src, IngestState(), settings, "check")
            bad = [f for f in result.fetches if not f.ok]
            own = [f for f in result.fetches if f.url.rstrip("/") == (src.url or "").rstrip("/")]
            status = "failed" if own and not own[0].ok else ("ok" if result.items else "empty")
            failures += status == "failed"
            reason = "; ".join(sorted({f"{f.error_class}: {f.message}" for f in bad}))[:200]
            rows.append((src.name, src.type, status, len(result.items), len(bad), reason))
            progress.advance(bar)
    print_rows(["source", "type", "status", "items", "errors", "first errors"], rows, title="source check")
    if failures:
        raise typer.Exit(1)


# ---------------------------------------------------------------------------------------------- entry


def _user_errors() -> dict[type[BaseException], tuple[str, int]]:
    """Exceptions that mean "you asked for something that cannot be done": label and exit code."""
    from sources.config import SourcesError
    from warehouse import WarehouseBusy

    return {
        UserError: ("error", 2),
        SettingsError: ("configuration error", 2),
        SourcesError: ("sources error", 2),
        FileNotFoundError: ("error", 2),
        WarehouseBusy: ("busy", 1),
    }


def main() -> None:
    """Console-script entry point."""
    known = _user_errors()
    try:
        # Outside standalone mode click hands back the code of a typer.Exit instead of exiting.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            raise SystemExit(code)
    except tuple(known) as exc:
        label, code = next(v for k, v in known.items() if isinstance(exc, k))
        err.print(f"[red]{label}:[/red] {exc}", highlight=False)
        raise SystemExit(code) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise SystemExit(130) from None
    except (typer.Exit, SystemExit):
        raise
    except Exception as exc:  # click usage errors and anything unexpected: one line, not a traceback
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        if isinstance(exc, click.exceptions.Abort):
            raise SystemExit(1) from None
        err.print(f"[red]failed:[/red] {type(exc).__name__}: {exc}", highlight=False)
        if os.environ.get("CLAIMWATCH_DEBUG"):
            raise
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
