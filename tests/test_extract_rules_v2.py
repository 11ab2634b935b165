"""Construction families of extraction v2, one invented example (or two) each; the realtext gate measures them
on real text, these pin the behaviour of each small function."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.claims import extract
from extractors.dates import find_dates
from extractors.rules.base import demo_ctx
from extractors.rules.forecasts import generic_forecasts, milestone_claims, release_claims
from extractors.rules.gaps import _FAMILIES, find_durations

PUB = date(2026, 3, 10)


def _gaps(text: str) -> list[tuple[str | None, float | None, float | None]]:
    return [(c.direction, c.months_low, c.months_high) for c in extract(text, PUB).claims if c.kind == "gap"]


def _forecasts(text: str, pub: date | None = PUB) -> list[tuple[str | None, date | None]]:
    return [(c.deadline_text, c.deadline_end) for c in extract(text, pub).claims if c.kind == "forecast"]


@pytest.mark.parametrize(("text", "want"), [
    ("Mistral's newest models trail the leading US systems by an average of five months.", ("behind", 5, 5)),
    ("Open models sit a minimum of two months and a maximum of nine months behind the closed frontier.",
     ("behind", 2, 9)),
    ("Analysts say European labs are just under a year behind the American ones.", ("behind", 12, 12)),
    ("Some say Russian AI labs remain over a decade behind the American frontier.", ("behind", 120, None)),
    ("Chinese labs shipped systems close to the performance of US models 4-6 months older.", ("behind", 4, 6)),
    ("Whatever GPT-4o could do, open models took roughly eight more months to reach.", ("behind", 8, 8)),
])
def test_gap_families(text, want):
    assert want in _gaps(text)


def test_the_families_are_small_functions_tried_in_order():
    names = [f.__name__ for f in _FAMILIES]
    assert names[0] == "_read_behind_after" and len(names) == len(set(names)) >= 9


def test_unit_only_figure_of_speech_keeps_no_number():
    assert ("behind", None, None) in _gaps("A CEO said Korean labs are only nanoseconds behind the US in AI.")


@pytest.mark.parametrize("text", [
    "Qwen 4 performs as well as GPT-5 on most tasks, the team said.",
    "Open models improved fast, and the researchers concluded that the gap has now closed.",
    "Mistral says its model is just as good as Claude Sonnet 4.5.",
])
def test_parity_forms(text):
    assert ("parity", None, None) in _gaps(text)


@pytest.mark.parametrize("text", [
    "Is Falcon on par with Llama 4?",
    "The startup competes against rivals like Mistral and Cohere.",
])
def test_parity_lookalikes(text):
    assert _gaps(text) == []


def test_milestones_pair_each_name_with_its_date():
    drafts = milestone_claims(demo_ctx("One futurist: AGI by 2031, ASI by 2040."))
    got = [(d["target"], d["deadline_end"]) for d in drafts]
    assert got == [("AGI", date(2031, 12, 31)), ("ASI", date(2040, 12, 31))]


def test_release_odds_list_gives_one_forecast_per_deadline():
    drafts = release_claims(demo_ctx("Traders give 40% odds of a GPT-6 launch before June 30, 2026, and 80% by "
                                     "December 31, 2026."))
    assert [d["deadline_end"] for d in drafts] == [date(2026, 6, 29), date(2026, 12, 31)]


def test_release_named_in_the_sentence_before():
    got = _forecasts("Anthropic has finished testing Claude 5. The launch is expected in the second half of 2026.")
    assert ("in the second half of 2026", date(2026, 12, 31)) in got


def test_generic_route_needs_ai_progress_not_money():
    assert generic_forecasts(demo_ctx("Gemini 4 is tipped for a spring 2027 debut."))
    assert not generic_forecasts(demo_ctx("OpenAI expects revenue to reach $100 billion by 2029."))


def test_trend_extrapolation_is_a_hedged_forecast():
    claims = [c for c in extract("If the trend holds, AGI could arrive by 2032.", PUB).claims if c.kind == "forecast"]
    assert claims and claims[0].deadline_end == date(2032, 12, 31) and claims[0].hedged


def test_rumour_condition_is_not_a_condition():
    assert _forecasts("If the leaks are right, Gemini 3 could drop next week.") == [
        ("next week", date(2026, 3, 22))]


@pytest.mark.parametrize(("text", "end"), [
    ("mass production slated for March to April 2027", date(2027, 4, 30)),
    ("a launch window of May 10-31, 2026", date(2026, 5, 31)),
    ("by around 2027–2031", date(2031, 12, 31)),
    ("between late 2027–mid 2028", date(2028, 8, 31)),
    ("launch before 2027 ends", date(2027, 12, 31)),
    ("in the first three months of 2027", date(2027, 3, 31)),
    ("a pre-May 2026 release", date(2026, 4, 30)),
    ("a December release window", date(2026, 12, 31)),
    ("by year-end 2026", date(2026, 12, 31)),
])
def test_new_date_forms(text, end):
    assert [d.end for _s, _e, d in find_dates(text, PUB)][-1] == end


def test_delay_keeps_the_new_date():
    found = find_dates("the lab is delaying the model from late 2026 to Q1 2027", PUB)
    assert [d.text for _s, _e, d in found if d.bound != "after"] == ["Q1 2027"]


def test_durations_with_more():
    assert [(d.low, d.high) for d in find_durations("it took three more months")] == [(3.0, 3.0)]


def test_restatement_in_headline_and_body_is_one_claim():
    text = ("Korean models are 7 months behind, says study\n\nThe study finds US labs lead Korean models by 7 months "
            "on the index.")
    assert len([c for c in extract(text, PUB).claims if c.kind == "gap"]) == 1


def test_attribution_forms():
    claims = extract("According to venture investor Jane Roe, European labs are about a year behind.", PUB).claims
    assert claims[0].attributed_to == "Jane Roe"
