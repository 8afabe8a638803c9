"""frontwatch.eval: gold reader, alignment and scores (``frontwatch eval``; docs/eval.md)."""

from __future__ import annotations

from frontwatch.eval.align import align_document, split_sentences
from frontwatch.eval.gold import GoldDocument, GoldEvent, read_gold
from frontwatch.eval.report import EvalReport, Finding, ScoreLine, Scorer, evaluate, run_eval
from frontwatch.eval.score import ControlEntry, MaterielEntry, Situation

__all__ = [
    "ControlEntry",
    "EvalReport",
    "Finding",
    "GoldDocument",
    "GoldEvent",
    "MaterielEntry",
    "ScoreLine",
    "Scorer",
    "Situation",
    "align_document",
    "evaluate",
    "read_gold",
    "run_eval",
    "split_sentences",
]
