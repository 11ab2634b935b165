"""Releases of open-weight models from the Hugging Face Hub model API.

Endpoints (https://huggingface.co/docs/hub/api): `GET /api/models?author=ORG&sort=createdAt&direction=-1&limit=N`
returns a JSON list of objects with `id` ("org/name"), `createdAt`, `downloads`, `likes`, `tags`, `pipeline_tag`,
`library_name`, `private`; `GET /api/models/{repo_id}` returns one such object plus `author`, `lastModified`,
`siblings`, `cardData`, `safetensors`, ...

Dating: `createdAt` is when the repository was created. For a model announced (or served by API) before its weights
were posted it is later than the first public date, i.e. an upper bound; a repository prepared in private and opened
at launch can carry a createdAt a few days before the public date. Hub dates are therefore used only when no curated
or Epoch date exists (origin "hf" has the lowest priority in the merge), and each row says so in its note.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import Any

from schemas import model_slug
from warehouse.outcomes.normalize import earliest_releases

log = logging.getLogger(__name__)

# Hub author → (org id, ISO2 country). Facts: each org's own Hub page, https://huggingface.co/<author>.
HF_AUTHORS: dict[str, tuple[str, str]] = {
    "deepseek-ai": ("deepseek", "CN"),
    "qwen": ("alibaba", "CN"),
    "moonshotai": ("moonshot", "CN"),
    "zai-org": ("zhipu", "CN"),
    "thudm": ("zhipu", "CN"),
    "minimaxai": ("minimax", "CN"),
    "baidu": ("baidu", "CN"),
    "tencent": ("tencent", "CN"),
    "bytedance-seed": ("bytedance", "CN"),
    "stepfun-ai": ("stepfun", "CN"),
    "01-ai": ("01ai", "CN"),
    "baichuan-inc": ("baichuan", "CN"),
    "meta-llama": ("meta", "US"),
    "google": ("google", "US"),
    "openai": ("openai", "US"),
    "microsoft": ("microsoft", "US"),
    "nvidia": ("nvidia", "US"),
    "mistralai": ("mistral", "FR"),
    "tiiuae": ("tii", "AE"),
    "cohereforai": ("cohere", "CA"),
    "coherelabs": ("cohere", "CA"),
    "ai21labs": ("ai21", "IL"),
}

# Repositories that are language/multimodal models (the ones release claims are about).
MODEL_PIPELINES = frozenset({"text-generation", "image-text-to-text", "any-to-any", "text2text-generation"})


def _parse_ts(text: Any) -> date | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def hf_release(obj: dict[str, Any], base_url: str = "https://huggingface.co") -> dict[str, Any] | None:
    """Turn one Hub model object into a release row (None for private, non-LLM or undatable repos)."""
    repo = obj.get("id") or obj.get("modelId")
    if not isinstance(repo, str) or "/" not in repo:
        return None
    if obj.get("private") is True or obj.get("disabled") is True:
        return None
    pipeline = obj.get("pipeline_tag")
    if pipeline is not None and pipeline not in MODEL_PIPELINES:
        return None
    created = _parse_ts(obj.get("createdAt"))
    if created is None:
        return None
    author, name = repo.split("/", 1)
    org, country = HF_AUTHORS.get(author.lower(), (model_slug(author), None))
    return {
        "model_id": model_slug(name),
        "display_name": name,
        "organization": org,
        "organization_name": author,
        "country": country,
        "countries": country,
        "release_date": created,
        "open_weights": True,
        "accessibility": "Open weights (Hugging Face)",
        "source_url": f"{base_url.rstrip('/')}/{repo}",
        "origin": "hf",
        "note": "date is the Hub repository createdAt (weights posted); an upper bound on first public date",
    }


def parse_hf_models(body: bytes | str, base_url: str = "https://huggingface.co") -> tuple[list[dict[str, Any]], int]:
    """Parse a Hub `/api/models` list (or a single `/api/models/{id}` object); returns (release rows, objects seen)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        log.warning("discarding Hugging Face response: not JSON (%s)", exc)
        return [], 0
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    return earliest_releases(items, lambda obj: hf_release(obj, base_url)), len(items)
