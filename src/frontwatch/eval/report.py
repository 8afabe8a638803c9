"""Scoring predictions against gold documents and reporting the scores (docs/eval.md).

:func:`run_eval` reads a gold file, asks an injected ``predict`` function for each document's
:class:`~frontwatch.records.DocumentResult` and returns an :class:`EvalReport`;
:func:`evaluate` scores results that are already at hand. Every score of docs/gold-format.md is
one :class:`ScoreLine` (name, n, value); a score whose gold section is absent has ``n == 0`` and
``value is None`` ("not scored").
"""

from __future__ import annotations

import contextlib
import logging
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from frontwatch.eval.align import (
    SHORT_DOCUMENT_CHARS,
    align_document,
    find_all,
    is_factual,
    overlaps,
)
from frontwatch.eval.case import load_case_mapping
from frontwatch.eval.gold import GoldDocument, read_gold
from frontwatch.eval.score import (
    FIELDS,
    LOCATION_SCORES,
    SetCounts,
    Situation,
    ToponymCounts,
    agreement,
    classification_scores,
    control_matches,
    field_results,
    location_outcomes,
    materiel_matches,
    score_flags,
    score_set,
    score_sources,
    score_toponyms,
)
from frontwatch.records import DocumentResult, Event, Span

logger = logging.getLogger(__name__)

ScoreKind = Literal["rate", "count", "km"]
FindingKind = Literal[
    "missed", "false_positive", "duplicate", "optional_wrong", "negative_as_event"
]


class ReportRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScoreLine(ReportRecord):
    """One reported score: ``value`` is ``None`` when nothing was scored (``n == 0``)."""

    name: str
    n: int
    value: float | None
    kind: ScoreKind = "rate"


class Finding(ReportRecord):
    """An item behind a score, listed so that errors can be read: a missed gold event, ..."""

    doc_id: str
    kind: FindingKind
    text: str
    span: Span | None = None
    detail: str = ""


class LabelScore(ReportRecord):
    precision: float
    recall: float
    f1: float
    support: int


class EvalReport(ReportRecord):
    gold: str | None = None
    documents: int
    scores: list[ScoreLine]
    findings: list[Finding] = Field(default_factory=list)
    case_labels: dict[str, LabelScore] = Field(default_factory=dict)

    def score(self, name: str) -> ScoreLine:
        for line in self.scores:
            if line.name == name:
                return line
        raise KeyError(name)

    def value(self, name: str) -> float | None:
        return self.score(name).value

    def to_table(self) -> str:
        """A fixed-width table: one line per score with its n and value."""
        width = max(len(line.name) for line in self.scores)
        header = f"{'score':<{width}}  {'n':>6}  {'value':>10}"
        lines = [
            f"gold: {self.gold or '-'}  documents: {self.documents}",
            header,
            "-" * len(header),
        ]
        for line in self.scores:
            lines.append(f"{line.name:<{width}}  {line.n:>6}  {_format(line):>10}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _format(line: ScoreLine) -> str:
    if line.value is None:
        return "not scored"
    if line.kind == "count":
        return str(int(line.value))
    if line.kind == "km":
        return f"{line.value:.1f} km"
    return f"{line.value:.3f}"


def _rate(hits: int, n: int) -> float | None:
    return hits / n if n else None


@dataclass
class _Tally:
    """Counts accumulated over documents."""

    documents: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    duplicates: int = 0
    optional_found: int = 0
    optional_right: int = 0  # factual predictions of optional gold events, rightly coded
    optional_wrong: int = 0  # ... wrongly coded: wrong events for precision
    ignored: int = 0  # predictions not scored for detection: non-factual or aggregates
    aggregates: int = 0  # ... of which aggregates (a war's toll)
    not_primary: int = 0
    unscored: int = 0
    fields: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in FIELDS})
    locations: dict[str, list[int]] = field(
        default_factory=lambda: {f: [0, 0] for f in LOCATION_SCORES}
    )
    negatives: int = 0
    negatives_hit: int = 0
    case_pairs: list[tuple[str, str | None]] = field(default_factory=list)
    toponyms: ToponymCounts = field(default_factory=ToponymCounts)
    flags: SetCounts = field(default_factory=SetCounts)
    sources: SetCounts = field(default_factory=SetCounts)
    control: SetCounts = field(default_factory=SetCounts)
    materiel: SetCounts = field(default_factory=SetCounts)
    findings: list[Finding] = field(default_factory=list)


class Scorer:
    """Accumulates the scores of documents one by one; :meth:`report` builds the report."""

    def __init__(self) -> None:
        self.tally = _Tally()
        self.case_mapping = load_case_mapping()

    def add(
        self, gold: GoldDocument, result: DocumentResult, situation: Situation | None = None
    ) -> None:
        tally = self.tally
        tally.documents += 1
        self._detection(gold, result)
        self._negatives(gold, result)
        case_events = [e for e in gold.events if e.case_label is not None]
        if case_events:
            label = self.case_mapping.document_label(result.events)
            tally.case_pairs.extend((e.case_label, label) for e in case_events if e.case_label)
        if gold.toponyms is not None:
            score_toponyms(gold, result.toponyms, tally.toponyms)
        if gold.flags is not None:
            score_flags(gold, result, tally.flags)
        if gold.sources is not None:
            score_sources(gold, result, tally.sources)
        if situation is not None:
            if gold.control is not None:
                score_set(gold.control, situation.control, control_matches, tally.control)
            if gold.materiel is not None:
                score_set(gold.materiel, situation.materiel, materiel_matches, tally.materiel)

    def _detection(self, gold: GoldDocument, result: DocumentResult) -> None:
        tally = self.tally
        alignment = align_document(gold, result, agreement)
        # The gold lists every event of the text only when it has several events (or lists the
        # statements that are not events); elsewhere an unaligned prediction is not an error.
        exhaustive = len(gold.events) >= 2 or gold.negatives is not None
        for p, g in alignment.pairs:
            gold_event, event = gold.events[g], result.events[p]
            fields = field_results(gold_event, event)
            if gold_event.required:
                tally.tp += 1
            else:
                tally.optional_found += 1
                if is_factual(event):
                    wrong = miscoded(fields, event)
                    if wrong:
                        tally.optional_wrong += 1
                        tally.findings.append(
                            Finding(
                                doc_id=gold.doc_id,
                                kind="optional_wrong",
                                text=event.evidence.text,
                                span=event.evidence.span,
                                detail=f"trigger {event.trigger.text!r}: wrong {', '.join(wrong)}",
                            )
                        )
                    else:
                        tally.optional_right += 1
            for name, outcome in fields.items():
                if outcome is not None:
                    tally.fields[name][0] += outcome
                    tally.fields[name][1] += 1
        paired = {g: result.events[p] for p, g in alignment.pairs}
        for g, gold_event in enumerate(gold.events):
            if not gold_event.required and g not in paired:
                continue
            for name, outcome in location_outcomes(gold_event.location, paired.get(g)).items():
                if outcome is not None:
                    tally.locations[name][0] += outcome
                    tally.locations[name][1] += 1
        tally.fn += len(alignment.missed)
        tally.duplicates += len(alignment.duplicates)
        tally.ignored += len(alignment.ignored)
        tally.aggregates += sum(result.events[p].aggregate for p in alignment.ignored)
        tally.not_primary += len(alignment.not_primary)
        if exhaustive:
            tally.fp += len(alignment.false_positives)
        else:
            tally.unscored += len(alignment.false_positives)
        for g in alignment.missed:
            evidence = gold.events[g].evidence
            start = gold.text.find(evidence)
            tally.findings.append(
                Finding(
                    doc_id=gold.doc_id,
                    kind="missed",
                    text=evidence,
                    span=(start, start + len(evidence)),
                )
            )
        kinds: list[tuple[FindingKind, list[int]]] = [("duplicate", alignment.duplicates)]
        if exhaustive:
            kinds.append(("false_positive", alignment.false_positives))
        for kind, indices in kinds:
            for p in indices:
                event = result.events[p]
                tally.findings.append(
                    Finding(
                        doc_id=gold.doc_id,
                        kind=kind,
                        text=event.evidence.text,
                        span=event.evidence.span,
                        detail=f"trigger {event.trigger.text!r}",
                    )
                )

    def _negatives(self, gold: GoldDocument, result: DocumentResult) -> None:
        """A negative comes out as an event when a factual prediction's trigger lies in it."""
        if gold.negatives is None:
            return
        triggers = [e.trigger for e in result.events if is_factual(e)]
        for negative in gold.negatives:
            self.tally.negatives += 1
            regions = find_all(gold.text, negative.evidence)
            hits = [t for t in triggers if any(overlaps(t.span, r) for r in regions)]
            if hits:
                self.tally.negatives_hit += 1
                self.tally.findings.append(
                    Finding(
                        doc_id=gold.doc_id,
                        kind="negative_as_event",
                        text=negative.evidence,
                        span=regions[0] if regions else None,
                        detail=f"{negative.why}; trigger {hits[0].text!r}",
                    )
                )

    def report(self, gold_name: str | None = None) -> EvalReport:
        t = self.tally
        lines: list[ScoreLine] = []

        def rate(name: str, hits: int, n: int) -> None:
            lines.append(ScoreLine(name=name, n=n, value=_rate(hits, n)))

        def count(name: str, value: int, n: int | None = None) -> None:
            lines.append(
                ScoreLine(name=name, n=value if n is None else n, value=value, kind="count")
            )

        correct = t.tp + t.optional_right
        scored = correct + t.optional_wrong + t.fp + t.duplicates
        precision, recall = _rate(correct, scored), _rate(t.tp, t.tp + t.fn)
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else (0.0 if precision is not None and recall is not None else None)
        )
        rate("detection.precision", correct, scored)
        rate("detection.recall", t.tp, t.tp + t.fn)
        lines.append(ScoreLine(name="detection.f1", n=t.tp + t.fn, value=f1))
        rate("detection.precision_spec", t.tp, t.tp + t.fp)
        count("detection.true_positives", t.tp)
        count("detection.false_positives", t.fp)
        count("detection.missed", t.fn)
        count("detection.duplicates", t.duplicates)
        count("detection.optional_found", t.optional_found)
        count("detection.optional_right", t.optional_right)
        count("detection.optional_wrong", t.optional_wrong)
        count("detection.not_factual_ignored", t.ignored)
        count("detection.aggregates_ignored", t.aggregates)
        count("detection.not_primary_ignored", t.not_primary)
        count("detection.unaligned_unscored", t.unscored)
        for name in FIELDS:
            hits, n = t.fields[name]
            rate(f"field.{name}", hits, n)
        for name in LOCATION_SCORES:
            hits, n = t.locations[name]
            rate(f"location.{name}", hits, n)
        rate("negatives.as_factual_events", t.negatives_hit, t.negatives)

        mapping = self.case_mapping
        case = classification_scores(t.case_pairs, mapping.acled_to_case.values())
        lines.append(ScoreLine(name="case.weighted_f1", n=case.n, value=case.weighted_f1))
        lines.append(ScoreLine(name="case.accuracy", n=case.n, value=case.accuracy))
        lines.append(
            ScoreLine(name="case.acled_accuracy", n=case.n_acled, value=case.acled_accuracy)
        )

        top = t.toponyms
        rate("toponyms.recall", top.matched, top.gold)
        rate("toponyms.precision", top.matched, top.predicted)
        rate("toponyms.geonameid_exact", top.exact_id, top.with_id)
        rate("toponyms.accuracy@161km", top.within_161km, top.with_coordinates)
        rate("toponyms.over_1000km", top.over_1000km, top.with_coordinates)
        errors = top.errors_km
        lines.append(
            ScoreLine(
                name="toponyms.median_error_km",
                n=len(errors),
                kind="km",
                value=statistics.median(errors) if errors else None,
            )
        )
        lines.append(
            ScoreLine(
                name="toponyms.mean_error_km",
                n=len(errors),
                kind="km",
                value=statistics.fmean(errors) if errors else None,
            )
        )
        for section, counts in (
            ("flags", t.flags),
            ("sources", t.sources),
            ("control", t.control),
            ("materiel", t.materiel),
        ):
            rate(f"{section}.recall", counts.gold_found, counts.gold)
            rate(f"{section}.precision", counts.predicted_correct, counts.predicted)
        return EvalReport(
            gold=gold_name,
            documents=t.documents,
            scores=lines,
            findings=list(t.findings),
            case_labels={
                label: LabelScore(precision=p, recall=r, f1=f, support=s)
                for label, (p, r, f, s) in case.per_label.items()
            },
        )


#: The fields that make an event's coding: what happened and who did it.
CODING_FIELDS = ("plover", "acled_type", "actor1")


def miscoded(fields: Mapping[str, bool | None], event: Event) -> list[str]:
    """The coding fields on which a prediction contradicts its gold event: the PLOVER or ACLED
    event type, or actor1 (a missing actor1 is an abstention, not a contradiction)."""
    wrong = [name for name in CODING_FIELDS if fields.get(name) is False]
    return [name for name in wrong if name != "actor1" or event.actor1 is not None]


def evaluate(
    gold: Sequence[GoldDocument],
    results: Sequence[DocumentResult],
    situations: Mapping[str, Situation] | None = None,
    gold_name: str | None = None,
) -> EvalReport:
    """Score ``results`` (one per gold document, same order) against ``gold``.

    ``situations`` maps a ``doc_id`` to the situation output scored against the gold ``control``
    and ``materiel`` sections; without it those sections are not scored.
    """
    if len(gold) != len(results):
        raise ValueError(f"{len(results)} results for {len(gold)} gold documents")
    scorer = Scorer()
    for document, result in zip(gold, results, strict=True):
        situation = situations.get(document.doc_id) if situations is not None else None
        scorer.add(document, result, situation)
    return scorer.report(gold_name)


def run_eval(
    gold_path: str | Path,
    predict: Callable[[GoldDocument], DocumentResult],
    predictions_out: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    situation: Callable[[GoldDocument, DocumentResult], Situation | None] | None = None,
) -> EvalReport:
    """Read ``gold_path``, predict every document, score, and return the report.

    ``predict`` is injected (the CLI passes the real extractor); its spans must point into the
    gold document's ``text``. ``predictions_out`` receives the results as JSON Lines of
    :class:`~frontwatch.records.DocumentResult`. ``progress(done, total)`` is called after each
    document. ``situation``, when given, derives the situation output scored against
    ``control`` and ``materiel``.
    """
    documents = read_gold(gold_path)
    scorer = Scorer()
    with contextlib.ExitStack() as stack:
        out = None
        if predictions_out is not None:
            out = stack.enter_context(Path(predictions_out).open("w", encoding="utf-8"))
        for done, document in enumerate(documents, start=1):
            result = predict(document)
            if out is not None:
                out.write(result.model_dump_json() + "\n")
            scorer.add(document, result, situation(document, result) if situation else None)
            if progress is not None:
                progress(done, len(documents))
    logger.info("scored %s documents of %s", len(documents), gold_path)
    return scorer.report(str(gold_path))


__all__ = [
    "SHORT_DOCUMENT_CHARS",
    "EvalReport",
    "Finding",
    "LabelScore",
    "ScoreLine",
    "Scorer",
    "evaluate",
    "run_eval",
]
