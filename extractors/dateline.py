"""Publication dates written as text: a visible dateline near the top of a page, or a date string in metadata.

Pure: no network, no database. One implementation serves plain-text files (`claimwatch extract`) and HTML
pages (extractors.article, when no feed, meta or URL date exists). Every date carries its precision (day,
month, year): "March 2026" is a month, "2026" a year, and neither is ever turned into a day.

A dateline is a short line of its own, not a date inside a sentence: the date must stand alone in its segment
(segments are split by "·", "•", "|" and spaced dashes), follow a label ("Published:", "Updated:", "Posted on")
or a byline ("By Jane Doe,"). "OpenAI released GPT-5 on August 7, 2025." is a sentence and is never read as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from schemas import TRUSTED_DATE_PRECISIONS, TRUSTED_DATE_SOURCES, DatePrecision, DateSource

__all__ = [
    "DATE_SOURCES",
    "TRUSTED_PRECISIONS",
    "TRUSTED_SOURCES",
    "DateSource",
    "Dateline",
    "Precision",
    "find_dateline",
    "parse_date_text",
]

Precision = DatePrecision
DATE_SOURCES: tuple[DateSource, ...] = ("feed", "meta", "url", "dateline", "guess")
TRUSTED_SOURCES = TRUSTED_DATE_SOURCES
TRUSTED_PRECISIONS = TRUSTED_DATE_PRECISIONS

# How far down a text a dateline may sit: a title, a subtitle, a byline and a dateline fit in a dozen lines;
# past that, dates belong to the body (events, releases), not to the page.
MAX_LINES = 12
MAX_CHARS = 2000
# A dateline line is short; a longer line is prose that happens to contain a date.
MAX_LINE_CHARS = 160

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (r"(?:(?:,?\s+|T)(?:at\s+)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
         r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|[ECMP][SD]?T))?)?")
_DATE = re.compile(
    _WEEKDAY + r"(?:"
    r"(?P<iy>\d{4})[-/.](?P<im>\d{1,2})(?:[-/.](?P<id>\d{1,2}))?"
    r"|(?P<nd>\d{1,2})\.(?P<nm>\d{1,2})\.(?P<ny>\d{4})"
    r"|(?P<sa>\d{1,2})/(?P<sb>\d{1,2})/(?P<sy>\d{4})"
    rf"|(?P<mm>{_MONTH})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})"
    rf"|(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{_MONTH}),?\s+(?P<dy>\d{{4}})"
    rf"|(?P<om>{_MONTH}),?\s+(?P<oy>\d{{4}})"
    r"|(?P<yy>\d{4})"
    r")" + _TIME + r"(?![\w/-])",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"\b(?P<label>publication\s+date|date\s+published|first\s+published|published|posted|last\s+updated|updated"
    r"|last\s+modified|modified|date|released|dated)(?:\s+(?:on|at))?\s*[:\-\u2013\u2014]?\s*$",
    re.IGNORECASE,
)
_SEPARATOR_END = re.compile(r"(?:[\u00b7\u2022|/]|\s[-\u2013\u2014])\s*$")
_SEPARATOR_START = re.compile(
    r"^\s*(?:[\u00b7\u2022|/]|[-\u2013\u2014](?:\s|$)|,?\s*(?:updated|modified|\d+\s*m(?:in(?:ute)?s?)?\s+read))",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\s*by\s+[^.!?]{1,60}?[,\u00b7\u2022|]?\s*$", re.IGNORECASE)
_UPDATED_LABELS = frozenset({"last updated", "updated", "last modified", "modified"})
# Labels that name a page's own date whatever precedes them on the line ("4 min read · Published March 3, 2026",
# or a byline glued to it when a page is flattened to text); "date", "released" or "dated" need a clean start.
_STRONG_LABELS = frozenset({
    "publication date", "date published", "first published", "published", "posted", "last updated", "updated",
})


@dataclass(frozen=True)
class Dateline:
    """A publication date read from text: when, how precise, the label it carried and where it stood."""

    when: datetime
    precision: Precision
    label: str
    line: str
    start: int
    end: int


def _build(m: re.Match[str]) -> tuple[datetime, Precision] | None:
    """The date and its precision from one _DATE match (None when the fields are not a real date)."""
    g = m.groupdict()
    try:
        if g["iy"]:
            if g["id"]:
                return datetime(int(g["iy"]), int(g["im"]), int(g["id"]), tzinfo=UTC), "day"
            return datetime(int(g["iy"]), int(g["im"]), 1, tzinfo=UTC), "month"
        if g["nd"]:  # 14.09.2025: day first, as everywhere dots separate a date
            return datetime(int(g["ny"]), int(g["nm"]), int(g["nd"]), tzinfo=UTC), "day"
        if g["sa"]:
            return _slashed(int(g["sa"]), int(g["sb"]), int(g["sy"]))
        if g["mm"]:
            return datetime(int(g["my"]), _month(g["mm"]), int(g["md"]), tzinfo=UTC), "day"
        if g["dm"]:
            return datetime(int(g["dy"]), _month(g["dm"]), int(g["dd"]), tzinfo=UTC), "day"
        if g["om"]:
            return datetime(int(g["oy"]), _month(g["om"]), 1, tzinfo=UTC), "month"
        return datetime(int(g["yy"]), 1, 1, tzinfo=UTC), "year"
    except ValueError:
        return None


def _slashed(a: int, b: int, year: int) -> tuple[datetime, Precision] | None:
    """09/14/2025 (US) or 14/09/2025: read only when one order is impossible or both agree (03/03/2026)."""
    if a > 12 or a == b:
        return datetime(year, b, a, tzinfo=UTC), "day"
    if b > 12:
        return datetime(year, a, b, tzinfo=UTC), "day"
    return None  # 03/04/2026 is March 4 in New York and 3 April in London: not a date we can read


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()[:3]]


def _plausible(when: datetime) -> bool:
    return 1990 <= when.year <= 2100


def parse_date_text(value: str) -> tuple[datetime, Precision] | None:
    """Parse a date string from metadata or a dateline, keeping its precision; times are kept, in UTC.

    >>> parse_date_text("2026-02-25T09:05:00+01:00")
    (datetime.datetime(2026, 2, 25, 8, 5, tzinfo=datetime.timezone.utc), 'day')
    >>> parse_date_text("March 2026"), parse_date_text("2025")[1], parse_date_text("not a date")
    ((datetime.datetime(2026, 3, 1, 0, 0, tzinfo=datetime.timezone.utc), 'month'), 'year', None)
    >>> parse_date_text("Wed, 25 Feb 2026 10:00:00 GMT")[0].hour
    10
    """
    text = " ".join(str(value).split())
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if len(text) >= 10:
            when = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
            return (when, "day") if _plausible(when) else None
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        dt = parsedate_to_datetime(text)
        when = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
        return (when, "day") if _plausible(when) else None
    except (TypeError, ValueError, IndexError):
        pass
    m = _DATE.fullmatch(text.strip(" ,."))
    built = _build(m) if m else _dateutil(text)
    return built if built and _plausible(built[0]) else None


def _dateutil(text: str) -> tuple[datetime, Precision] | None:
    """Free-form dates via dateutil, parsed against two defaults: a field that changes was not in the text."""
    from dateutil import parser as dateparser

    try:
        a = dateparser.parse(text, default=datetime(2000, 1, 1))
        b = dateparser.parse(text, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return None
    if a.year != b.year:
        return None
    precision: Precision = "year" if a.month != b.month else "month" if a.day != b.day else "day"
    when = a if precision == "day" else a.replace(month=1 if precision == "year" else a.month, day=1)
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)), precision


def _candidates(line: str) -> list[tuple[re.Match[str], str]]:
    """Dates standing alone in a line: (match, label) for each date a dateline shape allows."""
    out: list[tuple[re.Match[str], str]] = []
    for m in _DATE.finditer(line):
        prefix, suffix = line[: m.start()], line[m.end():].strip()
        label_m = _LABEL.search(prefix)
        label = " ".join(label_m.group("label").lower().split()) if label_m else ""
        if label_m and label not in _STRONG_LABELS and not _prefix_ok(prefix[: label_m.start()]):
            label_m, label = None, ""
        if not label_m and not _prefix_ok(prefix):
            continue
        if suffix and not _SEPARATOR_START.match(suffix):
            continue
        if m.group("yy") and not label:
            continue  # a bare year is a dateline only when labelled ("Published: 2026")
        out.append((m, label))
    return out


def _prefix_ok(prefix: str) -> bool:
    return not prefix.strip() or bool(_SEPARATOR_END.search(prefix)) or bool(_BYLINE.match(prefix))


def find_dateline(text: str, *, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> Dateline | None:
    """Find the publication dateline near the top of a text; a "Published" date wins over an "Updated" one.

    >>> d = find_dateline("Why open models caught up\\nFeb 25, 2026 \u00b7 4 min read\\n\\nThe gap is five months.")
    >>> d.when.date().isoformat(), d.precision, d.label
    ('2026-02-25', 'day', '')
    >>> find_dateline("Publication Date: 2026-05-14 09:05:00\\nText").when.isoformat()
    '2026-05-14T00:00:00+00:00'
    >>> find_dateline("Updated: 2026-04-13\\nPublished: 2026-04-01\\nText").when.day
    1
    >>> find_dateline("OpenAI released GPT-5 on August 7, 2025.\\nMore text.") is None
    True
    """
    found: list[Dateline] = []
    pos, seen = 0, 0
    for raw in text[:max_chars].splitlines(keepends=True):
        line = raw.strip()
        start = pos + (len(raw) - len(raw.lstrip()))
        pos += len(raw)
        if not line:
            continue
        seen += 1
        if seen > max_lines:
            break
        if len(line) > MAX_LINE_CHARS or line.startswith("|") or line.count("|") >= 3:
            continue  # prose, or a table row ("| Claude 1 | March 2023 | first release |") dating something else
        for m, label in _candidates(line):
            built = _build(m)
            if built and _plausible(built[0]):
                found.append(Dateline(built[0], built[1], label, line, start + m.start(), start + m.end()))
    published = [d for d in found if d.label not in _UPDATED_LABELS]
    best = published or found
    return best[0] if best else None
