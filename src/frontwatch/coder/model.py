"""The learned coder at run time: a shipped model file, label probabilities per head.

A model is two files written by the trainer (:mod:`frontwatch.training`):

- ``coder.json``: format version, feature settings, and per head its classes and the
  temperature that calibrates its probabilities;
- ``coder.npz``: the vocabulary (feature names), their idf, and per head the weight matrix
  (features x classes) as int8 with one scale per class (``w = q * scale``; the largest
  weight of a class is 127 steps, a step well under the weights that matter) and the
  intercepts; no pickled objects.

Heads: ``case`` (the 30 CASE 2021 labels and ``NONE``: no event stated as having happened),
``plover`` (PLOVER types and ``NONE``), ``mode`` (``TYPE/mode`` pairs), and any other the
model file lists (``modality``). The probabilities are ``softmax(z / T)`` of the linear scores
``z``, with ``T`` fitted on held-out folds so that they are calibrated.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from ..errors import Errors, FrontwatchError
from .features import Vocabulary

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "coder"
NONE = "NONE"
#: The heads a model may have: CASE 2021 label, PLOVER type, PLOVER mode, modality.
HeadName = Literal["case", "plover", "mode", "modality"]
HEAD_NAMES: tuple[HeadName, ...] = get_args(HeadName)
FloatArray = npt.NDArray[np.float32]
Int8Array = npt.NDArray[np.int8]


@dataclass(frozen=True)
class CoderInput:
    """What the coder reads for one candidate event or one snippet.

    ``text``: the sentence that states the event (or a whole 1-4 sentence snippet);
    ``context``: weaker evidence, such as the headline or the sentence before;
    ``rules``: optional rule features (``"frame=attack"``), as the model was trained with;
    ``abstract``: optional abstraction tokens of the text from its parse (``ORG kill
    CARDINAL``: lemmas, entities replaced by their type).
    """

    text: str
    context: str = ""
    rules: tuple[str, ...] = ()
    abstract: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prediction:
    """One head's answer: the best label, its calibrated probability, and every label's."""

    label: str
    probability: float
    probabilities: dict[str, float] = field(repr=False)

    def top(self, n: int = 3) -> list[tuple[str, float]]:
        return sorted(self.probabilities.items(), key=lambda kv: -kv[1])[:n]


class LinearHead:
    """One head: its classes, weights (features x classes), intercepts and temperature.

    A head read from a model file (:meth:`from_steps`) keeps the int8 steps and the scales,
    and makes its float weights only when :attr:`weights` is first read: a :class:`Coder`
    predicts from the steps of the rows it needs (no 60 MB float matrix at start-up).
    """

    def __init__(
        self,
        name: str,
        classes: list[str],
        weights: FloatArray | None,
        intercept: FloatArray,
        temperature: float = 1.0,
    ) -> None:
        self.name = name
        self.classes = classes
        self._weights = weights
        self._steps: tuple[Int8Array, FloatArray] | None = None
        self.intercept = intercept
        self.temperature = temperature

    @classmethod
    def from_steps(
        cls,
        name: str,
        classes: list[str],
        steps: Int8Array,
        scale: FloatArray,
        intercept: FloatArray,
        temperature: float = 1.0,
    ) -> LinearHead:
        """A head whose weights are ``steps * scale`` (float32), made when first read."""
        head = cls(name, classes, None, intercept, temperature)
        head._steps = (steps, scale)
        return head

    @property
    def weights(self) -> FloatArray:
        """Features x classes."""
        if self._weights is None:
            assert self._steps is not None
            self._weights = dequantise(*self._steps)
        return self._weights

    @weights.setter
    def weights(self, value: FloatArray) -> None:
        self._weights = value
        self._steps = None

    def __repr__(self) -> str:
        return f"LinearHead({self.name!r}, {len(self.classes)} classes)"

    def probabilities(self, z: FloatArray) -> FloatArray:
        z = z / self.temperature
        e = np.exp(z - z.max())
        out: FloatArray = e / e.sum()
        return out


class Coder:
    """Label probabilities for texts, from a vocabulary and linear heads."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        heads: dict[str, LinearHead],
        meta: dict[str, Any],
        steps: tuple[Int8Array, FloatArray] | None = None,
    ) -> None:
        """``steps``: every head's int8 steps side by side (features x all classes) and their
        scales, when the caller read the model so (:func:`load_coder_from`): the weights of
        the rows a text needs are made from them at each prediction, the same float32 values
        as ``steps * scale`` in full."""
        self.vocabulary = vocabulary
        self.heads = heads
        self.meta = meta
        # every head's weights side by side: one gather and one product per text
        self._steps = steps
        self._weights: FloatArray | None = None
        if steps is None:
            self._weights = np.hstack([h.weights for h in heads.values()]).astype(np.float32)
        self._intercept = np.concatenate([h.intercept for h in heads.values()])
        self._slices: dict[str, slice] = {}
        start = 0
        for name, head in heads.items():
            self._slices[name] = slice(start, start + len(head.classes))
            start += len(head.classes)

    @property
    def training_sets(self) -> list[str]:
        """The gold sets this model was trained on (``frontwatch eval`` must not score them)."""
        return list(self.meta.get("training", {}).get("gold_sets", []))

    def trained_on(self, name: str, sha256: str) -> bool:
        """Whether a file of this name or content (sha256) is in the model's training data."""
        files = self.meta.get("training", {}).get("files", [])
        return name in self.training_sets or any(f.get("sha256") == sha256 for f in files)

    def predict(
        self, item: CoderInput | str, heads: Sequence[str] | None = None
    ) -> dict[str, Prediction]:
        """Each head's prediction for one input (a plain string is a text without context)."""
        if isinstance(item, str):
            item = CoderInput(item)
        cols, vals = self.vocabulary.columns(item.text, item.context, item.rules, item.abstract)
        if self._weights is not None:
            rows = self._weights[cols]
        else:
            assert self._steps is not None
            rows = dequantise(self._steps[0][cols], self._steps[1])
        z = vals @ rows + self._intercept
        out: dict[str, Prediction] = {}
        for name in heads or self.heads:
            head = self.heads[name]
            p = head.probabilities(z[self._slices[name]])
            best = int(p.argmax())
            out[name] = Prediction(
                head.classes[best],
                float(p[best]),
                dict(zip(head.classes, p.tolist(), strict=True)),
            )
        return out

    def predict_many(
        self, items: Sequence[CoderInput | str], heads: Sequence[str] | None = None
    ) -> list[dict[str, Prediction]]:
        return [self.predict(item, heads) for item in items]

    # -- files --------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """``coder.json`` and ``coder.npz`` in ``directory`` (weights quantised to int8)."""
        directory.mkdir(parents=True, exist_ok=True)
        names = sorted(self.vocabulary.index, key=self.vocabulary.index.__getitem__)
        arrays: dict[str, Any] = {
            "features": np.array(names, dtype=np.str_),
            "idf": self.vocabulary.idf.astype(np.float32),
        }
        heads_meta = {}
        for name, head in self.heads.items():
            q, scale = quantise(head.weights)
            arrays[f"{name}.q"] = q
            arrays[f"{name}.scale"] = scale
            arrays[f"{name}.intercept"] = head.intercept.astype(np.float32)
            heads_meta[name] = {"classes": head.classes, "temperature": head.temperature}
        meta = dict(self.meta)
        meta.update(
            format=FORMAT_VERSION,
            block_weights=self.vocabulary.block_weights,
            heads=heads_meta,
        )
        np.savez_compressed(directory / "coder.npz", **arrays)
        (directory / "coder.json").write_text(
            json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )


def quantise(weights: FloatArray) -> tuple[npt.NDArray[np.int8], FloatArray]:
    """``weights`` (features x classes) as int8 steps of one scale per class."""
    peak = np.abs(weights).max(axis=0)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(weights / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantise(steps: Int8Array, scale: FloatArray) -> FloatArray:
    """float32 weights of int8 ``steps`` (rows x classes) and one ``scale`` per class."""
    out: FloatArray = np.multiply(steps, scale, dtype=np.float32)
    return out


def load_coder_from(directory: Path) -> Coder:
    """The model in ``directory``; E101 when a file is missing or does not fit the format."""
    meta_path, npz_path = directory / "coder.json", directory / "coder.npz"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"format {meta.get('format')!r}, expected {FORMAT_VERSION}")
        with np.load(npz_path, allow_pickle=False) as data:
            names: list[str] = data["features"].tolist()  # 5x faster than str() of each
            idf = data["idf"].astype(np.float32)
            total = sum(len(spec["classes"]) for spec in meta["heads"].values())
            # the heads' int8 steps are written into one matrix as they are read; the float
            # weights are made row by row as texts need them (LinearHead, Coder.predict)
            steps = np.empty((len(names), total), np.int8)
            scales = []
            heads = {}
            start = 0
            for name, spec in meta["heads"].items():
                q = data[f"{name}.q"]
                if q.shape != (len(names), len(spec["classes"])) or q.dtype != np.int8:
                    raise ValueError(f"head {name}: weights {q.dtype} {q.shape}")
                columns = steps[:, start : start + q.shape[1]]
                columns[...] = q
                scale = data[f"{name}.scale"]
                scales.append(scale)
                intercept = data[f"{name}.intercept"].astype(np.float32)
                heads[name] = LinearHead.from_steps(
                    name,
                    list(spec["classes"]),
                    columns,
                    scale,
                    intercept,
                    float(spec["temperature"]),
                )
                start += q.shape[1]
            scale_all = np.concatenate(scales) if scales else np.zeros(0, np.float32)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as err:
        raise FrontwatchError(Errors.E101, path=directory, detail=err) from err
    index = dict(zip(names, range(len(names)), strict=True))  # faster than a comprehension
    vocab = Vocabulary(index, idf, dict(meta["block_weights"]))
    logger.debug("coder loaded from %s: %s features", directory, len(names))
    return Coder(vocab, heads, meta, (steps, scale_all))


@lru_cache(maxsize=4)
def load_coder(directory: str | None = None) -> Coder:
    """The shipped model (``frontwatch/data/coder``), or the one in ``directory``; loaded
    once per process."""
    return load_coder_from(Path(directory) if directory else MODEL_DIR)
