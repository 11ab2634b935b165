from datetime import date

import pytest

from extractors.dates import add_months, find_dates, normalize

PUB = date(2026, 2, 10)


@pytest.mark.parametrize(
    ("text", "start", "end", "granularity"),
    [
        ("March 3, 2026", date(2026, 3, 3), date(2026, 3, 3), "day"),
        ("3 March 2026", date(2026, 3, 3), date(2026, 3, 3), "day"),
        ("2026-03-03", date(2026, 3, 3), date(2026, 3, 3), "day"),
        ("March 2026", date(2026, 3, 1), date(2026, 3, 31), "month"),
        ("2027", date(2027, 1, 1), date(2027, 12, 31), "year"),
        ("Q3 2025", date(2025, 7, 1), date(2025, 9, 30), "quarter"),
        ("2025 Q4", date(2025, 10, 1), date(2025, 12, 31), "quarter"),
        ("the third quarter", date(2026, 7, 1), date(2026, 9, 30), "quarter"),
        ("the third quarter of 2027", date(2027, 7, 1), date(2027, 9, 30), "quarter"),
        ("H2 2026", date(2026, 7, 1), date(2026, 12, 31), "half"),
        ("the first half of 2026", date(2026, 1, 1), date(2026, 6, 30), "half"),
        ("the second half of next year", date(2027, 7, 1), date(2027, 12, 31), "half"),
        ("early 2025", date(2025, 1, 1), date(2025, 4, 30), "year_part"),
        ("mid-2026", date(2026, 5, 1), date(2026, 8, 31), "year_part"),
        ("late 2025", date(2025, 9, 1), date(2025, 12, 31), "year_part"),
        ("early next year", date(2027, 1, 1), date(2027, 4, 30), "year_part"),
        ("later this year", PUB, date(2026, 12, 31), "year_part"),
        ("summer 2026", date(2026, 6, 1), date(2026, 8, 31), "season"),
        ("this summer", date(2026, 6, 1), date(2026, 8, 31), "season"),
        ("next spring", date(2027, 3, 1), date(2027, 5, 31), "season"),
        ("winter 2025", date(2025, 12, 1), date(2026, 2, 28), "season"),
        ("next year", date(2027, 1, 1), date(2027, 12, 31), "year"),
        ("this year", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("within six months", PUB, date(2026, 8, 10), "relative"),
        ("in the coming months", PUB, date(2026, 8, 10), "relative"),
        ("the next 18 months", PUB, date(2027, 8, 10), "relative"),
        ("six months ago", date(2025, 8, 10), date(2025, 8, 10), "relative"),
    ],
)
def test_normalize_intervals(text, start, end, granularity):
    got = normalize(text, PUB)
    assert got is not None, text
    assert (got.start, got.end, got.granularity) == (start, end, granularity)
    assert got.text == text


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("by early 2025", date(2025, 4, 30)),
        ("by the end of next year", date(2027, 12, 31)),
        ("by the end of 2026", date(2026, 12, 31)),
        ("by 2030", date(2030, 12, 31)),
        ("by Q3 2026", date(2026, 9, 30)),
        ("until mid-2027", date(2027, 8, 31)),
        ("no later than March 2027", date(2027, 3, 31)),
        ("by year-end", date(2026, 12, 31)),
        ("before 2027", date(2026, 12, 31)),
        ("before the end of 2026", date(2026, 12, 31)),
    ],
)
def test_by_phrases_are_end_bounded(text, end):
    got = normalize(text, PUB)
    assert got is not None
    assert got.start is None
    assert got.end == end
    assert got.bound in ("by", "before")


def test_relative_phrases_stay_open_without_anchor():
    for text in ("next year", "within six months", "this summer", "in the coming months", "the third quarter"):
        got = normalize(text, None)
        assert got is not None, text
        assert got.start is None and got.end is None, text
        assert got.relative


def test_absolute_dates_need_no_anchor():
    got = normalize("Q3 2025", None)
    assert got is not None and got.start == date(2025, 7, 1)


def test_not_a_date():
    assert normalize("five months behind", PUB) is None
    assert normalize("GPT-5", PUB) is None


def test_find_dates_offsets_and_bare_month_names():
    text = "Open models may reach Opus level by early 2025, and March is busy; in May 2026 they ship."
    found = find_dates(text, PUB)
    assert [text[s:e] for s, e, _ in found] == ["by early 2025", "in May 2026"]


def test_find_dates_skips_numbers_that_are_not_years():
    assert find_dates("The model has 2048 GPUs and scored 2026 points.", PUB) == []


def test_add_months_clamps_day():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
