"""Aligning predicted events with gold events (docs/eval.md, "Alignment").

A predicted event aligns with a gold event when its evidence span, its trigger span or one of its
mentions overlaps a *gold sentence* of that event: a sentence of the gold text that contains (part
of) the gold evidence or one of its ``also`` mentions. Sentences come from
:func:`split_sentences`, a deterministic regex splitter, so that scores never depend on a model.

Within a document, each prediction aligns with at most one gold event: the pairs are chosen by a
maximum-weight bipartite matching that maximises, in this order, the number of required gold
events found, the number of pairs, and the summed field agreement.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from frontwatch.eval.gold import FACTUAL_MODALITIES, GoldDocument, GoldEvent
from frontwatch.lexicon import load
from frontwatch.records import DocumentResult, Event, Span

logger = logging.getLogger(__name__)

#: Documents shorter than this with exactly one gold event use the primary-event rule.
SHORT_DOCUMENT_CHARS = 1500

# Sentence-final punctuation (plus closing quotes/brackets), whitespace, then a capital, a digit,
# or an opening quote/bracket.
_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# Tokens ending in a period that do not end a sentence: initials (U.S., J.), titles, months...
_NO_BREAK = re.compile(
    r"(?:\b[A-Z]\.|\b(?:" + "|".join(load("text_words")["gold_abbreviations"]) + r")\.)$"
)


def split_sentences(text: str) -> list[Span]:
    """Sentence spans ``[start, end)`` of ``text``, leading and trailing whitespace excluded.

    Boundaries: blank lines, and ``.``/``!``/``?`` (with closing quotes) followed by whitespace
    and a capital letter, digit or opening quote, unless the period closes an initial
    ("U.S.") or a common abbreviation ("Gen.", "Jan."). Single line breaks are not boundaries,
    so hard-wrapped text stays whole.
    """
    cuts: set[int] = {0, len(text)}
    for match in _BLANK_LINE.finditer(text):
        cuts.add(match.start())
        cuts.add(match.end())
    for match in _BOUNDARY.finditer(text):
        if _NO_BREAK.search(text[max(0, match.start() - 6) : match.start() + 1]):
            continue
        cuts.add(match.end())
    spans: list[Span] = []
    ordered = sorted(cuts)
    for start, end in itertools.pairwise(ordered):
        piece = text[start:end]
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
    return spans


def find_all(text: str, needle: str) -> list[Span]:
    """Every occurrence of ``needle`` in ``text`` (overlapping occurrences included)."""
    spans: list[Span] = []
    start = text.find(needle)
    while start >= 0 and needle:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def covering_sentences(sentences: Sequence[Span], span: Span) -> list[Span]:
    """The sentences that overlap ``span``."""
    return [sentence for sentence in sentences if overlaps(sentence, span)]


def gold_regions(text: str, sentences: Sequence[Span], event: GoldEvent) -> list[Span]:
    """The sentences holding any occurrence of the evidence or of an ``also`` mention."""
    regions: list[Span] = []
    for mention in event.mentions():
        for occurrence in find_all(text, mention):
            for sentence in covering_sentences(sentences, occurrence) or [occurrence]:
                if sentence not in regions:
                    regions.append(sentence)
    return regions


def prediction_spans(event: Event) -> list[Span]:
    """Spans by which a predicted event can align: evidence, trigger, and its mentions'."""
    spans: list[Span] = [event.evidence.span, event.trigger.span]
    for mention in event.mentions:
        spans.extend((mention.evidence.span, mention.trigger.span))
    return spans


def is_factual(event: Event) -> bool:
    """A prediction scored as an event: a factual modality, and not an aggregate (a toll over a
    whole war is not one of its events; exports and the situation leave aggregates out)."""
    return event.modality in FACTUAL_MODALITIES and not event.aggregate


def primary_event(events: Sequence[Event]) -> Event | None:
    """The factual predicted event with the highest confidence (first one on ties)."""
    best: Event | None = None
    for event in events:
        if is_factual(event) and (best is None or event.confidence > best.confidence):
            best = event
    return best


@dataclass
class DocumentAlignment:
    """How the predictions of one document line up with its gold events.

    ``pairs`` are (prediction index, gold index). ``duplicates`` are factual predictions that
    align only with gold events already matched by another prediction; ``false_positives``
    align with no factual gold event (non-factual gold events are like negatives);
    ``ignored`` are predictions not scored for detection (a non-factual modality or an
    aggregate, and not paired with a non-factual gold event); ``not_primary`` are the other
    predictions of a document scored by the primary-event rule.
    """

    doc_id: str
    pairs: list[tuple[int, int]] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    false_positives: list[int] = field(default_factory=list)
    ignored: list[int] = field(default_factory=list)
    not_primary: list[int] = field(default_factory=list)
    primary_rule: bool = False

    def true_positives(self, gold: GoldDocument) -> list[tuple[int, int]]:
        return [(p, g) for p, g in self.pairs if gold.events[g].required]


def align_document(
    gold: GoldDocument,
    result: DocumentResult,
    agreement: Callable[[GoldEvent, Event], float],
) -> DocumentAlignment:
    """Align ``result``'s events with ``gold``'s events.

    ``agreement`` gives the field agreement of a (gold, prediction) pair in ``[0, 1]``; it breaks
    ties between alignments of equal size (best field agreement wins).
    """
    alignment = DocumentAlignment(doc_id=gold.doc_id)
    predictions = result.events
    if len(gold.text) < SHORT_DOCUMENT_CHARS and len(gold.events) == 1:
        alignment.primary_rule = True
        primary = primary_event(predictions)
        for index, event in enumerate(predictions):
            if event is not primary:
                alignment.not_primary.append(index)
        if primary is None:
            if gold.events[0].required:
                alignment.missed.append(0)
        else:
            alignment.pairs.append((predictions.index(primary), 0))
        return alignment

    sentences = split_sentences(gold.text)
    regions = [gold_regions(gold.text, sentences, event) for event in gold.events]
    factual_gold = {g for g, e in enumerate(gold.events) if e.modality in FACTUAL_MODALITIES}
    factual: dict[int, list[int]] = {}
    other: dict[int, list[int]] = {}
    for p, event in enumerate(predictions):
        spans = prediction_spans(event)
        hits = [
            g
            for g, region in enumerate(regions)
            if any(overlaps(span, sentence) for span in spans for sentence in region)
        ]
        if is_factual(event):
            factual[p] = [g for g in hits if g in factual_gold]
        else:
            other[p] = [g for g in hits if g not in factual_gold]
    # Factual predictions answer factual gold events; non-factual predictions may pair with
    # non-factual gold events for field scoring but never count for detection.
    factual_pairs = _match(gold, predictions, factual, agreement)
    other_pairs = _match(gold, predictions, other, agreement)
    alignment.pairs = sorted(factual_pairs + other_pairs, key=lambda pair: pair[1])
    matched_predictions = {p for p, _ in alignment.pairs}
    matched_gold = {g for _, g in alignment.pairs}
    alignment.ignored = [p for p in other if p not in matched_predictions]
    for p, hits in factual.items():
        if p in matched_predictions:
            continue
        if hits:
            alignment.duplicates.append(p)
        else:
            alignment.false_positives.append(p)
    alignment.missed = [
        g for g, event in enumerate(gold.events) if event.required and g not in matched_gold
    ]
    return alignment


def _match(
    gold: GoldDocument,
    predictions: Sequence[Event],
    aligned: dict[int, list[int]],
    agreement: Callable[[GoldEvent, Event], float],
) -> list[tuple[int, int]]:
    """(prediction, gold) pairs of the best matching among the ``aligned`` candidates."""
    rows = list(aligned)
    weights = _pair_weights(gold, predictions, aligned, agreement)
    return [(rows[row], col) for row, col in maximum_weight_matching(weights)]


def _pair_weights(
    gold: GoldDocument,
    predictions: Sequence[Event],
    aligned: dict[int, list[int]],
    agreement: Callable[[GoldEvent, Event], float],
) -> list[list[float]]:
    """Weights, lexicographic by (required gold found, pairs, agreement); 0 = not aligned."""
    rows = list(aligned)
    size = min(len(rows), len(gold.events)) + 1
    pair_bonus = float(size)  # more than any summed agreement (each agreement <= 1)
    required_bonus = size * (pair_bonus + 1.0)  # more than any pair bonus + agreement sum
    weights = [[0.0] * len(gold.events) for _ in rows]
    for r, p in enumerate(rows):
        for g in aligned[p]:
            score = min(1.0, max(0.0, agreement(gold.events[g], predictions[p])))
            bonus = required_bonus if gold.events[g].required else 0.0
            weights[r][g] = bonus + pair_bonus + score
    return weights


def maximum_weight_matching(weights: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Pairs (row, column) of a maximum-weight matching; weight ``<= 0`` means no edge.

    Hungarian algorithm (Kuhn-Munkres with potentials, O(n^2 m)) on the rectangular matrix,
    transposed when there are more rows than columns.
    """
    if not weights or not weights[0]:
        return []
    transposed = len(weights) > len(weights[0])
    matrix = (
        [list(col) for col in zip(*weights, strict=True)]
        if transposed
        else [list(r) for r in weights]
    )
    n, m = len(matrix), len(matrix[0])
    top = max(max(row) for row in matrix)
    cost = [[top - value for value in row] for row in matrix]  # minimise cost = maximise weight
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    owner = [0] * (m + 1)  # owner[j] = row (1-based) assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            delta = inf
            j1 = 0
            for j in range(1, m + 1):
                if used[j]:
                    continue
                current = cost[i0 - 1][j - 1] - u[i0] - v[j]
                if current < minv[j]:
                    minv[j] = current
                    way[j] = j0
                if minv[j] < delta:
                    delta = minv[j]
                    j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while True:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
            if j0 == 0:
                break
    pairs: list[tuple[int, int]] = []
    for j in range(1, m + 1):
        i = owner[j]
        if i and matrix[i - 1][j - 1] > 0:
            pairs.append((j - 1, i - 1) if transposed else (i - 1, j - 1))
    return sorted(pairs)
