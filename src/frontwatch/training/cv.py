"""Seeded, stratified k-fold splits by group, and the scores the model card reports.

Folds are by group (a gold document, or a corpus scene written as several labelled variants),
so that no fold's model has seen a variant of a text it is scored on. Groups are dealt to folds
label by label in a seeded random order, each to the fold that holds the fewest examples of
that label so far (then the fewest examples in all), which keeps every label's share about
equal across folds; the split depends only on the examples and the seed.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .examples import Example


def strata(example: Example) -> str:
    """What a fold split keeps balanced: the source and the example's main label."""
    return f"{example.source}:{example.label or example.plover or '-'}"


def assign_folds(examples: Sequence[Example], k: int = 5, seed: int = 0) -> list[int]:
    """The fold (0 .. k-1) of each example; one group's examples share a fold."""
    if k < 2:
        raise ValueError("k must be at least 2")
    groups: dict[str, list[int]] = defaultdict(list)
    for i, ex in enumerate(examples):
        groups[ex.group].append(i)
    # a group is dealt under its most frequent stratum
    by_stratum: dict[str, list[str]] = defaultdict(list)
    for name, members in groups.items():
        top = Counter(strata(examples[i]) for i in members).most_common()
        best = min(s for s, n in top if n == top[0][1])
        by_stratum[best].append(name)
    rng = random.Random(seed)
    fold_of_group: dict[str, int] = {}
    totals = [0] * k
    for stratum in sorted(by_stratum, key=lambda s: (-len(by_stratum[s]), s)):
        names = sorted(by_stratum[stratum])
        rng.shuffle(names)
        names.sort(key=lambda g: -len(groups[g]))  # big groups first (stable: keeps the shuffle)
        counts = [0] * k
        offset = rng.randrange(k)
        for name in names:
            order = [(offset + j) % k for j in range(k)]
            fold = min(order, key=lambda f: (counts[f], totals[f]))
            fold_of_group[name] = fold
            counts[fold] += len(groups[name])
            totals[fold] += len(groups[name])
    return [fold_of_group[ex.group] for ex in examples]


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def per_label(gold: Sequence[str], predicted: Sequence[str]) -> list[LabelScore]:
    """Precision, recall and F1 of each gold label (sorted by label)."""
    support = Counter(gold)
    said = Counter(predicted)
    right = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    out = []
    for label in sorted(support):
        p = right[label] / said[label] if said[label] else 0.0
        r = right[label] / support[label]
        f = 2 * p * r / (p + r) if p + r else 0.0
        out.append(LabelScore(label, p, r, f, support[label]))
    return out


def weighted_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """F1 per gold label averaged by support (scikit-learn's ``average="weighted"`` over the
    labels present in gold; a prediction of a label absent from gold only costs precision of
    nothing, as in CASE 2021's scorer)."""
    scores = per_label(gold, predicted)
    total = sum(s.support for s in scores)
    return sum(s.f1 * s.support for s in scores) / total if total else 0.0


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def reliability(
    confidence: npt.NDArray[np.float64], correct: npt.NDArray[np.bool_], bins: int = 10
) -> list[tuple[float, float, int]]:
    """(mean confidence, accuracy, count) of each equal-width confidence bin with examples."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append(
                (float(confidence[mask].mean()), float(correct[mask].mean()), int(mask.sum()))
            )
    return out


def ece(
    confidence: npt.NDArray[np.float64], correct: npt.NDArray[np.bool_], bins: int = 10
) -> float:
    """Expected calibration error: the count-weighted gap between confidence and accuracy over
    equal-width bins of the top probability."""
    n = len(confidence)
    if not n:
        return 0.0
    return sum(abs(c - a) * m for c, a, m in reliability(confidence, correct, bins)) / n
