"""Claim rule families, one sentence at a time: gaps, parity, forecasts, and who said it.

Each family is a small function over a ``SentCtx`` (the sentence text, its entities and dates) that returns
claim drafts (dicts of ``schemas.Claim`` fields without the document-level ones). The functions are plain
Python over regexes so they are cheap; the spaCy components in ``extractors.claims`` decide which sentences
reach them.

What is deliberately not a claim (see the golden negatives): ranks ("third behind the US"), score gaps
("trails by 8 points"), time anchors ("six months ago"), cadences and intervals ("every 4-6 months",
"15 months after R1"), doubling times, notice periods, and anything negated, rejected or conditional.
"""

from extractors.rules.attribution import attribution, planner, speakers
from extractors.rules.base import Ent, SentCtx, is_conditional, is_negated, is_rejected
from extractors.rules.forecasts import forecast_claims
from extractors.rules.gaps import find_durations, gap_claims
from extractors.rules.parity import parity_claims

__all__ = ["Ent", "SentCtx", "attribution", "find_durations", "forecast_claims", "gap_claims", "is_conditional",
           "is_negated", "is_rejected", "parity_claims", "planner", "speakers"]
