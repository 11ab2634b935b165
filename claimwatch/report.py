"""The HTML report: one self-contained file with inline CSS and inline SVG charts, no script, no network.

Sections: (a) claimed vs measured lag over time, (b) forecast timeline with outcomes, (c) source scorecard,
(d) latest claims with their evidence (and where each publication date came from), (e) verdict coverage.
Data is read from the warehouse's read snapshot (`warehouse.reader`), and every piece of stored text is escaped:
evidence sentences and titles are untrusted web content. Python builds the context; the markup lives in Jinja2
templates under `claimwatch/templates/`, rendered with autoescaping on.
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
from jinja2 import Environment, PackageLoader, StrictUndefined

from claimwatch.svg import Linear, date_domain, date_ticks, fmt_num, nice_ticks, polyline_path, truncate
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
    "needs-judgment": "#F0E442",
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
    "needs-judgment": "deadline passed, no data can decide: a person must judge",
    "unresolved": "not resolved yet",
}
GAP_VERDICTS = ("within", "overstated", "understated", "unmeasurable", "unresolved")
FORECAST_VERDICTS = ("confirmed", "incorrect", "pending", "flagged", "needs-judgment", "unresolvable", "unresolved")
SERIES_COLORS = ("#0B3C5D", "#8E6BB5", "#4D8FAC", "#7F7F7F")


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
    # `table` is one of this module's literal table names, never user input.
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])  # noqa: S608


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
                # release claims are evidence for the registry (v_release_candidates), not claims to score
                "SELECT * FROM v_claims WHERE (published_at IS NULL OR published_at <= ?) AND kind <> 'release' "
                "ORDER BY published_at DESC NULLS LAST, claim_id",
                [day],
            )
        if "outcomes" in rels:
            data.has_outcomes_table = True
            # The latest resolution on or before the report date (v_claim_outcomes without the as-of cut).
            rows = _dicts(
                con,
                "SELECT * EXCLUDE (evidence) FROM outcomes "  # `reason` only exists from migration 0006 on
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


def _claim_tip(claim: dict[str, Any], day: date | None, verdict: str, tail: str) -> str:
    """The hover text of a claim in a chart: when, who, what, the evidence sentence and the verdict."""
    return (f"{day.isoformat() if day else 'undated'} · {_who(claim)}"
            + (f" · {claim['attributed_to']}" if claim.get("attributed_to") else "")
            + f"\n{claim_summary(claim)}\n“{truncate(str(claim.get('sentence') or ''), 220)}”\nverdict: {verdict}"
            + tail)


def _pct(value: object) -> str:
    return f"{float(value) * 100:.0f}%" if isinstance(value, int | float) else "–"


def _num(value: object, digits: int = 2) -> str:
    return f"{float(value):.{digits}f}" if isinstance(value, int | float) else "–"


def _coord(value: object) -> str:
    """An SVG coordinate or number as text: floats compactly (`fmt_num`), anything else as is."""
    return fmt_num(value) if isinstance(value, float) else str(value)


def _verdict_color(verdict: str) -> str:
    return VERDICT_COLORS.get(verdict, VERDICT_COLORS["unresolved"])


def _measured(out: dict[str, Any]) -> float | None:
    m = out.get("measured_months")
    return float(m) if isinstance(m, int | float) else None


# ---------------------------------------------------------------------------------------------------- charts

W, H = 1000, 440
ML, MR, MT, MB = 64, 24, 20, 52


def _x_axis(x: Linear, lo: date, hi: date, y0: float, top: float) -> dict[str, Any]:
    """The date axis of a chart: month ticks at their pixel x, a grid from `top` to `y0`."""
    ticks = [(x(d.toordinal()), label) for d, label in date_ticks(lo, hi)]
    return {"ticks": ticks, "x0": x.r0, "x1": x.r1, "y0": y0, "top": top}


def ordered_series(data: ReportData) -> list[tuple[tuple[str, str, str], list[dict[str, Any]]]]:
    """Measured lag series, the headline first: country comparisons (CN vs US), then the longest series."""
    def rank(kv: tuple[tuple[str, str, str], list[dict[str, Any]]]) -> tuple[int, int, str]:
        (lagging, leading, metric), rows = kv
        headline = lagging.startswith("country=") and leading.startswith("country=")
        return (0 if headline else 1, -len(rows), f"{lagging}|{leading}|{metric}")
    return sorted(data.lag.items(), key=rank)


# --- lag chart, 1: data


@dataclass(frozen=True)
class GapPoint:
    """A gap claim placed on the lag chart: its publication day and claimed months (parity = 0)."""

    claim: dict[str, Any]
    day: date
    low: float
    high: float

    @property
    def mid(self) -> float:
        """The middle of the claimed range, where the dot sits."""
        return (self.low + self.high) / 2


def gap_points(claims: Sequence[dict[str, Any]]) -> list[GapPoint]:
    """The gap claims that have a publication date and an amount (or are parity claims), in input order."""
    points = []
    for c in claims:
        day = _as_date(c.get("published_at"))
        lo, hi = c.get("months_low"), c.get("months_high")
        if c.get("direction") == "parity" and lo is None and hi is None:
            lo = hi = 0.0
        if day is None or (lo is None and hi is None):
            continue
        lo_f = float(lo if lo is not None else hi)  # type: ignore[arg-type]
        hi_f = float(hi if hi is not None else lo)  # type: ignore[arg-type]
        points.append(GapPoint(c, day, lo_f, hi_f))
    return points


def lag_notes(data: ReportData, n_gaps: int, n_plotted: int, has_series: bool) -> list[tuple[str, int]]:
    """What the lag chart lacks, as (note key, count) pairs the template words."""
    notes: list[tuple[str, int]] = []
    if not has_series:
        notes.append(("no_lag", 0))
    elif data.lag_computed:
        notes.append(("computed", 0))
    if not n_gaps:
        notes.append(("no_gaps", 0))
    elif n_plotted < n_gaps:
        notes.append(("unplotted", n_gaps - n_plotted))
    return notes


# --- lag chart, 2: scales


@dataclass(frozen=True)
class LagScales:
    """The lag chart's x (date ordinal → px) and y (months → px) scales, with the y tick values."""

    x: Linear
    y: Linear
    yticks: list[float]
    lo: date
    hi: date


def lag_scales(data: ReportData, points: Sequence[GapPoint], series: Sequence[tuple[Any, list[dict[str, Any]]]],
               ) -> LagScales:
    """Scales covering every claim day, claimed range, measured series value and measured claim value."""
    days = [p.day for p in points] + [r["day"] for _, rows in series for r in rows]
    lo_d, hi_d = date_domain(days) or (data.as_of, data.as_of)
    values = [p.low for p in points] + [p.high for p in points]
    values += [float(r["lag_months"]) for _, rows in series for r in rows]
    values += [m for p in points if (m := _measured(data.outcomes.get(str(p.claim["claim_id"])) or {})) is not None]
    yt = nice_ticks(min([0.0, *values]), max([1.0, *values]), 6)
    x = Linear(lo_d.toordinal(), hi_d.toordinal(), ML, W - MR)
    return LagScales(x, Linear(yt[0], yt[-1], H - MB, MT), yt, lo_d, hi_d)


# --- lag chart, 3: drawing (positions and texts; the markup is in templates/lag_chart.html.j2)


def _censored_runs(rows: Sequence[dict[str, Any]], sc: LagScales) -> list[dict[str, Any]]:
    """Paths through contiguous censored / uncensored days: a censored lag is only a lower bound (dashed)."""
    runs: list[tuple[bool, list[tuple[float, float]]]] = []
    for r in rows:
        pt = (sc.x(_as_date(r["day"]).toordinal()), sc.y(float(r["lag_months"])))  # type: ignore[union-attr]
        cens = bool(r["censored"])
        if runs and runs[-1][0] == cens:
            runs[-1][1].append(pt)
        else:
            if runs:
                runs[-1][1].append(pt)  # join the runs so the line is continuous
            runs.append((cens, [pt]))
    return [{"d": polyline_path(pts), "width": 1.5 if cens else 2, "dash": "5 4" if cens else None}
            for cens, pts in runs]


def _monthly_markers(key: tuple[str, str, str], rows: Sequence[dict[str, Any]], sc: LagScales,
                     ) -> list[dict[str, Any]]:
    """One hoverable marker per month (and the latest day) with the measured value."""
    lagging, leading, metric = key
    markers = []
    seen: set[tuple[int, int]] = set()
    for r in rows:
        d = _as_date(r["day"])
        assert d is not None
        if (d.year, d.month) in seen and r is not rows[-1]:
            continue
        seen.add((d.year, d.month))
        val = float(r["lag_months"])
        tip = (f"{d.isoformat()}: {group_label(lagging)} {fmt_num(val)} months behind {group_label(leading)}"
               f" on {metric.upper()}" + (" (lower bound)" if r["censored"] else "")
               + (f" — best model {r['lagging_model']}" if r.get("lagging_model") else ""))
        markers.append({"cx": sc.x(d.toordinal()), "cy": sc.y(val), "tip": tip})
    return markers


def series_view(index: int, key: tuple[str, str, str], rows: list[dict[str, Any]], sc: LagScales) -> dict[str, Any]:
    """One measured lag series: colour, legend name, line tooltip, paths and monthly markers."""
    lagging, leading, metric = key
    name = f"measured: {group_label(lagging)} behind {group_label(leading)} ({metric.upper()})"
    latest = rows[-1]
    tip = f"{name}: {fmt_num(float(latest['lag_months']))} months on {latest['day']} (latest; dashed = lower bound)"
    return {"color": SERIES_COLORS[index % len(SERIES_COLORS)], "name": name, "tip": tip,
            "paths": _censored_runs(rows, sc), "markers": _monthly_markers(key, rows, sc)}


def gap_claim_view(data: ReportData, p: GapPoint, sc: LagScales) -> dict[str, Any]:
    """One gap claim: dot at the claimed middle, range bar, and the measured lag for its groups as a diamond."""
    verdict = data.verdict(str(p.claim["claim_id"]))
    measured = _measured(data.outcomes.get(str(p.claim["claim_id"])) or {})
    tail = f"; measured {fmt_num(measured)} months" if measured is not None else ""
    shown = measured if measured is not None and verdict != "unmeasurable" else None
    return {"verdict": verdict, "color": _verdict_color(verdict), "px": sc.x(p.day.toordinal()), "cy": sc.y(p.mid),
            "tip": _claim_tip(p.claim, p.day, verdict, tail),
            "range": (sc.y(p.low), sc.y(p.high)) if p.high > p.low else None,
            "measured": sc.y(shown) if shown is not None else None, "hollow": verdict == "unresolved"}


def lag_legend(series: Sequence[dict[str, Any]], claims: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Legend items: the measured series, the claim verdicts seen, then the range / diamond / dash keys."""
    legend = [("line", s["color"], s["name"]) for s in series]
    seen = Counter(c["verdict"] for c in claims)
    legend += [("dot", VERDICT_COLORS[v], f"claim: {v} ({seen[v]})") for v in GAP_VERDICTS if seen[v]]
    if claims:
        legend.append(("bar", "#57606a", "claimed range (low–high)"))
    if any(c["measured"] is not None for c in claims):
        legend.append(("diamond", "#1f2328", "measured lag for the claim's own groups (dotted: the error)"))
    if series:
        legend.append(("dash", "#57606a", "measured lag is a lower bound"))
    return legend


def lag_chart(data: ReportData) -> dict[str, Any]:
    """Section (a): claimed gap months per claim (with ranges) over the measured lag series."""
    gaps = [c for c in data.claims if c.get("kind") == "gap"]
    points = gap_points(gaps)
    series = ordered_series(data)[:MAX_LAG_SERIES]
    notes = lag_notes(data, len(gaps), len(points), bool(series))
    if not points and not series:
        return {"notes": notes, "chart": None}
    sc = lag_scales(data, points, series)
    lines = [series_view(i, key, rows, sc) for i, (key, rows) in enumerate(series)]
    claims = [gap_claim_view(data, p, sc) for p in sorted(points, key=lambda p: p.day)]
    chart = {"width": W, "height": H, "left": ML, "right": W - MR,
             "yticks": [(sc.y(t), fmt_num(t)) for t in sc.yticks],
             "axis": _x_axis(sc.x, sc.lo, sc.hi, H - MB, MT),
             "y_label_at": (MT + H - MB) / 2, "x_label_at": (ML + W - MR) / 2,
             "series": lines[::-1],  # the headline series drawn last, on top
             "claims": claims, "legend": lag_legend(lines, claims)}
    return {"notes": notes, "chart": chart}


# --- forecast chart

FC_LABEL_W, FC_VERDICT_W, FC_ROW_H, FC_TOP, FC_BOTTOM = 330, 112, 24, 16, 48


def forecast_row(data: ReportData, c: dict[str, Any], cy: float, x: Linear) -> dict[str, Any]:
    """One forecast: a bar from publication to deadline (or a dot / tick when one end is unknown)."""
    verdict = data.verdict(str(c["claim_id"]))
    pub = _as_date(c.get("published_at"))
    end = _as_date(c.get("deadline_end")) or _as_date(c.get("deadline_start"))
    out = data.outcomes.get(str(c["claim_id"])) or {}
    bar = None
    if pub is not None and end is not None:
        a, b = sorted((x(pub.toordinal()), x(end.toordinal())))
        bar = {"x": a, "width": max(b - a, 3.0), "end": x(end.toordinal())}
    return {"verdict": verdict, "color": _verdict_color(verdict), "flagged": verdict == "flagged", "cy": cy,
            "tip": _claim_tip(c, pub, verdict, f" — {out['note']}" if out.get("note") else ""),
            "label": truncate(claim_summary(c), 44), "bar": bar,
            "start": x(pub.toordinal()) if pub is not None else None,
            "end": x(end.toordinal()) if end is not None else None,
            "text_color": _verdict_color(verdict) if verdict not in ("pending", "unresolved") else "#24527a"}


def forecast_chart(data: ReportData) -> dict[str, Any] | None:
    """Section (b): each forecast as a bar from publication to deadline, coloured by its verdict."""
    forecasts = [c for c in data.claims if c.get("kind") == "forecast"]
    if not forecasts:
        return None
    shown = forecasts[:MAX_FORECAST_ROWS]  # claims are newest first
    shown.sort(key=lambda c: (_as_date(c.get("published_at")) or date.min, str(c.get("claim_id"))))
    days: list[date | None] = [data.as_of]
    for c in shown:
        days += [_as_date(c.get("published_at")), _as_date(c.get("deadline_start")), _as_date(c.get("deadline_end"))]
    lo_d, hi_d = date_domain(days) or (data.as_of, data.as_of)
    x = Linear(lo_d.toordinal(), hi_d.toordinal(), FC_LABEL_W, W - FC_VERDICT_W)
    y0 = FC_TOP + FC_ROW_H * len(shown)
    rows = [forecast_row(data, c, FC_TOP + FC_ROW_H * i + FC_ROW_H / 2, x) for i, c in enumerate(shown)]
    counts = Counter(r["verdict"] for r in rows)
    legend = [("bar", VERDICT_COLORS[v], f"{v} ({counts[v]}) — {VERDICT_HELP[v]}")
              for v in FORECAST_VERDICTS if counts[v]]
    legend.append(("line", "#1f2328", "report date"))
    return {"width": W, "height": y0 + FC_BOTTOM, "row_h": FC_ROW_H, "label_w": FC_LABEL_W, "verdict_w": FC_VERDICT_W,
            "stripes": [FC_TOP + FC_ROW_H * i for i in range(0, len(shown), 2)],
            "axis": _x_axis(x, lo_d, hi_d, y0, FC_TOP - 6), "as_of_x": x(data.as_of.toordinal()),
            "as_of": data.as_of.isoformat(), "rows": rows, "total": len(forecasts), "legend": legend,
            "has_outcomes": data.has_outcomes_table and bool(data.outcomes)}


# ---------------------------------------------------------------------------------------------------- tables

SCORECARD_COLUMNS = (
    ("name", "Name"), ("claims", "Claims"), ("resolved", "Resolved"), ("hits", "Hits"), ("pending", "Pending"),
    ("flagged", "Flagged"), ("hit_rate", "Hit rate"), ("mae_months", "MAE (months)"),
    ("brier", "Brier score"),
)


def _scorecard_cell(key: str, value: object) -> dict[str, Any]:
    """One scorecard cell: the row name, a hit rate with its mini bar, or a number."""
    if key == "name":
        return {"kind": "name", "text": value}
    if key == "hit_rate":
        return {"kind": "rate", "text": _pct(value),
                "bar": float(value) * 60 if isinstance(value, int | float) else None}
    if key in ("mae_months", "brier"):
        return {"kind": "num", "text": _num(value)}
    return {"kind": "num", "text": "–" if value is None else value}


def scorecard_table(data: ReportData) -> dict[str, Any] | None:
    """Section (c): the source scorecard (v_source_scorecard), one table per level."""
    if data.scorecard is None:
        return None
    if not data.scorecard:
        return {"columns": [], "levels": []}
    levels: dict[str, list[dict[str, Any]]] = {}
    for row in data.scorecard:
        levels.setdefault(str(row.get("level") or "source"), []).append(row)
    cols = [(k, label) for k, label in SCORECARD_COLUMNS if k in data.scorecard[0]]
    known = {k for k, _ in SCORECARD_COLUMNS} | {"level"}
    cols += [(k, k.replace("_", " ")) for k in data.scorecard[0] if k not in known]
    order = ["claimant", "outlet", "source", *sorted(set(levels) - {"claimant", "outlet", "source"})]
    return {"columns": cols,
            "levels": [{"name": level, "rows": [[_scorecard_cell(k, r.get(k)) for k, _ in cols] for r in levels[level]]}
                       for level in order if levels.get(level)]}


def claim_row(data: ReportData, c: dict[str, Any]) -> dict[str, Any]:
    """One row of the latest-claims table: date, source and link, summary, evidence, hedging and outcome."""
    day = _as_date(c.get("published_at"))
    verdict = data.verdict(str(c["claim_id"]))
    out = data.outcomes.get(str(c["claim_id"])) or {}
    measured = _measured(out)
    date_from = ", ".join(str(c[k]) for k in ("published_source", "published_precision") if c.get(k))
    return {"date": day.isoformat() if day else "undated", "date_from": date_from or None,
            "who": _who(c), "href": safe_href(c.get("url")),
            "title": truncate(str(c.get("title") or c.get("url") or "(untitled)"), 90), "kind": c.get("kind"),
            "summary": claim_summary(c), "flags": c.get("flags") or [], "sentence": c.get("sentence"),
            "speaker": c.get("attributed_to"), "confidence": _num(c.get("confidence")) if c.get("hedged") else None,
            "badge": {"verdict": verdict, "color": _verdict_color(verdict), "help": VERDICT_HELP.get(verdict, "")},
            "measured": fmt_num(measured) if measured is not None else None,
            "note": truncate(str(out["note"]), 140) if out.get("note") else None}


def claims_table(data: ReportData) -> dict[str, Any] | None:
    """Section (d): the latest claims with evidence sentence, who said it, hedging, outcome and a link."""
    if not data.claims:
        return None
    return {"rows": [claim_row(data, c) for c in data.claims[:LATEST_CLAIMS]], "total": len(data.claims)}


def coverage_table(data: ReportData) -> dict[str, Any] | None:
    """Section (e): how many claims got each verdict and why (as v_outcome_coverage, cut at the report date)."""
    if not data.claims:
        return None
    from warehouse.outcomes.resolve import REASONS

    counts: Counter[tuple[str, str, str]] = Counter()
    for c in data.claims:
        out = data.outcomes.get(str(c["claim_id"]))
        verdict = data.verdict(str(c["claim_id"]))
        reason = "not-resolved" if out is None else str(out.get("reason") or "not-recorded")
        counts[(str(c.get("kind")), verdict, reason)] += 1
    per_kind: Counter[str] = Counter()
    for (kind, _, _), n in counts.items():
        per_kind[kind] += n
    rows = [{"kind": kind, "badge": {"verdict": verdict, "color": _verdict_color(verdict),
                                     "help": VERDICT_HELP.get(verdict, "")},
             "reason": reason, "help": REASONS.get(reason, ""), "claims": n,
             "share": _pct(n / per_kind[kind])}
            for (kind, verdict, reason), n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0]))]
    return {"rows": rows}


# ---------------------------------------------------------------------------------------------------- page

SECTIONS = (
    ("lag", "Claimed vs measured lag", "lag_chart.html.j2",
     "What sources said the gap was (dots at the publication date, bars for a stated range) against the lag "
     "measured from capability scores: the time since the leading group first reached the lagging group's best "
     "score."),
    ("forecasts", "Forecasts and outcomes", "forecast_chart.html.j2",
     "Each forecast runs from the day it was published to its deadline, coloured by how it turned out."),
    ("scorecard", "Source scorecard", "scorecard.html.j2",
     "How often each claimant, outlet and source was right, and by how much it missed."),
    ("claims", "Latest claims", "claims_table.html.j2",
     "The newest claims with the sentence they were read from, who said it, how hedged it was, and a link to "
     "the source."),
    ("coverage", "Verdict coverage", "coverage.html.j2",
     "How many claims got each verdict, and why: what is still unresolved and what it waits for."),
)

_ENV = Environment(loader=PackageLoader("claimwatch", "templates"), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)
_ENV.filters["n"] = _coord


def _stats(data: ReportData) -> list[tuple[str, str]]:
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
    return items


def report_context(data: ReportData) -> dict[str, Any]:
    """Everything the page template needs: header facts, stats, and one context per section."""
    data_note = [f"{n} {what}" for n, what in ((data.releases, "releases"), (data.scores, "scores")) if n is not None]
    return {
        "as_of": data.as_of.isoformat(), "db_name": data.db_name,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "data_note": data_note, "has_scores": bool(data.scores), "stats": _stats(data),
        "sections": [{"id": sid, "title": title, "template": template, "lede": lede}
                     for sid, title, template, lede in SECTIONS],
        "lag": lag_chart(data), "forecasts": forecast_chart(data), "scorecard": scorecard_table(data),
        "claims": claims_table(data), "coverage": coverage_table(data),
    }


def render_html(data: ReportData) -> str:
    """Render the full report page (no script, inline CSS and SVG only) from templates/report.html.j2."""
    return _ENV.get_template("report.html.j2").render(report_context(data)) + "\n"


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
