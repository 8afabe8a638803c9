"""Tests for frontwatch.coder: features, the vocabulary's weights, the linear heads, the model
files (written and read back) and the shipped model. Texts here are written for these tests."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from frontwatch.coder import MODEL_DIR, Coder, CoderInput, LinearHead, Vocabulary, load_coder
from frontwatch.coder.features import char_grams, text_features, words
from frontwatch.coder.model import load_coder_from, quantise
from frontwatch.errors import FrontwatchError


def test_coder_words_fold_digits_and_case() -> None:
    assert words("Gunmen killed 12 villagers in Kidal's market.") == [
        "gunmen",
        "killed",
        "00",
        "villagers",
        "in",
        "kidal's",
        "market",
    ]
    assert words("Troops’ base — 3rd") == ["troops", "base", "0rd"]


def test_coder_char_grams_of_a_word() -> None:
    assert char_grams("war") == ["c: wa", "c:war", "c:ar ", "c: war", "c:war ", "c: war "]


def test_coder_text_features_blocks() -> None:
    blocks = text_features("Rebels shelled Rebels", context="Headline", rules=["frame=attack"])
    assert blocks["w"] == Counter(
        {"w:rebels": 2, "w:shelled": 1, "b:rebels shelled": 1, "b:shelled rebels": 1}
    )
    assert blocks["c"]["c: re"] == 2
    assert blocks["c"]["c:lled "] == 1
    assert blocks["x"] == Counter({"x:headline": 1})
    assert blocks["r"] == Counter({"r:frame=attack": 1})
    assert set(text_features("Rebels")) == {"w", "c"}


def _docs() -> list[dict[str, Counter[str]]]:
    return [text_features(t) for t in ("troops shelled the town", "troops left the town", "x")]


def test_coder_vocabulary_min_df_and_idf() -> None:
    vocab = Vocabulary.fit(_docs(), min_df=2)
    assert sorted(f for f in vocab.index if f[0] in "wb") == [
        "b:the town",
        "w:the",
        "w:town",
        "w:troops",
    ]
    col = vocab.index["w:the"]
    assert vocab.idf[col] == pytest.approx(math.log(4 / 3) + 1)
    assert list(vocab.index) == sorted(vocab.index)


def test_coder_vocabulary_weights_are_unit_per_block() -> None:
    vocab = Vocabulary.fit(_docs(), min_df=1, block_weights={"c": 0.5})
    cols, vals = vocab.transform_one(text_features("troops shelled the town"))
    names = {n: i for i, n in enumerate(vocab.index)}
    word_cols = [
        i
        for i, c in enumerate(cols)
        if next(iter(k for k, v in names.items() if v == c))[0] in "wb"
    ]
    assert float(np.linalg.norm(vals[word_cols])) == pytest.approx(1.0, abs=1e-6)
    assert float(np.linalg.norm(vals)) == pytest.approx(math.sqrt(1 + 0.25), abs=1e-6)


@pytest.mark.parametrize(
    ("text", "context", "rules"),
    [
        ("troops shelled the town", "", ()),
        ("Troops shelled the town twice: the town burned.", "troops left", ("frame=attack",)),
        ("", "", ()),
        ("unknown words only", "", ()),
    ],
)
def test_coder_columns_equal_transform_one(text: str, context: str, rules: tuple[str, ...]) -> None:
    vocab = Vocabulary.fit(
        [*_docs(), text_features("troops left", "troops left", ["frame=attack"])], min_df=1
    )
    a_cols, a_vals = vocab.transform_one(text_features(text, context, rules))
    b_cols, b_vals = vocab.columns(text, context, rules)
    order_a, order_b = np.argsort(a_cols), np.argsort(b_cols)
    assert a_cols[order_a].tolist() == b_cols[order_b].tolist()
    assert np.allclose(a_vals[order_a], b_vals[order_b])


def _tiny_coder() -> Coder:
    """A hand-made model: 'shelled' votes FIGHT, 'left' votes RETREAT."""
    vocab = Vocabulary.fit(_docs(), min_df=1, block_weights={"c": 0.0})
    weights = np.zeros((vocab.size, 2), np.float32)
    weights[vocab.index["w:shelled"], 0] = 4.0
    weights[vocab.index["w:left"], 1] = 4.0
    head = LinearHead("plover", ["FIGHT", "RETREAT"], weights, np.zeros(2, np.float32), 2.0)
    return Coder(vocab, {"plover": head}, {"training": {"gold_sets": ["plover-dev.gold.jsonl"]}})


def test_coder_predict_calibrated_probability() -> None:
    coder = _tiny_coder()
    pred = coder.predict(CoderInput("troops shelled the town"))["plover"]
    # words block: 4 unit-normalised features of equal idf except 'shelled' (df 1)
    vocab = coder.vocabulary
    cols, vals = vocab.columns("troops shelled the town")
    z = 4.0 * float(vals[list(cols).index(vocab.index["w:shelled"])]) / 2.0
    assert pred.label == "FIGHT"
    assert pred.probability == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-6)
    assert pred.top(1) == [("FIGHT", pred.probability)]
    assert coder.predict("troops left the town")["plover"].label == "RETREAT"
    assert coder.training_sets == ["plover-dev.gold.jsonl"]


def test_coder_save_and_load_round_trip(tmp_path: Path) -> None:
    coder = _tiny_coder()
    coder.save(tmp_path)
    meta = json.loads((tmp_path / "coder.json").read_text())
    assert meta["format"] == 1
    assert meta["heads"] == {"plover": {"classes": ["FIGHT", "RETREAT"], "temperature": 2.0}}
    again = load_coder_from(tmp_path)
    assert again.vocabulary.index == coder.vocabulary.index
    for text in ("troops shelled the town", "troops left the town", "x"):
        a, b = coder.predict(text)["plover"], again.predict(text)["plover"]
        assert a.label == b.label
        assert a.probability == pytest.approx(b.probability, abs=1e-6)


def test_coder_quantise_keeps_the_peak_exact() -> None:
    weights = np.array([[1.0, -0.5], [0.5, 0.25], [0.0, 0.001]], np.float32)
    q, scale = quantise(weights)
    assert q.dtype == np.int8
    assert q.tolist() == [[127, -127], [64, 64], [0, 0]]
    assert np.allclose(q * scale, [[1.0, -0.5], [0.503937, 0.251969], [0.0, 0.0]], atol=1e-6)


def test_coder_load_errors(tmp_path: Path) -> None:
    with pytest.raises(FrontwatchError) as err:
        load_coder_from(tmp_path)
    assert err.value.code == "E101"
    _tiny_coder().save(tmp_path)
    meta = json.loads((tmp_path / "coder.json").read_text())
    meta["format"] = 99
    (tmp_path / "coder.json").write_text(json.dumps(meta))
    with pytest.raises(FrontwatchError, match="format 99"):
        load_coder_from(tmp_path)


@pytest.mark.skipif(not (MODEL_DIR / "coder.npz").exists(), reason="no shipped model yet")
def test_coder_shipped_model() -> None:
    coder = load_coder()
    assert {"case", "plover"} <= set(coder.heads)
    assert "NONE" in coder.heads["case"].classes
    assert len(coder.heads["case"].classes) == 31
    assert coder.training_sets  # the model card's training sets are known to eval
    pred = coder.predict(
        "A suicide bomber blew himself up at the gate of an army barracks on Monday, killing "
        "nine soldiers, officials said."
    )
    assert pred["case"].label == "SUIC_BOMB"
    assert pred["plover"].label == "ASSAULT"
    none = coder.predict(
        "Analysts say the ceasefire could collapse if neither side is willing to compromise."
    )
    assert none["case"].label == "NONE"
    assert (MODEL_DIR / "MODEL_CARD.md").exists()
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    assert size < 20_000_000


def test_coder_loaded_steps_predict_as_the_float_weights(tmp_path: Path) -> None:
    """A loaded model predicts from its int8 steps row by row: exactly as from full weights."""
    coder = _tiny_coder()
    coder.save(tmp_path)
    loaded = load_coder_from(tmp_path)
    head = loaded.heads["plover"]
    assert repr(head) == "LinearHead('plover', 2 classes)"
    q, scale = quantise(coder.heads["plover"].weights)
    assert head.weights.dtype == np.float32
    assert np.array_equal(head.weights, q * scale)
    full = Coder(loaded.vocabulary, loaded.heads, loaded.meta)
    for text in ["troops shelled the town", "troops left the town", "nothing here"]:
        assert loaded.predict(text) == full.predict(text)


def test_coder_shipped_model_steps_predict_as_the_float_weights() -> None:
    coder = load_coder()
    full = Coder(coder.vocabulary, coder.heads, coder.meta)
    item = CoderInput("Gunmen killed 12 villagers in an attack", context="Mali attack")
    assert coder.predict(item) == full.predict(item)
