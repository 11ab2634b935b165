"""Regex alternations built as a trie: "open|open-source|open-weight" → "open(?:-(?:source|weight))?".

Python's regex engine tries the branches of a flat alternation one after another at every position, so a
list of a hundred cue words costs a hundred comparisons per word start; a trie shares the prefixes and fails
after a character or two. A term that is a prefix of another is made optional and greedy, so the longer term
is still preferred, as with a longest-first flat alternation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["trie_alternation"]


def trie_alternation(terms: Iterable[str], space: str = r"\s+", fold_case: bool = True) -> str:
    """Return a regex source matching any of terms (spaces match ``space``); lowercased when fold_case.

    >>> trie_alternation(["open", "open-source", "open weight"])
    '(?:open(?:(?:\\\\s+weight|\\\\-source))?)'
    >>> import re
    >>> re.fullmatch(trie_alternation(["US", "U.S.", "United States"]), "united  states", re.I) is not None
    True
    """
    root: dict[str, Any] = {}
    for term in terms:
        t = " ".join(term.split())
        if fold_case:
            t = t.lower()
        if not t:
            continue
        node = root
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        kids = sorted(k for k in node if k)
        if not kids:
            return ""
        alts = [(space if ch == " " else re.escape(ch)) + build(node[ch]) for ch in kids]
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return "(?:" + build(root) + ")"
