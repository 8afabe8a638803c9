"""Tests for frontwatch.training: corpus validation, gold sets as examples, folds, scores,
calibration, and a whole training run on a small corpus written by hand for these tests."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from frontwatch.coder.model import load_coder_from
from frontwatch.errors import FrontwatchError
from frontwatch.training.__main__ import main
from frontwatch.training.card import model_card, reliability_svg
from frontwatch.training.corpus import (
    check_record,
    corpus_problems,
    load_taxonomy,
    read_corpus,
)
from frontwatch.training.cv import (
    accuracy,
    assign_folds,
    ece,
    per_label,
    reliability,
    weighted_f1,
)
from frontwatch.training.examples import (
    Example,
    from_case2021,
    from_corpus,
    from_plover,
    from_seed,
    sentence_around,
)
from frontwatch.training.linear import Head, balanced_weights, fit_temperature, softmax
from frontwatch.training.train import TrainConfig, train

TAX = load_taxonomy()


def record(**fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": "t-0001",
        "text": "On 3 May 2020, militia fighters and soldiers exchanged fire near a river town.",
        "label": "ARMED_CLASH",
        "acled": "Battles/Armed clash",
        "plover": "FIGHT",
        "plover_mode": "small-arms",
        "modality": "asserted",
        "none_kind": None,
        "country": "ML",
        "region": "Western Africa",
        "register": "acled_note",
        "pair": None,
        "note": None,
    }
    rec.update(fields)
    return rec


# -- corpus ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({}, []),
        (
            {"acled": "Battles/Government regains territory"},
            [
                "acled 'Battles/Government regains territory' != 'Battles/Armed clash'"
                " for ARMED_CLASH"
            ],
        ),
        ({"text": "too short"}, ["text length 9"]),
        ({"label": "WAR"}, ["unknown label 'WAR'"]),
        ({"plover_mode": "aerial-bombing"}, ["mode 'aerial-bombing' not a mode of FIGHT"]),
        ({"modality": "likely"}, ["modality 'likely'"]),
        ({"country": "Mali"}, ["country 'Mali'"]),
        ({"extra": 1}, ["unknown fields ['extra']"]),
        (
            {"label": "NONE", "acled": None, "none_kind": "rumour"},
            ["none_kind 'rumour'"],
        ),
        (
            {"label": "ORG_CRIME", "acled": None, "plover": "FIGHT"},
            ["plover 'FIGHT' not in ['CRIME'] for ORG_CRIME"],
        ),
    ],
)
def test_training_check_record(fields: dict[str, Any], problems: list[str]) -> None:
    assert check_record(record(**fields), TAX) == problems


def test_training_check_record_missing_fields() -> None:
    rec = record()
    del rec["region"], rec["text"]
    assert check_record(rec, TAX) == ["missing ['region', 'text']"]


def _write(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_training_read_corpus_strict_and_problems(tmp_path: Path) -> None:
    good = _write(tmp_path / "a.jsonl", [record(), record(id="t-0002", pair="t-p1")])
    assert [r["id"] for r in read_corpus([good], TAX)] == ["t-0001", "t-0002"]
    bad = _write(tmp_path / "b.jsonl", [record(id="t-0003"), record(id="t-0001", label="X")])
    with pytest.raises(FrontwatchError) as err:
        read_corpus([good, bad], TAX)
    assert err.value.code == "E101"
    assert corpus_problems([good, bad], TAX) == [
        "b.jsonl:2: t-0001: unknown label 'X'",
        "b.jsonl:2: t-0001: duplicate id t-0001",
    ]
    assert [r["id"] for r in read_corpus([good, bad], TAX, strict=False)] == [
        "t-0001",
        "t-0002",
        "t-0003",
    ]


def test_training_corpus_examples_group_pairs() -> None:
    examples = from_corpus(
        [
            record(),
            record(id="t-0002", pair="t-p1"),
            record(
                id="t-0003",
                label="NONE",
                acled=None,
                plover=None,
                plover_mode=None,
                none_kind="opinion",
                pair="t-p1",
            ),
        ]
    )
    assert [(e.group, e.label, e.plover, e.mode) for e in examples] == [
        ("corpus:t-0001", "ARMED_CLASH", "FIGHT", "small-arms"),
        ("corpus:t-p1", "ARMED_CLASH", "FIGHT", "small-arms"),
        ("corpus:t-p1", "NONE", "NONE", None),
    ]


# -- gold sets ------------------------------------------------------------------------------


def test_training_case2021_examples(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "case.jsonl",
        [
            {
                "doc_id": "c1",
                "text": "Police fired tear gas.",
                "events": [{"evidence": "Police", "case_label": "PROTEST_WITH_INTER"}],
            },
            {
                "doc_id": "c2",
                "text": "Quake hits.",
                "events": [{"evidence": "Quake", "case_label": "NATURAL_DISASTER"}],
            },
            {
                "doc_id": "c3",
                "text": "Leaders met.",
                "events": [{"evidence": "Leaders", "case_label": "DIPLO"}],
            },
            {
                "doc_id": "c4",
                "text": "Gunmen shot.",
                "events": [{"evidence": "Gunmen", "case_label": "ATTACK"}],
            },
        ],
    )
    got = [(e.id, e.label, e.plover, e.mode, e.group) for e in from_case2021(path, TAX)]
    assert got == [
        ("c1", "PROTEST_WITH_INTER", "PROTEST", "demonstrate", "case2021:c1"),
        ("c2", "NATURAL_DISASTER", "DISASTER", None, "case2021:c2"),
        ("c3", "DIPLO", None, None, "case2021:c3"),
        ("c4", "ATTACK", "ASSAULT", None, "case2021:c4"),
    ]


def test_training_plover_examples(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "plover.jsonl",
        [
            {
                "doc_id": "p1",
                "text": "They agreed.",
                "events": [{"evidence": "agreed", "plover": "agree", "mode": "settle"}],
            },
            {
                "doc_id": "p2",
                "text": "They struck.",
                "events": [{"evidence": "struck", "plover": "PROTEST", "mode": "strike-gen"}],
            },
            {"doc_id": "p3", "text": "Nothing.", "events": []},
        ],
    )
    got = [(e.id, e.label, e.plover, e.mode) for e in from_plover(path, TAX)]
    assert got == [("p1", None, "AGREE", "settle"), ("p2", None, "PROTEST", None)]


def test_training_sentence_around() -> None:
    text = "Headline here\n\nRebels took Kidal. Troops fled to Gao. Mr. Smith said so."
    assert sentence_around(text, text.index("took"), text.index("took") + 4) == "Rebels took Kidal."
    assert sentence_around(text, text.index("Troops"), text.index("Gao")) == "Troops fled to Gao."
    assert sentence_around(text, 0, 4) == "Headline here"


def test_training_seed_examples(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(
        "Rebels seized Kidal on Monday. The army did not retreat. Talks may follow.",
        encoding="utf-8",
    )
    path = _write(
        tmp_path / "seed.jsonl",
        [
            {
                "doc_id": "s",
                "text_file": "doc.txt",
                "events": [
                    {
                        "evidence": "seized Kidal",
                        "acled": "Battles/Non-state actor overtakes territory",
                        "plover": ["FIGHT", "COERCE"],
                        "modality": "asserted",
                    },
                    {"evidence": "Talks", "plover": "consult"},
                ],
                "negatives": [{"evidence": "did not retreat", "why": "negated"}],
            }
        ],
    )
    got = [(e.id, e.text, e.label, e.plover, e.modality, e.group) for e in from_seed(path, TAX)]
    assert got == [
        (
            "s#e0",
            "Rebels seized Kidal on Monday.",
            "NON_STATE_ACTOR_OVERTAKES_TER",
            "FIGHT",
            "asserted",
            "seed:s",
        ),
        ("s#e1", "Talks may follow.", None, "CONSULT", None, "seed:s"),
        ("s#n0", "The army did not retreat.", "NONE", None, "negated", "seed:s"),
    ]


# -- folds and scores -----------------------------------------------------------------------


def _examples(n: int = 20) -> list[Example]:
    out = []
    for i in range(n):
        label = "A" if i % 2 else "B"
        group = f"g{i // 2}" if i < 8 else f"h{i}"
        out.append(Example(f"e{i}", f"text {i}", "corpus", group, label=label))
    return out


def test_training_folds_keep_groups_and_balance() -> None:
    examples = _examples()
    folds = assign_folds(examples, k=4, seed=1)
    assert folds == assign_folds(examples, k=4, seed=1)  # reproducible
    for ex, fold in zip(examples, folds, strict=True):
        partners = [f for e, f in zip(examples, folds, strict=True) if e.group == ex.group]
        assert set(partners) == {fold}
    sizes = [folds.count(f) for f in range(4)]
    assert sizes == [5, 5, 5, 5]
    for label in "AB":
        per = [
            sum(1 for e, f in zip(examples, folds, strict=True) if f == k and e.label == label)
            for k in range(4)
        ]
        assert max(per) - min(per) <= 1
    assert folds != assign_folds(examples, k=4, seed=2)
    with pytest.raises(ValueError):
        assign_folds(examples, k=1)


def test_training_scores() -> None:
    gold = ["A", "A", "A", "B", "C"]
    pred = ["A", "A", "B", "B", "X"]
    scores = {
        s.label: (round(s.precision, 3), round(s.recall, 3), round(s.f1, 3), s.support)
        for s in per_label(gold, pred)
    }
    assert scores == {"A": (1.0, 0.667, 0.8, 3), "B": (0.5, 1.0, 0.667, 1), "C": (0.0, 0.0, 0.0, 1)}
    assert weighted_f1(gold, pred) == pytest.approx((0.8 * 3 + 2 / 3) / 5)
    assert accuracy(gold, pred) == pytest.approx(0.6)
    assert weighted_f1([], []) == 0.0


def test_training_ece_and_reliability() -> None:
    conf = np.array([0.95, 0.95, 0.55, 0.55])
    ok = np.array([True, False, True, True])
    assert reliability(conf, ok) == [(0.55, 1.0, 2), (0.95, 0.5, 2)]
    assert ece(conf, ok) == pytest.approx((0.45 * 2 + 0.45 * 2) / 4)


def test_training_temperature_recovers_a_scale() -> None:
    rng = np.random.default_rng(0)
    true = rng.normal(size=(4000, 3)) * 2
    probs = softmax(true)
    gold = [int(rng.choice(3, p=p)) for p in probs]
    assert fit_temperature(true * 3, gold) == pytest.approx(3.0, rel=0.1)


def test_training_balanced_weights() -> None:
    w = balanced_weights(["A", "A", "A", "B"], [1.0, 1.0, 2.0, 1.0])
    assert w.tolist() == pytest.approx([2 / 3, 2 / 3, 4 / 3, 2.0])


# -- a whole run ----------------------------------------------------------------------------

SCENES = {
    "ARMED_CLASH": (
        "Battles/Armed clash",
        "FIGHT",
        "small-arms",
        "fighters and soldiers exchanged fire near {place} for hours",
    ),
    "PEACE_PROTEST": (
        "Protests/Peaceful protest",
        "PROTEST",
        "demonstrate",
        "hundreds of teachers marched peacefully through {place} demanding pay",
    ),
    "NONE": (
        None,
        None,
        None,
        "analysts argue that {place} could become the next front if talks fail",
    ),
}
PLACES = ["Gao", "Mopti", "Kayes", "Sikasso", "Segou", "Timbuktu", "Kidal", "Bamako"]


def centroid_fit(
    name: str, x: Any, labels: Sequence[str], *, c: float = 1.0, weights: Any = None, seed: int = 0
) -> Head:
    """A deterministic stand-in for logistic regression: each class's mean feature vector."""
    classes = sorted(set(labels))
    dense = np.asarray(x.todense())
    coef = np.array([dense[[y == k for y in labels]].mean(axis=0) for k in classes]) * 8
    return Head(name, classes, coef, np.zeros(len(classes)))


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    records = []
    for label, (acled, plover, mode, scene) in SCENES.items():
        for i, place in enumerate(PLACES):
            records.append(
                record(
                    id=f"tiny-{len(records) + 1:04d}",
                    text=f"On {i + 1} May 2021, " + scene.format(place=place) + ".",
                    label=label,
                    acled=acled,
                    plover=plover,
                    plover_mode=mode,
                    none_kind="analysis" if label == "NONE" else None,
                    modality="hypothetical" if label == "NONE" else "asserted",
                )
            )
    _write(folder / "tiny.jsonl", records)
    return folder


def test_training_run_writes_model_and_card(tiny_corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("scipy", reason="training needs scipy (the `train` extra)")
    config = TrainConfig(
        corpus_dir=tiny_corpus, folds=4, out=tmp_path / "model", command="test", features=[]
    )
    lines: list[str] = []
    result = train(config, progress=lines.append, fit=centroid_fit)
    assert lines[0] == "24 examples: corpus 24"
    case = result.reports["case"]
    assert case.scores["corpus.accuracy"] == 1.0
    assert case.examples == 24
    assert set(result.coder.heads) == {"case", "plover", "mode", "modality"}
    result.coder.save(config.out)
    coder = load_coder_from(config.out)
    pred = coder.predict("Soldiers and fighters exchanged fire near Menaka for hours.")
    assert pred["case"].label == "ARMED_CLASH"
    assert pred["plover"].label == "FIGHT"
    assert pred["mode"].label == "FIGHT/small-arms"
    assert coder.training_sets == []
    card = model_card(result, 1000)
    digest = result.files[0][1]
    assert f"| `tiny.jsonl` | `{digest}` | 24 |" in card
    assert "**Gold sets in the training data: none.**" in card
    assert "| case | corpus | 1.000 |" in card
    svg = reliability_svg(result)
    assert svg.startswith("<svg") and "case (ECE" in svg


def test_training_main_check(tiny_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--corpus", str(tiny_corpus), "--check"]) == 0
    assert capsys.readouterr().out.strip() == "1 files, 0 problems"
    bad = tiny_corpus / "bad.jsonl"
    _write(bad, [record(id="tiny-9999", label="WAR")])
    assert main(["--corpus", str(tiny_corpus), "--check"]) == 1
    assert "bad.jsonl:1: tiny-9999: unknown label 'WAR'" in capsys.readouterr().err


def test_training_main_with_scikit_learn(tiny_corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training needs scikit-learn")
    out = tmp_path / "model"
    assert (
        main(
            [
                "--corpus",
                str(tiny_corpus),
                "--folds",
                "3",
                "--out",
                str(out),
                "--plot",
                str(tmp_path / "r.svg"),
                "--features",
                "",
            ]
        )
        == 0
    )
    meta = json.loads((out / "coder.json").read_text())
    assert meta["training"]["files"][0]["examples"] == 24
    assert meta["cv"]["case"]["corpus.accuracy"] == 1.0
    assert (out / "MODEL_CARD.md").read_text().startswith("# Model card")
    coder = load_coder_from(out)
    p = coder.predict("Nurses marched peacefully through Gao demanding pay.")["case"]
    assert p.label == "PEACE_PROTEST"
    assert 0.5 < p.probability <= 1.0 and not math.isnan(p.probability)
