"""Measured lag between two groups of models on a capability metric (issue 5, item 4).

For each day t: take the lagging group's best score to date, L(t); find the last day s <= t on which the leading
group's best score to date was still at or below L(t); lag(t) = t - s. When the leading group's first known score is
already above L(t), s falls before its data starts: the lag is only a lower bound and the day is marked censored
(left out of the summary). Months are days / 30.44.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from statistics import mean
from typing import Any

import duckdb
import pyarrow as pa

from schemas import model_slug
from warehouse.db import transaction
from warehouse.load import insert
from warehouse.outcomes.normalize import org_id

log = logging.getLogger(__name__)

DAYS_PER_MONTH = 30.44
GROUP_KEYS = ("country", "openness", "lab", "model", "scope")
_KEY_ALIASES = {"org": "lab", "organization": "lab", "open": "openness", "weights": "openness"}


@dataclass(frozen=True)
class ModelPoint:
    """One score of one model with the release facts groups are filtered on."""

    model_id: str
    day: date
    value: float
    country: str | None = None
    open_weights: bool | None = None
    organization: str | None = None
    source_url: str | None = None
    metric: str = "eci"

    def evidence(self) -> dict[str, Any]:
        """Return this point as an evidence row (the score row that decided something)."""
        return {"table": "scores", "model_id": self.model_id, "metric": self.metric, "as_of": self.day.isoformat(),
                "value": round(self.value, 4), "country": self.country, "open_weights": self.open_weights,
                "source_url": self.source_url}


def parse_group(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """Parse "country=CN,openness=open" (or a dict) into a normalized group filter."""
    if spec is None:
        return {}
    items: Iterable[tuple[str, str]]
    if isinstance(spec, str):
        pairs = [p for p in spec.replace(";", ",").split(",") if p.strip()]
        items = []
        for p in pairs:
            if "=" not in p:
                raise ValueError(f"group filter {p!r} is not key=value (keys: {', '.join(GROUP_KEYS)})")
            k, v = p.split("=", 1)
            items.append((k, v))
    else:
        items = spec.items()
    out: dict[str, str] = {}
    for k, v in items:
        key = _KEY_ALIASES.get(k.strip().lower(), k.strip().lower())
        val = str(v).strip()
        if key == "country":
            val = val.upper()
        elif key in ("openness", "scope", "lab"):
            val = val.lower()
        out[key] = val
    return out


def group_key(group: Mapping[str, str]) -> str:
    """Canonical text of a group filter, used as the lag_series key ("country=CN,openness=open")."""
    return ",".join(f"{k}={group[k]}" for k in sorted(group)) or "scope=all"


def _one(value: str, test: Any) -> bool:
    neg = value.startswith("!")
    options = [o for o in value.lstrip("!").split("|") if o]
    hit = any(test(o) for o in options)
    return not hit if neg else hit


def _model_match(option: str, model_id: str) -> bool:
    if option.startswith("family:"):
        fam = option[len("family:"):]
        return model_id == fam or model_id.startswith(fam + "-")
    return model_id == option or model_id == model_slug(option)


def matches(group: Mapping[str, str], p: ModelPoint) -> bool:
    """True when a model point belongs to the group (keys are ANDed; "a|b" is OR; a leading "!" negates)."""
    for key, value in group.items():
        if key == "country":
            ok = _one(value, lambda o: p.country == o.upper())
        elif key == "openness":
            ok = _one(value, lambda o: p.open_weights is (o.lower() in ("open", "open-weights", "true")))
        elif key == "lab":
            ok = _one(value, lambda o: p.organization is not None and p.organization == (org_id(o) or o))
        elif key == "model":
            ok = _one(value, lambda o: _model_match(o, p.model_id))
        elif key == "scope":
            ok = True
        else:
            log.debug("ignoring unknown group key %r", key)
            ok = True
        if not ok:
            return False
    return True


def load_points(con: duckdb.DuckDBPyConnection, metric: str = "eci", as_of: date | None = None) -> list[ModelPoint]:
    """Load every dated score of a metric with its model's release facts (scores after as_of left out)."""
    rows = con.execute(
        "SELECT s.model_id, s.as_of, s.value, r.country, r.open_weights, r.organization, s.source_url "
        "FROM scores AS s LEFT JOIN releases AS r USING (model_id) "
        "WHERE s.metric = ? AND s.as_of IS NOT NULL AND (CAST(? AS DATE) IS NULL OR s.as_of <= CAST(? AS DATE)) "
        "ORDER BY s.as_of, s.value DESC, s.model_id",
        [metric, as_of, as_of],
    ).fetchall()
    return [ModelPoint(str(r[0]), r[1], float(r[2]), r[3], r[4], r[5], r[6], metric) for r in rows]


@dataclass
class Frontier:
    """A group's best-score-to-date step function: record-setting points in date order."""

    records: list[ModelPoint]

    @classmethod
    def of(cls, points: Iterable[ModelPoint]) -> Frontier:
        """Build the record sequence from any points (one record per day at most)."""
        recs: list[ModelPoint] = []
        for p in sorted(points, key=lambda q: (q.day, -q.value)):
            if not recs or p.value > recs[-1].value:
                if recs and recs[-1].day == p.day:
                    recs[-1] = p
                else:
                    recs.append(p)
        return cls(recs)

    def best_at(self, day: date) -> ModelPoint | None:
        """The record holder on a day (None before the group's first score)."""
        i = bisect.bisect_right([r.day for r in self.records], day)
        return self.records[i - 1] if i else None

    def first_above(self, level: float) -> ModelPoint | None:
        """The first record strictly above a level (records rise, so this is a bisection)."""
        values = [r.value for r in self.records]
        i = bisect.bisect_right(values, level)
        return self.records[i] if i < len(self.records) else None

    def first_at_or_above(self, level: float) -> ModelPoint | None:
        """The first record at or above a level."""
        values = [r.value for r in self.records]
        i = bisect.bisect_left(values, level)
        return self.records[i] if i < len(self.records) else None


@dataclass(frozen=True)
class LagPoint:
    """The lag on one day."""

    day: date
    lag_days: int
    censored: bool
    lagging_best: float
    lagging_model: str
    leading_match_date: date
    leading_best: float | None

    @property
    def lag_months(self) -> float:
        """Lag in months (days / 30.44)."""
        return self.lag_days / DAYS_PER_MONTH


def lag_on(lagging: Frontier, leading: Frontier, day: date) -> LagPoint | None:
    """Lag of one group behind another on a day (None when the lagging group has no score yet)."""
    lb = lagging.best_at(day)
    if lb is None:
        return None
    lead_now = leading.best_at(day)
    above = leading.first_above(lb.value)
    censored = False
    if above is None or above.day > day:
        match = day  # the leading group has not passed this level (yet): no lag
    else:
        match = above.day - timedelta(days=1)
        if leading.records and above is leading.records[0]:
            censored = True  # leading data starts above this level: the true lag is at least this long
    return LagPoint(day=day, lag_days=(day - match).days, censored=censored, lagging_best=lb.value,
                    lagging_model=lb.model_id, leading_match_date=match,
                    leading_best=lead_now.value if lead_now else None)


@dataclass
class LagSummary:
    """Summary of a lag series in months (censored days excluded)."""

    mean: float | None
    min: float | None
    max: float | None
    now: float | None
    days: int
    censored_days: int
    start: date | None
    end: date | None
    # the lag on the days the lagging group set a new record (one value per lagging-group frontier release)
    at_releases: list[tuple[date, str, float]] = field(default_factory=list)

    def release_stats(self) -> tuple[float, float, float] | None:
        """(mean, min, max) of the lag at the lagging group's record-setting releases."""
        vals = [v for _, _, v in self.at_releases]
        return (mean(vals), min(vals), max(vals)) if vals else None


@dataclass
class LagSeries:
    """A daily lag series between two groups on a metric."""

    lagging: dict[str, str]
    leading: dict[str, str]
    metric: str
    points: list[LagPoint]
    lagging_records: list[ModelPoint] = field(default_factory=list)
    leading_records: list[ModelPoint] = field(default_factory=list)

    def at(self, day: date) -> LagPoint | None:
        """The lag point on a day, if the series covers it."""
        for p in self.points:
            if p.day == day:
                return p
        return None

    def summary(self) -> LagSummary:
        """Mean, min, max and latest lag in months over uncensored days."""
        ok = [p for p in self.points if not p.censored]
        months = [p.lag_months for p in ok]
        at_rel: list[tuple[date, str, float]] = []
        rec_days = {r.day for r in self.lagging_records}
        for p in ok:
            if p.day in rec_days:
                at_rel.append((p.day, p.lagging_model, p.lag_months))
        return LagSummary(
            mean=mean(months) if months else None, min=min(months) if months else None,
            max=max(months) if months else None, now=ok[-1].lag_months if ok else None,
            days=len(ok), censored_days=len(self.points) - len(ok),
            start=self.points[0].day if self.points else None, end=self.points[-1].day if self.points else None,
            at_releases=at_rel,
        )


def series_from_points(points: list[ModelPoint], lagging: Mapping[str, str], leading: Mapping[str, str],
                       metric: str = "eci", start: date | None = None, end: date | None = None) -> LagSeries:
    """Compute the daily lag series from in-memory points (pure; used by compute_lag and the resolver)."""
    lag_g, lead_g = dict(lagging), dict(leading)
    lag_pts = [p for p in points if matches(lag_g, p)]
    lead_pts = [p for p in points if matches(lead_g, p)]
    lag_f, lead_f = Frontier.of(lag_pts), Frontier.of(lead_pts)
    out: list[LagPoint] = []
    if lag_f.records and lead_f.records:
        last = max(p.day for p in lag_pts + lead_pts)  # the latest day either group has any data for
        stop = end or last
        day = max(start or lag_f.records[0].day, lag_f.records[0].day)
        while day <= stop:
            lp = lag_on(lag_f, lead_f, day)
            if lp is not None:
                out.append(lp)
            day += timedelta(days=1)
    return LagSeries(lag_g, lead_g, metric, out, lag_f.records, lead_f.records)


def compute_lag(con: duckdb.DuckDBPyConnection, lagging: Mapping[str, str] | str, leading: Mapping[str, str] | str,
                metric: str = "eci", start: date | None = None, end: date | None = None,
                write: bool = True) -> LagSeries:
    """Compute the lag of `lagging` behind `leading` on a metric from the warehouse and (by default) store it."""
    lag_g, lead_g = parse_group(lagging), parse_group(leading)
    series = series_from_points(load_points(con, metric), lag_g, lead_g, metric, start, end)
    if write:
        write_lag(con, series)
    return series


def write_lag(con: duckdb.DuckDBPyConnection, series: LagSeries) -> int:
    """Replace the stored series for (lagging, leading, metric) with this one; returns rows written."""
    lk, ld = group_key(series.lagging), group_key(series.leading)
    now = datetime.now(UTC).replace(tzinfo=None)
    table = pa.Table.from_pylist([
        {"lagging_group": lk, "leading_group": ld, "metric": series.metric, "day": p.day, "lag_days": p.lag_days,
         "lag_months": round(p.lag_months, 4), "censored": p.censored, "lagging_best": p.lagging_best,
         "lagging_model": p.lagging_model, "leading_match_date": p.leading_match_date,
         "leading_best": p.leading_best, "computed_at": now}
        for p in series.points
    ])
    with transaction(con):
        con.execute("DELETE FROM lag_series WHERE lagging_group = ? AND leading_group = ? AND metric = ?",
                    [lk, ld, series.metric])
        return insert(con, "lag_series", table, mode="append") if table.num_rows else 0


def format_summary(series: LagSeries) -> str:
    """A short human-readable summary of a lag series."""
    s = series.summary()
    head = f"{group_key(series.lagging)} behind {group_key(series.leading)} on {series.metric}"
    if s.mean is None or s.min is None or s.max is None or s.now is None:
        return f"{head}: not measurable (no overlapping data; {s.censored_days} censored days)"
    lines = [
        f"{head}, {s.start} → {s.end} ({s.days} days, {s.censored_days} censored):",
        f"  mean {s.mean:.1f} months, min {s.min:.1f}, max {s.max:.1f}, now {s.now:.1f}",
    ]
    rs = s.release_stats()
    if rs:
        lines.append(f"  at the lagging group's {len(s.at_releases)} record-setting releases: "
                     f"mean {rs[0]:.1f}, min {rs[1]:.1f}, max {rs[2]:.1f}")
    return "\n".join(lines)


def count_scores(con: duckdb.DuckDBPyConnection, metric: str) -> int:
    """Return how many scores of a metric are stored."""
    return int(con.execute("SELECT count(*) FROM scores WHERE metric = ?", [metric]).fetchall()[0][0])
