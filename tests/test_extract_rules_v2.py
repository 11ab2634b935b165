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


# --- claims.v2.3/v2.4 -------------------------------------------------------------------------------------------

def _who(text: str, kind: str | None = None) -> list[str | None]:
    return [c.attributed_to for c in extract(text, PUB).claims if kind is None or c.kind == kind]


@pytest.mark.parametrize(("text", "want"), [
    # a role resolved to the person who holds it, named nearby
    ("Quarry Labs' founder, Ilse Varga, spoke on Monday. The founder said open models are a year behind Vela-3.",
     "Ilse Varga"),
    ("Open models are six months behind Vela-3, Tomas Reed, the CEO of Quarry Labs, told reporters.", "Tomas Reed"),
    # a pronoun speaker with nobody named before it stays the pronoun
    ("He argued that Chinese open models trail US models by seven to ten months.", "He"),
    # a quote continued after a '"…," she said' sentence belongs to the speaker named before that
    ("Mara Lind boasted that export rules work. \u201cThe chips are weak,\u201d she said. "
     "\u201cChinese labs are years behind the United States.\u201d", "Mara Lind"),
    # "X has made a prediction: …"
    ("Ines Dorr, a fund manager, has made one of the boldest predictions yet: AGI could arrive by 2029.", "Ines Dorr"),
    # a report that "cited" a firm "as claiming"
    ("A trade report cited a chip research firm as claiming that Chinese models are three years behind US models.",
     "a chip research firm"),
])
def test_speakers(text, want):
    assert want in _who(text)


@pytest.mark.parametrize(("text", "want"), [
    ("in late 2027 or early 2028", (date(2027, 9, 1), date(2028, 4, 30))),
    ("by 2028 or 2029", (None, date(2029, 12, 31))),
    ("anywhere from 2030 to 2045", (date(2030, 1, 1), date(2045, 12, 31))),
])
def test_date_alternatives_and_from_to_ranges(text, want):
    (_s, _e, d), = find_dates(text, None)
    assert (d.start, d.end) == want


def test_report_dates_are_not_deadlines():
    said = _forecasts("On May 3, a wire service reported the Vela-4 AI model will likely launch in June.", None)
    assert said and all(dl != "May 3" for dl, _ in said)
    assert _forecasts("The lab predicted in 2012 that AGI would arrive by 2032.", None) == [
        ("by 2032", date(2032, 12, 31))]
    assert all(dl != "in 2028" for dl, _ in _forecasts("No, she says, AGI won\u2019t arrive in 2028.", None))


def test_release_delays_and_this_week():
    assert ("fall 2026", date(2026, 11, 30)) in _forecasts("The Vela-5 model's release has been delayed to fall 2026.")
    assert any(dl == "this week" for dl, _ in _forecasts("DeepSeek's V5 model is expected to launch this week.",
                                                         None))


@pytest.mark.parametrize(("text", "want"), [
    ("中国的大模型目前可能落后美国约三到六个月。", [("behind", 3.0, 6.0)]),
    ("AI 분야에서 미국과의 기술격차는 유럽 1.1년, 일본 1.5년이다.", [("behind", 13.2, 13.2), ("behind", 18.0, 18.0)]),
    ("人工知能の分野で、米国に対する技術格差は中国(0.9年)、韓国(1.3年)の順だった。",
     [("behind", 10.8, 10.8), ("behind", 15.6, 15.6)]),
    # not gaps: an anchor in the past, a deadline, a topic other than AI
    ("三年前，中国发布了第一个大模型。", []),
    ("专家认为中国AI未来3到5年内超越美国的可能性不到20%。", []),
    ("中国的核聚变装置在人造太阳技术上至少领先美国两到三年。", []),
])
def test_cjk_gaps(text, want):
    assert _gaps(text) == want
