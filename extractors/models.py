"""AI model and lab names: a JSONL gazetteer plus version patterns for releases the gazetteer has not seen.

patterns/models.jsonl holds four row types: ``org`` (labs), ``model`` (known releases with canonical ids from
``schemas.model_slug``), ``family`` (family-level mentions such as "Opus", id ``family:claude-opus``) and
``pattern`` (a regex per family that catches unseen versions such as "Qwen3.5-Max" or "Claude Opus 4.6").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from schemas import model_slug

__all__ = [
    "ModelHit", "ModelInfo", "all_models", "find_mentions", "find_models", "find_orgs", "head_words", "lookup",
    "mentions_at", "org_info",
]


@dataclass(frozen=True)
class ModelInfo:
    """One gazetteer entry (or an inferred one for an unseen version)."""

    id: str
    name: str
    org: str | None
    country: str | None
    open_weights: bool | None
    family: str | None
    kind: str = "model"  # model | family
    aliases: tuple[str, ...] = ()
    source: str | None = None
    in_gazetteer: bool = True

    @property
    def display_name(self) -> str:
        """The display name (alias of name, for readers that expect that field)."""
        return self.name


@dataclass(frozen=True)
class ModelHit:
    """A model, family or lab found in text, with character offsets."""

    start: int
    end: int
    text: str
    label: str  # MODEL | ORG
    canonical_id: str
    org: str | None
    country: str | None
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class _Gazetteer:
    models: dict[str, ModelInfo]
    orgs: dict[str, dict[str, Any]]
    alias_to_id: dict[str, str]
    alias_re: re.Pattern[str]
    short_alias_to_id: dict[str, str]
    short_re: re.Pattern[str]
    org_alias_to_id: dict[str, str]
    org_re: re.Pattern[str]
    patterns: list[tuple[re.Pattern[str], dict[str, Any]]]
    scan_re: re.Pattern[str]
    by_head: dict[str, list[tuple[re.Pattern[str], dict[str, Any]]]] = field(default_factory=dict)


def _rows(name: str) -> list[dict[str, Any]]:
    text = resources.files("extractors").joinpath("patterns", name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip() and not line.startswith("//")]


def _alt(aliases: list[str]) -> str:
    return "|".join(re.escape(a) for a in sorted(set(aliases), key=len, reverse=True))


# An alias may be followed by "-level"/"-class" but not by more name characters ("GPT-4" inside "GPT-4o").
_LEFT = r"(?<![\w.-])"
_RIGHT = r"(?!\w|\.\d|-\d)"


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    rows = _rows("models.jsonl")
    models: dict[str, ModelInfo] = {}
    orgs: dict[str, dict[str, Any]] = {}
    alias_to_id: dict[str, str] = {}
    short_alias_to_id: dict[str, str] = {}
    org_alias_to_id: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], dict[str, Any]]] = []
    for r in rows:
        if r["type"] == "org":
            orgs[r["id"]] = r
            for a in [r["name"], *r.get("aliases", [])]:
                org_alias_to_id[a] = r["id"]
        elif r["type"] in ("model", "family"):
            info = ModelInfo(
                id=r["id"], name=r["name"], org=r.get("org"), country=r.get("country"),
                open_weights=r.get("open_weights"), family=r.get("family"), kind=r["type"],
                aliases=tuple(r.get("aliases", [])), source=r.get("source"),
            )
            models[info.id] = info
            for a in [r["name"], *r.get("aliases", [])]:
                # Family words and short ids ("Opus", "o3", "R1") only match with their exact case.
                if r["type"] == "family" or len(a) <= 4 or not any(c.isdigit() for c in a):
                    short_alias_to_id[a] = info.id
                else:
                    alias_to_id[a.lower()] = info.id
        elif r["type"] == "pattern":
            patterns.append((re.compile(r["regex"]), r))
    alias_re = re.compile(rf"{_LEFT}(?:{_alt(list(alias_to_id))}){_RIGHT}", re.IGNORECASE)
    short_re = re.compile(rf"{_LEFT}(?:{_alt(list(short_alias_to_id))}){_RIGHT}")
    org_re = re.compile(rf"{_LEFT}(?:{_alt(list(org_alias_to_id))})(?![\w-])")
    # One pass over the text finds every position where some rule matches; the individual rules then run
    # anchored at those positions only (a single scan is ~20x cheaper than one scan per rule).
    # The trigger is the first few letters of every alias, lab name and pattern head ("Qwen", "Clau", "o3"),
    # a plain literal alternation that the regex engine can scan quickly; rules run only where it fires.
    # Case variants are listed instead of IGNORECASE, which would make the scan several times slower.
    heads = {re.split(r"[\s\-.]", a)[0][:4].lower() for a in [*alias_to_id, *short_alias_to_id, *org_alias_to_id]}
    heads |= {h for _, r in patterns for h in r.get("heads", [])}
    heads |= {f"o{i}" for i in range(1, 10)} | {"devs", "magi", "opus", "sonn", "haik"}
    heads = {h for h in heads if len(h) >= 2} | {"z.ai", "x.ai", "01.a"}
    variants = {v for h in heads for v in (h, h.upper(), h.capitalize(), h[:1].lower() + h[1:].upper())}
    variants |= {re.split(r"[\s\-.]", a)[0][:4] for a in [*short_alias_to_id, *org_alias_to_id, *alias_to_id]}
    scan_re = re.compile("|".join(re.escape(h) for h in sorted(variants, key=len, reverse=True)))
    return _Gazetteer(models, orgs, alias_to_id, alias_re, short_alias_to_id, short_re, org_alias_to_id, org_re,
                      patterns, scan_re)


def _inferred_open_weights(model_id: str, rule: dict[str, Any]) -> bool | None:
    """open_weights of an unseen version: the family's, except hosted "Max"/"Plus"/"Turbo" tiers (API-only)."""
    ow = rule.get("open_weights")
    if ow and re.search(r"-(?:max|plus|turbo)\b", model_id):
        return False
    return None if ow is None else bool(ow)


def _canon(text: str, rule: dict[str, Any]) -> str:
    """Canonical id of a pattern match: Claude 4+ puts the tier first ("Claude 4.6 Opus" → claude-opus-4.6)."""
    t = " ".join(text.split())
    if rule.get("canon") == "claude":
        tier_m = re.search(r"Opus|Sonnet|Haiku", t)
        ver_m = re.search(r"\d+(?:\.\d+)?", t)
        if tier_m and ver_m:
            tier, ver = tier_m.group(0).lower(), ver_m.group(0)
            return f"claude-{ver}-{tier}" if float(ver) < 4 else f"claude-{tier}-{ver}"
        return model_slug(t)
    if rule.get("canon") == "qwen":
        t = re.sub(r"^Qwen\s+(?=\d)", "Qwen", t)
    return model_slug(t)


def org_info(org_id: str | None) -> dict[str, Any] | None:
    """Return the lab row (id, name, country, aliases) for an org id, or None."""
    if org_id is None:
        return None
    return _gazetteer().orgs.get(org_id)


def lookup(model_id: str) -> ModelInfo | None:
    """Return gazetteer info (org, country, open_weights, display name) for a canonical id, or None.

    Ids the gazetteer does not list but a family pattern recognizes ("qwen3.5-max") get an inferred entry
    with in_gazetteer=False; anything else is None.
    """
    g = _gazetteer()
    if model_id in g.models:
        return g.models[model_id]
    for rx, rule in g.patterns:
        for cand in (model_id, model_id.replace("-", " ")):
            m = rx.fullmatch(cand) or rx.fullmatch(cand.title())
            if m is None:
                m = re.compile(rx.pattern, re.IGNORECASE).fullmatch(cand)
            if m is not None:
                org = rule.get("org")
                info = g.orgs.get(org or "", {})
                return ModelInfo(id=model_id, name=model_id, org=org, country=info.get("country"),
                                 open_weights=_inferred_open_weights(model_id, rule), family=rule.get("family"),
                                 in_gazetteer=False)
    return None


def all_models(include_families: bool = False) -> list[ModelInfo]:
    """List every gazetteer model (and, optionally, family) entry, sorted by id."""
    return sorted((m for m in _gazetteer().models.values() if include_families or m.kind == "model"),
                  key=lambda m: m.id)


def _hit_for(start: int, end: int, text: str, mid: str, g: _Gazetteer) -> ModelHit:
    info = g.models[mid]
    return ModelHit(start, end, text, "MODEL", mid, info.org, info.country,
                    {"family": info.family, "open_weights": info.open_weights, "kind": info.kind,
                     "name": info.name})


def _patterns_for(g: _Gazetteer, head: str) -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    """Version patterns worth trying at a token starting with head (all of them for an unknown head)."""
    key = head[:4]
    cached = g.by_head.get(key)
    if cached is None:
        cached = [(rx, r) for rx, r in g.patterns if key.startswith(tuple(r.get("heads", [])))]
        g.by_head[key] = cached
    return cached


def _candidates_at(text: str, pos: int, g: _Gazetteer, offset: int,
                   patterns: list[tuple[re.Pattern[str], dict[str, Any]]] | None = None,
                   ) -> list[tuple[int, int, int, ModelHit]]:
    cands: list[tuple[int, int, int, ModelHit]] = []
    m = g.alias_re.match(text, pos)
    if m:
        mid = g.alias_to_id[m.group(0).lower()]
        cands.append((m.start(), m.end(), 2, _hit_for(m.start() + offset, m.end() + offset, m.group(0), mid, g)))
    m = g.short_re.match(text, pos)
    if m:
        mid = g.short_alias_to_id[m.group(0)]
        cands.append((m.start(), m.end(), 1, _hit_for(m.start() + offset, m.end() + offset, m.group(0), mid, g)))
    for rx, rule in (g.patterns if patterns is None else patterns):
        m = rx.match(text, pos)
        if not m:
            continue
        cid = _canon(m.group(0), rule)
        if cid in g.models:
            hit = _hit_for(m.start() + offset, m.end() + offset, m.group(0), cid, g)
        else:
            org = rule.get("org")
            country = g.orgs.get(org or "", {}).get("country")
            ow = _inferred_open_weights(cid, rule)
            hit = ModelHit(m.start() + offset, m.end() + offset, m.group(0), "MODEL", cid, org, country,
                           {"family": rule.get("family"), "open_weights": ow, "kind": "model",
                            "name": " ".join(m.group(0).split()), "inferred": True})
        cands.append((m.start(), m.end(), 0, hit))
    return cands


def _scan(text: str, offset: int) -> tuple[list[ModelHit], list[ModelHit]]:
    g = _gazetteer()
    models: list[ModelHit] = []
    orgs: list[ModelHit] = []
    pos = 0
    while True:
        m = g.scan_re.search(text, pos)
        if m is None:
            break
        start = m.start()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".-_"):
            pos = start + 1
            continue
        found = _hit_at(text, start, _candidates_at(text, start, g, offset), g, offset)
        if found is None:
            pos = max(m.end(), start + 1)
            continue
        hit, pos = found
        (models if hit.label == "MODEL" else orgs).append(hit)
    return models, orgs


def _hit_at(text: str, start: int, cands: list[tuple[int, int, int, ModelHit]], g: _Gazetteer, offset: int,
            ) -> tuple[ModelHit, int] | None:
    """The model or lab named at `start` and where its name ends in `text`; None when neither is.

    The best model candidate wins unless a lab alias starting there is longer ("Qwen team" is a lab, not "Qwen").
    """
    om = g.org_re.match(text, start)
    if cands:
        best = _resolve(cands)[0]
        if om is None or om.end() <= best[1]:
            return best[3], best[1]
    if om:
        oid = g.org_alias_to_id[om.group(0)]
        row = g.orgs[oid]
        return ModelHit(om.start() + offset, om.end() + offset, om.group(0), "ORG", oid, oid, row.get("country"),
                        {"name": row.get("name")}), om.end()
    return None


# Tokens that can start a model or lab name. Whole words are matched exactly (lowercased): lab names and
# family words that the tokenizer splits off ("DeepSeek" in "DeepSeek-V3.2", "Kimi" in "Kimi-K2"). Versions
# glued to a family word stay one token ("Qwen3.5", "GPT-5.1", "GLM-4.6"), so those families are matched by
# their first four letters; prefixes that collide with common words ("mini", "deep", "open") are not used.
_WORD_HEADS = frozenset({
    "gpt", "chatgpt", "claude", "opus", "sonnet", "haiku", "gemini", "gemma", "llama", "grok", "qwen", "qwq",
    "kimi", "glm", "chatglm", "minimax", "ernie", "hunyuan", "mistral", "mixtral", "magistral", "devstral",
    "codestral", "deepseek", "doubao", "command", "phi", "yi", "step", "seed", "gpt-oss", "r1", "r2",
    *(f"o{i}" for i in range(1, 10)),
    "openai", "anthropic", "google", "deepmind", "meta", "facebook", "alphabet", "xai", "x.ai", "microsoft",
    "nvidia", "cohere", "alibaba", "moonshot", "zhipu", "z.ai", "bytedance", "baidu", "tencent", "stepfun",
    "01.ai",
})
_PREFIX_HEADS = ("gpt-", "gpt4", "gpt5", "gpt6", "qwen", "glm-", "glm4", "glm5", "gemm", "gemi", "llam", "grok",
                 "erni", "step", "phi-", "yi-3", "yi-l", "kimi", "clau", "sonn", "opus", "haik", "huny", "mixt",
                 "o1-m", "o3-m", "o4-m")


def head_words() -> tuple[tuple[str, ...], frozenset[str]]:
    """Four-letter lowercase prefixes and whole lowercase words that can start a model or lab name."""
    return _PREFIX_HEADS, _WORD_HEADS


def mentions_at(text: str, positions: list[int]) -> tuple[list[ModelHit], list[ModelHit]]:
    """Like find_mentions, but only tries the given character positions (token starts flagged as name heads)."""
    g = _gazetteer()
    models: list[ModelHit] = []
    orgs: list[ModelHit] = []
    end = 0
    for start in positions:
        if start < end:
            continue
        head = text[start: start + 4].lower()
        found = _hit_at(text, start, _candidates_at(text, start, g, 0, _patterns_for(g, head)), g, 0)
        if found is not None:
            hit, end = found
            (models if hit.label == "MODEL" else orgs).append(hit)
    return models, orgs


def find_mentions(text: str, offset: int = 0) -> tuple[list[ModelHit], list[ModelHit]]:
    """Find model/family mentions and lab mentions in one pass; a lab inside a model name is not reported."""
    return _scan(text, offset)


def find_models(text: str, offset: int = 0) -> list[ModelHit]:
    """Find model and family mentions; overlapping candidates keep the longest span (gazetteer wins ties).

    >>> [h.canonical_id for h in find_models("Qwen3.5-Max trails Claude Opus 4.6 and Sonnet 4.6/Opus level")]
    ['qwen3.5-max', 'claude-opus-4.6', 'claude-sonnet-4.6', 'family:claude-opus']
    """
    return _scan(text, offset)[0]


def _resolve(cands: list[tuple[int, int, int, ModelHit]]) -> list[tuple[int, int, int, ModelHit]]:
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2], c[0]))
    taken: list[tuple[int, int, int, ModelHit]] = []
    for c in cands:
        if all(c[1] <= t[0] or c[0] >= t[1] for t in taken):
            taken.append(c)
    return sorted(taken, key=lambda c: c[0])


def find_orgs(text: str, offset: int = 0) -> list[ModelHit]:
    """Find lab names ("OpenAI", "Google DeepMind", "Zhipu AI"); "open AI" is not OpenAI.

    >>> [h.canonical_id for h in find_orgs("OpenAI and DeepSeek; open AI models")]
    ['openai', 'deepseek']
    """
    return _scan(text, offset)[1]
