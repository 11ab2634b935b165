"""Score the extractor against the labelled golden corpus (tests/golden/*.jsonl) and print a table.

Each golden row is one short text with its publication date, a construction label and the claims a careful
reader expects (an empty list for negatives). A predicted claim matches an expected one when kind, direction,
months and deadline agree ("core") and, for the "strict" score, every other field the row labels agrees too.
Negative constructions (``neg_*``) report the share of texts that yield no claim at all.

    python -m extractors.evaluate            # the table
    python -m extractors.evaluate --errors   # plus every miss and false alarm
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from extractors.claims import extract_many
from extractors.scoring import PrecisionRecall
from schemas import Claim

__all__ = ["GOLDEN_DIR", "Score", "corpus_digest", "evaluate", "format_table", "load_golden", "main"]

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "tests" / "golden"
_CORE = ("kind", "direction", "months_low", "months_high", "deadline_end")
_SUBSET_LISTS = {"target_models", "models"}


@dataclass
class Score(PrecisionRecall):
    """Counts for one construction (or the total); precision, recall and F1 from extractors.scoring."""

    n_texts: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    clean: int = 0  # texts with no predicted claim (what negatives are scored on)
    errors: list[str] = field(default_factory=list)

    @property
    def specificity(self) -> float:
        """Share of texts with no predicted claim (meaningful for negative constructions)."""
        return self.clean / self.n_texts if self.n_texts else 1.0


def load_golden(directory: Path = GOLDEN_DIR, pattern: str = "*.jsonl") -> list[dict[str, Any]]:
    """Read every tests/golden/*.jsonl row (or those of files matching pattern), sorted by file name, then line."""
    rows: list[dict[str, Any]] = []
    for path in sorted(directory.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def corpus_digest(directory: Path = GOLDEN_DIR) -> str:
    """SHA-256 over the golden files (names and bytes), so a changed corpus is visible next to its floors."""
    h = hashlib.sha256()
    for path in sorted(directory.glob("*.jsonl")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _value(claim: Claim, key: str) -> Any:
    v = getattr(claim, key)
    return v.isoformat() if isinstance(v, date) else v


def _equal(key: str, got: Any, want: Any) -> bool:
    if isinstance(want, float | int) and not isinstance(want, bool) and got is not None:
        return abs(float(got) - float(want)) <= 0.05 if key != "confidence" else abs(float(got) - float(want)) < 1e-6
    if key in _SUBSET_LISTS and isinstance(want, list):
        return set(want) <= set(got or [])
    if isinstance(want, list):
        return sorted(want) == sorted(got or [])
    return bool(got == want)


def _matches(claim: Claim, want: dict[str, Any], strict: bool) -> bool:
    keys = want.keys() if strict else [k for k in _CORE if k in want]
    return all(_equal(k, _value(claim, k), want[k]) for k in keys)


def _describe(c: Claim) -> str:
    return (f"{c.kind}/{c.direction} {c.months_low}-{c.months_high} dl={c.deadline_end} tf={c.timeframe} "
            f"S={c.subject_group or c.subject} R={c.reference_group or c.reference} T={c.target_models} "
            f"h={c.hedged}:{c.confidence} by={c.attributed_to} flags={c.flags}")


def evaluate(rows: list[dict[str, Any]] | None = None, strict: bool = True) -> dict[str, Score]:
    """Score every golden row; returns construction → Score plus "ALL", "ALL_gap", "ALL_forecast", "ALL_neg"."""
    rows = load_golden() if rows is None else rows
    items = [(r["text"], date.fromisoformat(r["published"]) if r.get("published") else None, r["id"]) for r in rows]
    results = extract_many(items)
    scores: dict[str, Score] = defaultdict(Score)
    for row, ex in zip(rows, results, strict=True):
        cons = row["construction"]
        expected: list[dict[str, Any]] = row["claims"]
        preds = [c for c in ex.claims if c.kind in ("gap", "forecast")]  # release claims are not in the golden labels
        buckets = [cons, "ALL"]
        if cons.startswith("neg_"):
            buckets.append("ALL_neg")
        elif any(c["kind"] == "forecast" for c in expected):
            buckets.append("ALL_forecast")
        else:
            buckets.append("ALL_gap")
        used: set[int] = set()
        tp = fn = 0
        errs: list[str] = []
        for want in expected:
            hit = next((i for i, c in enumerate(preds) if i not in used and _matches(c, want, strict)), None)
            if hit is None:
                fn += 1
                errs.append(f"{row['id']} MISS {json.dumps(want)}\n      text: {row['text']}")
            else:
                used.add(hit)
                tp += 1
        fp = len(preds) - len(used)
        for i, c in enumerate(preds):
            if i not in used:
                errs.append(f"{row['id']} EXTRA {_describe(c)}\n      text: {row['text']}")
        for b in buckets:
            s = scores[b]
            s.n_texts += 1
            s.tp += tp
            s.fp += fp
            s.fn += fn
            s.clean += not preds
            s.errors += errs
    return dict(scores)


def format_table(scores: dict[str, Score], core: dict[str, Score] | None = None) -> str:
    """Render construction scores as a Markdown table."""
    lines = ["| construction | texts | precision | recall | F1 | core P | core R | no-claim rate |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    order = sorted(k for k in scores if not k.startswith("ALL"))
    order = [k for k in order if not k.startswith("neg_")] + [k for k in order if k.startswith("neg_")]
    order += [k for k in ("ALL_gap", "ALL_forecast", "ALL_neg", "ALL") if k in scores]
    for k in order:
        s = scores[k]
        c = (core or {}).get(k)
        if k.startswith("neg_") or k == "ALL_neg":
            lines.append(f"| {k} | {s.n_texts} | – | – | – | – | – | {s.specificity:.3f} |")
            continue
        cp = f"{c.precision:.3f}" if c else "–"
        cr = f"{c.recall:.3f}" if c else "–"
        lines.append(f"| {k} | {s.n_texts} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {cp} | {cr} | – |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the per-construction table (and, with --errors, every miss and false alarm)."""
    ap = argparse.ArgumentParser(prog="python -m extractors.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms")
    ap.add_argument("--files", default="*.jsonl", help="glob of golden files to score (e.g. 'blind_*.jsonl')")
    args = ap.parse_args(argv)
    rows = load_golden(pattern=args.files)
    strict = evaluate(rows, strict=True)
    core = evaluate(rows, strict=False)
    out = sys.stdout
    out.write(f"golden corpus {corpus_digest()} · files {args.files} · {strict['ALL'].n_texts} texts · "
              f"{strict['ALL_neg'].n_texts if 'ALL_neg' in strict else 0} negatives\n\n")
    out.write(format_table(strict, core) + "\n")
    if args.errors:
        out.write("\n")
        for k, s in sorted(strict.items()):
            if k.startswith("ALL"):
                continue
            for e in s.errors:
                out.write(f"[{k}] {e}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
