"""Release facts from OpenRouter's public model list: one creation timestamp per closed or open model.

Endpoint: `GET https://openrouter.ai/api/v1/models` (no key needed for the list). Shape, from OpenRouter's
documented GetModelsResponse (https://openrouter.ai/docs/client-sdks/typescript/models/operations/getmodelsresponse,
fields in their JSON spelling) and published copies of the live list (names carry a "Provider: " prefix, e.g.
"MoonshotAI: Kimi Dev 72B (free)" with "hugging_face_id": "moonshotai/Kimi-Dev-72B", "created": 1750115909):

    {"data": [{"id": "openai/gpt-4", "canonical_slug": "openai/gpt-4", "hugging_face_id": "", "name": "OpenAI: GPT-4",
               "created": 1692901234, "description": "...", "context_length": 8192,
               "architecture": {"modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"],
                                "tokenizer": "GPT", "instruct_type": null},
               "pricing": {"prompt": "0.00003", "completion": "0.00006", ...},
               "top_provider": {"context_length": 8192, "max_completion_tokens": 4096, "is_moderated": true},
               "per_request_limits": null, "supported_parameters": [...], "default_parameters": {...},
               "links": {"details": "/api/v1/models/openai/gpt-4/endpoints"}}, ...]}

`created` is unix seconds: when OpenRouter listed the model, which for API models is usually launch day and
never before it, so it is an upper bound on the first public date (origin "openrouter" has the lowest priority,
see warehouse/views/24_v_release_facts.sql). Variants (`:free`, `:thinking`, ...) share a canonical slug and are
folded into one model; the earliest `created` wins. `hugging_face_id` names the weights' repository when the
model is open, which also gives the id the Hub parser uses for the same model.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from typing import Any

from schemas import model_slug
from warehouse.outcomes.hf import HF_AUTHORS
from warehouse.outcomes.normalize import earliest_releases

log = logging.getLogger(__name__)

# OpenRouter author slug (the part of `id` before '/') → (org id, ISO2). Authors also on the Hub come from
# HF_AUTHORS; these are the slugs OpenRouter spells differently (https://openrouter.ai/<author> pages).
OPENROUTER_AUTHORS: dict[str, tuple[str, str]] = {
    "openai": ("openai", "US"),
    "anthropic": ("anthropic", "US"),
    "google": ("google", "US"),
    "x-ai": ("xai", "US"),
    "meta-llama": ("meta", "US"),
    "amazon": ("amazon", "US"),
    "deepseek": ("deepseek", "CN"),
    "qwen": ("alibaba", "CN"),
    "moonshotai": ("moonshot", "CN"),
    "z-ai": ("zhipu", "CN"),
    "thudm": ("zhipu", "CN"),
    "minimax": ("minimax", "CN"),
    "baidu": ("baidu", "CN"),
    "tencent": ("tencent", "CN"),
    "bytedance": ("bytedance", "CN"),
    "bytedance-seed": ("bytedance", "CN"),
    "stepfun-ai": ("stepfun", "CN"),
    "mistralai": ("mistral", "FR"),
    "cohere": ("cohere", "CA"),
    "ai21": ("ai21", "IL"),
}
# Not models: OpenRouter's own routers ("openrouter/auto").
SKIP_AUTHORS = frozenset({"openrouter"})


def _created(value: Any) -> date | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _display(name: str) -> str:
    """ "OpenAI: GPT-5 (free)" → "GPT-5": the provider prefix is OpenRouter's, parentheticals are variants."""
    _, sep, rest = name.partition(": ")
    return (rest if sep else name).strip()


def openrouter_release(obj: dict[str, Any], base_url: str = "https://openrouter.ai") -> dict[str, Any] | None:
    """Turn one `data[]` object into a release fact (None for routers, malformed or undatable entries)."""
    oid = obj.get("id")
    if not isinstance(oid, str) or "/" not in oid:
        return None
    slug = _text(obj.get("canonical_slug"))
    author = oid.split("/", 1)[0].lower()
    if author in SKIP_AUTHORS:
        return None
    day = _created(obj.get("created"))
    if day is None:
        return None
    hf_id = _text(obj.get("hugging_face_id"))
    raw_name = _text(obj.get("name"))
    display = _display(raw_name) or oid.split("/", 1)[1].split(":")[0]
    # The Hub repository name, when there is one, is the id the Hub parser gives the same model.
    mid = model_slug(hf_id.split("/", 1)[1]) if "/" in hf_id else model_slug(display)
    if not mid:
        return None
    org, country = OPENROUTER_AUTHORS.get(author) or HF_AUTHORS.get(author) or (model_slug(author), None)
    page = (slug or oid.split(":")[0]).strip("/")
    return {
        "model_id": mid,
        "display_name": display,
        "organization": org,
        "organization_name": raw_name.partition(": ")[0] if ": " in raw_name else author,
        "country": country,
        "countries": country,
        "release_date": day,
        "open_weights": True if hf_id else None,
        "accessibility": "Open weights (OpenRouter lists a Hugging Face repository)" if hf_id else "API access",
        "source_url": f"{base_url.rstrip('/')}/{page}",
        "origin": "openrouter",
        "note": "date is OpenRouter's `created` (listed on OpenRouter); an upper bound on first public date",
    }


def parse_openrouter_models(body: bytes | str, base_url: str = "https://openrouter.ai") -> tuple[
        list[dict[str, Any]], int]:
    """Parse a `/api/v1/models` response into release facts; returns (facts, objects seen). Never raises."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        log.warning("discarding OpenRouter response: not JSON (%s)", exc)
        return [], 0
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        log.warning("discarding OpenRouter response: no `data` list")
        return [], 0
    return earliest_releases(items, lambda obj: openrouter_release(obj, base_url)), len(items)
