"""Temporal normalizer: date phrases → an interval with a granularity, anchored to the publication date.

Conventions (from the extraction issue): early YEAR = Jan 1–Apr 30, mid = May 1–Aug 31, late = Sep 1–Dec 31;
seasons are northern-hemisphere meteorological seasons (winter = Dec 1 of YEAR–end of Feb of YEAR+1);
"the end of YEAR" = Oct 1–Dec 31 (its last quarter); "by DATE", "before DATE" and "until DATE" are end-bounded
(start is None, end is the end of DATE). Relative phrases ("next year", "within six months", "this summer",
"in the coming months") need the anchor; without one they come back with start and end None and
granularity "relative" so that nothing is invented.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from extractors.numbers import NUM, unit_months, word_number
from extractors.retrie import trie_alternation

__all__ = ["DATE_RE", "DateInterval", "add_months", "find_dates", "month_end", "normalize"]


@dataclass(frozen=True)
class DateInterval:
    """A normalized date phrase: [start, end] (either may be None when open), granularity and raw text."""

    start: date | None
    end: date | None
    granularity: str
    text: str
    bound: str = "in"  # in | by | before | after | within | ago
    relative: bool = False

    def as_dict(self) -> dict[str, str | bool | None]:
        """Return a JSON-friendly dict (dates as ISO strings)."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "granularity": self.granularity,
            "text": self.text,
            "bound": self.bound,
            "relative": self.relative,
        }


_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "final": 4,
        "last": 4}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 2)}

_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
       r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_YEAR = r"(?:19|20)\d{2}"
_REL_YEAR = r"(?:next|this|last|the\s+following|the\s+current|the\s+coming)\s+year"
_YREF = rf"(?:{_YEAR}|{_REL_YEAR}|the\s+year)"
_DUR_UNIT = r"(?:months?|years?|weeks?|quarters?|days?)"

_CORE = rf"""
    (?P<iso>{_YEAR}-\d{{2}}-\d{{2}})
  | (?P<mdy>{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR})
  | (?P<dmy>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MON},?\s+{_YEAR})
  | (?P<drange>(?P<dm>{_MON})\s+(?P<da>\d{{1,2}})\s*(?:-|–|—|to)\s*(?P<db>\d{{1,2}}),?\s+(?P<dy>{_YEAR}))
  | (?P<mrange>(?P<ma>{_MON})\s*(?:-|–|—|to|through)\s*(?P<mb>{_MON})(?:,?\s+(?P<mry>{_YEAR}))?)
  | (?P<yrange>(?P<ya>{_YEAR})\s*(?:-|–|—|to|(?<=between\s\d{{4}})\s+and)\s*(?P<yb>(?:19|20)\d{{2}}|\d{{2}})(?![\d-]))
  | (?P<quarter>(?:Q(?P<qn>[1-4])|(?:the\s+)?(?P<qord>first|second|third|fourth|1st|2nd|3rd|4th|final|last)
        \s+quarter)(?:\s+(?:of\s+)?(?P<qy>{_YREF}))?
    | (?P<qy2>{_YEAR})\s*Q(?P<qn2>[1-4]))
  | (?P<half>(?:H(?P<hn>[12])|(?:the\s+)?(?P<hord>first|second|1st|2nd|latter|back|front)\s+half)
        (?:\s+(?:of\s+)?(?P<hy>{_YREF}))?)
  | (?P<mpart>(?P<mpw>early|mid|late)\s*-?\s*(?P<mpm>{_MON})(?:,?\s+(?P<mpy>{_YEAR}|{_REL_YEAR}))?)
  | (?P<part>(?P<pw>early|earlier|mid|middle|late|later|the\s+middle\s+of|the\s+start\s+of|the\s+beginning\s+of|
        the\s+end\s+of|the\s+close\s+of|end\s+of|end-|start\s+of|beginning\s+of|the\s+turn\s+of|year[- ]end)
        \s*-?\s*(?:in\s+)?(?P<py>{_YREF}))
  | (?P<yearend>(?:the\s+)?(?:year[- ]end|end\s+of\s+the\s+year|end\s+of\s+this\s+year|year's\s+end))
  | (?P<midyear>(?:the\s+)?mid-?year|the\s+middle\s+of\s+the\s+year|midyear)
  | (?P<decade>(?:the\s+)?end\s+of\s+the\s+decade|(?:the\s+)?decade['’]s\s+end
      |(?:the\s+)?(?:(?P<decp>early|mid|late)[- ]?)?(?P<dec>20[0-9]0)s)
  | (?P<season>(?:(?P<srel>this|next|last|the\s+coming)\s+)?(?P<sname>spring|summer|fall|autumn|winter)
        (?:\s+(?:of\s+)?(?P<sy>{_YEAR}))?)
  | (?P<my>{_MON}(?:\s+of)?\s+(?P<myy>{_YEAR}|{_REL_YEAR}))
  | (?P<md>(?P<mdm>{_MON})\s+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]*\s*\d{{4}})(?!\d))
  | (?P<firstn>(?:the\s+)?first\s+(?P<fnn>{NUM})\s+months\s+of\s+(?P<fny>{_YREF}))
  | (?P<relp>(?:this|next|last|the\s+following|the\s+coming|the\s+current|the\s+next(?=\s+decade))\s+
        (?P<relu>year|month|quarter|decade|week|century))
  | (?P<coming>the\s+(?:coming|next|next\s+few|next\s+several|following)\s+(?P<cu>weeks|months|years|quarters))
  | (?P<nextn>the\s+(?:next|coming|following)\s+(?:{NUM}\s*(?:-|–|to|or)\s*)?(?P<nn>{NUM})\s+(?P<nu>{_DUR_UNIT}))
  | (?P<ago>(?P<an>{NUM})\s+(?P<au>{_DUR_UNIT})\s+ago)
  | (?P<fromnow>(?:{NUM}\s*(?:-|–|to|or)\s*)?(?P<fn>{NUM})\s+(?P<fu>{_DUR_UNIT}|decades?)\s+
        (?:from\s+now|away|out(?![\w-])))
  | (?P<year>{_YEAR})(?!\s*(?:-|–)\s*\d)
  | (?P<mon>{_MON}(?=\W|$))
"""
_PREFIX_WORDS = [
    "by", "before", "until", "till", "through", "no later than", "not later than", "in", "during", "within", "around",
    "from", "after", "since", "as of", "at", "toward", "towards", "over", "sometime in", "some time in", "ahead of",
    "for", "of", "throughout", "circa", "come", "starting", "beginning", "later in", "early in", "as early as",
    "as soon as", "as late as", "between"]
# A trie-shaped alternation: the prefix is tried at every position of every sentence scanned.
_PREFIX = rf"(?P<prefix>(?:{trie_alternation(_PREFIX_WORDS)}\s+|pre-)(?:the\s+end\s+of\s+)?)?"
# "within six months" / "in the next year" are relative spans with the count in front of the unit.
_WITHIN = rf"(?P<within>(?P<wk>within|in|inside(?:\s+of)?|take|takes)\s+[“\"‘']?(?:the\s+(?:next|coming)\s+)?" \
          rf"(?:(?:about|around|roughly|approximately|an\s+estimated|just|only|simply|merely|" \
          rf"less\s+than|fewer\s+than|under|as\s+(?:little|few)\s+as|" \
          rf"perhaps|maybe)\s+)?(?P<wn>(?:{NUM}\s*(?:-\s*to\s*-|-|–|to|or)\s*)?(?:{NUM})" \
          rf"|a\s+few(?:\s+(?:thousand|hundred))?|(?:a\s+)?couple(?:\s+of)?)" \
          rf"\s+(?P<wu>{_DUR_UNIT}|decades?))"

DATE_RE = re.compile(
    rf"(?<![\w-])(?:{_WITHIN}|{_PREFIX}(?P<core>{_CORE}))(?![\w])",
    re.IGNORECASE | re.VERBOSE,
)

# Every DATE_RE match contains one of these (a year, a month or season name, a quarter/half, or a relative
# word); a cheap pre-check before the full pattern.
_MAYBE_DATE = re.compile(
    r"\d{4}|\b(?:Q[1-4]|H[12]|ago|now|next|this|last|coming|current|following|within|inside|quarter|half|early|"
    r"mid|midyear|late|later|end|start|beginning|close|turn|decade|century|year|year-end|spring|summer|fall|autumn|winter|"
    r"month|week|day|pre|"
    r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)(?:\w*)\b", re.IGNORECASE)

_BOUND = {"by": "by", "before": "before", "until": "by", "till": "by", "through": "by", "no later than": "by",
          "not later than": "by", "after": "after", "since": "after", "from": "after", "starting": "after",
          "beginning": "after", "as early as": "in", "as soon as": "in", "as late as": "by", "pre-": "before",
          "pre": "before"}


def add_months(d: date, months: float) -> date:
    """Return d shifted by a (possibly fractional) number of months; fractions become days."""
    whole = int(months)
    frac = months - whole
    y, m = divmod(d.month - 1 + whole, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    out = date(year, month, day)
    return out + timedelta(days=round(frac * 30.44)) if frac else out


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_of(text: str | None, anchor: date | None) -> int | None:
    """Resolve "2026", "next year", "this year", "the year"; None when relative and no anchor."""
    if text is None:
        return anchor.year if anchor else None
    t = " ".join(text.lower().split())
    if re.fullmatch(_YEAR, t):
        return int(t)
    if anchor is None:
        return None
    if t.startswith(("next", "the following", "the coming")):
        return anchor.year + 1
    if t.startswith("last"):
        return anchor.year - 1
    return anchor.year


_Interval = tuple[date | None, date | None, str, bool]  # start, end, granularity, relative


def _iv_day(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "2026-02-25", "Feb 25, 2026", "25 February 2026"."""
    if m.group("iso"):
        d = date.fromisoformat(m.group("iso"))
        return d, d, "day", False
    raw = m.group("mdy") or m.group("dmy")
    mon_m = re.search(_MON, raw, re.IGNORECASE)
    day_m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", raw)
    year_m = re.search(_YEAR, raw)
    assert mon_m and day_m and year_m
    try:
        d = date(int(year_m.group(0)), _MONTHS[mon_m.group(0).rstrip(".").lower()], int(day_m.group(1)))
    except ValueError:
        return None, None, "day", False
    return d, d, "day", False


def _iv_quarter(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "Q3 2026", "the third quarter of next year", "2026Q1"."""
    g = m.group
    if g("qn2"):
        q, year, rel = int(g("qn2")), int(g("qy2")), False
    else:
        q = int(g("qn")) if g("qn") else _ORD[g("qord").lower()]
        year_opt = _year_of(g("qy"), anchor)
        rel = g("qy") is None or not re.fullmatch(_YEAR, g("qy") or "")
        if year_opt is None:
            return None, None, "quarter", True
        year = year_opt
    return date(year, 3 * q - 2, 1), month_end(year, 3 * q), "quarter", rel


def _iv_half(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "H2 2026", "the first half of next year"."""
    g = m.group
    h = int(g("hn")) if g("hn") else 1 if g("hord").lower() in ("first", "1st", "front") else 2
    year_opt = _year_of(g("hy"), anchor)
    rel = g("hy") is None or not re.fullmatch(_YEAR, g("hy") or "")
    if year_opt is None:
        return None, None, "half", True
    return date(year_opt, 1 if h == 1 else 7, 1), month_end(year_opt, 6 if h == 1 else 12), "half", rel


_PART_SPANS = {"early": ((1, 1), (4, 30)), "mid": ((5, 1), (8, 31)), "late": ((9, 1), (12, 31)),
               "end": ((10, 1), (12, 31))}
_PART_WORDS = {"early": "early", "the start of": "early", "the beginning of": "early", "start of": "early",
               "beginning of": "early", "the turn of": "early", "mid": "mid", "middle": "mid",
               "the middle of": "mid", "late": "late", "later": "late"}


def _iv_part(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "early 2025" (Jan–Apr), "mid-2026" (May–Aug), "late 2027" (Sep–Dec), "the end of 2026" (Oct–Dec)."""
    year = _year_of(m.group("py"), anchor)
    rel = not re.fullmatch(_YEAR, m.group("py"))
    if year is None:
        return None, None, "year_part", True
    w = " ".join(m.group("pw").lower().split()).rstrip("-")
    if w == "later" and anchor is not None and anchor.year == year:
        return anchor, date(year, 12, 31), "year_part", True
    (m0, d0), (m1, d1) = _PART_SPANS[_PART_WORDS.get(w, "end")]
    return date(year, m0, d0), date(year, m1, d1), "year_part", rel


def _iv_month_part(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "mid-February 2026" (11–20), "early March" (1–10), "late 2026-06" style thirds of a month."""
    mon = _MONTHS[re.match(r"[A-Za-z]+", m.group("mpm")).group(0).lower()]  # type: ignore[union-attr]
    year = _year_of(m.group("mpy"), anchor) if m.group("mpy") else (anchor.year if anchor else None)
    if year is None:
        return None, None, "month_part", True
    w = m.group("mpw").lower()
    first, last = (1, 10) if w.startswith("early") else (11, 20) if w.startswith("mid") else (
        21, calendar.monthrange(year, mon)[1])
    return date(year, mon, first), date(year, mon, last), "month_part", m.group("mpy") is None or not re.fullmatch(
        _YEAR, m.group("mpy"))


def _iv_anchor_part(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "year-end" (Oct–Dec) and "mid-year" (May–Aug) of the publication year."""
    if anchor is None:
        return None, None, "year_part", True
    if m.group("yearend"):
        return date(anchor.year, 10, 1), date(anchor.year, 12, 31), "year_part", True
    return date(anchor.year, 5, 1), date(anchor.year, 8, 31), "year_part", True


def _iv_decade(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "the 2030s", "the early 2030s" (first four years), "the end of the decade"."""
    if m.group("dec"):
        y0 = int(m.group("dec"))
        part = (m.group("decp") or "").lower()
        if part.startswith("early"):
            return date(y0, 1, 1), date(y0 + 3, 12, 31), "decade", False
        if part.startswith("mid"):
            return date(y0 + 3, 1, 1), date(y0 + 6, 12, 31), "decade", False
        if part.startswith("late"):
            return date(y0 + 6, 1, 1), date(y0 + 9, 12, 31), "decade", False
        return date(y0, 1, 1), date(y0 + 9, 12, 31), "decade", False
    if anchor is None:
        return None, None, "decade", True
    last = anchor.year - anchor.year % 10 + 9
    return date(last, 1, 1), date(last, 12, 31), "year", True


def _iv_season(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "summer 2026" (Jun–Aug), "this autumn", "next winter" (Dec–Feb)."""
    first, last = _SEASONS[m.group("sname").lower()]
    rel = m.group("sy") is None
    if m.group("sy"):
        year = int(m.group("sy"))
    elif anchor is None:
        return None, None, "season", True
    else:
        year = anchor.year
        srel = (m.group("srel") or "").lower()
        year += 1 if srel.startswith(("next", "the coming")) else -1 if srel == "last" else 0
    end_year = year + 1 if first > last else year
    return date(year, first, 1), month_end(end_year, last), "season", rel


def _iv_range(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "2027–2031", "March to April 2026", "May 10-31, 2026": from the start of one to the end of the other."""
    if m.group("yrange"):
        a, b = int(m.group("ya")), m.group("yb")
        y2 = int(b) if len(b) == 4 else a - a % 100 + int(b)
        return (date(a, 1, 1), date(y2, 12, 31), "year", False) if y2 > a else (None, None, "year", True)
    if m.group("drange"):
        mon, y = _MONTHS[m.group("dm").rstrip(".").lower()], int(m.group("dy"))
        try:
            return date(y, mon, int(m.group("da"))), date(y, mon, int(m.group("db"))), "day", False
        except ValueError:
            return None, None, "day", True
    year = _year_of(m.group("mry"), anchor)
    if year is None:
        return None, None, "month", True
    ma, mb = (_MONTHS[m.group(k).rstrip(".").lower()] for k in ("ma", "mb"))
    y0 = year - 1 if ma > mb else year
    return date(y0, ma, 1), month_end(year, mb), "month", m.group("mry") is None


def _iv_month_day(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "April 30", "July 9th": a day of the publication year (open without a publication date)."""
    if anchor is None:
        return None, None, "day", True
    try:
        d = date(anchor.year, _MONTHS[m.group("mdm").rstrip(".").lower()], int(m.group("mdd")))
    except ValueError:
        return None, None, "day", True
    return d, d, "day", True


def _iv_first_months(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "the first three months of 2026" (Jan 1 to the end of March)."""
    year = _year_of(m.group("fny"), anchor)
    n = int(word_number(m.group("fnn")) or 0)
    if year is None or not 1 <= n <= 12:
        return None, None, "month", True
    return date(year, 1, 1), month_end(year, n), "month", not re.fullmatch(_YEAR, m.group("fny"))


def _iv_month_year(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "March 2027", "June of next year"."""
    mon = _MONTHS[re.match(r"[A-Za-z]+", m.group("my")).group(0).lower()]  # type: ignore[union-attr]
    year = _year_of(m.group("myy"), anchor)
    if year is None:
        return None, None, "month", True
    return date(year, mon, 1), month_end(year, mon), "month", not re.fullmatch(_YEAR, m.group("myy"))


def _iv_this_next(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "next year", "this quarter", "last month", "the coming decade"."""
    if anchor is None:
        return None, None, "relative", True
    which = " ".join(m.group("relp").lower().split()).rsplit(" ", 1)[0]
    step = 1 if which in ("next", "the next", "the following", "the coming") else -1 if which == "last" else 0
    unit = m.group("relu").lower()
    if unit == "year":
        return date(anchor.year + step, 1, 1), date(anchor.year + step, 12, 31), "year", True
    if unit == "month":
        d = add_months(anchor.replace(day=1), step)
        return d, month_end(d.year, d.month), "month", True
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=step)
        return monday, monday + timedelta(days=6), "week", True
    if unit == "quarter":
        d = add_months(date(anchor.year, 3 * ((anchor.month - 1) // 3) + 1, 1), 3 * step)
        return d, add_months(d, 3) - timedelta(days=1), "quarter", True
    if unit == "century":  # "this century": 2001–2100, the way the calendar counts it
        c0 = (anchor.year - 1) // 100 * 100 + 100 * step
        return date(c0 + 1, 1, 1), date(c0 + 100, 12, 31), "century", True
    if which in ("the next", "the coming"):  # "within the next decade": ten years from now, not the 2030s
        return anchor, add_months(anchor, 120), "relative", True
    y0 = anchor.year - anchor.year % 10 + 10 * step
    return date(y0, 1, 1), date(y0 + 9, 12, 31), "decade", True


_COMING_SPAN = {"weeks": 2.0, "months": 6.0, "quarters": 6.0, "years": 36.0}  # "the coming months" ≈ half a year


def _iv_span_from_anchor(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "the coming months", "the next two years", "three months from now", "six months ago"."""
    if anchor is None:
        return None, None, "relative", True
    if m.group("coming"):
        return anchor, add_months(anchor, _COMING_SPAN[m.group("cu").lower()]), "relative", True
    if m.group("ago"):
        d = add_months(anchor, -(word_number(m.group("an")) or 1.0) * unit_months(m.group("au")))
        return d, d, "relative", True
    n, unit = (m.group("nn"), m.group("nu")) if m.group("nextn") else (m.group("fn"), m.group("fu"))
    return anchor, add_months(anchor, (word_number(n) or 1.0) * unit_months(unit)), "relative", True


def _iv_year(m: re.Match[str], anchor: date | None) -> _Interval:
    """ "2027", and a bare month name after a preposition ("by March": the publication year's March)."""
    if m.group("year"):
        y = int(m.group("year"))
        return date(y, 1, 1), date(y, 12, 31), "year", False
    if anchor is None:
        return None, None, "month", True
    mon = _MONTHS[m.group("mon").rstrip(".").lower()]
    return date(anchor.year, mon, 1), month_end(anchor.year, mon), "month", True


# The alternatives of _CORE and who reads each: (a named group of the alternative, its handler).
_CORE_TABLE: tuple[tuple[str, Callable[[re.Match[str], date | None], _Interval]], ...] = (
    ("iso", _iv_day), ("mdy", _iv_day), ("dmy", _iv_day), ("drange", _iv_range), ("mrange", _iv_range),
    ("yrange", _iv_range), ("quarter", _iv_quarter), ("half", _iv_half),
    ("mpart", _iv_month_part), ("part", _iv_part), ("yearend", _iv_anchor_part), ("midyear", _iv_anchor_part),
    ("decade", _iv_decade), ("season", _iv_season), ("my", _iv_month_year), ("md", _iv_month_day),
    ("firstn", _iv_first_months), ("relp", _iv_this_next),
    ("coming", _iv_span_from_anchor), ("nextn", _iv_span_from_anchor), ("ago", _iv_span_from_anchor),
    ("fromnow", _iv_span_from_anchor), ("year", _iv_year), ("mon", _iv_year),
)


def _core_interval(m: re.Match[str], anchor: date | None) -> _Interval:
    """Return (start, end, granularity, relative) for the core alternative that matched."""
    for group, handler in _CORE_TABLE:
        if m.group(group):
            return handler(m, anchor)
    return None, None, "unknown", True


def _from_match(m: re.Match[str], anchor: date | None) -> DateInterval:
    text = m.group(0).strip()
    if m.group("within") and m.group("wk").lower() in ("take", "takes"):
        text = text.split(None, 1)[1]  # "it'll take two to four years to reach AGI": the span, not the verb
    if m.group("within"):
        wn = re.split(r"\s*(?:-|–|\bto\b|\bor\b)+\s*", m.group("wn"))[-1]  # a range ends at its high end
        n = 2.0 if "couple" in wn.lower() else word_number(wn) if not wn.lower().startswith("a ") else 3.0
        if re.search(r"thousand|hundred", wn, re.I):
            return DateInterval(None, None, "relative", text, "within", True)  # "a few thousand days": no end
        if anchor is None:
            return DateInterval(None, None, "relative", text, "within", True)
        months = (n or 1.0) * unit_months(m.group("wu"))
        return DateInterval(anchor, add_months(anchor, months), "relative", text, "within", True)
    start, end, gran, rel = _core_interval(m, anchor)
    prefix = " ".join((m.group("prefix") or "").lower().split())
    bound = "ago" if m.group("ago") else "in"
    lead = prefix.replace(" the end of", "").strip()
    if lead in _BOUND:
        bound = _BOUND[lead]
    if lead == "from" and (m.group("yrange") or m.group("mrange") or m.group("drange")):
        bound = "in"  # "from 2026 to 2040": both ends stated
    if "the end of" in prefix and end is not None:
        start = date(end.year, 10, 1) if gran == "year" else start
    ends_of = "the end of" in prefix or bool(m.group("core") and re.match(
        r"(?:the\s+)?(?:end|close)\s+of|year[- ]end", m.group("core"), re.IGNORECASE))
    if bound in ("by", "before"):
        if bound == "before" and start is not None and not ends_of:
            end = start - timedelta(days=1)
        start = None
    elif bound == "after":
        end = None
    return DateInterval(start, end, gran, text, bound, rel)


_EVENT_AFTER = re.compile(r"\s+(?:release|launch|debut|rollout|roll-out|unveiling|window|timeframe|date|drop)\b", re.I)
_ENDS = re.compile(r"\s+(?:ends|is\s+out|is\s+over|closes|runs\s+out)\b", re.I)


def _until_end(m: re.Match[str], anchor: date | None, iv: DateInterval) -> DateInterval:
    """ "before 2025 ends": the end of the period itself, not the day before it starts."""
    _start, end, gran, rel = _core_interval(m, anchor)
    return DateInterval(None, end, gran, iv.text, "by", rel)


def find_dates(text: str, anchor: date | None = None, offset: int = 0) -> list[tuple[int, int, DateInterval]]:
    """Return (start, end, interval) for every date phrase in text; offsets are shifted by offset."""
    out: list[tuple[int, int, DateInterval]] = []
    if not _MAYBE_DATE.search(text):  # the full pattern is expensive; most sentences have no date at all
        return out
    for m in DATE_RE.finditer(text):
        if m.group("core") is not None and m.group("mon") and not m.group("prefix") and not _EVENT_AFTER.match(
                text, m.end()):
            continue  # a bare month name ("March") is too ambiguous ("May", "march") without a preposition
        if m.group("sname") and m.group("sname").lower() == "fall" and not (m.group("prefix") or m.group("srel")
                                                                            or m.group("sy")):
            continue  # "is expected to fall later this month": the verb, not the season
        if m.group("year") and not m.group("prefix"):
            after = text[m.end(): m.end() + 12].lower()
            if re.match(r"\s*(?:points|models|%|percent|parameters|tokens|gpus|h100s)", after):
                continue
        interval = _from_match(m, anchor)
        if interval.bound == "before" and _ENDS.match(text, m.end()) and interval.start is None:
            interval = _until_end(m, anchor, interval)
        s = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        out.append((s + offset, m.end() + offset, interval))
    for m in _YEAR_ENDS.finditer(text):  # "before the year ends": the end of the publication year
        end = date(anchor.year, 12, 31) if anchor else None
        out.append((m.start() + offset, m.end() + offset, DateInterval(None, end, "year_part", m.group(0), "by", True)))
        out.sort(key=lambda x: x[0])
    return _join_ranges(text, out, offset) if len(out) > 1 else out


_YEAR_ENDS = re.compile(r"\b(?:before|by)\s+(?:the|this)\s+year\s+(?:ends|is\s+out|is\s+over|closes|runs\s+out)\b",
                        re.IGNORECASE)


_OR = re.compile(r"^\s*,?\s*or\s*$", re.I)
_GLOSS = re.compile(r"^[^().;:]{0,12}[(\[]\s*$")
_JOINER = re.compile(r"^\s*(?:-|–|—|to|through|until)\s*$", re.I)
_MOVED = re.compile(r"\b(?:delay\w*|postpon\w*|push\w*|slipp?\w*|mov\w*|pushed\s+back|shift\w*|push\w*\s+back)\b"
                    r"[^.;]{0,60}$", re.I)


def _join_ranges(text: str, found: list[tuple[int, int, DateInterval]], offset: int
                 ) -> list[tuple[int, int, DateInterval]]:
    """ "late 2027–mid 2028" is one interval; "delayed from late 2025 to Q1 2026" keeps only the new date."""
    out: list[tuple[int, int, DateInterval]] = []
    for s, e, d in found:
        if out:
            ps, pe, p = out[-1]
            between = text[pe - offset: s - offset]
            if _OR.match(between) and p.end is not None and d.end is not None and d.end > p.end and \
                    p.bound in ("in", "by") and d.bound in ("in", "by") and not d.relative:
                # "by 2026 or 2027", "in late 2026 or early 2027": the later alternative ends it
                out[-1] = (ps, e, DateInterval(p.start, d.end, p.granularity, text[ps - offset: e - offset],
                                               p.bound, p.relative))
                continue
            if p.start is None and p.end is None and p.relative and not d.relative and d.end is not None and \
                    _GLOSS.match(between):
                # "within the next decade or two (2032-2042)": the dates the writer gave for the phrase
                e += text[e - offset: e - offset + 1] in (")", "]")
                out[-1] = (ps, e, DateInterval(d.start, d.end, d.granularity, text[ps - offset: e - offset],
                                               d.bound, False))
                continue
            if _JOINER.match(between) and p.start is not None and d.end is not None and p.bound == "in":
                if _MOVED.search(text, 0, ps - offset) and re.search(r"\bfrom\s+$", text[: ps - offset], re.I):
                    out[-1] = (s, e, d)
                else:
                    out[-1] = (ps, e, DateInterval(p.start, d.end, p.granularity, text[ps - offset: e - offset],
                                                   "in", p.relative or d.relative))
                continue
        out.append((s, e, d))
    return out


def normalize(text: str, anchor: date | None = None) -> DateInterval | None:
    """Normalize one date phrase to an interval, or None when text is not (entirely) a date phrase.

    >>> normalize("by early 2025").end, normalize("Q3 2025").start
    (datetime.date(2025, 4, 30), datetime.date(2025, 7, 1))
    """
    t = " ".join(text.strip().split())
    m = DATE_RE.fullmatch(t)
    if m is None:
        return None
    return _from_match(m, anchor)
