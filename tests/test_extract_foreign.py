"""claims.v2.16: claims in languages other than English (extractors/rules/foreign.py) and the English routes added
with them (relative spans, parity wording, task horizons, planners). Sentences are invented for the test."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.claims import extract
from extractors.dates import find_dates
from extractors.groups import find_groups
from extractors.rules.cjk import cjk_gap_drafts
from extractors.rules.foreign import foreign_drafts, is_english


def _kinds(text: str, published: date | None = None) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for c in extract(text, published).claims:
        if c.kind == "gap":
            out.append(("gap", c.direction, c.months_low, c.months_high))
        elif c.kind == "forecast":
            out.append(("forecast", c.deadline_start, c.deadline_end))
    return out


@pytest.mark.parametrize("text, english", [
    ("Open models trail the frontier by about a quarter, the lab said.", True),
    ("Die offenen Modelle liegen rund ein Quartal hinter den geschlossenen.", False),
    ("Los modelos abiertos están a pocos meses de los cerrados.", False),
    ("开源模型落后闭源模型约三个月。", False),
])
def test_is_english(text, english):
    assert is_english(text) is english


@pytest.mark.parametrize("text", [
    "Das Heidelberger Modell ist inzwischen auf Augenhöhe mit den besten KI-Systemen aus Kalifornien.",
    "Selon l'institut, le nouveau modèle rivalise avec les meilleurs systèmes d'IA américains.",
    "El modelo de Lumen ya está a la par de los mejores modelos de IA de Estados Unidos.",
    "新发布的大模型在多项测试中已经比肩美国最强的模型。",
    "新しいモデルは米国の最先端AIと肩を並べる性能を示した。",
    "국내 AI 모델이 미국 모델과 대등한 수준에 도달했다.",
])
def test_parity_in_other_languages(text):
    assert [k for k in _kinds(text) if k[0] == "gap"] == [("gap", "parity", None, None)]


@pytest.mark.parametrize("text", [
    "Le nouveau modèle d'IA pourrait rivaliser avec les meilleurs systèmes américains.",  # future: a forecast
    "Das Modell ist noch nicht auf Augenhöhe mit den KI-Systemen aus Kalifornien.",  # negated
    "국내 AI 모델은 GPT-5와 완전히 동등한 수준은 아니지만 격차를 줄였다.",  # Korean negation after the phrase
    "从数量来看,创业公司和大厂的大模型占比几乎持平。",  # a share, not capability
    "Ist das neue KI-Modell auf Augenhöhe mit GPT-5?",  # a question
])
def test_parity_not_claimed(text):
    assert not [k for k in _kinds(text) if k[1] == "parity"]


@pytest.mark.parametrize("text, low, high, direction", [
    ("Les modèles d'IA chinois ont trois à six mois de retard sur les modèles américains.", 3.0, 6.0, "behind"),
    ("Die chinesischen KI-Modelle liegen etwa sechs Monate hinter den amerikanischen.", 6.0, 6.0, "behind"),
    ("Los modelos de IA de Estados Unidos tienen una ventaja de dos años sobre los europeos.", 24.0, 24.0, "ahead"),
    ("Os modelos de IA chineses estão cerca de 9 meses atrás dos americanos.", 9.0, 9.0, "behind"),
    ("Die chinesischen KI-Modelle liegen nur noch einige Monate hinter den amerikanischen.", None, None, "behind"),
])
def test_gaps_in_european_languages(text, low, high, direction):
    assert ("gap", direction, low, high) in _kinds(text)


@pytest.mark.parametrize("text", [
    "Vor sechs Monaten stellte das Labor ein neues KI-Modell vor, das hinter GPT-4 lag.",  # ago
    "Das erste KI-Videomodell war der Konkurrenz um Monate voraus.",  # German "um" is not "one"
    "Le laboratoire publie un nouveau modèle d'IA tous les trois mois, derrière OpenAI.",  # a cadence
])
def test_not_gaps_in_european_languages(text):
    assert not [k for k in _kinds(text) if k[0] == "gap" and k[2] is not None]


@pytest.mark.parametrize("text, end", [
    ("Der Gründer erwartet die AGI bis 2029.", date(2029, 12, 31)),
    ("Selon lui, l'AGI pourrait être atteinte avant 2031.", date(2030, 12, 31)),
    ("El investigador cree que la superinteligencia llegará para 2035.", date(2035, 12, 31)),
    ("Ele prevê que a AGI possa surgir já em 2027.", date(2027, 12, 31)),
    ("Secondo il fondatore, l'AGI potrebbe arrivare entro il 2028.", date(2028, 12, 31)),
    ("该公司创始人预计通用人工智能将在2030年前实现。", date(2029, 12, 31)),
    ("創業者は2032年までにAGIが実現すると予測している。", date(2032, 12, 31)),
    ("그는 2030년까지 범용 인공지능이 등장할 것으로 전망했다.", date(2030, 12, 31)),
])
def test_dated_milestones_in_other_languages(text, end):
    ends = [k[2] for k in _kinds(text) if k[0] == "forecast"]
    assert ends == [end]


def test_release_month_in_chinese_takes_the_publication_year():
    text = "据报道,该公司预计将于2月中旬推出新一代模型DeepSeek-V4。"
    ends = [k[2] for k in _kinds(text, date(2026, 1, 10)) if k[0] == "forecast"]
    assert ends == [date(2026, 2, 20)]


@pytest.mark.parametrize("text", [
    "Em 2024, ainda não veremos a AGI completa, disse o analista.",  # negated
    "2023年2月,ChatGPT已推出收费版本,并表示未来或将探索更多方案。",  # done, not planned
    "「o2」の登場時期は不明ですが、CEOは2024年11月1日に発言しています。",  # the day it was said
])
def test_not_forecasts_in_other_languages(text):
    assert not [k for k in _kinds(text) if k[0] == "forecast"]


def test_relative_span_in_german_is_kept_as_written_without_a_date():
    drafts = [d for d in foreign_drafts("Der Forscher glaubt, dass die AGI innerhalb von 3-5 Jahren kommt.", None)
              if d["kind"] == "forecast"]
    assert [(d["deadline_text"], d["deadline_end"]) for d in drafts] == [("innerhalb von 3-5 Jahren", None)]
    dated = foreign_drafts("Der Forscher glaubt, dass die AGI innerhalb von 5 Jahren kommt.", date(2026, 1, 1))
    assert [d["deadline_end"] for d in dated if d["kind"] == "forecast"] == [date(2031, 1, 1)]


def test_speaker_in_european_languages():
    drafts = foreign_drafts("Selon Marie Dubois, les modèles d'IA chinois ont six mois de retard.", None)
    assert [d["attributed_to"] for d in drafts] == ["Marie Dubois"]


def test_cjk_open_bounds():
    got = [(d["months_low"], d["months_high"]) for d in cjk_gap_drafts("两国AI模型的差距已从一年多缩短至不到三个月。")]
    assert got == [(12.0, None), (None, 3.0)]


def test_english_text_is_left_to_the_english_rules():
    assert foreign_drafts("Chinese models are on par with US models, the report says.", None) == []


# --- English routes added in v2.16 ------------------------------------------------------------------------

@pytest.mark.parametrize("phrase, months", [
    ("in approximately five years", 60), ("within the next couple years", 24), ("inside a decade", 120),
    ("in two decades", 240), ("within the coming two years", 24), ("in simply 5 to 10 years", 120),
])
def test_relative_spans(phrase, months):
    (_s, _e, d), = find_dates(phrase, date(2026, 1, 1))
    assert d.start == date(2026, 1, 1)
    assert (d.end.year - 2026) * 12 + d.end.month - 1 == months


def test_between_years_is_a_range():
    (_s, _e, d), = find_dates("between 2025 and 2050", None)
    assert (d.start, d.end) == (date(2025, 1, 1), date(2050, 12, 31))


@pytest.mark.parametrize("text", [
    "Its new 70-billion-parameter model can rival OpenAI's GPT-4o at a fraction of the cost, the startup claims.",
    "Tencent says its new Hunyuan-T1 model can go toe-to-toe with OpenAI's best reasoning systems.",
    "Meta's Llama 3 70B, the first open-source model to match GPT-4's performance, is gaining users.",
    "This year, Llama 3 is competitive with the most advanced models and leads in some areas.",
    "Reportedly, Spark V3.5 is close to the performance level of GPT-4 Turbo.",
    "With competitive performance against GPT-5.2, this open-weights model changes the market.",
])
def test_english_parity_wording(text):
    assert ("gap", "parity", None, None) in _kinds(text)


@pytest.mark.parametrize("text", [
    "Analysts doubt whether Huawei's new model can match GPT-5.",
    "The project serves local languages without competing directly with the likes of OpenAI.",
])
def test_english_parity_not_claimed(text):
    assert ("gap", "parity", None, None) not in _kinds(text)


def test_the_most_advanced_models_are_the_frontier():
    (g,) = find_groups("the most advanced models")
    assert g.attrs == {"scope": "frontier"}
    (g,) = find_groups("the best open models")
    assert g.attrs == {"openness": "open"}


@pytest.mark.parametrize("text, end", [
    ("Lab forecasts go further: by March 2027, tasks requiring a week of human work; by mid-2027, tasks taking "
     "humans months.", [date(2027, 3, 31), date(2027, 8, 31)]),
    ("“In 2027, AI systems could be capable of tasks that take a person weeks,” wrote two of its researchers.",
     [date(2027, 12, 31)]),
    ("Transformative AI is more likely than not by 2036.", [date(2036, 12, 31)]),
    ("1. A computer will pass the Turing Test by 2029.", [date(2029, 12, 31)]),
])
def test_english_milestones(text, end):
    assert sorted(k[2] for k in _kinds(text) if k[0] == "forecast") == end


def test_past_task_horizons_in_a_list_are_not_forecasts():
    text = "The trajectory: GPT-4 (2023–2024) — tasks requiring minutes; GPT-5 (2025) — multi-hour complex tasks."
    assert not [k for k in _kinds(text) if k[0] == "forecast"]


def test_a_planner_is_the_forecast_source():
    (c,) = [c for c in extract("Zhipu plans to release GLM-6 in the first half of 2027.").claims
            if c.kind == "forecast"]
    assert c.attributed_to == "Zhipu"


def test_release_hinted_or_believed():
    assert [k for k in _kinds("Google has hinted at an early January release for Gemini Ultra.", date(2023, 12, 8))
            if k[0] == "forecast"]


# --- attribution and release dates added in v2.17 ----------------------------------------------------------

def test_each_claim_takes_its_own_speaker():
    text = ("Ada Park says AGI could arrive as early as 2027, Tom Vale predicts AGI by 2031, and Mira Chen "
            "estimates AGI by 2040.")
    got = {c.deadline_end.year: c.attributed_to for c in extract(text).claims if c.kind == "forecast"}
    assert got == {2027: "Ada Park", 2031: "Tom Vale", 2040: "Mira Chen"}


def test_a_model_does_not_speak_its_maker_does():
    (c,) = [c for c in extract("Released under the MIT license, GLM-5 claims performance parity with GPT-5.2 on "
                               "coding.").claims if c.kind == "gap"]
    assert c.attributed_to == "Zhipu AI"


@pytest.mark.parametrize("text, who", [
    ("Jane Roe, the CEO of Quill Labs — one of the firms building agents — predicts that AGI could arrive by 2030.",
     "Jane Roe"),
    ("Chinese models trail US models by three to six months, based on Insikt Group analysis of public benchmarks.",
     "Insikt Group"),
    ("One research analysis found that Chinese AI models have trailed US models by about 7 months.",
     "One research analysis"),
])
def test_english_speaker_forms(text, who):
    assert who in [c.attributed_to for c in extract(text).claims]


def test_a_he_reaches_past_short_asides():
    text = ("At the university, Ilya Sorensen spoke plainly. Not in theory. In reality. And soon. "
            "He believes we could reach superintelligence by 2030.")
    (c,) = [c for c in extract(text).claims if c.kind == "forecast"]
    assert c.attributed_to == "Ilya Sorensen"


def test_a_past_release_is_not_a_deadline():
    text = "Developers kept waiting following DeepSeek's release of R1 in January 2025, and a new model may come."
    assert not [c for c in extract(text, date(2025, 6, 1)).claims if c.kind == "forecast"]


@pytest.mark.parametrize("text, who", [
    ("유상임 과학기술정보통신부 장관은 국내 AI 기술력이 미국과 1년 이상 격차가 있다고 말했다.",
     "유상임 과학기술정보통신부 장관"),
    ("全國政協委員、四川大學教授徐玖平對記者表示,中國AI相較於美國還存在1年以上的差距。", "徐玖平"),
])
def test_cjk_speakers(text, who):
    assert [d["attributed_to"] for d in cjk_gap_drafts(text)] == [who]


# --- v2.18: precision of the other-language families --------------------------------------------------------

def test_korean_range_with_a_tilde_operator():
    drafts = cjk_gap_drafts("국내 AI 모델 성능은 글로벌 선두 대비 1∼2년 격차가 있다.")
    assert [(d["months_low"], d["months_high"]) for d in drafts] == [(12.0, 24.0)]


@pytest.mark.parametrize("text", [
    "중국과 미국의 AI 기술 격차가 1년 만에 크게 좁혀졌다.",  # "within one year": how long, not the gap
    "젠슨 황 CEO는 AGI 등장까지 5년이 걸릴 거라고 내다봤다. 머스크의 전망은 앞선다.",  # time taken
])
def test_cjk_spans_that_are_not_gaps(text):
    assert not [d for d in cjk_gap_drafts(text) if d["months_low"] is not None]


@pytest.mark.parametrize("text", [
    "La IA de China está cerrando la brecha con los modelos de Estados Unidos.",  # narrowing, not parity
    "그는 AGI를 뇌의 인지 기능과 대등한 수준의 AI 지능으로 정의했다.",  # parity with people is a milestone
    "빅테크들은 10년 안에 GPT-5와 맞먹는 수준의 AI 모델을 완성할 수 있다고 공언했다.",  # a future capability
    "中國需要快速進展,為了趕上輝達的AI晶片。",  # a purpose
])
def test_other_language_parity_not_claimed(text):
    assert not [d for d in foreign_drafts(text, None) if d["direction"] == "parity"]


def test_japanese_plan_denied_is_no_forecast():
    text = "ただし、アルトマンCEOは「GPT-5を2025年中にリリースする計画はない」と言及している。"
    assert not [d for d in foreign_drafts(text, None) if d["kind"] == "forecast"]


def test_one_milestone_with_several_deadlines():
    text = "Er sieht eine 50-prozentige Chance, dass die AGI bis 2025 entstehen wird, und eine 90-prozentige bis 2028."
    ends = [d["deadline_end"] for d in foreign_drafts(text, None) if d["kind"] == "forecast"]
    assert ends == [date(2025, 12, 31), date(2028, 12, 31)]
