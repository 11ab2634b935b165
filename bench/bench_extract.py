"""Benchmark: claim-pipeline tokens/s against spacy.blank("en")'s tokenizer alone, on the same text, same run.

The text is generated news-like prose: mostly ordinary sentences (numbers, dates, company names, no claims)
with a claim-bearing sentence now and then (``claim_rate``), the mix the pipeline sees on real feeds; a second
measurement uses claim-dense text. Both sides tokenize the same strings with a warm vocabulary (best of N
interleaved runs), so the ratio isolates what the claim components add on top of tokenization.

    python bench/bench_extract.py          # prints a JSON line
"""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

import spacy

from extractors.claims import extract_many, get_nlp

_SUBJECTS = ["The company", "Analysts", "The startup", "Regulators", "Investors", "The lab", "Researchers",
             "The ministry", "Its chief executive", "The cloud unit", "Developers", "The research group"]
_VERBS = ["reported", "announced", "expanded", "reviewed", "hired", "opened", "described", "measured", "released",
          "funded", "tested", "delayed", "priced", "licensed", "audited", "shipped"]
_OBJECTS = ["a new data center", "quarterly revenue", "its pricing", "an inference cluster", "the developer program",
            "a benchmark suite", "a safety review", "new chips", "an office", "a partnership", "the mobile app",
            "a training run", "the evaluation results", "a policy paper", "the open-source license"]
_TAILS = ["in {city} on {day}.", "after {n} weeks of talks.", "with {n} engineers.", "for ${n} million.",
          "at a conference in {city}.", "ahead of the {mon} deadline.", "despite {n} complaints.",
          "according to a filing on {day}.", "in partnership with {org}.", "as demand grew {n} percent."]
_CITIES = ["Beijing", "Hangzhou", "Paris", "London", "Seattle", "Shenzhen", "Austin", "Berlin", "Toronto", "Tokyo"]
_ORGS = ["OpenAI", "Anthropic", "DeepSeek", "Alibaba", "Mistral AI", "Google DeepMind", "Moonshot AI", "Meta"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]
_CLAIMS = [
    "Chinese open-source models are about {n} months behind Claude Sonnet 4.5, according to {org}.",
    "Open-weight models trail closed frontier models by {n} to {m} months.",
    "US labs lead Chinese developers by roughly {n} months, said one analyst.",
    "Open models are expected to reach Opus level by early {y}.",
    "DeepSeek has caught up with OpenAI's o1 on reasoning benchmarks.",
    "The gap has narrowed from {m} months in {y} to about {n} months.",
    "Kimi K2 Thinking is roughly {n} months behind GPT-5 on agentic coding.",
]


def make_corpus(n_docs: int = 400, sents_per_doc: int = 30, claim_rate: float = 0.05, seed: int = 7) -> list[str]:
    """Generate n_docs news-like documents (paragraphs separated by blank lines)."""
    rng = random.Random(seed)
    docs: list[str] = []
    for _ in range(n_docs):
        paras: list[str] = []
        para: list[str] = []
        for i in range(sents_per_doc):
            fill = {"n": rng.randint(2, 90), "m": rng.randint(6, 24), "y": rng.randint(2023, 2027),
                    "city": rng.choice(_CITIES), "day": f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}",
                    "mon": rng.choice(_MONTHS), "org": rng.choice(_ORGS)}
            if rng.random() < claim_rate:
                s = rng.choice(_CLAIMS).format(**fill)
            else:
                s = " ".join([rng.choice(_SUBJECTS), rng.choice(_VERBS), rng.choice(_OBJECTS),
                              rng.choice(_TAILS).format(**fill)])
                s += f" Code name {rng.randint(10000, 99999)}-x{rng.randint(100, 999)} was used."
            para.append(s)
            if i % 4 == 3:
                paras.append(" ".join(para))
                para = []
        if para:
            paras.append(" ".join(para))
        docs.append("\n\n".join(paras))
    return docs


def _best_of(fn: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _measure(docs: list[str], repeat: int) -> dict[str, Any]:
    tokenizer_nlp = spacy.blank("en")
    n_tokens = sum(len(d) for d in tokenizer_nlp.tokenizer.pipe(docs))
    get_nlp()  # build once, outside the timing
    items = [(d, None, f"bench-{i}") for i, d in enumerate(docs)]
    extract_many(items[:5])  # warm caches
    n_claims = 0

    def pipeline() -> None:
        nonlocal n_claims
        n_claims = sum(len(x.claims) for x in extract_many(items))

    # Interleaved and best-of: on a shared machine the slowest runs say more about the neighbours than us.
    # The median of the per-round ratios (each round times both sides back to back) is reported alongside.
    t_tok = t_pipe = float("inf")
    rounds: list[float] = []
    for _ in range(repeat):
        a = _best_of(lambda: list(tokenizer_nlp.tokenizer.pipe(docs)), 1)
        b = _best_of(pipeline, 1)
        t_tok, t_pipe = min(t_tok, a), min(t_pipe, b)
        rounds.append(a / b)
    return {"tokens": n_tokens, "claims": n_claims, "tokenizer_tokens_per_s": round(n_tokens / t_tok),
            "pipeline_tokens_per_s": round(n_tokens / t_pipe), "ratio": round(t_tok / t_pipe, 3),
            "ratio_median": round(statistics.median(rounds), 3)}


def run(n_docs: int = 400, repeat: int = 5, claim_rate: float = 0.01, dense_rate: float = 0.05) -> dict[str, Any]:
    """Measure tokenizer-only and full-pipeline tokens/s on the same corpus, in this run; return the ratio.

    ``ratio`` (best of ``repeat`` interleaved rounds on each side; ``ratio_median`` is the median of the per-round
    ratios) is for a feed-like mix (claim_rate of sentences are claims: about one claim per 3 articles);
    ``ratio_claim_dense`` repeats the measurement on claim-dense text (dense_rate), where the per-claim rule
    work dominates. The issue's goal is ratio >= 0.5.
    """
    main = _measure(make_corpus(n_docs, claim_rate=claim_rate), repeat)
    dense = _measure(make_corpus(n_docs, claim_rate=dense_rate, seed=11), repeat)
    return {
        "docs": n_docs,
        "claim_rate": claim_rate,
        **main,
        "ratio_claim_dense": dense["ratio"],
        "ratio_claim_dense_median": dense["ratio_median"],
        "claim_dense_rate": dense_rate,
        "goal_ratio": 0.5,
    }


if __name__ == "__main__":
    print(json.dumps(run()))
