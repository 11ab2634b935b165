import pytest

from extractors.groups import find_groups
from extractors.models import all_models, find_mentions, find_models, find_orgs, lookup
from schemas import model_slug


@pytest.mark.parametrize(
    ("text", "canonical", "org"),
    [
        ("Qwen3.5-Max", "qwen3.5-max", "alibaba"),
        ("GPT-5.1", "gpt-5.1", "openai"),
        ("Claude Opus 4.6", "claude-opus-4.6", "anthropic"),
        ("Claude 4.6 Opus", "claude-opus-4.6", "anthropic"),
        ("Opus 4.6", "claude-opus-4.6", "anthropic"),
        ("Claude 3.5 Sonnet", "claude-3.5-sonnet", "anthropic"),
        ("DeepSeek-V3.2-Exp", "deepseek-v3.2-exp", "deepseek"),
        ("DeepSeek V3.2", "deepseek-v3.2", "deepseek"),
        ("Kimi K2 Thinking", "kimi-k2-thinking", "moonshot"),
        ("Kimi K3", "kimi-k3", "moonshot"),
        ("Gemini 2.5 Pro", "gemini-2.5-pro", "google"),
        ("Llama 3.1 405B", "llama-3.1-405b", "meta"),
        ("o3", "o3", "openai"),
        ("o4-mini", "o4-mini", "openai"),
        ("GLM-4.6", "glm-4.6", "zhipu"),
        ("MiniMax-M2", "minimax-m2", "minimax"),
        ("Grok 4.1", "grok-4.1", "xai"),
        ("gpt-oss-120b", "gpt-oss-120b", "openai"),
        ("ERNIE 5.0", "ernie-5.0", "baidu"),
        ("Qwen 3 Max", "qwen3-max", "alibaba"),
    ],
)
def test_model_names_normalize(text, canonical, org):
    hits = find_models(f"Yesterday {text} was compared.")
    assert [h.canonical_id for h in hits] == [canonical]
    assert hits[0].org == org
    assert hits[0].text == text


def test_version_at_sentence_end_and_level_suffix():
    assert [h.canonical_id for h in find_models("It trails GPT-5.")] == ["gpt-5"]
    assert [h.canonical_id for h in find_models("a GPT-4-level model")] == ["gpt-4"]
    assert [h.canonical_id for h in find_models("GPT-4o beats GPT-4")] == ["gpt-4o", "gpt-4"]


def test_family_level_mentions():
    ids = [h.canonical_id for h in find_models("open models will reach Sonnet 4.6/Opus level")]
    assert ids == ["claude-sonnet-4.6", "family:claude-opus"]


def test_openai_the_company_is_not_a_model():
    assert find_models("OpenAI said on Monday it would expand.") == []
    assert [h.canonical_id for h in find_orgs("OpenAI said on Monday it would expand.")] == ["openai"]


def test_open_ai_models_is_not_openai():
    assert find_orgs("open AI models are popular") == []
    groups = find_groups("open AI models are popular")
    assert [(g.text, g.attrs) for g in groups] == [("open AI models", {"openness": "open"})]


def test_lab_inside_model_name_is_not_an_org():
    models, orgs = find_mentions("DeepSeek V4 ships; DeepSeek's app is popular.")
    assert [m.canonical_id for m in models] == ["deepseek-v4"]
    assert [o.canonical_id for o in orgs] == ["deepseek"]


def test_lookup_and_listing():
    info = lookup("claude-sonnet-4.5")
    assert info is not None and info.org == "anthropic" and info.country == "US" and info.open_weights is False
    assert info.display_name == "Claude Sonnet 4.5"
    inferred = lookup("qwen3.5-max")
    assert inferred is not None and inferred.org == "alibaba" and not inferred.in_gazetteer
    assert lookup("not-a-model") is None
    entries = all_models()
    assert len(entries) > 80
    assert all(m.id == model_slug(m.name) for m in entries)
    assert {"gpt-5", "deepseek-v3.2-exp", "qwen3-max", "kimi-k2-thinking", "llama-3.1-405b", "o3"} <= {
        m.id for m in entries}
    assert any(m.id == "family:claude-opus" for m in all_models(include_families=True))


@pytest.mark.parametrize(
    ("text", "attrs"),
    [
        ("Chinese open-source models", {"country": "CN", "openness": "open"}),
        ("Chinese AI developers", {"country": "CN"}),
        ("US labs", {"country": "US"}),
        ("U.S. labs", {"country": "US"}),
        ("American companies", {"country": "US"}),
        ("open-weight models", {"openness": "open"}),
        ("closed models", {"openness": "closed"}),
        ("proprietary systems", {"openness": "closed"}),
        ("the frontier", {"scope": "frontier"}),
        ("closed frontier models", {"openness": "closed", "scope": "frontier"}),
        ("the best open-weight releases from China", {"openness": "open", "country": "CN"}),
        ("China", {"country": "CN"}),
        ("the United States", {"country": "US"}),
        ("European labs", {"country": "EU"}),
    ],
)
def test_groups(text, attrs):
    found = find_groups(f"Today {text} said hello.")
    assert [g.attrs for g in found] == [attrs]


def test_group_coordination_shares_modifiers():
    found = find_groups("the gap between Chinese and American frontier models")
    assert [g.attrs for g in found] == [{"country": "CN", "scope": "frontier"}, {"country": "US", "scope": "frontier"}]


def test_plain_models_is_not_a_group():
    assert find_groups("The models were tested by the team.") == []
    assert find_groups("us models") == []
