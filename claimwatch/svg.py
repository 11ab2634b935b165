"""Tiny pure helpers for the report's inline-SVG charts: linear and date scales, nice ticks, path data, text.

No markup here: the SVG elements are written in the Jinja2 templates (claimwatch/templates/, autoescaped);
these helpers only compute numbers and short strings for them. `esc` remains for callers that build text
outside a template.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from extractors.dates import add_months

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def esc(value: object) -> str:
    """HTML/XML-escape any value (quotes included) so it is safe in element text and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def fmt_num(value: float, digits: int = 1) -> str:
    """Format a coordinate or number compactly: rounded, no trailing zeros, no negative zero."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Linear:
    """Map a numeric domain [d0, d1] linearly onto a pixel range [r0, r1]."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        """Pixel position of a domain value."""
        span = self.d1 - self.d0
        if span == 0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) / span * (self.r1 - self.r0)


def nice_step(span: float, target: int) -> float:
    """A 1-2-5 step giving about `target` intervals over `span`."""
    if span <= 0 or target <= 0:
        return 1.0
    raw = span / target
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (the first ≤ lo, the last ≥ hi)."""
    if hi <= lo:
        hi = lo + 1
    step = nice_step(hi - lo, target)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v < hi + step * 0.5:
        ticks.append(round(v, 10))
        v += step
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def date_ticks(lo: date, hi: date, target: int = 8) -> list[tuple[date, str]]:
    """Month-aligned ticks between two dates (step 1, 2, 3, 6, 12 or 24 months) with short labels."""
    if hi <= lo:
        hi = date.fromordinal(lo.toordinal() + 1)
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= target), 120)
    first = date(lo.year, lo.month, 1)
    if step >= 12:
        first = date(lo.year, 1, 1)
    elif step > 1:
        first = date(lo.year, (lo.month - 1) // step * step + 1, 1)
    ticks: list[tuple[date, str]] = []
    d = first
    while d <= hi:
        if d >= lo:
            label = str(d.year) if step >= 12 else f"{MONTH_ABBR[d.month - 1]} {d.year}"
            if step < 12 and ticks and d.year == ticks[-1][0].year and d.month != 1:
                label = MONTH_ABBR[d.month - 1]
            ticks.append((d, label))
        d = add_months(d, step)
    return ticks


def date_domain(days: Iterable[date | None], pad_days: int = 15) -> tuple[date, date] | None:
    """The padded [min, max] of the given dates, or None when there are none."""
    real = [d for d in days if d is not None]
    if not real:
        return None
    lo, hi = min(real), max(real)
    return date.fromordinal(lo.toordinal() - pad_days), date.fromordinal(hi.toordinal() + pad_days)


def polyline_path(points: Sequence[tuple[float, float]]) -> str:
    """An SVG path 'd' string through the points (empty when there are none)."""
    if not points:
        return ""
    head, *rest = points
    return f"M{fmt_num(head[0])},{fmt_num(head[1])}" + "".join(f"L{fmt_num(x)},{fmt_num(y)}" for x, y in rest)


def truncate(text: str, width: int) -> str:
    """Collapse whitespace and cut text to `width` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(width - 1, 0)].rstrip() + "…"
