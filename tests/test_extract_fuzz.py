"""Property tests: any text goes through without an exception, and every offset points at its evidence."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.claims import extract, extract_many

WORDS = ["Chinese", "open", "models", "are", "five", "months", "behind", "GPT-5", "the", "US", "leads", "by",
         "2026", "will", "reach", "Opus", "level", "early", "not", "if", "ago", "every", "caught", "up", "with",
         ".", ",", "\n\n", "3-6", "half", "a", "year", "Q3", "lag", "gap", "of", "DeepSeek", "Qwen3.5-Max", "'s"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.none() | st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_word_salad_never_crashes_and_offsets_hold(words, published):
    text = " ".join(words)
    ex = extract(text, published, "fuzz")
    for c in ex.claims:
        assert text[c.start_char:c.end_char] == c.sentence
    for m in ex.mentions:
        assert text[m.start_char:m.end_char] == m.text


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_text(text):
    out = extract_many([(text, None, "a"), (text, date(2026, 2, 10), "b")])
    assert len(out) == 2
