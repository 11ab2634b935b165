"""Merge collected excerpt files into the dev and blind splits (deterministic, by file and URL).

    python tests/realtext/build.py raw/*.jsonl      # paths relative to tests/realtext/

Blind is made of *generations* of collection: the files whose name starts with one of BLIND_GENERATIONS, each
collected and annotated after an extractor version was scored, by collectors who did not run the extractor. Every
other file is dev. A generation is scored at most twice and its errors are never read while it is blind; then it
is spent: drop it from BLIND_GENERATIONS and its files join dev (history in docs/realtext-scores.md).

Generation 1 (files rt*.jsonl, scored once by claims.v2.0) was split by URL hash inside the files; it is dev now,
and so is every later generation once spent (g2*–g12*; which versions scored each is in docs/realtext-scores.md).
Blind is generation 13 (g13*, collected 2026-12-03 after claims.v2.18 was fixed); records carry `lang`, and
`make eval` prints the blind figures per generation and every split per language (English or not).
Dev files are read first, so a page already in dev is never counted again in blind (the first file that owns a
URL keeps it). Records are validated (required keys, text ≤ 1,500 characters, claim kinds) and duplicates (same
URL and text) dropped.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BLIND_GENERATIONS = ("g13",)
REQUIRED = ("id", "url", "query", "text", "claims", "type")
log = logging.getLogger("realtext.build")


def _valid(rec: dict[str, Any]) -> str | None:
    missing = [k for k in REQUIRED if k not in rec]
    if missing:
        return f"missing {missing}"
    if len(rec["text"]) > 1500:
        return f"text of {len(rec['text'])} characters"
    for c in [*rec["claims"], *rec.get("optional_claims", [])]:
        if c.get("kind") not in ("gap", "forecast"):
            return f"claim kind {c.get('kind')!r}"
    if rec["type"] == "negative" and rec["claims"]:
        return "negative with required claims"
    return None


def split_of(path: Path) -> str:
    """dev or blind, from the collector file's name."""
    return "blind" if path.name.startswith(BLIND_GENERATIONS) else "dev"


def build(paths: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """Read, validate and split the given files."""
    out: dict[str, list[dict[str, Any]]] = {"dev": [], "blind": []}
    seen: set[tuple[str, str]] = set()
    ids: set[str] = set()
    owner: dict[str, Path] = {}  # a page annotated by two collectors is kept from the first file only
    for path in sorted(paths, key=lambda p: (split_of(p) == "blind", p.name)):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                log.warning("%s:%d: not JSON (%s), skipped", path, n, exc)
                continue
            why = _valid(rec)
            if why is None and owner.setdefault(rec["url"], path) != path:
                why = f"URL already annotated in {owner[rec['url']].name}"
            key = (rec.get("url", ""), rec.get("text", ""))
            if why or key in seen or rec["id"] in ids:
                log.warning("%s:%d: %s, skipped", path, n, why or "duplicate")
                continue
            seen.add(key)
            ids.add(rec["id"])
            out[split_of(path)].append(rec)
    return out


def main(argv: list[str]) -> int:
    """Write dev.jsonl and blind.jsonl next to this file."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    splits = build([HERE / a for a in argv])
    for name, recs in splits.items():
        recs.sort(key=lambda r: r["id"])
        (HERE / f"{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
        neg = sum(r["type"] == "negative" for r in recs)
        log.info("%s: %d excerpts, %d negatives", name, len(recs), neg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
