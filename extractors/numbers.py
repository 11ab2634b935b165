"""Spelled-out and numeric quantities and time spans ("three to six months", "half a year", "8+ weeks").

The regex pieces here are shared by the date normalizer and the claim rules so that both read quantities the
same way. Everything is converted to months (a week is 12/52 of a month, a quarter three months).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.retrie import trie_alternation

__all__ = ["DURATION_RE", "NUM", "Duration", "parse_duration", "word_number"]

_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS: dict[str, int] = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
# Quantifiers with a value; None means "some unstated number" (unit-only claims keep null months).
_QUANTIFIERS: dict[str, float | None] = {
    "a": 1, "an": 1, "a single": 1, "a full": 1, "a couple of": 2, "a couple": 2, "a dozen": 12, "half a": 0.5,
    "half an": 0.5, "a half": 0.5, "one and a half": 1.5, "a year and a half": 18, "two and a half": 2.5, "a few": None,
    "several": None, "many": None, "a handful of": None, "a matter of": None, "some": None, "mere": None,
    "just": None, "only": None,
}

# Trie-shaped alternations (longest word preferred, as in a longest-first list): these run at every position
# of every window the duration and date patterns scan, so their shape matters for speed.
_word_alt = trie_alternation([*_UNITS, *_TENS])
_digits = trie_alternation([k for k in _UNITS if 0 < _UNITS[k] < 10])
_WORD_NUM = rf"(?:{trie_alternation(list(_TENS))}[- ]{_digits}|{_word_alt})"
_NUM_PHRASES = ["one and a half", "two and a half", "a couple of", "a couple", "a dozen", "a single", "a full", "a",
                "an"]
NUM = rf"(?:\d+(?:\.\d+)?|{_WORD_NUM}|{trie_alternation(_NUM_PHRASES)})"
_UNIT = r"(?P<unit>months?|mos?\.?|years?|yrs?|weeks?|wks?|quarters?|days?|decades?|nanoseconds?)"
# Modifiers that bound or soften a number; the groups decide which end of the range a bare number fills.
_LOW_MODS = r"more than|over|at least|upwards of|north of|in excess of|no less than|a minimum of|beyond"
_HIGH_MODS = r"less than|under|within|up to|at most|no more than|fewer than|a maximum of|as little as|barely|only|just"
_APPROX_MODS = (r"about|around|roughly|approximately|some|nearly|almost|close to|circa|ca\.|an estimated|"
                r"perhaps|maybe|possibly|probably|something like|on the order of|in the region of|a good|a solid")

_MODS = trie_alternation(
    [t.replace("\\.", ".") for t in f"{_APPROX_MODS}|{_LOW_MODS}|{_HIGH_MODS}".split("|")]
    + ["a mere", "mere", "just over", "just under", "well over", "well under", "a little over", "a little under",
       "little more than", "a bit more than", "a bit over"])


DURATION_RE = re.compile(
    rf"""
    (?<![\w.-])
    (?P<mods>(?:~\s*|{_MODS}\s+)*)[“"]?
    (?:
        (?P<between>between\s+{NUM}(?:\s*,\s*{NUM})*,?\s+(?:and|to)\s+{NUM})\s*[- ]?\s*
            (?P<bunit>months?|years?|weeks?|quarters?)
      | (?P<xrange>(?:between\s+)?(?P<xa>{NUM}|half\s+an?)\s*[- ]?\s*(?P<xu1>months?|years?|weeks?|quarters?)\s+
            (?:and|to|or)\s+(?P<xb>{NUM})\s*[- ]?\s*(?P<xu2>months?|years?|weeks?|quarters?))
      | (?P<orrange>(?:a|an|one)\s+(?P<ounit>year|month|week|quarter)\s+or\s+(?P<oto>{NUM}))
      | (?P<halfunit>half\s+an?\s+(?P<hunit>year|month)|a\s+(?P<hunit2>year|month)\s+and\s+a\s+half)
      | (?:(?!(?:19|20)\d\d\b)(?P<qty>
            {NUM}(?:\s*[-–—]\s*(?:to\s*[-–—]\s*)?|\s*(?:to|or|and)\s*){NUM}
          | {NUM}\+?
          | a\s+few|several|many|a\s+handful\s+of|a\s+matter\s+of|half\s+a|half\s+an|a\s+half
         )\s*[- ]?\s*(?:(?:more|extra|additional)\s+)?)?
        {_UNIT}
    )
    (?P<post>\s+or\ so|\s+or\ more|\s+or\ longer|\s+plus|\s+at\ most|\s+at\ least|\s+or\ less)?
    (?![\w])
    """,
    re.IGNORECASE | re.VERBOSE,
)

_NEAR_POINT = re.compile(
    r"\b(?:just|a\s+little|slightly|a\s+bit)\s+(?:under|over|below|above|less\s+than|more\s+than)\b")
# "and" splits "two and three" but not "one and a half to two"
_RANGE_SPLIT = re.compile(r"\s*(?:-|–|—|\bto\b|\bor\b|\band\b(?!\s+a\s+half)|,)\s*", re.IGNORECASE)


def word_number(text: str) -> float | None:
    """Return the value of a numeral or number word ("3.5", "eighteen", "twenty-four", "a couple of"), else None.

    >>> word_number("twenty-four"), word_number("3.5"), word_number("a few")
    (24.0, 3.5, None)
    """
    t = " ".join(text.strip().lower().split())
    if not t:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    if t in _UNITS:
        return float(_UNITS[t])
    if t in _TENS:
        return float(_TENS[t])
    m = re.fullmatch(r"(twenty|thirty|forty|fifty|sixty)[- ](\w+)", t)
    if m and m.group(2) in _UNITS:
        return float(_TENS[m.group(1)] + _UNITS[m.group(2)])
    if t in _QUANTIFIERS:
        q = _QUANTIFIERS[t]
        return None if q is None else float(q)
    return None


def unit_months(unit: str) -> float:
    """Months in one of a time unit ("years" → 12, "weeks" → 12/52, "decade" → 120); the one table for every rule."""
    u = unit.lower().rstrip(".")
    if u.startswith("dec"):
        return 120.0
    if u.startswith("nano"):
        return 0.0  # "nanoseconds behind": a figure of speech for a tiny gap, kept without a number
    if u.startswith(("y",)):
        return 12.0
    if u.startswith("w"):
        return 12.0 / 52.0
    if u.startswith("q"):
        return 3.0
    if u.startswith("d"):
        return 12.0 / 365.0
    return 1.0


@dataclass(frozen=True)
class Duration:
    """A parsed time span in months: either end may be open; approximate marks hedged numbers."""

    text: str
    start: int
    end: int
    low: float | None
    high: float | None
    approximate: bool
    unit: str
    unit_only: bool


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _apply_bounds(low: float | None, high: float | None, mods: str, post: str, approximate: bool
                  ) -> tuple[float | None, float | None, bool]:
    """What the modifiers around a number do to its ends: "over a year" keeps the low end, "within six months"
    the high end, "just under five months" is about five, "only five months" is five said with emphasis."""
    if _NEAR_POINT.search(mods):
        return low, high, True
    if re.search(r"\bno\s+(?:more|longer)\s+than|\bnot\s+more\s+than", mods):
        low = None
    elif (re.search(r"\bno\s+less\s+than|\bnot\s+less\s+than", mods) or re.search(rf"\b(?:{_LOW_MODS})\b", mods)
          or post in ("or more", "or longer", "plus", "at least")):
        high = None
    elif re.search(rf"\b(?:{_HIGH_MODS})\b", mods) or post in ("at most", "or less"):
        emphatic = re.search(r"\b(?:only|just|barely|as little as)\b", mods) and not re.search(
            r"\b(?:less than|under|within|up to|at most|no more than|fewer than)\b", mods)
        if not emphatic:
            low = None
    return low, high, approximate or bool(re.search(r"\b(?:nearly|almost)\b", mods))


def duration_from_match(m: re.Match[str], offset: int = 0) -> Duration:
    """Build a Duration from a DURATION_RE match (offset shifts the span into a larger text)."""
    mods = " ".join((m.group("mods") or "").lower().split())
    post = (m.group("post") or "").strip().lower()
    approximate = bool(re.search(rf"\b(?:{_APPROX_MODS})(?:\s|$)", mods + " ")) or post == "or so" or "~" in mods
    low: float | None
    high: float | None
    unit_only = False
    if m.group("between"):
        unit = m.group("bunit")
        body = re.sub(r"^between\s+", "", m.group("between"), flags=re.IGNORECASE)
        body = body[: body.lower().rfind(unit.lower())] if unit.lower() in body.lower() else body
        values = [word_number(p) for p in _RANGE_SPLIT.split(body) if p.strip()]
        nums = [v for v in values if v is not None]
        low, high = (min(nums), max(nums)) if nums else (None, None)
    elif m.group("xrange"):
        # "six months to a year", "between 18 months and two years": each end has its own unit.
        a, b = word_number(m.group("xa")), word_number(m.group("xb"))
        if a is not None and b is not None:
            va, vb = a * unit_months(m.group("xu1")), b * unit_months(m.group("xu2"))
            low, high = min(va, vb), max(va, vb)
            if re.search(r"\band\b", m.group("xrange"), re.IGNORECASE) and not re.match(
                    r"between\b", m.group("xrange"), re.IGNORECASE):
                low = high = va + vb  # "a year and six months" is one span
        else:
            low = high = None
        if low is not None:
            low, high, approximate = _apply_bounds(low, high, mods, post, approximate)
        return Duration(m.group(0).strip(), m.start() + offset, m.end() + offset, _round(low), _round(high),
                        approximate, "months", low is None and high is None)
    elif m.group("orrange"):
        unit = m.group("ounit")
        low, high = 1.0, word_number(m.group("oto"))
        if m.group("unit"):
            unit = m.group("unit")
    elif m.group("halfunit"):
        hu = m.group("hunit") or m.group("hunit2")
        unit = "months"
        base = 12.0 if hu.lower() == "year" else 1.0
        low = high = base * (0.5 if m.group("hunit") else 1.5)
        low, high, approximate = _apply_bounds(low, high, mods, post, approximate)
        return Duration(m.group(0).strip(), m.start() + offset, m.end() + offset, _round(low), _round(high),
                        approximate, unit, False)
    else:
        unit = m.group("unit")
        qty = (m.group("qty") or "").strip()
        if not qty:
            low = high = None
            unit_only = True
        else:
            plus = qty.endswith("+")
            qty = qty.rstrip("+").strip()
            parts = [p for p in _RANGE_SPLIT.split(qty) if p.strip()]
            if word_number(qty) is not None:
                parts = [qty]
            if len(parts) >= 2 and word_number(parts[0]) is not None and word_number(parts[-1]) is not None:
                a, b = word_number(parts[0]), word_number(parts[-1])
                assert a is not None and b is not None
                low, high = min(a, b), max(a, b)
            else:
                v = word_number(qty)
                low = high = v
                if v is None:
                    unit_only = True
                    approximate = approximate or qty.lower() in ("a few", "several", "a handful of")
            if plus:
                high = None
    factor = unit_months(unit)
    low = None if low is None else low * factor
    high = None if high is None else high * factor
    if not unit_only:
        low, high, approximate = _apply_bounds(low, high, mods, post, approximate)
    u = unit.lower()
    unit_name = "days" if u.startswith(("nano", "day")) else "decades" if u.startswith("dec") else (
        "years" if u.startswith("y") else "weeks" if u.startswith("w") else
        "quarters" if u.startswith("q") else "months")
    return Duration(m.group(0).strip(), m.start() + offset, m.start() + offset + len(m.group(0).rstrip()),
                    _round(low), _round(high), approximate, unit_name, unit_only)


def parse_duration(text: str) -> Duration | None:
    """Parse the first time span in text, e.g. "three to six months" → 3..6, "over a year" → 12..None.

    >>> d = parse_duration("about five months")
    >>> (d.low, d.high, d.approximate)
    (5.0, 5.0, True)
    """
    m = DURATION_RE.search(text)
    return duration_from_match(m) if m else None
