"""Fitting the coder's linear heads (multinomial logistic regression) and their temperature.

scikit-learn is needed here only, at training time; the shipped model is plain arrays that
:mod:`frontwatch.coder` applies with numpy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..coder.features import Vocabulary

Blocks = Mapping[str, Counter[str]]
FloatArray = npt.NDArray[np.float64]


def _sparse() -> Any:
    try:
        from scipy import sparse
    except ImportError as err:  # pragma: no cover - a training dependency
        raise ImportError("training needs scikit-learn (pip install scikit-learn)") from err
    return sparse


def design_matrix(vocab: Vocabulary, documents: Sequence[Blocks]) -> Any:
    """The CSR matrix (documents x vocabulary) of the documents' weighted features."""
    indptr = [0]
    cols: list[npt.NDArray[np.int32]] = []
    vals: list[npt.NDArray[np.float32]] = []
    for doc in documents:
        c, v = vocab.transform_one(doc)
        cols.append(c)
        vals.append(v)
        indptr.append(indptr[-1] + len(c))
    data = np.concatenate(vals) if vals else np.zeros(0, np.float32)
    indices = np.concatenate(cols) if cols else np.zeros(0, np.int32)
    return _sparse().csr_matrix(
        (data, indices, np.array(indptr)), shape=(len(documents), vocab.size), dtype=np.float64
    )


@dataclass
class Head:
    """One linear head: ``softmax((x @ coef.T + intercept) / temperature)`` over ``classes``."""

    name: str
    classes: list[str]
    coef: FloatArray  # classes x features
    intercept: FloatArray
    temperature: float = 1.0

    def logits(self, x: Any) -> FloatArray:
        out: FloatArray = np.asarray(x @ self.coef.T) + self.intercept
        return out

    def proba(self, x: Any) -> FloatArray:
        return softmax(self.logits(x) / self.temperature)


def softmax(z: FloatArray) -> FloatArray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: FloatArray = e / e.sum(axis=1, keepdims=True)
    return out


def balanced_weights(labels: Sequence[str], weights: Sequence[float] | None = None) -> FloatArray:
    """Example weights that give every label the same total weight (scikit-learn's
    ``class_weight="balanced"``), times the examples' own ``weights``: the corpus's label
    counts are the writers' choice, not the frequencies of any news stream."""
    counts = Counter(labels)
    per = {label: len(labels) / (len(counts) * n) for label, n in counts.items()}
    own = np.ones(len(labels)) if weights is None else np.asarray(weights, np.float64)
    out: FloatArray = np.array([per[y] for y in labels]) * own
    return out


def fit_head(
    name: str,
    x: Any,
    labels: Sequence[str],
    *,
    c: float = 10.0,
    weights: FloatArray | None = None,
    seed: int = 0,
) -> Head:
    """A multinomial logistic regression (L2, ``C=c``, lbfgs) on the rows of ``x``, with
    example ``weights`` (e.g. :func:`balanced_weights`)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    model.fit(x, list(labels), sample_weight=None if weights is None else np.asarray(weights))
    classes = [str(k) for k in model.classes_]
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    if len(classes) == 2:  # binary: scikit-learn keeps one row; make it two-class softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return Head(name, classes, coef, intercept)


def fit_temperature(logits: FloatArray, gold: Sequence[int]) -> float:
    """The temperature that minimises the negative log-likelihood of ``gold`` (class indices)
    under ``softmax(logits / T)``: golden-section search on ``ln T`` in [ln 0.25, ln 20]
    (the lower bound keeps a perfectly separated training set from driving T to zero)."""
    idx = np.asarray(gold)
    rows = np.arange(len(idx))

    def nll(log_t: float) -> float:
        p = softmax(logits / math.exp(log_t))
        return float(-np.log(np.clip(p[rows, idx], 1e-12, None)).mean())

    lo, hi = math.log(0.25), math.log(20.0)
    ratio = (math.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = nll(b)
    return round(math.exp((lo + hi) / 2), 4)
