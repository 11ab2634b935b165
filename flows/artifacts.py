"""Run summaries as markdown: counts per stage, fetch errors and new claims with their evidence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from warehouse import reader


def _cell(value: Any, width: int = 160) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def _flatten(counts: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in counts.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(_flatten(value, name + "."))
        else:
            rows.append((name, value))
    return rows


def run_summary_markdown(db: str | Path, run_id: str, started: datetime, counts: dict[str, Any]) -> str:
    """Render the markdown artifact of one run from the warehouse snapshot."""
    lines = [f"# claimwatch run `{run_id}`", "", "## Counts per stage", "", "| stage.count | value |", "|---|---|"]
    lines += [f"| {_cell(k)} | {_cell(v)} |" for k, v in _flatten(counts)]
    with reader(db) as con:
        errors = con.execute(
            "SELECT source, url, status, error_class, message FROM fetch_log "
            "WHERE run_id = ? AND NOT ok ORDER BY source, url",
            [run_id],
        ).fetchall()
        claims = con.execute(
            "SELECT c.kind, c.direction, c.months_low, c.months_high, c.deadline_end, c.sentence, c.url "
            "FROM v_claims c JOIN extractions e USING (doc_id) WHERE e.extracted_at >= ? "
            "ORDER BY c.published_at DESC NULLS LAST LIMIT 200",
            [started],
        ).fetchall()
    lines += ["", f"## Fetch errors ({len(errors)})", ""]
    if errors:
        lines += ["| source | url | status | error | message |", "|---|---|---|---|---|"]
        lines += [f"| {' | '.join(_cell(v, 120) for v in row)} |" for row in errors]
    else:
        lines.append("none")
    lines += ["", f"## New or re-extracted claims ({len(claims)})", ""]
    if claims:
        lines += ["| kind | direction | months | deadline | evidence | url |", "|---|---|---|---|---|---|"]
        for kind, direction, lo, hi, deadline, sentence, url in claims:
            months = "" if lo is None and hi is None else f"{_cell(lo)}–{_cell(hi)}"
            cells = [kind, _cell(direction), months, _cell(deadline), _cell(sentence, 240), _cell(url)]
            lines.append("| " + " | ".join(cells) + " |")
    else:
        lines.append("none")
    return "\n".join(lines) + "\n"
