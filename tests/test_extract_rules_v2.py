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


# --- claims.v2.5 (dev errors after gen 3 was scored; invented examples) -----------------------------------------


def test_bare_answers_below_a_milestone_are_forecasts():
    text = ("When will superintelligence come? People want a year. Panelists say 2031. Sceptics say 2045. "
            "A columnist believes it could be just four years. Even Joan Park, famously bold, estimates 6–8 years.")
    got = [(c.target, c.deadline_text, c.attributed_to) for c in extract(text, None).claims if c.kind == "forecast"]
    assert ("superintelligence", "2031", "Panelists") in got
    assert ("superintelligence", "2045", "Sceptics") in got
    assert ("superintelligence", "four years", "A columnist") in got
    assert ("superintelligence", "6–8 years", "Joan Park") in got


def test_duration_answer_runs_from_the_publication_date():
    text = "Is AGI close? The lab's founder says 3–5 years."
    fc = [c for c in extract(text, PUB).claims if c.kind == "forecast"]
    assert [(c.deadline_text, c.deadline_end) for c in fc] == [("3–5 years", date(2031, 3, 10))]


def test_an_answer_needs_a_milestone_named_before():
    assert _forecasts("The chip fab is a long project. Its director says 2031.") == []


@pytest.mark.parametrize(("text", "want"), [
    ("A rival predicts AI will write 80% of the code within six months.", "within six months"),
    ("Her timeline: most of the code at large labs written by AI by 2027; 95% of code written by AI by 2029.",
     "by 2029"),
    ("AI is likely to be smarter than most Nobel laureates before the end of 2028, the founder said.",
     "before the end of 2028"),
    ("Skeptics on the forum insist AGI is 40 years away.", "40 years away"),
])
def test_new_milestones(text, want):
    assert want in [t for t, _e in _forecasts(text, None)]


def test_chained_forecasts_in_one_sentence():
    text = "The upstart will catch up with the leading labs by 2027 and will surpass them by 2029, its founder said."
    assert [t for t, _e in _forecasts(text)] == ["by 2027", "by 2029"]


def test_odds_listed_after_a_cue_forecast():
    text = "Bettors now place 60% odds on a Gemini 4 release before May 31, and 85% odds before August 31."
    assert [t for t, _e in _forecasts(text)] == ["before May 31", "before August 31"]


def test_scene_date_anchors_a_relative_deadline():
    text = "In June 2025, a lab chief made a bold prediction: AI could write 90% of code within six months."
    assert _forecasts(text, None) == [("within six months", date(2025, 12, 30))]


def test_a_gloss_in_brackets_dates_a_relative_phrase():
    [(_s, _e, d)] = [x for x in find_dates("AGI may come within the next decade or two (2031-2041).") if x[2].end]
    want = (date(2031, 1, 1), date(2041, 12, 31), "within the next decade or two (2031-2041)")
    assert (d.start, d.end, d.text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("I'm assuming our lead will continue over the next five years, the envoy said.", "over the next five years"),
    ("If you measure by papers, Europe is and will be ahead in AI for the next decade, he said.",
     "for the next decade"),
    ("A think tank warns the US could lose its AI lead to China by 2031 unless it builds more power plants.",
     "by 2031"),
    ("Chinese labs can narrow the AI gap on US rivals within one or two years, an official has forecast.",
     "within one or two years"),
    ("Analysts have Europe poised to claim AI leadership by 2032.", "by 2032"),
])
def test_leads_kept_and_lost(text, want):
    assert want in [t for t, _e in _forecasts(text)]


@pytest.mark.parametrize("text", [
    "The capability gap between US and Chinese AI has closed, making them co-leaders.",
    "Analysts say Moonshot is the first Chinese lab that has reached the level of OpenAI.",
    "The release of Qwen 2.5, which managed to match GPT-4o on most tasks, surprised analysts.",
    "The new base model is said to perform similarly to GPT-5 on coding.",
    "It not only matches top proprietary systems such as GPT-5, it is cheaper.",
    "Executives at three labs call the frontier race effectively neck-and-neck.",
])
def test_more_parity_forms(text):
    assert ("parity", None, None) in _gaps(text)


@pytest.mark.parametrize("text", [
    "Experts doubt the startup can match GPT-5's raw performance.",
    "A forecaster puts the probability of open models matching GPT-5 at 70%.",
])
def test_parity_that_is_not_asserted(text):
    assert ("parity", None, None) not in _gaps(text)


# --- claims.v2.6 (gen 3's errors, read after its second score; invented examples) ------------------------------


def test_an_earlier_value_after_narrowed_from():
    text = "Europe trails by roughly 10 months in frontier models. That gap has narrowed from an estimated 20 months."
    assert ("behind", 20, 20) in _gaps(text)


@pytest.mark.parametrize("text", [
    "Ernie 5 is in the capability ballpark of GPT-5.",
    "The new Kimi model is reportedly performing at GPT-5 levels.",
    "The startup says its model effectively “closes the gap” with the frontier models built by US labs.",
])
def test_parity_ballpark_levels_closes(text):
    assert ("parity", None, None) in _gaps(text)


def test_a_matter_of_months_in_quotes():
    assert ("behind", None, None) in _gaps('Open models now trail GPT-5 by only "a matter of months."')


@pytest.mark.parametrize(("text", "want"), [
    ("If progress continues undisrupted, the chance of machines outperforming humans in every task is 10% by 2028.",
     "by 2028"),
    ("She thinks we could reach superintelligence in as little as four years.", "in as little as four years"),
    ("Predicts AGI is likely 4–6 years out.", "4–6 years out"),
    ("The chance of a European lab overtaking the US in the next five years is small, she said.",
     "in the next five years"),
])
def test_chance_framing_and_spans(text, want):
    assert want in [t for t, _e in _forecasts(text, None)]


def test_the_latest_delay_wins():
    text = ("Meta is delaying Llama 4 Behemoth. First expected in April, the model's launch was pushed to June and is "
            "now delayed until autumn.")
    assert [t for t, _e in _forecasts(text, None)] == ["until autumn"]


def test_a_slip_referred_back_to():
    text = "OpenAI pushed back GPT-5 again. The first target was mid 2024. That has now slipped to late 2024."
    assert [t for t, _e in _forecasts(text, None)] == ["late 2024"]


def test_before_the_year_ends():
    assert _forecasts("Musk confirmed that Grok 5 would be released before the year ends.") == [
        ("before the year ends", date(2026, 12, 31))]


@pytest.mark.parametrize(("text", "want"), [
    ("Open models trail by six months, Ana Ruiz said at a forum, according to a CNBC report.", "Ana Ruiz"),
    ("Speaking on a podcast, Ana Ruiz made a bold assessment: open models trail by six months.", "Ana Ruiz"),
])
def test_speaker_over_the_outlet_and_openers(text, want):
    assert [c.attributed_to for c in extract(text, PUB).claims if c.kind == "gap"] == [want]


@pytest.mark.parametrize("text", [
    "Interestingly, open models trail GPT-5 by six months.",
    "Established in 2023, the lab's model trails GPT-5 by six months.",
])
def test_sentence_openers_are_not_speakers(text):
    assert [c.attributed_to for c in extract(text, PUB).claims if c.kind == "gap"] == [None]


# --- claims.v2.7 (gen 4's English errors, read after its second score; invented examples) -----------------------


@pytest.mark.parametrize(("text", "want"), [
    ("She believes it'll take three to five years to reach artificial general intelligence.", "three to five years"),
    ("Machines could be as smart as humans in 2029, the scientist thinks.", "in 2029"),
    ('"In a year, AI may be writing essentially all of the code," he said.', "In a year"),
    ("He believes that in 4-6 years, a European company could emerge as a leader in the AI field.", "in 4-6 years"),
    ("Contrary to earlier estimates, the likelihood of HLMI arriving is 10% by 2030.", "by 2030"),
])
def test_v27_forecast_forms(text, want):
    assert want in [t for t, _e in _forecasts(text, None)]


def test_a_slip_chain_ends_at_the_last_move():
    text = ("Llama 5 was first scheduled for a March release before slipping first to May and now into the summer.")
    assert [t for t, _e in _forecasts(text, None)] == ["summer"]


@pytest.mark.parametrize("text", [
    "Researchers are still decades away from building machines that match human intelligence.",
    "The lab is reportedly weeks away from launching its V5 model.",
])
def test_away_from_doing_is_not_a_gap(text):
    assert _gaps(text) == []


def test_away_from_reaching_a_rivals_level_is_a_gap():
    text = "The founder said Ernie is only two months away from attaining the same level as GPT-5."
    assert ("behind", 2, 2) in _gaps(text)


def test_economic_parity_is_not_capability_parity():
    assert _gaps("The contribution of AI to these economies is on par with economies in Southern Europe.") == []


def test_v28_extrapolation_and_leadership_targets():
    assert "by 2031" in [t for t, _e in _forecasts("If you follow that curve, Europe will be ahead of China by 2031.")]
    got = [c.target for c in extract("India could become a global leader in artificial intelligence within 8-10 "
                                     "years.", PUB).claims if c.kind == "forecast"]
    assert got == ["become a global leader in artificial intelligence"]


# --- claims.v2.10 (dev errors; invented examples) ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "want"), [
    ("Several founders believe self-improving AI is just 3-5 years away.", ("3-5 years away", date(2031, 3, 10))),
    ("Vela Labs expects agents handling week-long research tasks could arrive within 2-3 years.",
     ("within 2-3 years", date(2029, 3, 10))),
    ("The model sheet says that, in under four years, we will see AI agents that run whole projects alone.",
     ("in under four years", date(2030, 3, 10))),
    ("Ruiz suggested that superintelligent AI could emerge within the next decade.",
     ("within the next decade", date(2036, 3, 10))),
])
def test_v210_distance_and_span_forecasts(text, want):
    assert want in _forecasts(text)


def test_the_event_weeks_away_is_not_a_milestone():
    assert _forecasts("The developer conference is now two weeks away.") == []


@pytest.mark.parametrize(("text", "want"), [
    ('Quarry Labs is readying a model codenamed "Pomelo," with a release potentially coming next spring.',
     "next spring"),
    ("Vela said it is delaying the Vela-4 model from late 2026 to Q1 2027.", "Q1 2027"),
    ("The launch of the Vela-4 AI model, previously rumored for mid-March and now expected in late May 2026, has "
     "slipped again.",
     "in late May 2026"),
])
def test_v210_release_moves_and_codenames(text, want):
    assert [t for t, _e in _forecasts(text)] == [want]


@pytest.mark.parametrize(("text", "want"), [
    ("According to a March 3rd memo, Quarry Labs will release its Pomelo-2 AI model by June 2026.", "by June 2026"),
    ("A rival paper, published in April 2025, argued that AGI would be here by 2032.", "by 2032"),
])
def test_v210_when_something_was_said_is_not_a_deadline(text, want):
    assert [t for t, _e in _forecasts(text)] == [want]  # the memo's and the paper's dates are not deadlines


@pytest.mark.parametrize(("text", "want"), [
    ("Open models trail the frontier by a near-constant 6–12 months.", ("behind", 6, 12)),
    ("The gap between Europe and the US is still about one to two years.", ("behind", 12, 24)),
    ("Korean labs are about half a year to a year behind the US ones.", ("behind", 6, 12)),
    ("Korea is one and a half to two years behind the US in AI.", ("behind", 18, 24)),
    ("Korea–US AI gap shrinks to just 2–5 months, minister says", ("behind", 2, 5)),
])
def test_v210_gap_wordings(text, want):
    assert want in _gaps(text)


def test_a_pronoun_two_sentences_after_the_actor():
    text = ("Mistral built its own chatbot. \u201cBefore, I thought it was a year or so behind in every area. "
            "Now I think it might be four months behind in some areas,\u201d the founder said.")
    assert ("behind", 4, 4) in _gaps(text)


def test_a_headline_line_is_its_own_sentence():
    text = ("Why the claim matters\nIn May 2025, a lab chief made a bold prediction: AI could write 90% of code "
            "within six months.")
    assert _forecasts(text, None) == [("within six months", date(2025, 11, 30))]


@pytest.mark.parametrize(("text", "want"), [
    ("Open models trail by six months, according to Oslo AI expert Mara Lind.", "Mara Lind"),
    ("Open models trail by six months, Mara Lind, a fellow at the Bergen Institute for Security, said on Monday.",
     "Mara Lind"),
    ("The former head of Quarry Labs and founder of Vela Capital, Tomas Reed, has stated that Korean models lag "
     "US models by about six months.", "Tomas Reed"),
    ("A Korean lab has released a model it claims matches GPT-5 on most benchmarks.", "Korean lab"),
    ("In a long interview, Ada Park explains why she still gives even odds that AGI arrives by 2031.", "Ada Park"),
    ("Korean AI startup Quarry has unveiled its newest model, asserting that it matches Claude Opus 4.5.", "Quarry"),
    ("\u2018By 2027, open models will have caught up with GPT-5. By 2030, they will lead,\u2019 Reed said.", "Reed"),
    ("\u201cThey will catch up with GPT-5 by 2027,\u201d Tomas Reed told a fund manager, per the Daily Ledger.",
     "Tomas Reed"),
])
def test_v210_speakers(text, want):
    assert want in _who(text)


def test_a_filler_is_not_a_speaker():
    text = "Ben Ode thinks we could reach human-level AI within, let's say, the next three to eight years."
    assert _who(text, "forecast") == ["Ben Ode"]


# --- claims.v2.11 (dev errors, gen 5 included; invented examples) -----------------------------------------------


@pytest.mark.parametrize("text", [
    "By spring we had Falcon-4 at Claude Opus 4 levels, and nobody noticed.",
    "The startup said the model performs at the levels of GPT-4o with far less compute.",
    "Quarry Labs claimed it had built an AI as smart as GPT-4o.",
    "Its founder said the chatbot is in no way inferior to GPT-4 on reasoning.",
    "It is good to see open-weight models catch up to the closed labs so quickly.",
])
def test_v211_parity_forms(text):
    assert ("parity", None, None) in _gaps(text)


@pytest.mark.parametrize("text", [
    "Nvidia hasn\u2019t even caught up with Google on this.",
    "Analysts say both labs have failed to maintain parity with the leading frontier AI labs.",
])
def test_v211_negated_parity(text):
    assert ("parity", None, None) not in _gaps(text)


def test_not_just_is_not_a_negation():
    text = ("This open model hasn\u2019t just matched the capabilities of its Western counterparts; it has gone past "
            "them.")
    assert ("parity", None, None) in _gaps(text)


@pytest.mark.parametrize("text", [
    "When will Korean large models reach Claude Opus 4 level by 2027?",
    "Which companies will have the top AI model by December 31",
])
def test_a_question_forecasts_nothing(text):
    assert _forecasts(text) == []


@pytest.mark.parametrize("text", [
    "This will be the lab's first big launch since the debut of its Vela-2 AI model in January of last year.",
    "The Vela AI model slipped again on Monday, the third delay in roughly nine months.",
    "In a study by Ode et al. (2018), researchers gave forecasts about high-level machine intelligence.",
])
def test_v211_past_spans_and_citations_are_not_deadlines(text):
    assert _forecasts(text) == []


def test_a_release_refers_back_to_a_codename():
    text = ('Meta is building a model called "Pomelo." The company internally anticipates a release in the '
            "first quarter of 2027.")
    assert _forecasts(text) == [("in the first quarter of 2027", date(2027, 3, 31))]


@pytest.mark.parametrize(("text", "want"), [
    ("Mara Lind \u2014 AGI is still a decade away", "Mara Lind"),
    ("As highlighted by Tomas Reed, the new coding model directly rivals Claude Sonnet 4.", "Tomas Reed"),
])
def test_v211_speakers(text, want):
    assert want in _who(text)


# --- claims.v2.12 (dev errors, gen 6 included; invented examples) -----------------------------------------------


@pytest.mark.parametrize("text", [
    "Some analysts say Korean labs have reached virtual convergence with Western models.",
    "Overall, the Kling clips feel fairly similar to GPT-4o's outputs.",
    "After months of GPT-4o dominance, an open-weight model now matches quality that once needed Claude 3.5 Sonnet.",
    "Falcon 3 results are on par or better than Llama 3 on almost all benchmarks.",
    "At launch it traded blows with Claude 3.5 Sonnet on most benchmarks.",
    "This year, Falcon 3 is competitive with GPT-4o and leading in some areas.",
    "Researchers found these models to be statistically comparable to Anthropic's Claude family.",
    "The new open model reaches GPT-4-level performance on coding tasks.",
    "Korean AI models now rival U.S. counterparts in performance.",
    "The chip is on par with, if not better than, Nvidia's A100, the company said.",
    "Korea's robotics industry has advanced to near parity with the United States.",
    "The gap between commercial APIs and open-source TTS models has nearly closed.",
])
def test_v212_parity_forms(text):
    assert ("parity", None, None) in _gaps(text)


@pytest.mark.parametrize("text", [
    "The lab wants an AI scientist producing research on par with Nobel-winning discoveries.",
    "Its main rival OpenAI shipped a model in May.",
])
def test_v212_not_parity(text):
    assert ("parity", None, None) not in _gaps(text)


def test_a_moved_timeline_is_not_a_gap():
    text = "He said the arrival of AGI may be shortened from ten years to one or two years by these AI models."
    assert _gaps(text) == []


def test_a_short_year_at_the_head_of_a_chinese_sentence_is_not_a_gap():
    assert _gaps("25年模型差距与OpenAI明显收敛，谷歌后来居上。") == []


@pytest.mark.parametrize(("text", "want"), [
    ("Quarry's billionaire CEO, Ada Park, assured the audience that the new chatbot is as capable as GPT-4.",
     "Ada Park"),
    ("Ada Park, Chief Operating Officer of Vela's chip unit, made the claim that its model is on par with GPT-5.",
     "Ada Park"),
])
def test_v212_speakers(text, want):
    assert want in _who(text)


def test_a_title_case_modal_is_not_a_name():
    assert _who("Vela CEO: AI Will Write 90% of Code in 3 to 6 Months") == ["Vela CEO"]


def test_robotaxi_launch_dates_are_forecasts():
    text = "Vela's AI unit plans to start level 4 autonomous rides in Austin by the end of 2026."
    assert ("by the end of 2026", date(2026, 12, 31)) in _forecasts(text)


def test_everyday_delays_do_not_wake_the_rules():
    """ "delayed" is everywhere in news (trains, budgets): it is not a trigger; the delay words of release plans
    are ("delaying", "postponed", "pushed", "slipped")."""
    from extractors.claims import _trigger_words

    future = _trigger_words()["future"]
    assert not {"delayed", "delays"} & future
    assert {"delaying", "postponed", "pushed", "slipped"} <= future


@pytest.mark.parametrize(("text", "want"), [
    # capability measured against people, with a list of deadlines: one forecast each
    ("Machines are expected to be better than us at proofreading by 2028, composing songs by 2031 and "
     "piloting ferries by 2035.", [("by 2028", date(2028, 12, 31)), ("by 2031", date(2031, 12, 31)),
                                    ("by 2035", date(2035, 12, 31))]),
    ("It is plain within four years that machine learning is going to do better than pathologists.",
     [("within four years", date(2030, 3, 10))]),
    ("Vela's researchers said AI could automate all human tasks by 2049.", [("by 2049", date(2049, 12, 31))]),
])
def test_capability_against_people(text, want):
    assert _forecasts(text) == want


@pytest.mark.parametrize("text", [
    "Nurses will be better than us at bedside care by 2030.",             # people, not machines
    "Machines were better than us at chess by 1997.",                       # no forecast cue
    "Robots will replace workers in warehouses by 2030.",                   # jobs: optional at most
])
def test_capability_lookalikes(text):
    assert _forecasts(text) == []


def test_self_driving_plans_need_no_ai_word():
    assert _forecasts("Corvo Motors will release self-driving vehicles by 2029.") == [("by 2029", date(2029, 12, 31))]
    assert _forecasts("Corvo Motors will release new sedans by 2029.") == []


def test_a_relative_deadline_restated_as_a_date():
    got = _forecasts("Park said the carmaker will achieve full self-driving next year, in 2027.", pub=None)
    assert got == [("in 2027", date(2027, 12, 31))]
