"""Features of a text for the learned coder: word and character n-grams, plus optional
context words and rule features, each a block of named features.

One function, :func:`text_features`, is used both by the trainer and at run time, so that a
model always sees the features it was trained on. Counts are turned into weights by the
model's vocabulary (``tf-idf`` with sublinear term frequency, each block normalised to unit
length and scaled by its block weight): see :class:`Vocabulary`.

Blocks (feature name prefixes):

- ``w:`` words (lower case, digits folded to ``0``) and ``b:`` word bigrams of the main text;
- ``c:`` character 3- to 5-grams inside word boundaries (``" kill"``, ``"lled "``), which
  carry morphology (``shell``/``shelling``/``shelled``) and survive unseen names;
- ``x:`` words of the context (the headline or the sentence before), a weaker block;
- ``r:`` rule features given by the caller (the trigger's frame, actor types, ...);
- ``a:`` abstractions of the text given by the caller, unigrams and bigrams: the parse's
  lemmas with each named entity replaced by its type (``ORG kill CARDINAL``), which carry what
  a sentence says beyond its surface words and names.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
DIGIT = re.compile(r"\d")
CHAR_SIZES = (3, 4, 5)
#: The feature blocks: words and bigrams, character n-grams, context words, rule features,
#: abstractions.
Block = Literal["w", "c", "x", "r", "a"]
BLOCKS: tuple[Block, ...] = get_args(Block)
#: How many texts' weighted blocks :meth:`Vocabulary.columns` keeps for the next call.
RECENT_TEXTS = 64
Columns = npt.NDArray[np.int32]
Weights = npt.NDArray[np.float32]


def words(text: str) -> list[str]:
    """Lower-cased words with digits folded to ``0`` ("12" and "30" are one feature)."""
    return [DIGIT.sub("0", w.replace("’", "'")) for w in WORD.findall(text.lower())]


def char_grams(word: str) -> list[str]:
    """The character 3- to 5-grams of a word padded with one space on each side."""
    padded = f" {word} "
    return ["c:" + padded[i : i + n] for n in CHAR_SIZES for i in range(len(padded) - n + 1)]


def abstract_grams(tokens: Sequence[str]) -> list[str]:
    """The ``a:`` features of an abstraction: its tokens and their bigrams."""
    return ["a:" + t for t in tokens] + [f"a:{a} {b}" for a, b in itertools.pairwise(tokens)]


def text_features(
    text: str, context: str = "", rules: Iterable[str] = (), abstract: Sequence[str] = ()
) -> dict[str, Counter[str]]:
    """The raw feature counts of a text, by block (``w`` holds words and bigrams)."""
    toks = words(text)
    word_block: Counter[str] = Counter("w:" + t for t in toks)
    word_block.update(f"b:{a} {b}" for a, b in itertools.pairwise(toks))
    chars: Counter[str] = Counter()
    for tok in toks:
        chars.update(char_grams(tok))
    blocks: dict[str, Counter[str]] = {"w": word_block, "c": chars}
    if context:
        blocks["x"] = Counter("x:" + t for t in words(context))
    rule_block = Counter("r:" + r for r in rules)
    if rule_block:
        blocks["r"] = rule_block
    if abstract:
        blocks["a"] = Counter(abstract_grams(abstract))
    return blocks


@dataclass
class Vocabulary:
    """Feature names to columns, with their inverse document frequencies and block weights."""

    index: dict[str, int]
    idf: npt.NDArray[np.float32]
    block_weights: dict[str, float]

    @property
    def size(self) -> int:
        return len(self.index)

    @classmethod
    def fit(
        cls,
        documents: Sequence[Mapping[str, Counter[str]]],
        *,
        min_df: int = 2,
        block_weights: Mapping[str, float] | None = None,
    ) -> Vocabulary:
        """The features seen in at least ``min_df`` documents (rule features: in one), with
        smoothed idf ``ln((1 + n) / (1 + df)) + 1``, in sorted order (reproducible)."""
        df: Counter[str] = Counter()
        for doc in documents:
            for block in doc.values():
                df.update(block.keys())
        names = sorted(f for f, n in df.items() if n >= min_df or f.startswith("r:"))
        total = len(documents)
        idf = np.array([math.log((1 + total) / (1 + df[f])) + 1.0 for f in names], np.float32)
        weights: dict[str, float] = {"w": 1.0, "c": 1.0, "x": 0.4, "r": 0.6, "a": 0.6}
        weights.update(block_weights or {})
        return cls({f: i for i, f in enumerate(names)}, idf, weights)

    def __post_init__(self) -> None:
        self._chars: dict[str, list[int]] = {}
        # the weighted blocks of the texts read last: the candidates of one text (a sentence,
        # or the whole of a short document) differ only in their rule features
        self._recent: dict[tuple[str, str], list[tuple[Columns, Weights]]] = {}

    def _char_columns(self, word: str) -> list[int]:
        cols = self._chars.get(word)
        if cols is None:
            index = self.index
            cols = [index[g] for g in char_grams(word) if g in index]
            if len(self._chars) < 200_000:
                self._chars[word] = cols
        return cols

    def _weighted(self, block: Block, found: list[int]) -> tuple[Columns, Weights] | None:
        """A block's columns (sorted) and weights: sublinear tf times idf, scaled to unit length
        times the block's weight; None for an empty or weightless block."""
        weight = self.block_weights.get(block, 1.0)
        if not found or not weight:
            return None
        counts = Counter(found)
        keys = sorted(counts)
        unique = np.array(keys, np.int32)
        tf = np.array([counts[k] for k in keys], np.float64)
        bvals = (1.0 + np.log(tf)) * self.idf[unique]
        bvals *= weight / np.sqrt(np.dot(bvals, bvals))
        return unique, bvals.astype(np.float32)

    def _text_blocks(self, text: str, context: str) -> list[tuple[Columns, Weights]]:
        """The weighted ``w``, ``c`` and ``x`` blocks of a text and its context, kept for the
        next call."""
        key = (text, context)
        found = self._recent.get(key)
        if found is not None:
            return found
        index = self.index
        toks = words(text)
        names = ["w:" + t for t in toks]
        names += [f"b:{a} {b}" for a, b in itertools.pairwise(toks)]
        word_cols = [c for c in map(index.get, names) if c is not None]
        char_cols: list[int] = []
        for tok in toks:
            char_cols += self._char_columns(tok)
        raw: list[tuple[Block, list[int]]] = [("w", word_cols), ("c", char_cols)]
        if context:
            ctx = map(index.get, ["x:" + t for t in words(context)])
            raw.append(("x", [c for c in ctx if c is not None]))
        blocks = [b for b in (self._weighted(name, cols) for name, cols in raw) if b is not None]
        if len(self._recent) >= RECENT_TEXTS:
            self._recent.clear()
        self._recent[key] = blocks
        return blocks

    def columns(
        self,
        text: str,
        context: str = "",
        rules: Iterable[str] = (),
        abstract: Sequence[str] = (),
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """``transform_one(text_features(text, context, rules, abstract))`` without building the
        feature names of known words: each word's character n-gram columns are cached, and the
        text blocks of the texts read last."""
        index = self.index
        blocks: list[tuple[Columns, Weights] | None] = list(self._text_blocks(text, context))
        if rules:
            found = map(index.get, ["r:" + r for r in rules])
            blocks.append(self._weighted("r", [c for c in found if c is not None]))
        if abstract:
            grams = map(index.get, abstract_grams(abstract))
            blocks.append(self._weighted("a", [c for c in grams if c is not None]))
        kept = [b for b in blocks if b is not None]
        if not kept:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        return np.concatenate([c for c, _ in kept]), np.concatenate([v for _, v in kept])

    def transform_one(
        self, blocks: Mapping[str, Counter[str]]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """Column indices and weights of one document's features (unknown ones dropped)."""
        cols: list[int] = []
        vals: list[float] = []
        for name, block in blocks.items():
            weight = self.block_weights.get(name, 1.0)
            if not weight:
                continue
            bcols = [self.index[f] for f in block if f in self.index]
            if not bcols:
                continue
            tf = np.array([1.0 + math.log(c) for f, c in block.items() if f in self.index])
            bvals = tf * self.idf[bcols]
            bvals *= weight / float(np.linalg.norm(bvals))
            cols += bcols
            vals += bvals.tolist()
        return np.array(cols, np.int32), np.array(vals, np.float32)
