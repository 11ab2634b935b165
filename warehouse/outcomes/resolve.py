"""Resolve stored claims against releases and scores as of a date, keeping one outcome row per claim per as_of.

Gap claims: the measured lag at the claim's publication date between its subject and reference groups, compared
with the claimed range → within / overstated / understated / unmeasurable.
Forecast claims: did a model of the subject group reach the target level (or get released) inside the deadline
window → confirmed / incorrect / pending / unresolvable; a forecast whose deadline ended before it was published is
"flagged" and never confirmed; one no data can decide (AGI by 2030) is pending until its deadline, then
"needs-judgment".
A verdict rests only on a publication date the page or its feed wrote, to the day or month (see
`usable_date`); any other claim is "undated". Every outcome carries a short `reason` code (REASONS).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb

from schemas import TRUSTED_DATE_PRECISIONS, TRUSTED_DATE_SOURCES, Outcome, model_slug
from warehouse.db import transaction
from warehouse.load import insert, to_arrow
from warehouse.outcomes.lag import (
    DAYS_PER_MONTH,
    Frontier,
    ModelPoint,
    lag_on,
    load_points,
    matches,
    parse_group,
    series_from_points,
)
from warehouse.outcomes.observed import record_observed_releases
from warehouse.provenance import backfill_date_provenance

log = logging.getLogger(__name__)

METHOD_VERSION = "resolve.v1"
# Claimed months are rounded figures ("about 7 months"): half a month either side counts as within,
# a full month when the claim itself says it is approximate.
TOLERANCE_MONTHS = 0.5
APPROX_TOLERANCE_MONTHS = 1.0
# "Parity" claims are read as a gap of at most this many months either way.
PARITY_MONTHS = 1.0
# A claim dated after the last score is measured on that last day if it is at most a quarter later; beyond that
# the data says nothing about the claim's date.
STALE_DAYS = 92
RESOLVED_VERDICTS = frozenset({"within", "overstated", "understated", "confirmed", "incorrect"})
# Why a claim got its verdict, one code per outcome (the `reason` column; v_outcome_coverage counts them).
REASONS = {
    "measured": "a lag measured on the claim's date, compared with the claimed range",
    "bound": "only a lower bound of the lag is known, and the claimed range lies wholly on one side of it",
    "lower-bound": "only a lower bound of the lag is known, and the claimed range straddles it",
    "direction-only": "no months claimed: only the direction was checked",
    "undated": "no publication date written by the page or its feed, to the day or month",
    "negated-or-conditional": "negated or conditional claims are not scored",
    "no-subject": "the claim names no group to measure",
    "no-scores": "no scores for one of the groups (or the reference model) by the claim's date",
    "scores-stale": "the scores end too long before the claim's date",
    "deadline-before-publication": "the deadline ended before the claim was published",
    "conditional": "conditional forecasts are not scored",
    "scores": "decided by capability scores inside the deadline window",
    "release": "decided by the release registry inside the deadline window",
    "window-open": "the deadline window is still open",
    "no-target-score": "the target has no score yet",
    "no-data-source": "no dataset can decide it (no target model, no named release): a person must judge",
    "error": "the resolver failed on this claim",
}


@dataclass
class ClaimRow:
    """The fields of a stored claim the resolver reads."""

    claim_id: str
    kind: str
    direction: str | None = None
    months_low: float | None = None
    months_high: float | None = None
    approximate: bool = False
    subject_group: dict[str, str] = field(default_factory=dict)
    reference_group: dict[str, str] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    target_models: list[str] = field(default_factory=list)
    deadline_start: date | None = None
    deadline_end: date | None = None
    negated: bool = False
    conditional: bool = False
    flags: list[str] = field(default_factory=list)
    published_at: date | None = None
    timeframe: str | None = None
    as_of_text: str | None = None
    # Why published_at is None though the claim or its document has a date (guessed, year-only, ...).
    undated_note: str | None = None
    target: str | None = None  # the forecast's target as written (names a model the extractor did not know)


@dataclass
class Registry:
    """Scores and releases known as of the resolution date."""

    points: list[ModelPoint]
    releases: dict[str, dict[str, Any]]
    metric: str


def _json_dict(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def usable_date(claim_day: date | None, doc_day: date | None, source: str | None,
                precision: str | None) -> tuple[date | None, str | None]:
    """The publication date a verdict may rest on, or None with the reason the stored one is not enough.

    A date qualifies when the page or its feed wrote it (feed, meta, url, dateline) to the day or month. A claim
    whose document has no date may carry its own (given by the caller, e.g. `extract --published`).

    >>> usable_date(date(2026, 2, 1), date(2026, 2, 1), "meta", "month")
    (datetime.date(2026, 2, 1), None)
    >>> usable_date(date(2025, 1, 1), date(2025, 1, 1), "guess", "year")
    (None, 'publication date 2025-01-01 is a guess (year precision), not written by the page or its feed')
    """
    if doc_day is None:
        return claim_day, None
    if source in TRUSTED_DATE_SOURCES and precision in TRUSTED_DATE_PRECISIONS:
        return doc_day, None  # the document's: a claim extracted before its date was re-read may hold an older one
    if source is None:
        return None, (f"publication date {doc_day} has no recorded provenance (stored before migration 0006, "
                      "and its raw page is not kept to re-read)")
    what = "a guess" if source == "guess" else f"from {source}"
    return None, f"publication date {doc_day} is {what} ({precision} precision), not written by the page or its feed"


def load_claims(con: duckdb.DuckDBPyConnection) -> list[ClaimRow]:
    """Read every gap and forecast claim with the publication date a verdict may rest on (see usable_date).

    Release claims are evidence, not predictions: warehouse/outcomes/observed.py turns them into release facts.
    """
    rows = con.execute(
        "SELECT c.claim_id, c.kind, c.direction, c.months_low, c.months_high, c.approximate, c.subject_group, "
        "c.reference_group, c.models, c.target_models, c.deadline_start, c.deadline_end, c.negated, "
        "c.conditional, c.flags, c.published_at, c.timeframe, c.as_of_text, CAST(d.published_at AS DATE), "
        "d.published_source, d.published_precision, c.target "
        "FROM claims AS c LEFT JOIN documents AS d USING (doc_id) WHERE c.kind <> 'release' ORDER BY c.claim_id"
    ).fetchall()
    out = []
    for r in rows:
        day, why = usable_date(r[15], r[18], r[19], r[20])
        out.append(ClaimRow(
            claim_id=r[0], kind=r[1], direction=r[2], months_low=r[3], months_high=r[4], approximate=bool(r[5]),
            subject_group=_json_dict(r[6]), reference_group=_json_dict(r[7]), models=list(r[8] or []),
            target_models=list(r[9] or []), deadline_start=r[10], deadline_end=r[11], negated=bool(r[12]),
            conditional=bool(r[13]), flags=list(r[14] or []), published_at=day, timeframe=r[16],
            as_of_text=r[17], undated_note=why, target=r[21],
        ))
    return out


def load_registry(con: duckdb.DuckDBPyConnection, as_of: date, metric: str = "eci") -> Registry:
    """Load scores and releases dated on or before as_of."""
    points = load_points(con, metric, as_of)
    cols = ["model_id", "display_name", "organization", "country", "release_date", "open_weights", "source_url",
            "origin"]
    rel = {
        str(r[0]): dict(zip(cols, r, strict=True))
        for r in con.execute(f"SELECT {', '.join(cols)} FROM releases").fetchall()  # noqa: S608 - constant columns
    }
    return Registry(points, rel, metric)


def default_reference(subject: dict[str, str]) -> dict[str, str]:
    """The group a subject is compared with when the claim names none (the complement that makes sense)."""
    if "model" in subject:
        return {"scope": "frontier", "model": "!" + subject["model"]}
    # A lab is checked before its country: "OpenAI is six months ahead" compares OpenAI with every other lab,
    # not with the models of other countries (the extractor adds the lab's country to the subject).
    if "lab" in subject:
        return {"scope": "frontier", "lab": "!" + subject["lab"]}
    if "openness" in subject:
        return {"openness": "closed" if subject["openness"].lstrip("!") == "open" else "open"}
    if "country" in subject:
        c = subject["country"]
        return {"country": "US"} if c != "US" else {"country": "!US"}
    return {"scope": "frontier"}


def _release_evidence(reg: Registry, model_id: str) -> dict[str, Any] | None:
    r = reg.releases.get(model_id)
    if r is None:
        return None
    d = r.get("release_date")
    return {"table": "releases", "model_id": model_id, "display_name": r.get("display_name"),
            "organization": r.get("organization"), "country": r.get("country"),
            "release_date": d.isoformat() if d else None, "open_weights": r.get("open_weights"),
            "source_url": r.get("source_url"), "origin": r.get("origin")}


def _outcome(claim: ClaimRow, as_of: date, verdict: str, method: str, reason: str, *,
             measured: float | None = None, error: float | None = None,
             evidence: list[dict[str, Any]] | None = None, note: str | None = None) -> Outcome:
    assert reason in REASONS, reason
    return Outcome(claim_id=claim.claim_id, as_of=as_of, verdict=verdict,  # type: ignore[arg-type]
                   measured_months=None if measured is None else round(measured, 2),
                   error_months=None if error is None else round(error, 2), evidence=evidence or [],
                   method=method, reason=reason, note=note)


def _is_single_model(group: dict[str, str]) -> bool:
    m = group.get("model", "")
    return bool(m) and not m.startswith("!") and "|" not in m


def effective_group(group: dict[str, str]) -> dict[str, str]:
    """A group naming a model is that model: its other keys (lab, country, openness) only describe it."""
    return {"model": group["model"]} if _is_single_model(group) else dict(group)


def _refine_reference(claim: ClaimRow, subject: dict[str, str], reference: dict[str, str],
                      reg: Registry) -> dict[str, str]:
    """Use the one model a claim names inside its reference group ("caught up with OpenAI's o1" → o1)."""
    if "model" in reference or not claim.models:
        return reference
    picks = []
    for mid in claim.models:
        if mid.startswith("family:"):
            continue
        r = reg.releases.get(mid)
        if r is None:
            continue
        p = ModelPoint(mid, r.get("release_date") or date.min, 0.0, r.get("country"), r.get("open_weights"),
                       r.get("organization"))
        if matches(reference, p) and not matches(subject, p):
            picks.append(mid)
    return {"model": picks[0]} if len(picks) == 1 else reference


def _measure_day(claim_day: date, reg: Registry) -> tuple[date | None, str | None]:
    """The day to measure on: the claim's date, or the last day with scores if the data ends before it."""
    if not reg.points:
        return None, f"no {reg.metric} scores at all"
    horizon = max(p.day for p in reg.points)
    if claim_day <= horizon:
        return claim_day, None
    if (claim_day - horizon).days > STALE_DAYS:
        return None, f"{reg.metric} scores end {horizon}, more than {STALE_DAYS} days before the claim ({claim_day})"
    return horizon, f"{reg.metric} scores end {horizon}; measured there, not on the claim's date {claim_day}"


_PERIOD = re.compile(r"\b(?:(early|mid|late)[\s-]+)?((?:19|20)\d{2})\b", re.IGNORECASE)
# Which months "early/mid/late YEAR" covers: thirds of the year.
_PART_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), None: (1, 12)}


def past_period(as_of_text: str | None) -> tuple[date, date] | None:
    """The period a past-tense claim is about: "in 2023" → the year, "early 2024" → Jan-Apr 2024.

    >>> past_period("in 2023")
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    """
    m = _PERIOD.search(as_of_text or "")
    if not m:
        return None
    part = m.group(1).lower() if m.group(1) else None
    year = int(m.group(2))
    first, last = _PART_MONTHS[part]
    end = date(year + (last == 12), last % 12 + 1, 1) - timedelta(days=1)
    return date(year, first, 1), end


def _resolve_past_gap(claim: ClaimRow, reg: Registry, as_of: date, lagging: dict[str, str],
                      leading: dict[str, str], period: tuple[date, date], method: str) -> Outcome:
    """A gap claimed for a past period: compare the claimed range with the lags measured across that period."""
    start, end = period
    end = min(end, as_of)
    series = series_from_points(reg.points, lagging, leading, reg.metric, start, end)
    ok = [p for p in series.points if not p.censored]
    span = f"{start}..{end}"
    if not ok:
        bounds = [p.lag_months for p in series.points]
        if bounds:  # every day censored: the lag was at least the smallest of them throughout the period
            ev: list[dict[str, Any]] = [{
                "table": "lag_series", "lagging": lagging, "leading": leading, "metric": reg.metric,
                "from": start.isoformat(), "to": end.isoformat(), "censored_days": len(bounds),
                "min_lower_bound_months": round(min(bounds), 2)}]
            return _judge_lower_bound(claim, as_of, method, min(bounds), ev, (
                f"past claim over {span}: lag is at least {min(bounds):.1f} months (leading group's data starts "
                "above)"))
        return _outcome(claim, as_of, "unmeasurable", method, "no-scores",
                        note=f"no lag for {span} (no overlapping scores)")
    months = [p.lag_months for p in ok]
    lo, hi, avg = min(months), max(months), sum(months) / len(months)
    evidence: list[dict[str, Any]] = [{
        "table": "lag_series", "lagging": lagging, "leading": leading, "metric": reg.metric, "from": start.isoformat(),
        "to": end.isoformat(), "days": len(ok), "mean_months": round(avg, 2), "min_months": round(lo, 2),
        "max_months": round(hi, 2)}]
    evidence += [r.evidence() for r in series.lagging_records if start <= r.day <= end][:5]
    tol = APPROX_TOLERANCE_MONTHS if claim.approximate else TOLERANCE_MONTHS
    rng = _claimed_range(claim)
    if rng is None:
        return _direction_only(claim, as_of, method, avg, evidence, f"measured over {span}", tol)
    low, high = rng
    if high + tol >= lo and low - tol <= hi:
        verdict, error = "within", 0.0
    elif low - tol > hi:
        verdict, error = "overstated", low - hi
    else:
        verdict, error = "understated", high - lo
    return _outcome(claim, as_of, verdict, method, "measured", measured=avg, error=error, evidence=evidence,
                    note=f"past claim measured over {span}: lag {lo:.1f}-{hi:.1f} months, mean {avg:.1f}")


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


def resolve_gap(claim: ClaimRow, reg: Registry, as_of: date) -> Outcome:
    """Measure the gap a claim asserts at its publication date and compare it with the claimed range."""
    method = f"{METHOD_VERSION}:gap:{reg.metric}"
    if claim.negated or claim.conditional:
        return _outcome(claim, as_of, "unmeasurable", method, "negated-or-conditional",
                        note="negated or conditional gap claims are not scored")
    if claim.published_at is None:
        return _outcome(claim, as_of, "unmeasurable", method, "undated",
                        note=claim.undated_note or "claim has no publication date")
    subject = effective_group(parse_group(claim.subject_group))
    if not subject:
        return _outcome(claim, as_of, "unmeasurable", method, "no-subject", note="claim names no subject group")
    reference = effective_group(parse_group(claim.reference_group) or default_reference(subject))
    reference = _refine_reference(claim, subject, reference, reg)
    if claim.direction == "ahead":
        lagging, leading = reference, subject
    else:
        lagging, leading = subject, reference
    period = past_period(claim.as_of_text) if claim.timeframe == "past" else None
    if period is not None and period[0] <= as_of and not _is_single_model(leading):
        return _resolve_past_gap(claim, reg, as_of, lagging, leading, period, method)
    day, day_note = _measure_day(min(claim.published_at, as_of), reg)
    if day is None:
        return _outcome(claim, as_of, "unmeasurable", method, "scores-stale" if reg.points else "no-scores",
                        note=day_note)
    pts = [p for p in reg.points if p.day <= day]
    if _is_single_model(leading):
        measured, lower, evidence, note = _lag_behind_model(pts, lagging, leading, day, reg)
        if measured is None:
            return _judge_lower_bound(claim, as_of, method, lower, evidence, _join(note, day_note))
        return _judge(claim, as_of, method, measured, evidence, day_note)
    lag_f = Frontier.of(p for p in pts if matches(lagging, p))
    lead_f = Frontier.of(p for p in pts if matches(leading, p))
    if not lag_f.records or not lead_f.records:
        return _outcome(claim, as_of, "unmeasurable", method, "no-scores",
                        note=_join(f"no {reg.metric} scores for one of the groups by {day}", day_note))
    lp = lag_on(lag_f, lead_f, day)
    if lp is None:
        return _outcome(claim, as_of, "unmeasurable", method, "no-scores", note="lagging group has no score yet")
    evidence = _lag_evidence(lp, lag_f, lead_f, lagging, leading, reg)
    measured = lp.lag_months
    if claim.direction == "parity":
        back = lag_on(lead_f, lag_f, day)
        measured = lp.lag_months - (back.lag_months if back else 0.0)
    if lp.censored:
        return _judge_lower_bound(claim, as_of, method, lp.lag_months, evidence, _join(
            f"lag is at least {lp.lag_months:.1f} months (leading group's data starts above)", day_note))
    return _judge(claim, as_of, method, measured, evidence, day_note)


def _claimed_range(claim: ClaimRow) -> tuple[float, float] | None:
    """The claimed gap as [low, high] months; one-sided claims are open ("over a year" → [12, ∞))."""
    if claim.direction == "parity":
        return (-(claim.months_high or PARITY_MONTHS), claim.months_high or PARITY_MONTHS)
    lo, hi = claim.months_low, claim.months_high
    if lo is None and hi is None:
        return None
    if lo is None:
        return (0.0, float(hi))  # type: ignore[arg-type]
    if hi is None:
        return (float(lo), math.inf)
    return (min(lo, hi), max(lo, hi))


def _judge_lower_bound(claim: ClaimRow, as_of: date, method: str, lower: float | None,
                       evidence: list[dict[str, Any]], note: str | None) -> Outcome:
    """Only a lower bound L is known (the lag is L or more): decide when the claimed range lies wholly on one side.

    A claimed range ending below L - tolerance understated the gap; an open range ("over a year") or a bare
    direction that every lag of L or more satisfies is within. Anything else stays unmeasurable.
    """
    if lower is None:
        return _outcome(claim, as_of, "unmeasurable", method, "no-scores", evidence=evidence, note=note)
    tol = APPROX_TOLERANCE_MONTHS if claim.approximate else TOLERANCE_MONTHS
    rng = _claimed_range(claim)
    bound_note = _join(note, "measured value is a lower bound")
    if rng is not None and lower > rng[1] + tol:
        return _outcome(claim, as_of, "understated", method, "bound", measured=lower, error=rng[1] - lower,
                        evidence=evidence, note=bound_note)
    wholly_inside = (rng is not None and math.isinf(rng[1]) and lower >= rng[0] - tol) or (
        rng is None and claim.direction in ("behind", "ahead") and lower > tol)
    if wholly_inside:
        return _outcome(claim, as_of, "within", method, "bound", measured=lower, error=0.0, evidence=evidence,
                        note=bound_note)
    return _outcome(claim, as_of, "unmeasurable", method, "lower-bound", measured=lower, evidence=evidence,
                    note=note)


def _lag_evidence(lp: Any, lag_f: Frontier, lead_f: Frontier, lagging: dict[str, str], leading: dict[str, str],
                  reg: Registry) -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = [{
        "table": "lag", "day": lp.day.isoformat(), "lagging": lagging, "leading": leading, "metric": reg.metric,
        "lag_days": lp.lag_days, "lag_months": round(lp.lag_months, 2), "censored": lp.censored,
        "leading_match_date": lp.leading_match_date.isoformat(),
    }]
    best = lag_f.best_at(lp.day)
    if best:
        ev.append(best.evidence())
    passer = lead_f.first_above(lp.lagging_best)
    if passer and passer.day <= lp.day:
        ev.append(passer.evidence())
    return ev


def _lag_behind_model(pts: list[ModelPoint], lagging: dict[str, str], leading: dict[str, str], day: date,
                      reg: Registry) -> tuple[float | None, float | None, list[dict[str, Any]], str | None]:
    """Lag behind one named model: (day the group first matched its score) − (the model's release).

    Returns (measured, lower_bound, evidence, note); when the group has not matched it yet only the lower
    bound (time since the model's release) is known.
    """
    ref_pts = [p for p in pts if matches(leading, p)]
    if not ref_pts:
        return None, None, [], f"reference model {leading.get('model')} has no {reg.metric} score by {day}"
    ref = max(ref_pts, key=lambda p: p.value)
    ref_date = min(p.day for p in ref_pts)
    rel = _release_evidence(reg, ref.model_id)
    if rel and rel.get("release_date"):
        ref_date = min(ref_date, date.fromisoformat(rel["release_date"]))
    evidence = [ref.evidence()] + ([rel] if rel else [])
    lag_f = Frontier.of(p for p in pts if matches(lagging, p) and not matches(leading, p))
    reached = lag_f.first_at_or_above(ref.value)
    if reached is not None and reached.day <= day:
        evidence.append(reached.evidence())
        return max(0, (reached.day - ref_date).days) / DAYS_PER_MONTH, None, evidence, None
    lower = (day - ref_date).days / DAYS_PER_MONTH
    best = lag_f.best_at(day)
    if best:
        evidence.append(best.evidence())
    return None, lower, evidence, (f"group had not reached {ref.model_id}'s score by {day}: "
                                   f"lag is at least {lower:.1f} months")


def _judge(claim: ClaimRow, as_of: date, method: str, measured: float, evidence: list[dict[str, Any]],
           note: str | None) -> Outcome:
    tol = APPROX_TOLERANCE_MONTHS if claim.approximate else TOLERANCE_MONTHS
    rng = _claimed_range(claim)
    if rng is None:
        return _direction_only(claim, as_of, method, measured, evidence, note, tol)
    low, high = rng
    if low - tol <= measured <= high + tol:
        verdict, error = "within", 0.0
    elif measured < low - tol:
        verdict, error = "overstated", low - measured
    else:
        verdict, error = "understated", high - measured
    return _outcome(claim, as_of, verdict, method, "measured", measured=measured, error=error, evidence=evidence,
                    note=note)


def _direction_only(claim: ClaimRow, as_of: date, method: str, measured: float, evidence: list[dict[str, Any]],
                    note: str | None, tol: float) -> Outcome:
    """A direction without a number ("China is behind"): right when the measured gap points the same way."""
    verdict = "within" if measured > tol else "overstated"
    return _outcome(claim, as_of, verdict, method, "direction-only", measured=measured, error=None,
                    evidence=evidence, note=note or "no months claimed: direction checked only")


def _target_models(ids: list[str]) -> dict[str, str]:
    return {"model": "|".join(ids)} if ids else {}


def resolve_forecast(claim: ClaimRow, reg: Registry, as_of: date) -> Outcome:
    """Decide a forecast: confirmed, incorrect, pending, needs-judgment, unresolvable or flagged."""
    method = f"{METHOD_VERSION}:forecast:{reg.metric}"
    if claim.published_at is None:
        return _outcome(claim, as_of, "unresolvable", method, "undated",
                        note=claim.undated_note or "claim has no publication date")
    if "deadline_before_publication" in claim.flags or (
        claim.deadline_end is not None and claim.deadline_end < claim.published_at
    ):
        return _outcome(claim, as_of, "flagged", method, "deadline-before-publication", evidence=[{
            "table": "claims", "published_at": claim.published_at.isoformat(),
            "deadline_end": claim.deadline_end.isoformat() if claim.deadline_end else None, "flags": claim.flags}],
                        note="deadline ended before the claim was published; never scored as confirmed")
    if claim.conditional:
        return _outcome(claim, as_of, "unresolvable", method, "conditional", note="conditional forecast")
    subject = effective_group(parse_group(claim.subject_group))
    if claim.target_models and not _is_release_forecast(claim, subject):
        return _forecast_by_scores(claim, reg, as_of, method)
    named = list(dict.fromkeys([*claim.target_models, *claim.models]))
    if not named and _is_single_model(subject):
        named = [subject["model"]]
    if not named and claim.direction is None:
        named = registry_models_named(claim.target, reg)
    if named:
        return _forecast_by_release(claim, reg, as_of, method, named)
    return _forecast_without_data(claim, as_of, method)


def _is_release_forecast(claim: ClaimRow, subject: dict[str, str]) -> bool:
    """A forecast that a model comes out ("DeepSeek V4 expected mid-February", "OpenAI will launch GPT-6 in
    March"), not that a group reaches a level: no parity or lead direction, and the subject is the model
    itself, its lab, or nobody (a capability forecast names a group: "open models will reach GPT-5's level")."""
    if claim.direction is not None:
        return False
    if not subject or (_is_single_model(subject) and subject["model"] in claim.target_models):
        return True
    return "lab" in subject and set(subject) <= {"lab", "country"}


_MAX_NAME_WORDS = 6


def registry_models_named(target: str | None, reg: Registry) -> list[str]:
    """Registry models a forecast's target names though the extractor did not know them ("its Osprey-4 model").

    A model id (``schemas.model_slug``) must appear as a run of whole words of the target, and hold a digit
    (a version): family or product words alone name nothing checkable.

    >>> reg = Registry([], {"osprey-4": {}, "osprey": {}}, "eci")
    >>> registry_models_named("its Osprey-4 model", reg), registry_models_named("the Osprey family", reg)
    (['osprey-4'], [])
    """
    words = model_slug(target or "").split("-")
    found: list[str] = []
    for i in range(len(words)):
        for j in range(min(len(words), i + _MAX_NAME_WORDS), i, -1):
            name = "-".join(words[i:j])
            if name in reg.releases and any(ch.isdigit() for ch in name) and name not in found:
                found.append(name)
                break
    return found


def _window(claim: ClaimRow) -> tuple[date | None, date | None, str]:
    start = claim.deadline_start or claim.published_at
    end = claim.deadline_end
    return start, end, f"[{start or '…'}, {end or '…'}]"


def _forecast_by_scores(claim: ClaimRow, reg: Registry, as_of: date, method: str) -> Outcome:
    """A capability forecast: did a subject-group model reach the target's score inside the window?"""
    start, end, window = _window(claim)
    passed = end is not None and end < as_of
    subject = effective_group(parse_group(claim.subject_group))
    target = _target_models(claim.target_models)
    tpts = [p for p in reg.points if matches(target, p)]
    if not tpts:
        note = f"target {', '.join(claim.target_models)} has no {reg.metric} score"
        if passed:  # no dataset decides it, as for "AGI by 2030": a person must
            return _outcome(claim, as_of, "needs-judgment", method, "no-target-score",
                            note=f"{note} and the window {window} has ended: needs a person's judgment")
        return _outcome(claim, as_of, "pending", method, "no-target-score", note=f"{note} yet; window {window} open")
    before = [p for p in tpts if claim.published_at is None or p.day <= claim.published_at]
    tref = max(before, key=lambda p: p.value) if before else min(tpts, key=lambda p: p.day)
    level = tref.value
    cands = [p for p in reg.points if matches(subject, p) and not matches(target, p)
             and p.value >= level and (start is None or p.day >= start) and (end is None or p.day <= end)]
    if cands:
        first = min(cands, key=lambda p: (p.day, -p.value))
        ev = [first.evidence(), tref.evidence()]
        rel = _release_evidence(reg, first.model_id)
        if rel:
            ev.append(rel)
        return _outcome(claim, as_of, "confirmed", method, "scores", evidence=ev,
                        note=f"{first.model_id} reached {tref.model_id}'s {reg.metric} on {first.day}")
    in_window = [p for p in reg.points if matches(subject, p) and not matches(target, p)
                 and (start is None or p.day >= start) and (end is None or p.day <= end)]
    ev = [tref.evidence()]
    if in_window:
        ev.insert(0, max(in_window, key=lambda p: p.value).evidence())
    if passed:
        return _outcome(claim, as_of, "incorrect", method, "scores", evidence=ev,
                        note=f"no model of the group reached {tref.model_id}'s level in {window}")
    return _outcome(claim, as_of, "pending", method, "window-open", evidence=ev, note=f"window {window} still open")


def _forecast_by_release(claim: ClaimRow, reg: Registry, as_of: date, method: str, named: list[str]) -> Outcome:
    """A release forecast: was one of the named models released inside the window?

    Confirmed by a release inside it; incorrect once the deadline passed without one, or as soon as every named
    model (no families) came out after the forecast was made but outside the window. The evidence is
    the release's date, source and origin (seed, observed, epoch, hf, openrouter).
    """
    start, end, window = _window(claim)
    group = _target_models(named)
    hits: list[tuple[date, str]] = []
    outside: list[tuple[date, str]] = []
    for mid, r in reg.releases.items():
        d = r.get("release_date")
        if d is None or d > as_of or not matches(group, ModelPoint(mid, d, 0.0)):
            continue
        inside = (start is None or d >= start) and (end is None or d <= end)
        (hits if inside else outside).append((d, mid))
    if hits:
        d, mid = min(hits)
        ev = [e for e in [_release_evidence(reg, mid)] if e]
        return _outcome(claim, as_of, "confirmed", method, "release", evidence=ev, note=f"{mid} released {d}")
    ev = [e for e in (_release_evidence(reg, mid) for _d, mid in sorted(outside)) if e]
    # Decided early only when every named model is one concrete model that came out after the forecast was made
    # (a family may still bring another member inside the window; a model out before it is about something else).
    after = {mid for d, mid in outside if claim.published_at is None or d >= claim.published_at}
    early = all(not n.startswith("family:") for n in named) and set(named) <= after
    if (end is not None and end < as_of) or early:
        when = "; ".join(f"{mid} released {d}" for d, mid in sorted(outside))
        return _outcome(claim, as_of, "incorrect", method, "release", evidence=ev,
                        note=f"{when}, outside {window}" if when else
                        f"no release of {', '.join(named)} recorded in {window}")
    return _outcome(claim, as_of, "pending", method, "window-open", note=f"window {window} still open")


def _forecast_without_data(claim: ClaimRow, as_of: date, method: str) -> Outcome:
    """No dataset can decide it (AGI by 2030): pending until the deadline, then a person must judge it."""
    _start, end, window = _window(claim)
    if end is not None and end >= as_of:
        return _outcome(claim, as_of, "pending", method, "no-data-source",
                        note=f"no target model or release to check; window {window} open, judged after it ends")
    when = f"deadline {end} has passed" if end is not None else "no deadline"
    return _outcome(claim, as_of, "needs-judgment", method, "no-data-source",
                    note=f"no target model or release to check and {when}: needs a person's judgment")


def resolve_claim(claim: ClaimRow, reg: Registry, as_of: date) -> Outcome:
    """Resolve one claim (never raises: a failure becomes an unmeasurable/unresolvable outcome with its reason)."""
    try:
        if claim.kind == "gap":
            return resolve_gap(claim, reg, as_of)
        return resolve_forecast(claim, reg, as_of)
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("claim %s could not be resolved: %s", claim.claim_id, exc)
        verdict = "unmeasurable" if claim.kind == "gap" else "unresolvable"
        return _outcome(claim, as_of, verdict, f"{METHOD_VERSION}:error", "error",
                        note=f"{type(exc).__name__}: {exc}")


def resolve(con: duckdb.DuckDBPyConnection, as_of: date | None = None, metric: str = "eci") -> dict[str, int]:
    """Resolve every stored claim as of a date; rows for that as_of are replaced, older ones kept. Returns counts."""
    day = as_of or datetime.now(UTC).date()
    backfill_date_provenance(con)  # documents parsed before dates had a provenance: re-read them once
    observed = record_observed_releases(con)  # release claims corroborated by a lab's feed or two outlets
    reg = load_registry(con, day, metric)
    outcomes = [resolve_claim(c, reg, day) for c in load_claims(con)]
    now = datetime.now(UTC).replace(tzinfo=None)
    with transaction(con):
        con.execute("DELETE FROM outcomes WHERE as_of = ?", [day])
        if outcomes:
            table = to_arrow([{**o.model_dump(mode="python"), "computed_at": now} for o in outcomes])
            insert(con, "outcomes", table, mode="append")
    counts = Counter(o.verdict for o in outcomes)
    result: dict[str, int] = {"claims": len(outcomes), **dict(sorted(counts.items())),
                              "releases_observed": observed["releases_observed"]}
    log.info("resolved %d claims as of %s: %s", len(outcomes), day, result)
    return result


def last_day_of(year: int, month: int) -> date:
    """Last calendar day of a month (helper for tests and callers building deadline windows)."""
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)
