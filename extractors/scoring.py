"""Precision, recall and F1 from counts of hits, false alarms and misses: the one definition both scorers use
(extractors.evaluate on the golden corpus, extractors.realeval on the real-text corpus)."""

from __future__ import annotations

__all__ = ["PrecisionRecall"]


class PrecisionRecall:
    """Mixin for a record of `tp`, `fp` and `fn` counts (a dataclass declares them): precision, recall and F1.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Counts(PrecisionRecall):
    ...     tp: int = 0
    ...     fp: int = 0
    ...     fn: int = 0
    >>> c = Counts(tp=3, fp=1, fn=3)
    >>> c.precision, c.recall, round(c.f1, 3), Counts().precision
    (0.75, 0.5, 0.6, 1.0)
    """

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
