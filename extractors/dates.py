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
from dataclasses import dataclass
from datetime import date, timedelta

from extractors.numbers import NUM, word_number
from extractors.retrie import trie_alternation

__all__ = ["DATE_RE", "DateInterval", "add_months", "find_dates", "normalize"]


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
       r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_YEAR = r"(?:19|20)\d{2}"
_REL_YEAR = r"(?:next|this|last|the\s+following|the\s+current|the\s+coming)\s+year"
_YREF = rf"(?:{_YEAR}|{_REL_YEAR}|the\s+year)"
_DUR_UNIT = r"(?:months?|years?|weeks?|quarters?|days?)"

_CORE = rf"""
    (?P<iso>{_YEAR}-\d{{2}}-\d{{2}})
  | (?P<mdy>{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR})
  | (?P<dmy>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MON},?\s+{_YEAR})
  | (?P<quarter>(?:Q(?P<qn>[1-4])|(?:the\s+)?(?P<qord>first|second|third|fourth|1st|2nd|3rd|4th|final|last)
        \s+quarter)(?:\s+(?:of\s+)?(?P<qy>{_YREF}))?
    | (?P<qy2>{_YEAR})\s*Q(?P<qn2>[1-4]))
  | (?P<half>(?:H(?P<hn>[12])|(?:the\s+)?(?P<hord>first|second|1st|2nd|latter|back|front)\s+half)
        (?:\s+(?:of\s+)?(?P<hy>{_YREF}))?)
  | (?P<part>(?P<pw>early|earlier|mid|middle|late|later|the\s+middle\s+of|the\s+start\s+of|the\s+beginning\s+of|
        the\s+end\s+of|the\s+close\s+of|end\s+of|end-|start\s+of|beginning\s+of|the\s+turn\s+of)
        \s*-?\s*(?:in\s+)?(?P<py>{_YREF}))
  | (?P<yearend>(?:the\s+)?(?:year[- ]end|end\s+of\s+the\s+year|end\s+of\s+this\s+year|year's\s+end))
  | (?P<midyear>(?:the\s+)?mid-?year|the\s+middle\s+of\s+the\s+year|midyear)
  | (?P<decade>(?:the\s+)?end\s+of\s+the\s+decade|the\s+(?P<dec>20[0-9]0)s)
  | (?P<season>(?:(?P<srel>this|next|last|the\s+coming)\s+)?(?P<sname>spring|summer|fall|autumn|winter)
        (?:\s+(?:of\s+)?(?P<sy>{_YEAR}))?)
  | (?P<my>{_MON}(?:\s+of)?\s+(?P<myy>{_YEAR}|{_REL_YEAR}))
  | (?P<relp>(?:this|next|last|the\s+following|the\s+coming|the\s+current)\s+(?P<relu>year|month|quarter|decade))
  | (?P<coming>the\s+(?:coming|next|next\s+few|next\s+several|following)\s+(?P<cu>weeks|months|years|quarters))
  | (?P<nextn>the\s+(?:next|coming|following)\s+(?:{NUM}\s*(?:-|–|to|or)\s*)?(?P<nn>{NUM})\s+(?P<nu>{_DUR_UNIT}))
  | (?P<ago>(?P<an>{NUM})\s+(?P<au>{_DUR_UNIT})\s+ago)
  | (?P<fromnow>(?P<fn>{NUM})\s+(?P<fu>{_DUR_UNIT})\s+from\s+now)
  | (?P<year>{_YEAR})(?!\s*(?:-|–)\s*\d)
  | (?P<mon>{_MON}(?=\W|$))
"""
_PREFIX_WORDS = [
    "by", "before", "until", "till", "through", "no later than", "not later than", "in", "during", "within", "around",
    "from", "after", "since", "as of", "at", "toward", "towards", "over", "sometime in", "some time in", "ahead of",
    "for", "of", "throughout", "circa", "come", "starting", "beginning", "later in", "early in", "as early as",
    "as soon as", "as late as"]
# A trie-shaped alternation: the prefix is tried at every position of every sentence scanned.
_PREFIX = rf"(?P<prefix>{trie_alternation(_PREFIX_WORDS)}\s+(?:the\s+end\s+of\s+)?)?"
# "within six months" / "in the next year" are relative spans with the count in front of the unit.
_WITHIN = rf"(?P<within>(?P<wk>within|in|inside(?:\s+of)?)\s+(?:the\s+next\s+)?(?:about\s+|around\s+|roughly\s+)?" \
          rf"(?P<wn>(?:{NUM}\s*(?:-|–|to|or)\s*)?(?:{NUM})|a\s+few|a\s+couple\s+of)\s+(?P<wu>{_DUR_UNIT}))"

DATE_RE = re.compile(
    rf"(?<![\w-])(?:{_WITHIN}|{_PREFIX}(?P<core>{_CORE}))(?![\w])",
    re.IGNORECASE | re.VERBOSE,
)

# Every DATE_RE match contains one of these (a year, a month or season name, a quarter/half, or a relative
# word); a cheap pre-check before the full pattern.
_MAYBE_DATE = re.compile(
    r"\d{4}|\b(?:Q[1-4]|H[12]|ago|now|next|this|last|coming|current|following|within|inside|quarter|half|early|"
    r"mid|midyear|late|later|end|start|beginning|close|turn|decade|year|year-end|spring|summer|fall|autumn|winter|"
    r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)(?:\w*)\b", re.IGNORECASE)

_BOUND = {"by": "by", "before": "before", "until": "by", "till": "by", "through": "by", "no later than": "by",
          "not later than": "by", "after": "after", "since": "after", "from": "after", "starting": "after",
          "beginning": "after", "as early as": "in", "as soon as": "in", "as late as": "by"}


def add_months(d: date, months: float) -> date:
    """Return d shifted by a (possibly fractional) number of months; fractions become days."""
    whole = int(months)
    frac = months - whole
    y, m = divmod(d.month - 1 + whole, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    out = date(year, month, day)
    return out + timedelta(days=round(frac * 30.44)) if frac else out


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _unit_months(unit: str) -> float:
    u = unit.lower()
    return 12.0 if u.startswith("y") else 3.0 if u.startswith("q") else 12.0 / 52 if u.startswith("w") else (
        1.0 / 30.44 if u.startswith("d") else 1.0)


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


def _core_interval(m: re.Match[str], anchor: date | None) -> tuple[date | None, date | None, str, bool]:
    """Return (start, end, granularity, relative) for the core alternatives of DATE_RE."""
    g = m.group
    if g("iso"):
        d = date.fromisoformat(g("iso"))
        return d, d, "day", False
    if g("mdy") or g("dmy"):
        raw = g("mdy") or g("dmy")
        mon_m = re.search(_MON, raw, re.IGNORECASE)
        day_m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", raw)
        year_m = re.search(_YEAR, raw)
        assert mon_m and day_m and year_m
        mon = _MONTHS[mon_m.group(0).rstrip(".").lower()]
        try:
            d = date(int(year_m.group(0)), mon, int(day_m.group(1)))
        except ValueError:
            return None, None, "day", False
        return d, d, "day", False
    if g("quarter"):
        if g("qn2"):
            q, year = int(g("qn2")), int(g("qy2"))
            rel = False
        else:
            q = int(g("qn")) if g("qn") else _ORD[g("qord").lower()]
            year_opt = _year_of(g("qy"), anchor)
            rel = g("qy") is None or not re.fullmatch(_YEAR, g("qy") or "")
            if year_opt is None:
                return None, None, "quarter", True
            year = year_opt
        return date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "quarter", rel
    if g("half"):
        h = int(g("hn")) if g("hn") else 1 if g("hord").lower() in ("first", "1st", "front") else 2
        year_opt = _year_of(g("hy"), anchor)
        rel = g("hy") is None or not re.fullmatch(_YEAR, g("hy") or "")
        if year_opt is None:
            return None, None, "half", True
        return date(year_opt, 1 if h == 1 else 7, 1), _month_end(year_opt, 6 if h == 1 else 12), "half", rel
    if g("part"):
        year_opt = _year_of(g("py"), anchor)
        rel = not re.fullmatch(_YEAR, g("py"))
        if year_opt is None:
            return None, None, "year_part", True
        w = " ".join(g("pw").lower().split()).rstrip("-")
        y = year_opt
        if w in ("early", "the start of", "the beginning of", "start of", "beginning of", "the turn of"):
            return date(y, 1, 1), date(y, 4, 30), "year_part", rel
        if w in ("mid", "middle", "the middle of"):
            return date(y, 5, 1), date(y, 8, 31), "year_part", rel
        if w in ("later",) and anchor is not None and anchor.year == y:
            return anchor, date(y, 12, 31), "year_part", True
        if w in ("late", "later"):
            return date(y, 9, 1), date(y, 12, 31), "year_part", rel
        return date(y, 10, 1), date(y, 12, 31), "year_part", rel  # the end / close of YEAR
    if g("yearend"):
        if anchor is None:
            return None, None, "year_part", True
        return date(anchor.year, 10, 1), date(anchor.year, 12, 31), "year_part", True
    if g("midyear"):
        if anchor is None:
            return None, None, "year_part", True
        return date(anchor.year, 5, 1), date(anchor.year, 8, 31), "year_part", True
    if g("decade"):
        if g("dec"):
            y0 = int(g("dec"))
            return date(y0, 1, 1), date(y0 + 9, 12, 31), "decade", False
        if anchor is None:
            return None, None, "decade", True
        last = anchor.year - anchor.year % 10 + 9
        return date(last, 1, 1), date(last, 12, 31), "year", True
    if g("season"):
        first, last = _SEASONS[g("sname").lower()]
        rel = g("sy") is None
        if g("sy"):
            year = int(g("sy"))
        elif anchor is None:
            return None, None, "season", True
        else:
            year = anchor.year
            srel = (g("srel") or "").lower()
            if srel.startswith("next") or srel.startswith("the coming"):
                year += 1
            elif srel == "last":
                year -= 1
        end_year = year + 1 if first > last else year
        return date(year, first, 1), _month_end(end_year, last), "season", rel
    if g("my"):
        mon = _MONTHS[re.match(r"[A-Za-z]+", g("my")).group(0).lower()]  # type: ignore[union-attr]
        year_opt = _year_of(g("myy"), anchor)
        if year_opt is None:
            return None, None, "month", True
        return date(year_opt, mon, 1), _month_end(year_opt, mon), "month", not re.fullmatch(_YEAR, g("myy"))
    if g("relp"):
        if anchor is None:
            return None, None, "relative", True
        which = " ".join(g("relp").lower().split()).rsplit(" ", 1)[0]
        step = 1 if which in ("next", "the following", "the coming") else -1 if which == "last" else 0
        unit = g("relu").lower()
        if unit == "year":
            y = anchor.year + step
            return date(y, 1, 1), date(y, 12, 31), "year", True
        if unit == "month":
            d = add_months(anchor.replace(day=1), step)
            return d, _month_end(d.year, d.month), "month", True
        if unit == "quarter":
            q0 = (anchor.month - 1) // 3
            d = add_months(date(anchor.year, 3 * q0 + 1, 1), 3 * step)
            return d, add_months(d, 3) - timedelta(days=1), "quarter", True
        y0 = anchor.year - anchor.year % 10 + 10 * step
        return date(y0, 1, 1), date(y0 + 9, 12, 31), "decade", True
    if g("coming"):
        if anchor is None:
            return None, None, "relative", True
        unit = g("cu").lower()
        span = {"weeks": 2.0, "months": 6.0, "quarters": 6.0, "years": 36.0}[unit]
        return anchor, add_months(anchor, span), "relative", True
    if g("nextn"):
        n = word_number(g("nn")) or 1.0
        if anchor is None:
            return None, None, "relative", True
        return anchor, add_months(anchor, n * _unit_months(g("nu"))), "relative", True
    if g("ago"):
        n = word_number(g("an")) or 1.0
        if anchor is None:
            return None, None, "relative", True
        d = add_months(anchor, -n * _unit_months(g("au")))
        return d, d, "relative", True
    if g("fromnow"):
        n = word_number(g("fn")) or 1.0
        if anchor is None:
            return None, None, "relative", True
        return anchor, add_months(anchor, n * _unit_months(g("fu"))), "relative", True
    if g("year"):
        y = int(g("year"))
        return date(y, 1, 1), date(y, 12, 31), "year", False
    if g("mon"):
        mon = _MONTHS[g("mon").rstrip(".").lower()]
        if anchor is None:
            return None, None, "month", True
        return date(anchor.year, mon, 1), _month_end(anchor.year, mon), "month", True
    return None, None, "unknown", True


def _from_match(m: re.Match[str], anchor: date | None) -> DateInterval:
    text = m.group(0).strip()
    if m.group("within"):
        wn = re.split(r"\s*(?:-|–|\bto\b|\bor\b)\s*", m.group("wn"))[-1]  # a range ends at its high end
        n = word_number(wn) if not wn.lower().startswith("a ") else (2.0 if "couple" in wn.lower() else 3.0)
        if anchor is None:
            return DateInterval(None, None, "relative", text, "within", True)
        months = (n or 1.0) * _unit_months(m.group("wu"))
        return DateInterval(anchor, add_months(anchor, months), "relative", text, "within", True)
    start, end, gran, rel = _core_interval(m, anchor)
    prefix = " ".join((m.group("prefix") or "").lower().split())
    bound = "ago" if m.group("ago") else "in"
    lead = prefix.replace(" the end of", "").strip()
    if lead in _BOUND:
        bound = _BOUND[lead]
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


def find_dates(text: str, anchor: date | None = None, offset: int = 0) -> list[tuple[int, int, DateInterval]]:
    """Return (start, end, interval) for every date phrase in text; offsets are shifted by offset."""
    out: list[tuple[int, int, DateInterval]] = []
    if not _MAYBE_DATE.search(text):  # the full pattern is expensive; most sentences have no date at all
        return out
    for m in DATE_RE.finditer(text):
        if m.group("core") is not None and m.group("mon") and not m.group("prefix"):
            continue  # a bare month name ("March") is too ambiguous ("May", "march") without a preposition
        if m.group("year") and not m.group("prefix"):
            after = text[m.end(): m.end() + 12].lower()
            if re.match(r"\s*(?:points|models|%|percent|parameters|tokens|gpus|h100s)", after):
                continue
        interval = _from_match(m, anchor)
        s = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        out.append((s + offset, m.end() + offset, interval))
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
