"""The honest measure of the learned coder: k-fold cross-validation through the whole pipeline.

For each fold, a coder is fitted on every example outside the fold (corpus and gold), its
heads' temperatures fitted on the other folds' held-out logits; then the fold's gold documents
are extracted by the full pipeline with that coder and scored by ``frontwatch eval``'s scorer.
The predictions of the k folds are pooled into one report per gold set, so that every gold
document is scored by a model that never saw it. The same run gives the text-level held-out
scores of each head (the model card's tables) and, trained on the written corpus alone, the
pipeline's score on the CASE 2021 snippets (no gold at all in training).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..coder.model import Coder
from ..eval.align import primary_event
from ..eval.case import load_case_mapping
from ..eval.gold import GoldDocument, read_gold
from ..eval.report import EvalReport, run_eval
from ..eval.runner import predictor
from ..eval.situation import situation_for_eval
from ..pipeline import Extractor
from ..records import DocumentResult
from .cv import assign_folds, ece, reliability
from .examples import GOLD_FILES, Example
from .linear import FloatArray, design_matrix
from .train import (
    HeadFitter,
    HeadReport,
    TrainConfig,
    featurize,
    fit_coder,
    fold_temperature,
    head_label,
    load_examples,
    oof_report,
    with_readings,
)

logger = logging.getLogger(__name__)

#: The scores of each gold set that the pipeline CV records (and the accuracy gate reads).
RECORDED = {
    "case2021": ("case.weighted_f1", "case.acled_accuracy", "detection.recall"),
    "plover": (
        "field.plover",
        "detection.recall",
        "field.actor1",
        "field.actor2",
        "field.location@161km",
    ),
}


@dataclass
class PipelineCV:
    folds: int
    fields: str = "all"  # the setting coder_fields the pipeline ran with
    reports: dict[str, EvalReport] = field(default_factory=dict)  # gold set -> pooled report
    heads: dict[str, HeadReport] = field(default_factory=dict)  # text-level held-out scores
    temperatures: dict[str, float] = field(default_factory=dict)  # for the model on all data
    corpus_only: EvalReport | None = None
    case_ece: float | None = None  # calibration of the primary event's CASE label
    case_reliability: list[tuple[float, float, int]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """The figures coder.json records (``pipeline_cv``)."""
        out: dict[str, Any] = {"folds": self.folds, "coder_fields": self.fields}
        for name, report in self.reports.items():
            out[name] = {s: _round(report.value(s)) for s in RECORDED.get(name, ())}
        if self.corpus_only is not None:
            out["corpus_only"] = {
                "case2021": {s: _round(self.corpus_only.value(s)) for s in RECORDED["case2021"]}
            }
        if self.case_ece is not None:
            out["case2021"]["ece"] = round(self.case_ece, 4)
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _logits(coder: Coder, fitter: HeadFitter, head: str, rows: Sequence[int]) -> FloatArray:
    x = design_matrix(coder.vocabulary, [fitter.blocks[i] for i in rows])
    h = coder.heads[head]
    out: FloatArray = np.asarray(x @ h.weights, dtype=np.float64) + h.intercept
    return out


def fold_coders(
    fitter: HeadFitter, folds: Sequence[int], k: int, progress: Callable[[str], None]
) -> tuple[list[Coder], dict[str, HeadReport], dict[str, float]]:
    """One coder per fold (fitted without it, temperatures from the other folds), the
    text-level held-out report of each head, and the temperatures for the model on all data."""
    examples = fitter.examples
    coders: list[Coder] = []
    oof: dict[str, dict[int, tuple[list[str], FloatArray]]] = {h: {} for h in fitter.config.heads}
    for fold in range(k):
        coder = fit_coder(fitter, [i for i in range(len(examples)) if folds[i] != fold])
        for head in coder.heads:
            test = [
                i
                for i in range(len(examples))
                if folds[i] == fold and head_label(head, examples[i]) is not None
            ]
            if test:
                z = _logits(coder, fitter, head, test)
                for i, row in zip(test, z, strict=True):
                    oof[head][i] = (coder.heads[head].classes, row)
        coders.append(coder)
        progress(f"fold {fold + 1} of {k} fitted")
    reports: dict[str, HeadReport] = {}
    temperatures: dict[str, float] = {}
    for head, found in oof.items():
        if not found:
            continue
        size = sum(head_label(head, e) is not None for e in examples)
        reports[head] = oof_report(head, examples, found, folds, k, size)
        temperatures[head] = reports[head].temperature
        for fold, coder in enumerate(coders):
            if head in coder.heads:
                coder.heads[head].temperature = fold_temperature(head, examples, found, folds, fold)
        progress(f"held out {head}: {reports[head].scores}")
    return coders, reports, temperatures


def evaluate_folds(
    extractor: Extractor,
    gold: GoldDocument | None,
    path: str,
    coder_of: Callable[[str], Coder | None],
    results: dict[str, DocumentResult],
) -> EvalReport:
    """Score the gold file at ``path``, each document extracted with ``coder_of(doc_id)``."""
    base = predictor(extractor)

    def predict(document: GoldDocument) -> DocumentResult:
        extractor.coder = coder_of(document.doc_id)
        result = base(document)
        results[document.doc_id] = result
        return result

    return run_eval(path, predict, situation=situation_for_eval)


def case_calibration(
    path: str, results: dict[str, DocumentResult]
) -> tuple[float, list[tuple[float, float, int]]]:
    """ECE and reliability of the primary event's confidence as the probability that its
    CASE label is the gold one."""
    mapping = load_case_mapping()
    conf: list[float] = []
    right: list[bool] = []
    for document in read_gold(path):
        label = document.events[0].case_label if document.events else None
        result = results.get(document.doc_id)
        primary = primary_event(result.events) if result is not None else None
        if label is None or primary is None:
            continue
        conf.append(primary.confidence)
        right.append(mapping.label(primary) == label)
    c, ok = np.array(conf), np.array(right)
    return ece(c, ok), reliability(c, ok)


def pipeline_cv(
    config: TrainConfig,
    progress: Callable[[str], None] = logger.info,
    *,
    extractor: Extractor | None = None,
    corpus_only: bool = True,
) -> PipelineCV:
    """k-fold CV of the learned coder through the pipeline, on the gold sets of ``config``."""
    if config.gold_dir is None:
        raise ValueError("the pipeline CV needs the gold sets (gold_dir)")
    examples, _ = load_examples(config)
    examples = with_readings(examples, config, progress)
    fitter = HeadFitter(examples, featurize(examples), config)
    k = config.folds
    folds = assign_folds(examples, k, config.seed)
    coders, heads, temperatures = fold_coders(fitter, folds, k, progress)
    extractor = extractor or Extractor()
    out = PipelineCV(k, extractor.settings.coder_fields, heads=heads, temperatures=temperatures)
    fold_of: dict[tuple[str, str], int] = {
        (e.source, e.id): f for e, f in zip(examples, folds, strict=True)
    }
    for name in config.gold_sets:
        if name not in RECORDED:
            continue
        path = str(config.gold_dir / GOLD_FILES[name])

        def coder_of(doc_id: str, name: str = name) -> Coder:
            fold = fold_of.get((name, doc_id))
            if fold is None:  # a gold document that teaches no head: any fold's model
                fold = zlib.crc32(doc_id.encode()) % k
            return coders[fold]

        results: dict[str, DocumentResult] = {}
        out.reports[name] = evaluate_folds(extractor, None, path, coder_of, results)
        progress(f"{name}: " + _summary(out.reports[name], name))
        if name == "case2021":
            out.case_ece, out.case_reliability = case_calibration(path, results)
            progress(f"case2021 primary-event ECE: {out.case_ece:.4f}")
    if corpus_only and "case2021" in config.gold_sets:
        only = fit_coder(fitter, [i for i, e in enumerate(examples) if e.source == "corpus"])
        for head, t in temperatures.items():
            if head in only.heads:
                only.heads[head].temperature = t
        path = str(config.gold_dir / GOLD_FILES["case2021"])
        out.corpus_only = evaluate_folds(extractor, None, path, lambda _: only, {})
        progress("corpus only -> case2021: " + _summary(out.corpus_only, "case2021"))
    return out


def _summary(report: EvalReport, name: str) -> str:
    return ", ".join(f"{s} {report.value(s)}" for s in RECORDED.get(name, ()))


__all__ = ["Example", "PipelineCV", "pipeline_cv"]
