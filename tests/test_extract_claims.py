from datetime import date, datetime

import pytest

from extractors.claims import EXTRACTOR_VERSION, Extraction, extract, extract_claims, extract_many, get_nlp
from schemas import Claim, Mention

PUB = date(2026, 2, 10)


def one(text: str, published: date | None = PUB) -> Claim:
    claims = extract_claims(text, published)
    assert len(claims) == 1, [c.model_dump() for c in claims]
    return claims[0]


def nums(c: Claim) -> tuple:
    return (c.kind, c.direction, c.months_low, c.months_high)


# --- gap constructions ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chinese open models are five months behind Claude Sonnet 4.5.", ("gap", "behind", 5, 5)),
        ("US labs are about seven months ahead of Chinese labs.", ("gap", "ahead", 7, 7)),
        ("The US leads China by seven months.", ("gap", "ahead", 7, 7)),
        ("Open-weight models trail closed models by three to six months.", ("gap", "behind", 3, 6)),
        ("Open models are 3-6 months behind.", ("gap", "behind", 3, 6)),
        ("Open models are between three, six and nine months behind.", ("gap", "behind", 3, 9)),
        ("Open models are half a year behind.", ("gap", "behind", 6, 6)),
        ("Open models are a year or two behind.", ("gap", "behind", 12, 24)),
        ("Chinese labs have an 18-month lag behind US labs.", ("gap", "behind", 18, 18)),
        ("Kimi K2 is 3.5 months behind GPT-5.", ("gap", "behind", 3.5, 3.5)),
        ("Open models are eight weeks behind the frontier.", ("gap", "behind", 1.85, 1.85)),
        ("Chinese models are 8+ months behind US models.", ("gap", "behind", 8, None)),
        ("Chinese labs are over a year behind the frontier.", ("gap", "behind", 12, None)),
        ("Open models are within 6 months of the frontier.", ("gap", "behind", None, 6)),
        ("Chinese AI developers are just months behind the US.", ("gap", "behind", None, None)),
        ("American labs hold an 18-month lead over Chinese labs.", ("gap", "ahead", 18, 18)),
        ("The gap between open and closed models is now six months.", ("gap", "behind", 6, 6)),
        ("DeepSeek has caught up with OpenAI's o1.", ("gap", "parity", None, None)),
        ("Open-weight models are now on par with closed models.", ("gap", "parity", None, None)),
    ],
)
def test_gap_constructions(text, expected):
    assert nums(one(text)) == expected


def test_subject_reference_and_models():
    c = one("Chinese open-source models are about five months behind Claude Sonnet 4.5.")
    assert c.subject == "Chinese open-source models"
    assert c.subject_group == {"country": "CN", "openness": "open"}
    assert c.reference == "Claude Sonnet 4.5"
    assert c.reference_group == {"model": "claude-sonnet-4.5", "lab": "anthropic", "country": "US",
                                 "openness": "closed"}
    assert c.models == ["claude-sonnet-4.5"]
    assert c.approximate is True
    assert c.timeframe == "current"


def test_possessive_lab_model_reference():
    c = one("DeepSeek has caught up with OpenAI's o1 on reasoning benchmarks.")
    assert c.subject_group == {"lab": "deepseek", "country": "CN"}
    assert c.reference_group == {"model": "o1", "lab": "openai", "country": "US", "openness": "closed"}


def test_past_timeframe_and_narrowing():
    c = one("Open models have improved quickly. In 2023 the gap was 12 months.")
    assert c.timeframe == "past" and c.as_of_text == "In 2023"
    past, now = extract_claims("The gap has narrowed from 12 months in 2023 to about three months.", PUB)
    assert (past.months_low, past.timeframe, past.as_of_text) == (12, "past", "in 2023")
    assert (now.months_low, now.timeframe, now.approximate) == (3, "current", True)


def test_implicit_gap():
    c = one("Kimi K2 Thinking reached the level of GPT-5, released eight months earlier.")
    assert nums(c) == ("gap", "behind", 8, 8)
    assert c.subject_group == {"model": "kimi-k2-thinking", "lab": "moonshot", "country": "CN", "openness": "open"}
    assert c.reference_group == {"model": "gpt-5", "lab": "openai", "country": "US", "openness": "closed"}


def test_subject_from_neighbouring_sentence():
    claims = extract_claims("Chinese open-weight models have improved. They now trail the frontier by six months.",
                            PUB)
    assert len(claims) == 1
    assert claims[0].subject_group == {"country": "CN", "openness": "open"}
    assert claims[0].reference_group == {"scope": "frontier"}


# --- forecasts -----------------------------------------------------------------------------------------------

def test_forecast_with_deadline_before_publication():
    c = one("Chinese open models are expected to reach Opus level by early 2025.")
    assert c.kind == "forecast" and c.direction == "parity"
    assert c.target == "Opus level" and c.target_models == ["family:claude-opus"]
    assert (c.deadline_start, c.deadline_end, c.deadline_text) == (None, date(2025, 4, 30), "by early 2025")
    assert c.hedged and c.confidence == 0.7
    assert c.flags == ["deadline_before_publication"]
    assert c.timeframe == "future"


def test_forecast_relative_deadline_anchored_to_publication():
    c = one("Chinese labs will close the gap within six months.")
    assert (c.kind, c.direction, c.target) == ("forecast", "parity", "parity")
    assert (c.deadline_start, c.deadline_end) == (PUB, date(2026, 8, 10))
    assert c.flags == []
    c2 = one("Chinese labs will close the gap within six months.", None)
    assert (c2.deadline_start, c2.deadline_end) == (None, None)


def test_forecast_release_plan_and_goal():
    c = one("DeepSeek V4 is slated for release in Q3 2026.")
    assert (c.kind, c.direction, c.target_models) == ("forecast", None, ["deepseek-v4"])
    assert (c.deadline_start, c.deadline_end) == (date(2026, 7, 1), date(2026, 9, 30))
    g = one("China aims to surpass the US by 2030.")
    assert (g.direction, g.is_goal, g.target, g.deadline_end) == ("ahead", True, "the US", date(2030, 12, 31))


def test_forecast_target_level_with_slash():
    c = one("Open-weight models will reach Sonnet 4.6/Opus level by mid-2026.")
    assert c.target == "Sonnet 4.6/Opus level"
    assert c.target_models == ["claude-sonnet-4.6", "family:claude-opus"]


# --- attribution and hedging ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Open models are six months behind, according to a new report from Epoch AI.", "Epoch AI"),
        ("US labs lead by seven months, said Dana Okafor, who tracks releases.", "Dana Okafor"),
        ("Open models trail by four months, via @epochairesearch.", "@epochairesearch"),
        ("A report from the Lattice Policy Institute puts the open-model lag at five months.",
         "Lattice Policy Institute"),
        ("Jack Clark wrote that Chinese models are about a year behind.", "Jack Clark"),
        ("Chinese labs are nine months behind, Sam Ito told reporters.", "Sam Ito"),
        ("Open models are five months behind closed models.", None),
    ],
)
def test_attribution(text, who):
    assert one(text).attributed_to == who


@pytest.mark.parametrize(
    ("text", "hedged", "confidence"),
    [
        ("Open models are six months behind.", False, 0.9),
        ("Open models may be six months behind.", True, 0.5),
        ("Open models could be six months behind.", True, 0.5),
        ("I think open models are six months behind.", True, 0.6),
        ("The data suggests open models are six months behind.", True, 0.6),
        ("Open models are reportedly six months behind.", True, 0.7),
        ("Open models are estimated to be six months behind.", True, 0.8),
    ],
)
def test_hedging_bands(text, hedged, confidence):
    c = one(text)
    assert (c.hedged, c.confidence) == (hedged, confidence)


# --- negatives -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "China is now third behind the US in the rankings.",  # rank
        "Kimi K2 trails GPT-5 by 8 points on SWE-bench.",  # score gap
        "Open models reach 90% of US levels on math.",  # score ratio
        "Six months ago, DeepSeek matched GPT-4.",  # time anchor
        "Chinese labs ship a new flagship every 4-6 months.",  # cadence
        "DeepSeek V4 came out 15 months after R1.",  # interval
        "The model was trained over three months.",  # duration
        "Training compute doubles every six months.",  # doubling time
        "Employees must give three months' notice.",  # notice period
        "Chinese models are not years behind.",  # negated
        "It is not true that DeepSeek-V3.2 trails GPT-5 by a full year.",  # negated
        "If open models are 6 months behind, export controls failed.",  # conditional
        "Suppose Kimi K2 Thinking really were four months behind GPT-5.",  # hypothetical
        "Critics dismissed claims that Chinese models are six months behind.",  # rejected
        "Chinese models are far behind.",  # no quantity
        "Open models will catch up eventually.",  # forecast without a deadline
        "The project finished two months ahead of schedule.",  # not about AI systems
        "Lead times for Nvidia GPUs stretched to 11 months last year.",  # "lead time"
        "Chinese chipmakers are about five years behind TSMC.",  # no AI actor
        "The model was released six months ahead of Llama 4.",  # release timing, not capability
        "DeepSeek's app could reach 100 million users by the end of the year.",  # not a capability target
        "Chinese labs will not catch up with the US by 2027.",  # negated forecast
    ],
)
def test_negatives_yield_nothing(text):
    assert extract_claims(text, PUB) == []


# --- interface -----------------------------------------------------------------------------------------------

def test_claim_fields_offsets_and_version():
    text = ("Headline without a period\n\nSome intro sentence here. Chinese open models are five months "
            "behind GPT-5.\n\nAnother paragraph about chips.")
    ex = extract(text, datetime(2026, 2, 10, 9, 30), doc_id="doc-1")
    assert isinstance(ex, Extraction)
    (c,) = ex.claims
    assert text[c.start_char:c.end_char] == c.sentence == "Chinese open models are five months behind GPT-5."
    assert (c.doc_id, c.extractor_version, c.published_at) == ("doc-1", EXTRACTOR_VERSION, PUB)
    assert c.claim_id and len(c.claim_id) == 24
    assert all(isinstance(m, Mention) for m in ex.mentions)
    labels = {(m.label, m.canonical_id) for m in ex.mentions}
    assert ("MODEL", "gpt-5") in labels
    assert any(m.label == "GROUP" for m in ex.mentions)
    for m in ex.mentions:
        assert text[m.start_char:m.end_char] == m.text
        assert m.doc_id == "doc-1" and m.extractor_version == EXTRACTOR_VERSION


def test_extract_is_deterministic_and_ids_stable():
    a = extract_claims("US labs lead Chinese labs by seven months.", PUB, "d")
    b = extract_claims("US labs lead Chinese labs by seven months.", PUB, "d")
    assert [c.claim_id for c in a] == [c.claim_id for c in b]
    assert [c.model_dump() for c in a] == [c.model_dump() for c in b]


def test_extract_many_keeps_order_and_matches_extract():
    items = [
        ("Open models are five months behind.", PUB, "a"),
        ("Nothing to see here.", None, "b"),
        ("China aims to surpass the US by 2030.", PUB, "c"),
        ("", None, "d"),
    ]
    out = extract_many(items, batch_size=2)
    assert len(out) == 4
    assert [len(x.claims) for x in out] == [1, 0, 1, 0]
    assert [c.model_dump() for c in out[0].claims] == [c.model_dump() for c in extract(*items[0]).claims]
    assert out[2].claims[0].doc_id == "c"


def test_contradictory_flag():
    text = ("Chinese models are five months behind US models.\n\n"
            "Later the report says Chinese models are fourteen months behind US models.")
    claims = extract_claims(text, PUB)
    assert len(claims) == 2
    assert all("contradictory" in c.flags for c in claims)
    ok = extract_claims("Open models are four months behind closed models. Open models are about five months "
                        "behind closed models.", PUB)
    assert all("contradictory" not in c.flags for c in ok)


def test_pipeline_is_built_once_with_versioned_components():
    nlp = get_nlp()
    assert nlp is get_nlp()
    assert nlp.pipe_names == ["claimwatch_triggers_v1", "claimwatch_models_v1", "claimwatch_claims_v1"]


def test_plain_text_from_html_with_headings():
    text = "Chinese open models five months behind\n\nBy Jane Doe\n\nChinese open models are five months behind."
    claims = extract_claims(text, PUB)
    assert [c.sentence for c in claims] == ["Chinese open models are five months behind."]


def test_optional_ner_is_off_without_a_model(monkeypatch):
    from extractors import ner

    monkeypatch.setenv("CLAIMWATCH_NER_MODEL", "no_such_model_pkg")
    assert ner.available() is False
    assert ner.attribute("Open models are six months behind, she said.") is None
    assert one("Open models are six months behind, she said.").attributed_to is None


# --- group enrichment: the dicts the outcomes resolver reads (keys country / openness / lab / model / scope) ---

def test_lab_group_carries_its_country_but_no_guessed_openness():
    c = one("DeepSeek remains 9 months behind OpenAI.")
    assert c.subject_group == {"lab": "deepseek", "country": "CN"}
    assert c.reference_group == {"lab": "openai", "country": "US"}
    c = one("Moonshot is roughly four months behind Anthropic.")
    assert c.subject_group == {"lab": "moonshot", "country": "CN"}
    assert c.reference_group == {"lab": "anthropic", "country": "US"}


def test_lab_openness_only_when_the_sentence_says_so():
    c = one("DeepSeek's open-weight models are five months behind OpenAI.")
    assert c.subject_group == {"lab": "deepseek", "country": "CN", "openness": "open"}


def test_model_group_from_the_gazetteer():
    c = one("Kimi K2 Thinking is four months behind GPT-5 on agentic coding.")
    assert c.subject_group == {"model": "kimi-k2-thinking", "lab": "moonshot", "country": "CN", "openness": "open"}
    assert c.reference_group == {"model": "gpt-5", "lab": "openai", "country": "US", "openness": "closed"}
    c = one("Qwen3.5-Max lands two months behind Gemini 3 Pro in our tests.")  # an unseen hosted tier: closed
    assert c.subject_group == {"model": "qwen3.5-max", "lab": "alibaba", "country": "CN", "openness": "closed"}


def test_country_and_scope_groups():
    c = one("Chinese developers are six months behind US labs.")
    assert c.subject_group == {"country": "CN"}
    assert c.reference_group == {"country": "US"}
    c = one("Open models are three months behind the frontier.")
    assert c.subject_group == {"openness": "open"}
    assert c.reference_group == {"scope": "frontier"}
    c = one("Open models trail frontier models by nine months.")
    assert c.reference_group == {"scope": "frontier"}


def test_group_helpers_on_literal_ids():
    from extractors.groups import lab_group

    assert lab_group("deepseek") == {"lab": "deepseek", "country": "CN"}
    assert lab_group("mistral") == {"lab": "mistral", "country": "FR"}
    assert lab_group("unknown-lab") == {"lab": "unknown-lab"}


def test_enriched_groups_stay_compatible_with_the_resolver():
    from warehouse.outcomes.resolve import effective_group

    c = one("Kimi K2 Thinking is four months behind GPT-5 on agentic coding.")
    assert effective_group(c.subject_group) == {"model": "kimi-k2-thinking"}


# --- constructions found on the held-out set (tests/golden/blind_*.jsonl) ---

@pytest.mark.parametrize(("text", "lo", "hi"), [
    ("The best open-weight systems are a quarter or two behind the closed frontier.", 3, 6),
    ("They're nine-to-12 months behind US labs, a researcher said.", 9, 12),
    ("Chinese frontier labs are somewhere between six months and a year behind.", 6, 12),
    ("China's top models are \u201cmaybe five or six months\u201d behind the US.", 5, 6),
    ("Chinese AI is \u201cmonths, not years\u201d behind the US.", None, None),
])
def test_spans_written_in_news_style(text, lo, hi):
    c = one(text)
    assert (c.direction, c.months_low, c.months_high) == ("behind", lo, hi)


def test_narrowing_with_a_bare_second_number():
    claims = extract_claims("The gap between Chinese and American frontier models has narrowed from roughly "
                            "18 months to about six, per the report.", PUB)
    assert sorted((c.timeframe, c.months_low) for c in claims) == [("current", 6.0), ("past", 18.0)]


def test_elliptical_second_gap_and_cleft():
    claims = extract_claims("Qwen3-Max is eight months behind GPT-5 and roughly three behind Claude Opus 4.1.", PUB)
    assert [(c.months_low, c.reference_group.get("model")) for c in claims] == [
        (8.0, "gpt-5"), (3.0, "claude-opus-4.1")]
    c = one("Three months: that's how far Chinese open models trail the US frontier.")
    assert (c.direction, c.months_low, c.subject_group) == ("behind", 3.0, {"country": "CN", "openness": "open"})


def test_subject_skips_appositives_and_parentheticals():
    c = one("DeepSeek, the Hangzhou-based lab whose R1 model rattled markets, is less than a year behind OpenAI.")
    assert c.subject_group == {"lab": "deepseek", "country": "CN"}
    c = one("Moonshot's Kimi K2 (an open-weight model with one trillion parameters) trails GPT-5 by about five months.")
    assert c.subject_group["model"] == "kimi-k2"


def test_forecasts_in_post_style():
    c = one("My bet: open weights catch up to Sonnet 4.5 by Q4.")
    assert (c.kind, c.direction, c.deadline_end) == ("forecast", "parity", date(2026, 12, 31))
    assert c.subject_group == {"openness": "open"}
    c = one("Tencent is targeting parity with the top US models by the end of 2026.")
    assert (c.kind, c.is_goal, c.deadline_end) == ("forecast", True, date(2026, 12, 31))


def test_off_topic_gaps_are_not_claims():
    assert extract_claims("The country's AI adoption lags the US by two years, a survey found.", PUB) == []
