"""The HTML report: one self-contained file with inline CSS and inline SVG charts, no script, no network.

Sections: (a) claimed vs measured lag over time, (b) forecast timeline with outcomes, (c) source scorecard,
(d) latest claims with their evidence. Data is read from the warehouse's read snapshot (`warehouse.reader`), and
every piece of stored text is escaped: evidence sentences and titles are untrusted web content.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from claimwatch.svg import (
    Linear,
    date_domain,
    date_ticks,
    element,
    esc,
    fmt_num,
    nice_ticks,
    polyline_path,
    tooltip,
    truncate,
)
from warehouse import reader

log = logging.getLogger(__name__)

LATEST_CLAIMS = 60
MAX_FORECAST_ROWS = 40
MAX_LAG_SERIES = 4

# Okabe–Ito palette (distinguishable with the common colour-vision deficiencies).
VERDICT_COLORS: dict[str, str] = {
    "within": "#009E73",
    "confirmed": "#009E73",
    "overstated": "#D55E00",
    "incorrect": "#D55E00",
    "understated": "#E69F00",
    "pending": "#56B4E9",
    "flagged": "#CC79A7",
    "unmeasurable": "#8C8C8C",
    "unresolvable": "#8C8C8C",
    "unresolved": "#C7C7C7",
}
VERDICT_HELP: dict[str, str] = {
    "within": "measured lag inside the claimed range",
    "overstated": "claimed gap larger than measured",
    "understated": "claimed gap smaller than measured",
    "unmeasurable": "no measured lag for these groups",
    "confirmed": "happened inside the deadline",
    "incorrect": "deadline passed without it",
    "pending": "deadline not reached yet",
    "flagged": "deadline ended before publication",
    "unresolvable": "target not measurable",
    "unresolved": "not resolved yet",
}
GAP_VERDICTS = ("within", "overstated", "understated", "unmeasurable", "unresolved")
FORECAST_VERDICTS = ("confirmed", "incorrect", "pending", "flagged", "unresolvable", "unresolved")
SERIES_COLORS = ("#0B3C5D", "#8E6BB5", "#4D8FAC", "#7F7F7F")

HINT_RUN = "run <code>claimwatch run</code> (or <code>claimwatch demo</code>)"
HINT_LAG = (
    "run <code>claimwatch releases sync</code>, then "
    "<code>claimwatch lag --lagging country=CN --leading country=US</code>"
)
HINT_OUTCOMES = "run <code>claimwatch releases sync</code>, then <code>claimwatch run</code> to resolve the claims"


@dataclass
class ReportData:
    """Everything the report shows, read from the snapshot in one go."""

    as_of: date
    db_name: str
    claims: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    has_outcomes_table: bool = False
    lag: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    has_lag_table: bool = False
    lag_computed: bool = False
    scorecard: list[dict[str, Any]] | None = None
    releases: int | None = None
    scores: int | None = None

    def verdict(self, claim_id: str) -> str:
        """The claim's latest verdict on or before the report date, or 'unresolved'."""
        row = self.outcomes.get(claim_id)
        return str(row["verdict"]) if row and row.get("verdict") else "unresolved"


# ---------------------------------------------------------------------------------------------------- reading


def _relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
    result = con.execute(sql, list(params))
    names = [d[0] for d in (result.description or [])]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _computed_lag(con: duckdb.DuckDBPyConnection, day: date) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The headline CN-behind-US ECI lag computed in memory from stored scores (when no series is stored)."""
    try:
        from warehouse.outcomes.lag import group_key, load_points, series_from_points

        lagging, leading = {"country": "CN"}, {"country": "US"}
        series = series_from_points(load_points(con, "eci", day), lagging, leading, "eci")
    except (ImportError, duckdb.Error, ValueError, TypeError, KeyError) as exc:
        log.warning("could not compute the measured lag for the report: %s", exc)
        return {}
    rows = [{"lagging_group": group_key(lagging), "leading_group": group_key(leading), "metric": "eci",
             "day": p.day, "lag_months": p.lag_months, "censored": p.censored, "lagging_model": p.lagging_model}
            for p in series.points if p.day <= day]
    return {(group_key(lagging), group_key(leading), "eci"): rows} if rows else {}


def load_report_data(db_path: str | Path, as_of: date | None = None) -> ReportData:
    """Read claims, outcomes, measured lag and the scorecard from the warehouse's read snapshot."""
    day = as_of or datetime.now(UTC).date()
    data = ReportData(as_of=day, db_name=Path(db_path).name)
    with reader(db_path) as con:
        rels = _relations(con)
        if "v_claims" in rels:
            data.claims = _dicts(
                con,
                "SELECT * FROM v_claims WHERE published_at IS NULL OR published_at <= ? "
                "ORDER BY published_at DESC NULLS LAST, claim_id",
                [day],
            )
        if "outcomes" in rels:
            data.has_outcomes_table = True
            # The latest resolution on or before the report date (v_claim_outcomes without the as-of cut).
            rows = _dicts(
                con,
                "SELECT claim_id, as_of, verdict, measured_months, error_months, note, method FROM outcomes "
                "WHERE as_of <= ? QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY as_of DESC, "
                "computed_at DESC) = 1",
                [day],
            )
            data.outcomes = {str(r["claim_id"]): r for r in rows}
        if "lag_series" in rels:
            data.has_lag_table = True
            for r in _dicts(
                con,
                "SELECT lagging_group, leading_group, metric, day, lag_months, censored, lagging_model "
                "FROM lag_series WHERE day <= ? AND lag_months IS NOT NULL "
                "ORDER BY lagging_group, leading_group, metric, day",
                [day],
            ):
                key = (str(r["lagging_group"]), str(r["leading_group"]), str(r["metric"]))
                data.lag.setdefault(key, []).append(r)
        if not data.lag and "scores" in rels and "releases" in rels:
            data.lag = _computed_lag(con, day)
            data.lag_computed = bool(data.lag)
        if "v_source_scorecard" in rels and "outcomes" in rels:
            data.scorecard = _dicts(con, "SELECT * FROM v_source_scorecard")
        if "releases" in rels:
            data.releases = _count(con, "releases")
        if "scores" in rels:
            data.scores = _count(con, "scores")
    log.debug("report data: %d claims, %d outcomes, %d lag series", len(data.claims), len(data.outcomes),
              len(data.lag))
    return data


# ---------------------------------------------------------------------------------------------------- helpers


def safe_href(url: object) -> str | None:
    """Return the URL when it is a plain http(s) link, else None (no javascript:, data:, or relative links)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _months(low: object, high: object, approximate: object = False) -> str:
    lo = float(low) if isinstance(low, int | float) else None
    hi = float(high) if isinstance(high, int | float) else None
    if lo is None and hi is None:
        return ""
    tilde = "~" if approximate else ""
    if lo is None or hi is None or lo == hi:
        v = lo if lo is not None else hi
        assert v is not None
        return f"{tilde}{fmt_num(v)} month{'' if v == 1 else 's'}"
    return f"{tilde}{fmt_num(lo)}–{fmt_num(hi)} months"


def _group_text(value: object) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    if isinstance(value, dict) and value:
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    return ""


def group_label(spec: str) -> str:
    """Short label of a lag_series group key: 'country=CN,openness=open' → 'CN open'."""
    vals = [part.split("=", 1)[-1] for part in spec.split(",") if part]
    return " ".join(v for v in vals if v) or spec


def _who(claim: dict[str, Any]) -> str:
    return str(claim.get("outlet") or claim.get("source") or "unknown source")


def claim_summary(claim: dict[str, Any]) -> str:
    """One plain-text line saying what a claim asserts (subject, direction, amount or target and deadline)."""
    subject = claim.get("subject") or _group_text(claim.get("subject_group")) or "?"
    if claim.get("kind") == "forecast":
        target = claim.get("target") or ", ".join(claim.get("target_models") or []) or "?"
        deadline = claim.get("deadline_text") or claim.get("deadline_end")
        return f"{subject} will reach {target}" + (f" by {deadline}" if deadline else " (no deadline)")
    reference = claim.get("reference") or _group_text(claim.get("reference_group")) or "?"
    direction = claim.get("direction") or "behind"
    amount = _months(claim.get("months_low"), claim.get("months_high"), claim.get("approximate"))
    if direction == "parity":
        return f"{subject} at parity with {reference}"
    return f"{subject} {direction} {reference}" + (f" by {amount}" if amount else "")


def _pct(value: object) -> str:
    return f"{float(value) * 100:.0f}%" if isinstance(value, int | float) else "–"


def _num(value: object, digits: int = 2) -> str:
    return f"{float(value):.{digits}f}" if isinstance(value, int | float) else "–"


def _badge(verdict: str) -> str:
    color = VERDICT_COLORS.get(verdict, VERDICT_COLORS["unresolved"])
    return (f'<span class="badge" style="--c:{esc(color)}" title="{esc(VERDICT_HELP.get(verdict, ""))}">'
            f"{esc(verdict)}</span>")


def _legend(items: Sequence[tuple[str, str, str]]) -> str:
    """An HTML legend: (kind 'dot'|'line'|'dash'|'bar', colour, label) items."""
    parts = []
    for kind, color, label in items:
        parts.append(f'<li><span class="key key-{esc(kind)}" style="--c:{esc(color)}" aria-hidden="true"></span>'
                     f"{esc(label)}</li>")
    return f'<ul class="legend">{"".join(parts)}</ul>'


def _empty(message_html: str) -> str:
    return f'<p class="empty">{message_html}</p>'


# ---------------------------------------------------------------------------------------------------- charts

W, H = 1000, 440
ML, MR, MT, MB = 64, 24, 20, 52


def _x_axis(x: Linear, lo: date, hi: date, y0: float, top: float) -> str:
    out = []
    for d, label in date_ticks(lo, hi):
        px = x(d.toordinal())
        out.append(element("line", x1=px, x2=px, y1=top, y2=y0, class_="grid"))
        out.append(element("text", esc(label), x=px, y=y0 + 18, class_="tick", text_anchor="middle"))
    out.append(element("line", x1=x.r0, x2=x.r1, y1=y0, y2=y0, class_="axis"))
    return "".join(out)


def ordered_series(data: ReportData) -> list[tuple[tuple[str, str, str], list[dict[str, Any]]]]:
    """Measured lag series, the headline first: country comparisons (CN vs US), then the longest series."""
    def rank(kv: tuple[tuple[str, str, str], list[dict[str, Any]]]) -> tuple[int, int, str]:
        (lagging, leading, metric), rows = kv
        headline = lagging.startswith("country=") and leading.startswith("country=")
        return (0 if headline else 1, -len(rows), f"{lagging}|{leading}|{metric}")
    return sorted(data.lag.items(), key=rank)


def lag_chart(data: ReportData) -> str:
    """Section (a): claimed gap months per claim (with ranges) over the measured lag series."""
    gaps = [c for c in data.claims if c.get("kind") == "gap"]
    plotted: list[tuple[dict[str, Any], date, float, float, float]] = []
    for c in gaps:
        day = _as_date(c.get("published_at"))
        lo, hi = c.get("months_low"), c.get("months_high")
        if c.get("direction") == "parity" and lo is None and hi is None:
            lo = hi = 0.0
        if day is None or (lo is None and hi is None):
            continue
        lo_f = float(lo if lo is not None else hi)  # type: ignore[arg-type]
        hi_f = float(hi if hi is not None else lo)  # type: ignore[arg-type]
        plotted.append((c, day, lo_f, hi_f, (lo_f + hi_f) / 2))
    series = ordered_series(data)[:MAX_LAG_SERIES]

    notes = []
    if not series:
        notes.append("No measured lag yet — " + HINT_LAG + ".")
    elif data.lag_computed:
        notes.append("The measured lag line was computed from the stored scores for this report; "
                     "<code>claimwatch lag</code> stores the series in the warehouse.")
    if not gaps:
        notes.append("No gap claims in the warehouse yet — " + HINT_RUN + ".")
    elif len(plotted) < len(gaps):
        notes.append(f"{len(gaps) - len(plotted)} gap claim(s) without a publication date or amount are not plotted.")
    note_html = "".join(f'<p class="note">{n}</p>' for n in notes)
    if not plotted and not series:
        return _empty(" ".join(notes))

    days = [p[1] for p in plotted] + [r["day"] for _, rows in series for r in rows]
    lo_d, hi_d = date_domain(days) or (data.as_of, data.as_of)
    values = [p[2] for p in plotted] + [p[3] for p in plotted]
    values += [float(r["lag_months"]) for _, rows in series for r in rows]
    for p in plotted:
        m = (data.outcomes.get(str(p[0]["claim_id"])) or {}).get("measured_months")
        if isinstance(m, int | float):
            values.append(float(m))
    yt = nice_ticks(min([0.0, *values]), max([1.0, *values]), 6)
    x = Linear(lo_d.toordinal(), hi_d.toordinal(), ML, W - MR)
    y = Linear(yt[0], yt[-1], H - MB, MT)
    svg: list[str] = ['<title id="lag-title">Claimed vs measured lag over time</title>',
                      '<desc id="lag-desc">Each dot is a gap claim at its publication date, its bar the claimed '
                      "low–high range; lines are the measured lag between groups of models.</desc>"]
    for t in yt:
        py = y(t)
        svg.append(element("line", x1=ML, x2=W - MR, y1=py, y2=py, class_="grid"))
        svg.append(element("text", esc(fmt_num(t)), x=ML - 8, y=py + 4, class_="tick", text_anchor="end"))
    svg.append(_x_axis(x, lo_d, hi_d, H - MB, MT))
    svg.append(element("text", "months behind", class_="axis-label", text_anchor="middle",
                       transform=f"translate(16 {fmt_num((MT + H - MB) / 2)}) rotate(-90)"))
    svg.append(element("text", "date (claims at publication date)", x=(ML + W - MR) / 2, y=H - 10,
                       class_="axis-label", text_anchor="middle"))

    legend: list[tuple[str, str, str]] = []
    for i, ((lagging, leading, metric), rows) in reversed(list(enumerate(series))):
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        name = f"measured: {group_label(lagging)} behind {group_label(leading)} ({metric.upper()})"
        legend.insert(0, ("line", color, name))
        # contiguous runs of censored / uncensored days: a censored lag is only a lower bound (dashed)
        runs: list[tuple[bool, list[tuple[float, float]]]] = []
        for r in rows:
            pt = (x(_as_date(r["day"]).toordinal()), y(float(r["lag_months"])))  # type: ignore[union-attr]
            cens = bool(r["censored"])
            if runs and runs[-1][0] == cens:
                runs[-1][1].append(pt)
            else:
                if runs:
                    runs[-1][1].append(pt)  # join the runs so the line is continuous
                runs.append((cens, [pt]))
        latest = rows[-1]
        line_tip = (f"{name}: {fmt_num(float(latest['lag_months']))} months on {latest['day']}"
                    f" (latest; dashed = lower bound)")
        group = [tooltip(line_tip)]
        for cens, pts in runs:
            group.append(element("path", d=polyline_path(pts), fill="none", stroke=color,
                                 stroke_width=2 if not cens else 1.5,
                                 stroke_dasharray="5 4" if cens else None, class_="series"))
        # one hoverable marker per month with the measured value
        seen: set[tuple[int, int]] = set()
        for r in rows:
            d = _as_date(r["day"])
            assert d is not None
            if (d.year, d.month) in seen and r is not latest:
                continue
            seen.add((d.year, d.month))
            val = float(r["lag_months"])
            tip = (f"{d.isoformat()}: {group_label(lagging)} {fmt_num(val)} months behind {group_label(leading)}"
                   f" on {metric.upper()}" + (" (lower bound)" if r["censored"] else "")
                   + (f" — best model {r['lagging_model']}" if r.get("lagging_model") else ""))
            group.append(element("circle", tooltip(tip), cx=x(d.toordinal()), cy=y(val), r=3, fill=color,
                                 class_="marker"))
        svg.append(f'<g class="lag-series">{"".join(group)}</g>')

    verdicts_seen: Counter[str] = Counter()
    n_measured = 0
    for c, day, lo_f, hi_f, mid in sorted(plotted, key=lambda p: p[1]):
        verdict = data.verdict(str(c["claim_id"]))
        verdicts_seen[verdict] += 1
        color = VERDICT_COLORS.get(verdict, VERDICT_COLORS["unresolved"])
        px = x(day.toordinal())
        out = data.outcomes.get(str(c["claim_id"])) or {}
        measured = out.get("measured_months")
        tip = (f"{day.isoformat()} · {_who(c)}"
               + (f" · {c['attributed_to']}" if c.get("attributed_to") else "")
               + f"\n{claim_summary(c)}\n“{truncate(str(c.get('sentence') or ''), 220)}”\nverdict: {verdict}"
               + (f"; measured {fmt_num(float(measured))} months" if isinstance(measured, int | float) else ""))
        parts = [tooltip(tip)]
        if hi_f > lo_f:
            parts.append(element("line", x1=px, x2=px, y1=y(lo_f), y2=y(hi_f), stroke=color, class_="range"))
            for v in (lo_f, hi_f):
                parts.append(element("line", x1=px - 4, x2=px + 4, y1=y(v), y2=y(v), stroke=color, class_="range"))
        if isinstance(measured, int | float) and verdict != "unmeasurable":
            my = y(float(measured))
            n_measured += 1
            parts.append(element("line", x1=px, x2=px, y1=y(mid), y2=my, class_="error-link"))
            parts.append(element("path", d=f"M{fmt_num(px)},{fmt_num(my - 5)}l5,5l-5,5l-5,-5z", class_="measured"))
        parts.append(element("circle", cx=px, cy=y(mid), r=6.5, fill=color, class_="claim-dot"
                             + (" hollow" if verdict == "unresolved" else "")))
        svg.append(f'<g class="claim">{"".join(parts)}</g>')

    for gv in GAP_VERDICTS:
        if verdicts_seen[gv]:
            legend.append(("dot", VERDICT_COLORS[gv], f"claim: {gv} ({verdicts_seen[gv]})"))
    if plotted:
        legend.append(("bar", "#57606a", "claimed range (low–high)"))
    if n_measured:
        legend.append(("diamond", "#1f2328", "measured lag for the claim's own groups (dotted: the error)"))
    if series:
        legend.append(("dash", "#57606a", "measured lag is a lower bound"))
    chart = (f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-labelledby="lag-title lag-desc" '
             f'xmlns="http://www.w3.org/2000/svg" id="lag-chart">'
             + "".join(svg) + "</svg>")
    return note_html + chart + _legend(legend)


def forecast_chart(data: ReportData) -> str:
    """Section (b): each forecast as a bar from publication to deadline, coloured by its verdict."""
    forecasts = [c for c in data.claims if c.get("kind") == "forecast"]
    if not forecasts:
        return _empty("No forecasts in the warehouse yet — " + HINT_RUN + ".")
    shown = forecasts[:MAX_FORECAST_ROWS]  # claims are newest first
    shown.sort(key=lambda c: (_as_date(c.get("published_at")) or date.min, str(c.get("claim_id"))))
    label_w, verdict_w, row_h, top, bottom = 330, 112, 24, 16, 48
    width = W
    height = top + row_h * len(shown) + bottom
    days: list[date | None] = [data.as_of]
    for c in shown:
        days += [_as_date(c.get("published_at")), _as_date(c.get("deadline_start")), _as_date(c.get("deadline_end"))]
    lo_d, hi_d = date_domain(days) or (data.as_of, data.as_of)
    x = Linear(lo_d.toordinal(), hi_d.toordinal(), label_w, width - verdict_w)
    y0 = top + row_h * len(shown)
    svg: list[str] = [f'<title id="fc-title">Forecast timeline: {len(shown)} forecasts with outcomes</title>',
                      '<desc id="fc-desc">Each bar runs from the date a forecast was published to its deadline; '
                      "colour is the outcome.</desc>"]
    for i in range(0, len(shown), 2):
        svg.append(element("rect", x=0, y=top + row_h * i, width=width, height=row_h, class_="stripe"))
    svg.append(_x_axis(x, lo_d, hi_d, y0, top - 6))
    ax = x(data.as_of.toordinal())
    svg.append(element("line", x1=ax, x2=ax, y1=top - 8, y2=y0, class_="asof"))
    svg.append(element("text", esc(f"as of {data.as_of.isoformat()}"), x=ax, y=y0 + 34, class_="asof-label",
                       text_anchor="middle"))
    counts: Counter[str] = Counter()
    for i, c in enumerate(shown):
        cy = top + row_h * i + row_h / 2
        verdict = data.verdict(str(c["claim_id"]))
        counts[verdict] += 1
        color = VERDICT_COLORS.get(verdict, VERDICT_COLORS["unresolved"])
        pub = _as_date(c.get("published_at"))
        end = _as_date(c.get("deadline_end")) or _as_date(c.get("deadline_start"))
        out = data.outcomes.get(str(c["claim_id"])) or {}
        tip = (f"{pub.isoformat() if pub else 'undated'} · {_who(c)}"
               + (f" · {c['attributed_to']}" if c.get("attributed_to") else "")
               + f"\n{claim_summary(c)}\n“{truncate(str(c.get('sentence') or ''), 220)}”\nverdict: {verdict}"
               + (f" — {out['note']}" if out.get("note") else ""))
        parts = [tooltip(tip)]
        label = truncate(claim_summary(c), 44)
        parts.append(element("text", esc(label), x=label_w - 10, y=cy + 4, class_="row-label", text_anchor="end"))
        if pub is not None and end is not None:
            a, b = sorted((x(pub.toordinal()), x(end.toordinal())))
            parts.append(element("rect", x=a, y=cy - 6, width=max(b - a, 3.0), height=12, rx=3, fill=color,
                                 class_="bar" + (" flagged" if verdict == "flagged" else "")))
            parts.append(element("line", x1=x(end.toordinal()), x2=x(end.toordinal()), y1=cy - 9, y2=cy + 9,
                                 stroke=color, class_="deadline"))
        elif pub is not None:
            px = x(pub.toordinal())
            parts.append(element("circle", cx=px, cy=cy, r=5, fill=color, class_="bar"))
            parts.append(element("text", "no deadline", x=px + 9, y=cy + 4, class_="row-note"))
        elif end is not None:
            px = x(end.toordinal())
            parts.append(element("line", x1=px, x2=px, y1=cy - 9, y2=cy + 9, stroke=color, class_="deadline"))
            parts.append(element("text", "publication date unknown", x=px + 8, y=cy + 4, class_="row-note"))
        parts.append(element("text", esc(verdict), x=width - verdict_w + 10, y=cy + 4, class_="row-verdict",
                             fill=color if verdict not in ("pending", "unresolved") else "#24527a"))
        svg.append(f'<g class="forecast">{"".join(parts)}</g>')
    chart = (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="fc-title fc-desc" '
             f'xmlns="http://www.w3.org/2000/svg" id="forecast-chart">' + "".join(svg) + "</svg>")
    legend = [("bar", VERDICT_COLORS[v], f"{v} ({counts[v]}) — {VERDICT_HELP[v]}")
              for v in FORECAST_VERDICTS if counts[v]]
    legend.append(("line", "#1f2328", "report date"))
    extra = ""
    if len(forecasts) > len(shown):
        extra = f'<p class="note">Showing the {len(shown)} most recent of {len(forecasts)} forecasts.</p>'
    if not data.has_outcomes_table or not data.outcomes:
        extra += f'<p class="note">No outcomes yet — {HINT_OUTCOMES}.</p>'
    return extra + chart + _legend(legend)


# ---------------------------------------------------------------------------------------------------- tables

SCORECARD_COLUMNS = (
    ("name", "Name"), ("claims", "Claims"), ("resolved", "Resolved"), ("hits", "Hits"), ("pending", "Pending"),
    ("flagged", "Flagged"), ("hit_rate", "Hit rate"), ("mae_months", "MAE (months)"),
    ("brier", "Brier score"),
)


def scorecard_table(data: ReportData) -> str:
    """Section (c): the source scorecard (v_source_scorecard), one table per level."""
    if data.scorecard is None:
        return _empty("No scorecard yet — " + HINT_OUTCOMES + ".")
    if not data.scorecard:
        return _empty("The scorecard is empty: no claim has an outcome yet — " + HINT_OUTCOMES + ".")
    levels: dict[str, list[dict[str, Any]]] = {}
    for row in data.scorecard:
        levels.setdefault(str(row.get("level") or "source"), []).append(row)
    cols = [(k, label) for k, label in SCORECARD_COLUMNS if k in data.scorecard[0]]
    known = {k for k, _ in SCORECARD_COLUMNS} | {"level"}
    cols += [(k, k.replace("_", " ")) for k in data.scorecard[0] if k not in known]
    html = []
    order = ["claimant", "outlet", "source", *sorted(set(levels) - {"claimant", "outlet", "source"})]
    for level in order:
        rows = levels.get(level)
        if not rows:
            continue
        head = "".join(f'<th scope="col" class="{"num" if k != "name" else ""}">{esc(label)}</th>'
                       for k, label in cols)
        body = []
        for r in rows:
            cells = []
            for k, _ in cols:
                v = r.get(k)
                if k == "name":
                    cells.append(f'<th scope="row">{esc(v)}</th>')
                elif k == "hit_rate":
                    bar = ""
                    if isinstance(v, int | float):
                        bar = (f'<svg class="minibar" viewBox="0 0 60 8" aria-hidden="true">'
                               f'<rect width="60" height="8" rx="2" class="minibar-bg"/>'
                               f'<rect width="{fmt_num(float(v) * 60)}" height="8" rx="2" class="minibar-fg"/></svg>')
                    cells.append(f'<td class="num">{bar}{esc(_pct(v))}</td>')
                elif k in ("mae_months", "brier"):
                    cells.append(f'<td class="num">{esc(_num(v))}</td>')
                else:
                    cells.append(f'<td class="num">{esc("–" if v is None else v)}</td>')
            body.append(f"<tr>{''.join(cells)}</tr>")
        html.append(f'<h3>By {esc(level)}</h3><div class="table-wrap"><table class="scorecard">'
                    f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")
    html.append('<p class="note">Hit rate = hits / resolved. MAE: mean absolute error of the claimed months, '
                "over resolved gap claims. "
                "Brier score compares the confidence implied by the hedging (e.g. “probably” ≈ 0.7) with "
                "hit (1) or miss (0); lower is better. The scorecard uses each claim's latest resolution.</p>")
    return "".join(html)


def claims_table(data: ReportData) -> str:
    """Section (d): the latest claims with evidence sentence, who said it, hedging, outcome and a link."""
    if not data.claims:
        return _empty("No claims in the warehouse yet — " + HINT_RUN + ".")
    rows = []
    for c in data.claims[:LATEST_CLAIMS]:
        day = _as_date(c.get("published_at"))
        href = safe_href(c.get("url"))
        title = str(c.get("title") or c.get("url") or "(untitled)")
        link = (f'<a href="{esc(href)}" rel="noopener noreferrer nofollow" target="_blank">'
                f"{esc(truncate(title, 90))}</a>" if href else esc(truncate(title, 90)))
        who = c.get("attributed_to")
        hedge = (f'<span class="hedge">hedged · confidence {esc(_num(c.get("confidence")))}</span>'
                 if c.get("hedged") else '<span class="hedge firm">unhedged</span>')
        flags = c.get("flags") or []
        flag_html = "".join(f'<span class="flag">{esc(f)}</span>' for f in flags)
        verdict = data.verdict(str(c["claim_id"]))
        out = data.outcomes.get(str(c["claim_id"])) or {}
        measured = out.get("measured_months")
        outcome = _badge(verdict)
        if isinstance(measured, int | float):
            outcome += f'<div class="small">measured {esc(fmt_num(float(measured)))} months</div>'
        if out.get("note"):
            outcome += f'<div class="small muted">{esc(truncate(str(out["note"]), 140))}</div>'
        speaker = f"— {esc(who)}" if who else '<span class="muted">no named speaker</span>'
        rows.append(
            "<tr>"
            f'<td class="date">{esc(day.isoformat() if day else "undated")}</td>'
            f'<td><div class="src">{esc(_who(c))}</div><div class="small">{link}</div></td>'
            f'<td><div class="kind">{esc(c.get("kind"))}</div><div>{esc(claim_summary(c))}</div>{flag_html}</td>'
            f"<td><blockquote>{esc(c.get('sentence'))}</blockquote>"
            f'<div class="small">{speaker}'
            f" · {hedge}</div></td>"
            f"<td>{outcome}</td>"
            "</tr>"
        )
    more = ""
    if len(data.claims) > LATEST_CLAIMS:
        more = (f'<p class="note">Showing the {LATEST_CLAIMS} most recent of {len(data.claims)} claims; '
                "<code>claimwatch sql</code> or <code>claimwatch export</code> give all of them.</p>")
    return (more + '<div class="table-wrap"><table class="claims"><thead><tr>'
            '<th scope="col">Published</th><th scope="col">Source</th><th scope="col">Claim</th>'
            '<th scope="col">Evidence · who said it · hedging</th><th scope="col">Outcome</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


# ---------------------------------------------------------------------------------------------------- page

CSS = """
:root{--fg:#1f2328;--muted:#57606a;--line:#d8dee4;--bg:#ffffff;--soft:#f6f8fa;--accent:#0B3C5D}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);
 font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","DejaVu Sans",Arial,sans-serif}
header.top{background:var(--accent);color:#fff;padding:28px 0 24px}
header.top h1{margin:0 0 4px;font-size:28px;letter-spacing:-.01em}
header.top p{margin:0;color:#d6e4f0}
header.top code{background:rgba(255,255,255,.14);color:#fff}
main,.wrap{max-width:1100px;margin:0 auto;padding:0 24px}
section{margin:34px 0 10px}
h2{font-size:21px;margin:0 0 4px;letter-spacing:-.01em}
h3{font-size:15px;margin:20px 0 8px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.lede{color:var(--muted);margin:0 0 14px;max-width:80ch}
.stats{display:flex;flex-wrap:wrap;gap:12px;margin:22px 0 0;padding:0;list-style:none}
.stats li{flex:1 1 120px;background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:10px 16px;
 min-width:130px}
.stats b{display:block;font-size:24px;font-variant-numeric:tabular-nums}
.stats span{color:var(--muted);font-size:13px}
svg.chart{width:100%;height:auto;display:block;background:#fff;border:1px solid var(--line);border-radius:8px}
svg.chart text{font-family:inherit}
.grid{stroke:#eef1f4;stroke-width:1}
.axis{stroke:#8c959f;stroke-width:1}
.tick{font-size:12px;fill:#57606a}
.axis-label{font-size:12.5px;fill:#3d444d;font-weight:600}
.range{stroke-width:2;stroke-linecap:round;opacity:.75}
.claim-dot{stroke:#fff;stroke-width:2}
.series{opacity:.9}
.error-link{stroke:#57606a;stroke-width:1.25;stroke-dasharray:2 3}
.measured{fill:#fff;stroke:#1f2328;stroke-width:1.5}
.claim-dot.hollow{fill:#fff;stroke:#8c959f;stroke-width:2}
.marker{opacity:.0}
.lag-series:hover .marker{opacity:.9}
.stripe{fill:#f6f8fa}
.row-label{font-size:12.5px;fill:#1f2328}
.row-note{font-size:11.5px;fill:#57606a;font-style:italic}
.row-verdict{font-size:12px;font-weight:600}
.bar.flagged{stroke:#7a2e5d;stroke-width:1.5;stroke-dasharray:3 2}
.deadline{stroke-width:2}
.asof{stroke:#1f2328;stroke-width:1.25;stroke-dasharray:4 3}
.asof-label{font-size:12px;fill:#1f2328}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;list-style:none;padding:0;margin:10px 0 0;font-size:13px;
 color:#3d444d}
.legend li{display:flex;align-items:center;gap:6px}
.key{display:inline-block;flex:none}
.key-dot{width:11px;height:11px;border-radius:50%;background:var(--c)}
.key-line{width:22px;height:3px;background:var(--c);border-radius:2px}
.key-dash{width:22px;height:0;border-top:2px dashed var(--c)}
.key-diamond{width:9px;height:9px;border:1.5px solid var(--c);background:#fff;transform:rotate(45deg);margin:0 2px}
.key-bar{width:20px;height:10px;border-radius:3px;background:var(--c)}
.note,.empty{color:var(--muted);font-size:14px;margin:6px 0 10px}
.empty{background:var(--soft);border:1px dashed var(--line);border-radius:8px;padding:18px}
code{font:13px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,monospace;background:#eff2f5;padding:1px 5px;
 border-radius:4px}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:8px 12px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
thead th{background:var(--soft);font-size:12.5px;color:var(--muted);font-weight:600;white-space:nowrap}
tbody tr:last-child th,tbody tr:last-child td{border-bottom:0}
tbody th{font-weight:600}
table.scorecard{table-layout:fixed}
table.scorecard th:first-child{width:24%;overflow-wrap:anywhere}
table.scorecard thead th{white-space:normal;vertical-align:bottom}
table.scorecard th.num:nth-child(7){width:15%}
table.scorecard th.num:nth-child(8){width:12%}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.minibar{width:60px;height:8px;margin-right:8px;vertical-align:middle}
.minibar-bg{fill:#eaeef2}.minibar-fg{fill:#009E73}
table.claims td:nth-child(2){min-width:140px}
table.claims td.date{white-space:nowrap;font-variant-numeric:tabular-nums;color:var(--muted)}
table.claims td:nth-child(4){min-width:340px}
blockquote{margin:0 0 4px;padding:0 0 0 10px;border-left:3px solid #c9d1d9;color:#24292f}
.small{font-size:12.5px;color:#3d444d;margin-top:2px}
.muted{color:var(--muted)}
.src{font-weight:600}
.kind{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;
 background:var(--c);white-space:nowrap}
.hedge{color:#7d4e00}.hedge.firm{color:var(--muted)}
.flag{display:inline-block;margin:4px 4px 0 0;padding:0 6px;font-size:11px;border-radius:4px;background:#fbefff;
 color:#6e2b62;border:1px solid #ecd2f0}
a{color:#0a58ca;text-decoration:none}a:hover{text-decoration:underline}
footer{margin:40px 0 30px;color:var(--muted);font-size:13px;border-top:1px solid var(--line);padding-top:14px}
@media print{header.top{background:none;color:#000}header.top p{color:#333}}
"""


def _stats(data: ReportData) -> str:
    gaps = sum(1 for c in data.claims if c.get("kind") == "gap")
    forecasts = sum(1 for c in data.claims if c.get("kind") == "forecast")
    verdicts = Counter(data.verdict(str(c["claim_id"])) for c in data.claims)
    resolved = sum(verdicts[v] for v in ("within", "overstated", "understated", "confirmed", "incorrect"))
    hits = verdicts["within"] + verdicts["confirmed"]
    sources = len({_who(c) for c in data.claims})
    items = [(str(len(data.claims)), "claims"), (str(gaps), "gap claims"), (str(forecasts), "forecasts"),
             (str(resolved), "resolved"), (f"{hits / resolved * 100:.0f}%" if resolved else "–", "hit rate"),
             (str(sources), "sources")]
    if data.lag:
        key, rows = ordered_series(data)[0]
        last = rows[-1]
        items.append((f"{fmt_num(float(last['lag_months']))} mo",
                      f"measured {group_label(key[0])} behind {group_label(key[1])}, {last['day']}"))
    return '<ul class="stats">' + "".join(f"<li><b>{esc(v)}</b><span>{esc(k)}</span></li>" for v, k in items) + "</ul>"


def render_html(data: ReportData) -> str:
    """Render the full report page (no script, inline CSS and SVG only)."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    data_note = []
    if data.releases is not None:
        data_note.append(f"{data.releases} releases")
    if data.scores is not None:
        data_note.append(f"{data.scores} scores")
    sections = [
        ("lag", "Claimed vs measured lag",
         "What sources said the gap was (dots at the publication date, bars for a stated range) against the lag "
         "measured from capability scores: the time since the leading group first reached the lagging group's best "
         "score.", lag_chart(data)),
        ("forecasts", "Forecasts and outcomes",
         "Each forecast runs from the day it was published to its deadline, coloured by how it turned out.",
         forecast_chart(data)),
        ("scorecard", "Source scorecard",
         "How often each claimant, outlet and source was right, and by how much it missed.",
         scorecard_table(data)),
        ("claims", "Latest claims",
         "The newest claims with the sentence they were read from, who said it, how hedged it was, and a link to "
         "the source.", claims_table(data)),
    ]
    body = "".join(
        f'<section id="{sid}" aria-labelledby="{sid}-h"><h2 id="{sid}-h">{esc(title)}</h2>'
        f'<p class="lede">{esc(lede)}</p>{content}</section>'
        for sid, title, lede, content in sections
    )
    nav = " · ".join(f'<a href="#{sid}">{esc(title)}</a>' for sid, title, _, _ in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'\">"
        '<meta name="referrer" content="no-referrer">'
        f"<title>claimwatch report — {esc(data.as_of.isoformat())}</title>"
        f"<style>{CSS}</style></head><body>"
        f'<header class="top"><div class="wrap"><h1>claimwatch report</h1>'
        f"<p>Claims about AI progress, checked against what shipped · as of {esc(data.as_of.isoformat())} · "
        f"warehouse <code>{esc(data.db_name)}</code></p></div></header>"
        f'<main><nav class="note" aria-label="sections">{nav}</nav>{_stats(data)}{body}'
        f"<footer>Generated {esc(generated)} by claimwatch from the read snapshot of "
        f"<code>{esc(data.db_name)}</code>"
        + (f" ({esc(', '.join(data_note))})" if data_note else "")
        + ". Outcomes are the latest resolution on or before the report date."
        + (" Capability scores: Epoch AI Capabilities Index (CC BY 4.0)." if data.scores else "")
        + " Hover a point or bar for its details.</footer>"
        "</main></body></html>\n"
    )


def render_report(db_path: str | Path, out_path: str | Path, as_of: date | None = None) -> Path:
    """Write the self-contained HTML report for a warehouse to out_path and return the path written."""
    data = load_report_data(db_path, as_of)
    page = render_html(data)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)
    log.info("wrote report %s (%d bytes)", out, len(page))
    return out
