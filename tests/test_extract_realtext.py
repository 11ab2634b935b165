"""The real-text gate: excerpts of public web pages (tests/realtext), annotated by docs/annotation.md.

Floors (tests/realtext/floors.json) are what the extractor measured on each split when its version was scored;
a change may raise them (re-run `python -m extractors.realeval --write-floors`) but never silently lower them.
The blind split is scored, never tuned on: its errors are not printed here.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from extractors.realeval import FLOORS_PATH, RealScore, corpus_digest, evaluate_split, load_split, summary

FLOORS = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))
LOWER_IS_BETTER = {"fp_per_10_negatives"}


@pytest.fixture(scope="module")
def scores() -> dict[str, RealScore]:
    return {split: evaluate_split(load_split(split)) for split in ("dev", "blind")}


def test_corpus_shape():
    dev, blind = load_split("dev"), load_split("blind")
    rows = dev + blind
    assert len(rows) >= 400
    assert len(blind) >= 150
    assert sum(r["type"] == "negative" for r in rows) * 3 >= len(rows)
    assert all(r["url"].startswith("http") and r["query"] and 0 < len(r["text"]) <= 1500 for r in rows)
    ids = Counter(r["id"] for r in rows)
    assert not [i for i, n in ids.items() if n > 1]
    assert not {r["url"] for r in dev} & {r["url"] for r in blind}, "a page must sit in one split only"


def test_every_required_claim_is_scorable():
    for r in load_split("dev") + load_split("blind"):
        for c in r["claims"]:
            assert c["kind"] in ("gap", "forecast")
            if c["kind"] == "gap":
                assert "months_low" in c and "months_high" in c, r["id"]
            else:
                assert c.get("deadline_end") or c.get("deadline_text"), r["id"]


def test_floors_match_the_corpus():
    assert FLOORS["corpus_sha256_16"] == corpus_digest(), (
        "tests/realtext changed: score the new corpus once (`python -m extractors.realeval --write-floors`) and "
        "commit the floors with it")


@pytest.mark.parametrize("split", ["dev", "blind"])
def test_scores_at_or_above_floors(scores, split):
    got = summary(scores[split])
    worse = []
    for key, floor in FLOORS["splits"][split].items():
        value = got.get(key)
        if value is None:
            continue
        if (value > floor + 1e-9) if key in LOWER_IS_BETTER else (value < floor - 1e-9):
            worse.append(f"{key}: {value:.3f} vs floor {floor:.3f}")
    assert not worse, f"{split} split below its floors: " + "; ".join(worse)
