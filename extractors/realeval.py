"""Score the extractor on the real-text corpus (tests/realtext/{dev,blind}.jsonl), counted as docs/annotation.md says.

Each record is one excerpt of a public web page with its URL, the query that found it, the publication date
only when the page shows one, the required ``claims``, the ``optional_claims`` (never penalized) and a
``construction`` label per claim. The counting rules:

- recall over required claims; a prediction that matches no required and no optional claim is a false
  positive (on a negative excerpt too: that is the "false claims per 10 negatives" figure);
- gap match: same kind, same parity class (parity vs behind/ahead, since ahead(A, B) is behind(B, A)) and
  months_low / months_high equal within ±0.5 (null matches only null);
- forecast match: deadline_end within ±31 days of the gold one; where the gold one is null, a shared word of
  three or more letters between the deadline texts;
- field accuracy (approximate, hedged, attributed_to, timeframe) over matched pairs.

    python -m extractors.realeval                  # dev and blind tables
    python -m extractors.realeval --errors dev     # every miss and false positive on dev (never on blind)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from extractors.claims import EXTRACTOR_VERSION, extract_many
from extractors.scoring import PrecisionRecall
from schemas import Claim

__all__ = ["FLOORS_PATH", "REAL_DIR", "RealScore", "corpus_digest", "evaluate_split", "format_report", "load_split",
           "main", "summary", "write_floors"]

REAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "realtext"
SPLITS = ("dev", "blind")
FIELDS = ("approximate", "hedged", "attributed_to", "timeframe")
_MONTHS_TOL = 0.5
_DEADLINE_TOL_DAYS = 31


@dataclass
class Counts(PrecisionRecall):
    """True positives, false positives and misses of one kind (or one construction)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0


@dataclass
class RealScore:
    """Everything measured on one split."""

    records: int = 0
    negatives: int = 0
    negatives_with_fp: int = 0
    negative_fps: int = 0
    kinds: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    constructions: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    field_hits: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    errors: list[str] = field(default_factory=list, repr=False)  # never shown by a failing gate (blind stays blind)

    def field_accuracy(self, name: str) -> float | None:
        """Share of matched pairs whose field agrees with the gold (None when no pair was matched)."""
        ok, n = self.field_hits[name]
        return ok / n if n else None

    @property
    def fp_per_10_negatives(self) -> float:
        """False claims on negative excerpts, per ten negatives."""
        return 10 * self.negative_fps / self.negatives if self.negatives else 0.0


def load_split(split: str, directory: Path = REAL_DIR) -> list[dict[str, Any]]:
    """Read one split's records (dev or blind)."""
    path = directory / f"{split}.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: the real-text corpus lives in a checkout's tests/realtext/")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_digest(directory: Path = REAL_DIR) -> str:
    """SHA-256 prefix over both splits, recorded next to the floors so a changed corpus is visible."""
    h = hashlib.sha256()
    for split in SPLITS:
        path = directory / f"{split}.jsonl"
        h.update(split.encode())
        h.update(path.read_bytes() if path.exists() else b"")
    return h.hexdigest()[:16]


def _num_eq(got: float | None, want: float | None) -> bool:
    if want is None or got is None:
        return want is None and got is None
    return abs(float(got) - float(want)) <= _MONTHS_TOL


def _words(text: str | None) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z0-9]{3,}", text or "")}


def _gap_match(pred: Claim, gold: dict[str, Any]) -> bool:
    if pred.kind != "gap":
        return False
    if (pred.direction == "parity") != (gold.get("direction") == "parity"):
        return False
    return _num_eq(pred.months_low, gold.get("months_low")) and _num_eq(pred.months_high, gold.get("months_high"))


def _forecast_match(pred: Claim, gold: dict[str, Any]) -> bool:
    if pred.kind != "forecast":
        return False
    want = gold.get("deadline_end")
    if want:
        if pred.deadline_end is None:
            return False
        return abs((pred.deadline_end - date.fromisoformat(want)).days) <= _DEADLINE_TOL_DAYS
    return bool(_words(pred.deadline_text) & _words(gold.get("deadline_text")))


def matches(pred: Claim, gold: dict[str, Any]) -> bool:
    """Whether a predicted claim counts as the gold one (the ANNOTATION.md rules)."""
    return _gap_match(pred, gold) if gold.get("kind") == "gap" else _forecast_match(pred, gold)


def _name_eq(got: str | None, want: str | None) -> bool:
    if not want or not got:
        return not want and not got
    g, w = got.lower().strip(), want.lower().strip()
    return g == w or g in w or w in g or bool(_words(g) & _words(w) - {"the", "and"})


def _field_ok(name: str, pred: Claim, gold: dict[str, Any]) -> bool | None:
    if name == "attributed_to":
        return _name_eq(pred.attributed_to, gold.get("attributed_to"))
    if name == "timeframe":
        if gold.get("kind") != "gap":
            return None
        return (pred.timeframe if pred.timeframe != "current" else None) == gold.get("timeframe")
    if name not in gold:
        return None
    return bool(getattr(pred, name)) == bool(gold[name])


def _describe(c: Claim) -> str:
    if c.kind == "forecast":
        return f"forecast target={c.target!r} deadline={c.deadline_text!r}→{c.deadline_end} by={c.attributed_to}"
    return (f"gap {c.direction} {c.months_low}-{c.months_high} S={c.subject!r} R={c.reference!r} "
            f"tf={c.timeframe} by={c.attributed_to}")


def _closeness(pred: Claim, gold: dict[str, Any]) -> float:
    """How far a matching prediction is from the gold claim (smaller is closer): days or months apart."""
    if gold.get("kind") == "forecast":
        want = gold.get("deadline_end")
        return abs((pred.deadline_end - date.fromisoformat(want)).days) if want and pred.deadline_end else 0.0
    return sum(abs(float(a) - float(b)) for a, b in ((pred.months_low, gold.get("months_low")),
                                                      (pred.months_high, gold.get("months_high")))
               if a is not None and b is not None)


def _overlap(pred: Claim, gold: dict[str, Any]) -> float:
    """Shared words of the deadline text (forecasts) or of the sides: breaks ties between equally close matches
    ("in 3-5 years" and "in the next three to five years" in one excerpt are paired by their wording)."""
    if gold.get("kind") == "forecast":
        a, b = _words(pred.deadline_text), _words(gold.get("deadline_text"))
    else:
        a, b = _words(f"{pred.subject} {pred.reference}"), _words(f"{gold.get('subject')} {gold.get('reference')}")
    return len(a & b) / len(a | b) if a | b else 0.0


def assign(golds: list[dict[str, Any]], preds: list[Claim]) -> dict[int, int]:
    """One-to-one pairs gold → prediction: as many as possible (augmenting paths), each gold trying its closest
    matching predictions first, so "72% before April 30" is not spent on a neighbouring April 14 claim."""
    def ranked(gold: dict[str, Any]) -> list[int]:
        hits = [i for i, p in enumerate(preds) if matches(p, gold)]
        return sorted(hits, key=lambda i: (_closeness(preds[i], gold), -_overlap(preds[i], gold)))

    options = [ranked(g) for g in golds]
    owner: dict[int, int] = {}  # prediction → gold

    def place(g: int, seen: set[int]) -> bool:
        for i in options[g]:
            if i in seen:
                continue
            seen.add(i)
            if i not in owner or place(owner[i], seen):
                owner[i] = g
                return True
        return False

    for g in range(len(golds)):
        place(g, set())
    return {g: i for i, g in owner.items()}


def _score_record(rec: dict[str, Any], preds: list[Claim], score: RealScore) -> None:
    used: set[int] = set()
    rid = rec["id"]
    golds = rec.get("claims") or []
    pairs = assign(golds, preds)
    for k, gold in enumerate(golds):
        cons = gold.get("construction") or rec.get("construction") or "unlabelled"
        hit = pairs.get(k)
        bucket = score.kinds[gold["kind"]]
        if hit is None:
            bucket.fn += 1
            score.constructions[cons].fn += 1
            score.errors.append(f"{rid} MISS [{cons}] {json.dumps(gold, ensure_ascii=False)}")
            continue
        used.add(hit)
        bucket.tp += 1
        score.constructions[cons].tp += 1
        for name in FIELDS:
            ok = _field_ok(name, preds[hit], gold)
            if ok is not None:
                score.field_hits[name][0] += ok
                score.field_hits[name][1] += 1
                if not ok:
                    score.errors.append(f"{rid} FIELD {name}: got {getattr(preds[hit], name)!r} "
                                        f"want {gold.get(name)!r} [{_describe(preds[hit])}]")
    optional = rec.get("optional_claims") or []
    fps = 0
    for i, p in enumerate(preds):
        if i in used or any(matches(p, o) for o in optional):
            continue
        fps += 1
        score.kinds[p.kind].fp += 1
        score.constructions[rec.get("construction") or "unlabelled"].fp += 1
        score.errors.append(f"{rid} FALSE {_describe(p)}\n      sentence: {p.sentence[:300]}")
    if rec.get("type") == "negative" or not rec.get("claims"):
        score.negatives += 1
        score.negative_fps += fps
        score.negatives_with_fp += bool(fps)


def evaluate_split(records: list[dict[str, Any]]) -> RealScore:
    """Run the extractor over the records and count as the module docstring says."""
    items = [(r["text"], date.fromisoformat(r["published"]) if r.get("published") else None, r["id"])
             for r in records]
    results = extract_many(items)
    score = RealScore(records=len(records))
    for rec, ex in zip(records, results, strict=True):
        _score_record(rec, [c for c in ex.claims if c.kind in ("gap", "forecast")], score)
    return score


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def format_report(name: str, s: RealScore) -> str:
    """One split's tables: kinds, fields, negatives, constructions (Markdown)."""
    out = [f"### {name}: {s.records} excerpts, {s.negatives} negatives", "",
           "| claims | gold | TP | FP | FN | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind in ("gap", "forecast"):
        c = s.kinds[kind]
        out.append(f"| {kind} | {c.tp + c.fn} | {c.tp} | {c.fp} | {c.fn} | {c.precision:.3f} | {c.recall:.3f} | "
                   f"{c.f1:.3f} |")
    out += ["", "| field (matched pairs) | accuracy | pairs |", "|---|---:|---:|"]
    for f in FIELDS:
        out.append(f"| {f} | {_pct(s.field_accuracy(f))} | {s.field_hits[f][1]} |")
    out += ["", f"False claims on negatives: {s.negative_fps} on {s.negatives_with_fp} of {s.negatives} negative "
            f"excerpts ({s.fp_per_10_negatives:.2f} per 10).", "",
            "| construction | gold | TP | FP | FN | recall |", "|---|---:|---:|---:|---:|---:|"]
    for cons in sorted(s.constructions):
        c = s.constructions[cons]
        out.append(f"| {cons} | {c.tp + c.fn} | {c.tp} | {c.fp} | {c.fn} | {c.recall:.3f} |")
    return "\n".join(out)


def generation(record_id: str) -> str:
    """The collection a record belongs to, from its id ("g4B-017" → "g4", "rtC-101" → "rt")."""
    m = re.match(r"[a-z]+\d*", record_id)
    return m.group(0) if m else record_id


_EN_WORDS = frozenset(("the", "and", "of", "to", "in", "is", "that", "will", "by", "a"))


def language(rec: dict[str, Any]) -> str:
    """"en" or "other": the record's `lang` when the collector gave one, else a share-of-English-words test."""
    if rec.get("lang"):
        return "en" if rec["lang"] == "en" else "other"
    words = rec["text"].split()
    hits = sum(w.lower().strip(".,;:!?\"'()") in _EN_WORDS for w in words)
    return "en" if words and hits / len(words) > 0.12 else "other"


def format_groups(records: list[dict[str, Any]], key: Any, title: str) -> str:
    """One row per group of a split's records (a collection generation, a language), scored on its own."""
    groups = sorted({key(r) for r in records})
    out = [f"| {title} | excerpts / negatives | gap P / R / F1 | forecast P / R / F1 | attributed_to | "
           "FP per 10 neg |", "|---|---|---|---|---|---|"]
    for g in groups:
        s = evaluate_split([r for r in records if key(r) == g])
        gap, fc = s.kinds["gap"], s.kinds["forecast"]
        out.append(f"| {g} | {s.records} / {s.negatives} | {gap.precision:.3f} / {gap.recall:.3f} / {gap.f1:.3f} | "
                   f"{fc.precision:.3f} / {fc.recall:.3f} / {fc.f1:.3f} | {_pct(s.field_accuracy('attributed_to'))} | "
                   f"{s.fp_per_10_negatives:.2f} |")
    return "\n".join(out)


def summary(s: RealScore) -> dict[str, float]:
    """The gated figures of one split, as a flat dict (what floors.json pins)."""
    out = {f"{k}_{m}": round(getattr(s.kinds[k], m), 3) for k in ("gap", "forecast")
           for m in ("precision", "recall", "f1")}
    for f in FIELDS:
        acc = s.field_accuracy(f)
        if acc is not None:
            out[f"{f}_accuracy"] = round(acc, 3)
    out["fp_per_10_negatives"] = round(s.fp_per_10_negatives, 3)
    return out


FLOORS_PATH = REAL_DIR / "floors.json"


def write_floors(scores: dict[str, RealScore], path: Path = FLOORS_PATH) -> None:
    """Record the figures as floors, with the corpus digest and extractor version they were measured with."""
    data = {"corpus_sha256_16": corpus_digest(), "extractor_version": EXTRACTOR_VERSION,
            "splits": {k: summary(v) for k, v in scores.items()}}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Print the dev and blind tables; with --errors SPLIT, every miss and false positive of that split."""
    ap = argparse.ArgumentParser(prog="python -m extractors.realeval", description=__doc__.splitlines()[0])
    ap.add_argument("--errors", choices=SPLITS, help="list misses, false positives and field errors of a split")
    ap.add_argument("--i-scored-blind-already", action="store_true",
                    help="needed with --errors blind: looking at blind errors spends the split (refresh it after)")
    ap.add_argument("--json", action="store_true", help="print the gated figures as JSON")
    ap.add_argument("--write-floors", action="store_true",
                    help="pin the current figures of both splits in tests/realtext/floors.json (once per version)")
    ap.add_argument("--split", choices=SPLITS, action="append",
                    help="score only this split (repeatable; default both): tune on dev without scoring blind")
    args = ap.parse_args(argv)
    if args.errors == "blind" and not args.i_scored_blind_already:
        sys.stderr.write("refusing to list blind errors: tuning on them spends the blind split "
                         "(pass --i-scored-blind-already once its score for this version is recorded)\n")
        return 2
    wanted = args.split or ([args.errors] if args.errors else list(SPLITS))
    records = {split: load_split(split) for split in wanted}
    scores = {split: evaluate_split(recs) for split, recs in records.items()}
    if args.write_floors:
        write_floors(scores)
    if args.json:
        sys.stdout.write(json.dumps({k: summary(v) for k, v in scores.items()}, indent=2) + "\n")
        return 0
    sys.stdout.write(f"real-text corpus {corpus_digest()} · extractor {EXTRACTOR_VERSION}\n\n")
    for split, s in scores.items():
        sys.stdout.write(format_report(split, s) + "\n\n")
        if len({generation(r["id"]) for r in records[split]}) > 1 and split == "blind":
            sys.stdout.write(format_groups(records[split], lambda r: generation(r["id"]), "generation") + "\n\n")
        sys.stdout.write(format_groups(records[split], language, "language") + "\n\n")
    if args.errors:
        for e in scores[args.errors].errors:
            sys.stdout.write(e + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
