"""Optional statistical NER for attribution (issue item 10): used only when an English model is installed.

The default install has no statistical model and needs none: the rule-based ``rules.attribution`` runs first.
When it finds nobody but the sentence carries an attribution cue ("said", "according to", "told"), and a
pipeline such as ``en_core_web_sm`` is installed, the first PERSON or ORG entity of the sentence is used.
Set CLAIMWATCH_NER_MODEL to pick another package, or to "" to switch this off.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import re
from functools import lru_cache
from typing import Any

import spacy

from extractors.cues import cues

__all__ = ["attribute", "available", "model_name", "signature"]

log = logging.getLogger(__name__)


def model_name() -> str:
    """The spaCy package to use ("en_core_web_sm" unless CLAIMWATCH_NER_MODEL says otherwise)."""
    return os.environ.get("CLAIMWATCH_NER_MODEL", "en_core_web_sm")


@lru_cache(maxsize=4)
def _load(name: str) -> Any:
    if not name or not spacy.util.is_package(name):
        return None
    try:
        return spacy.load(name, disable=["parser", "lemmatizer", "attribute_ruler", "tagger"])
    except (OSError, ValueError) as exc:  # a broken install must not break extraction
        log.warning("statistical NER model %s unavailable: %s", name, exc)
        return None


def signature() -> str:
    """What the optional model adds to EXTRACTOR_VERSION: "" without one, else "+ner:<package>-<version>".

    Read from the package metadata (no model is loaded), so a run with the model and a run without it never
    share stored extractions or cached batches: results that depend on the model are versioned by it.
    """
    name = model_name()
    if not name or not spacy.util.is_package(name):
        return ""
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""
    return f"+ner:{name}-{version}"


def available() -> bool:
    """True when the statistical model is installed and loads."""
    return _load(model_name()) is not None


def attribute(sentence: str) -> str | None:
    """Return the first PERSON/ORG in a sentence with an attribution cue, or None (always None when no model)."""
    c = cues()
    if not re.search(rf"\b(?:{c.attribution_verb}|{c.attribution_lead})\b", sentence, re.IGNORECASE):
        return None
    nlp = _load(model_name())
    if nlp is None:
        return None
    for ent in nlp(sentence).ents:
        if ent.label_ in ("PERSON", "ORG"):
            return str(ent.text)
    return None
