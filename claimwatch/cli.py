"""The `claimwatch` command line: run the pipeline, try the demo, extract from files, query the warehouse.

Every command that touches the warehouse takes `--db FILE`. A user mistake (missing file, bad SQL, bad
sources entry, a --db that is not a warehouse) prints one line on stderr and exits 2; an operational failure
exits 1. No tracebacks on the console: they go to the log file (claimwatch.logsetup), and `--verbose` shows them.
Read commands (sql, report, export, lag) never create a warehouse: a missing one is an error.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from claimwatch.settings import SettingsError, load_settings

if TYPE_CHECKING:
    import pyarrow as pa

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

# Queries suggested to the user after a run (shown, not run here).
ALL_CLAIMS_SQL = "select * from v_claims"
FAILED_FETCHES_SQL = "select * from fetch_log where not ok"
TABLE_ROWS = 1000  # the most rows `claimwatch sql` renders as a table; csv and jsonl print every row

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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log at INFO level and show tracebacks")] = False,
) -> None:
    """Set up logging for every command."""
    from claimwatch import logsetup

    logsetup.install(verbose)


def _existing_warehouse(db: Path) -> Path:
    """The warehouse a read command opens: it must exist and be a DuckDB file (nothing is created)."""
    from warehouse.db import check_warehouse

    return check_warehouse(db, must_exist=True)


# ---------------------------------------------------------------------------------------------- output


def print_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None, fmt: str = "table"
) -> None:
    """Print rows already in Python as a rich table, CSV or JSON lines."""
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


def print_batches(batches: pa.RecordBatchReader, fmt: str) -> None:
    """Print a streamed query result (Arrow record batches): CSV and JSON lines whole, a table capped."""
    from claimwatch import output

    if fmt in ("csv", "jsonl"):
        sys.stdout.flush()
        sink = sys.stdout.buffer
        try:
            if fmt == "csv":
                output.write_csv(batches, sink)
            else:
                from warehouse.results import json_lines

                output.write_jsonl(json_lines(batches), sink)
            sink.flush()
        except BrokenPipeError:  # `claimwatch sql ... | head`: the reader has all it wants
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    columns, rows, total = output.head_rows(batches, TABLE_ROWS)
    print_rows(columns, rows, fmt="table")
    if total > len(rows):
        out.print(f"first {len(rows):,} of {total:,} rows shown (--format csv or jsonl prints them all)",
                  highlight=False, soft_wrap=True)


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
    from warehouse.db import check_warehouse

    # Validate before starting Prefect, so a bad entry or a --db that is not a warehouse is a one-line error.
    load_sources(settings.sources)
    check_warehouse(settings.db, partial_ok=True)  # another run may be creating it right now
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
    from claimwatch import logsetup
    from flows.pipeline import pipeline

    logsetup.install()  # importing Prefect replaced the console handler with its own

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
        out.print(f"  [yellow]sources with fetch errors:[/yellow] {', '.join(failed)} (see: claimwatch sql",
                  f'"{FAILED_FETCHES_SQL}"', "--db", f"{db})")


# ---------------------------------------------------------------------------------------------- demo


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="DuckDB warehouse file for the demo")] = Path("data/demo.duckdb"),
) -> None:
    """Serve the bundled examples/ corpus on 127.0.0.1, run the pipeline on it, and show the stored claims."""
    from claimwatch.demo import serve_corpus, write_sources
    from warehouse.db import check_warehouse

    check_warehouse(db)
    # The corpus server is our own, on loopback: the one-second per-host courtesy interval owed to real
    # sites would only make the demo slow. An explicit CLAIMWATCH_PER_HOST_INTERVAL still wins.
    os.environ.setdefault("CLAIMWATCH_PER_HOST_INTERVAL", "0.05")
    # The demo is offline and reproducible: release facts from the bundled ECI snapshot and the seeds, not the
    # live sources (`claimwatch releases sync` fetches those). An explicit CLAIMWATCH_RELEASES_LIVE still wins.
    os.environ.setdefault("CLAIMWATCH_RELEASES_LIVE", "false")
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
    from claimwatch.report import claim_summary
    from warehouse import reader

    with reader(db) as con:
        # Every writer runs the migrations, which (re)create the views: v_claim_outcomes always exists.
        cur = con.execute(
            "SELECT c.*, o.verdict AS outcome_verdict FROM v_claims c LEFT JOIN v_claim_outcomes o USING (claim_id) "
            "ORDER BY c.published_at, c.source, c.start_char"
        )
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
        counts = con.execute(
            "SELECT (SELECT count(*) FROM raw_items), (SELECT count(*) FROM documents), "
            "(SELECT count(*) FROM mentions), (SELECT count(*) FROM claims)"
        ).fetchall()[0]
        total = dict(zip(("raw_items", "documents", "mentions", "claims"), counts, strict=True))
    table = Table(title=f"{len(rows)} claims in {db}", show_lines=True, header_style="bold")
    for col, width in (("source", 18), ("date", 10), ("claim", 34), ("outcome", 12), ("evidence", 70)):
        table.add_column(col, max_width=width, overflow="fold")
    for c in rows:
        summary = claim_summary(c)
        if c["kind"] == "gap" and c["timeframe"] == "past":
            summary += " (past)"
        table.add_row(str(c["source"]), str(c["published_at"] or ""), summary, c["outcome_verdict"] or "",
                      c["sentence"])
    out.print(table)
    out.print("rows: " + ", ".join(f"{k}={v}" for k, v in total.items()))
    out.print("query it: claimwatch sql", f'"{ALL_CLAIMS_SQL}"', "--db", str(db))


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
    from claimwatch.files import FileDate, extract_file_dated
    from claimwatch.report import claim_summary

    pub = _date(published)
    rows: list[tuple[str, Any]] = []
    dates: dict[str, FileDate] = {}
    for path in paths:
        _require_file(path, "file")
        claims, dates[str(path)] = extract_file_dated(path, pub)
        rows.extend((str(path), claim) for claim in claims)
    if fmt == "jsonl":
        for path_s, claim in rows:
            used = dates[path_s]
            row = {"path": path_s, **claim.model_dump(mode="json"), "published_source": used.source,
                   "published_precision": used.precision, "dateline": used.evidence}
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    for path_s, used in dates.items():
        out.print(f"{path_s}: published {used.describe()}", markup=False, highlight=False)
    table = Table(title=f"{len(rows)} claims", show_lines=True, header_style="bold")
    for col, width in (("file", 24), ("date", 18), ("claim", 36), ("hedged", 6), ("evidence", 80)):
        table.add_column(col, max_width=width, overflow="fold")
    for path_s, c in rows:
        used = dates[path_s]
        table.add_row(path_s, f"{used.day or '—'} ({used.source})",
                      claim_summary(c.model_dump()), "yes" if c.hedged else "", c.sentence)
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
    if settings.contact_is_default:
        log.warning("contact_url is the project's default: set contact_url (or user_agent) in claimwatch.toml or "
                    "CLAIMWATCH_CONTACT_URL so site operators can reach you, not the claimwatch project")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.deploy import serve_all

    serve_all(settings)


# ---------------------------------------------------------------------------------------------- sql


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="a read-only SQL query")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option(
        "--format", help=f"table (first {TABLE_ROWS} rows) | csv | jsonl (every row)")] = "table",
) -> None:
    """Print the result of a read-only query (reads the snapshot published after the last load)."""
    import duckdb

    from warehouse.db import read_only_batches

    settings = _settings(db)
    if fmt not in ("table", "csv", "jsonl"):
        raise UserError(f"--format must be table, csv or jsonl, not {fmt}")
    _existing_warehouse(settings.db)
    try:
        with read_only_batches(settings.db, query) as batches:
            print_batches(batches, fmt)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from exc
    except duckdb.Error as exc:
        raise UserError(f"SQL error: {str(exc).splitlines()[0]}") from exc


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
    _existing_warehouse(settings.db)
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
    _existing_warehouse(settings.db)
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
    groups = _group(lagging), _group(leading)
    first_day = _date(start)
    _existing_warehouse(settings.db)  # reads scores: a mistyped --db must not create an empty warehouse
    out.print(lag_command(settings.db, *groups, metric, first_day))


def _group(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(f"a group is key=value[,key=value], e.g. country=CN; got {text!r}")
        pairs[key.strip()] = value.strip()
    return pairs


RELEASES_SYNC_HELP = (
    "Load release facts and scores: seeds, Epoch AI (ECI, AI models), Hugging Face Hub and OpenRouter.\n\n"
    "Live by default; a source that cannot be reached falls back to its stored copy (the ECI to the bundled "
    "snapshot), and the output says so.\n\n"
    "Exit status: 0 every requested source reached (or --offline with no URL); 3 some not reached; "
    "4 none reached (fallback data only); 1 failure; 2 usage error."
)


@releases_app.command("sync", help=RELEASES_SYNC_HELP)
def releases_sync(
    url: Annotated[str | None, typer.Option("--url", "--eci-url",
                                            help="Epoch AI ECI scores CSV (default: setting eci_url)")] = None,
    models_url: Annotated[str | None, typer.Option(
        "--models-url", help="Epoch AI AI-models CSV (default: setting epoch_models_url)")] = None,
    hf_url: Annotated[str | None, typer.Option(
        "--hf-url", help="a Hugging Face Hub models API URL (default: one list per setting hf_authors)")] = None,
    openrouter_url: Annotated[str | None, typer.Option(
        "--openrouter-url", help="OpenRouter models API (default: setting openrouter_url)")] = None,
    live: Annotated[bool | None, typer.Option(
        "--live/--offline", help="fetch the live sources not given above (default: setting releases_live)")] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="let the URLs reach loopback or private addresses (a local mirror)")] = False,
    db: DbOption = None,
) -> None:
    """Load release facts and scores (help: RELEASES_SYNC_HELP, with the exit statuses)."""
    from claimwatch.outcomes_cli import run_releases_sync

    settings = _settings(db)
    from warehouse.db import check_warehouse

    check_warehouse(settings.db)
    with out.status("syncing releases…"):
        summary, code = run_releases_sync(settings.db, url, hf_url, models_url=models_url,
                                          openrouter_url=openrouter_url, live=live, allow_private=allow_private)
    out.print(summary, highlight=False)
    if code:
        raise typer.Exit(code)


@app.command()
def resolve(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="resolve as of YYYY-MM-DD [default: today]")] = None,
) -> None:
    """Compare every stored claim with what happened, as of a date (history is kept per date)."""
    from stages import resolve_stage

    settings = _settings(db)
    _existing_warehouse(settings.db)
    out.print(resolve_stage(settings.db, _date(as_of) or date.today()))


@app.command()
def retention(
    drop_bodies_older_than: Annotated[int, typer.Option(
        "--drop-bodies-older-than", help="drop raw bodies fetched more than DAYS days ago (parsed ones only)",
        metavar="DAYS")],
    db: DbOption = None,
    compact: Annotated[bool, typer.Option(help="also rewrite the file to give the space back (a full copy)")] = False,
) -> None:
    """Drop old raw bodies, keeping parsed text, claims and evidence (caps disk use per article)."""
    if drop_bodies_older_than < 0:
        raise UserError(f"--drop-bodies-older-than must be 0 or more days, not {drop_bodies_older_than}")
    from warehouse.retention import drop_bodies_older_than as drop

    settings = _settings(db)
    _existing_warehouse(settings.db)
    counts = drop(settings.db, drop_bodies_older_than, compact=compact)
    out.print(f"dropped {counts['bodies_dropped']} raw bodies ({counts['body_bytes_dropped']} bytes) fetched "
              f"before {counts['cutoff']}")
    if compact:
        out.print(f"compacted {settings.db}: {counts['file_bytes_before']} -> {counts['file_bytes_after']} bytes")


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
    from stages import fetch

    settings = _settings(sources=sources)
    _require_file(settings.sources, "sources file")
    srcs = [s for s in load_sources(settings.sources) if s.enabled]
    rows = []
    failures = 0
    with Progress(console=err, transient=True) as progress:
        bar = progress.add_task("checking sources", total=len(srcs))
        for src in srcs:
            result = fetch([src], settings, "check")
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
    from warehouse import WarehouseBusy, WarehouseError

    return {
        UserError: ("error", 2),
        SettingsError: ("configuration error", 2),
        SourcesError: ("sources error", 2),
        WarehouseError: ("warehouse error", 2),
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
        _report_failure(exc)
        raise SystemExit(1) from None


def _report_failure(exc: BaseException) -> None:
    """One line on the console; the traceback to the log file (and the console with --verbose)."""
    from claimwatch import logsetup
    from claimwatch.errors import one_line

    command = next((a for a in sys.argv[1:] if not a.startswith("-")), "command")
    path = logsetup.record_failure(exc, command)
    hint = "" if logsetup.verbose() else f" (details in {path}; --verbose shows them)"
    err.print(f"[red]failed:[/red] {type(exc).__name__}: {one_line(exc)}{hint}", highlight=False, soft_wrap=True)


if __name__ == "__main__":
    main()
