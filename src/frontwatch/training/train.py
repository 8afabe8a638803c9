"""Train the learned coder: cross-validate, fit on everything, write the model and its card.

Each head learns from the examples that give its field: ``case`` (CASE 2021 label or NONE),
``plover`` (PLOVER type or NONE), ``mode`` (``TYPE/mode``), ``modality``. Cross-validation
(k folds by group, seeded) gives every example an out-of-fold prediction from a model that
never saw it: the per-label scores of the card, and the temperature that calibrates the
shipped heads (fitted on the out-of-fold scores of the gold news texts when there are any,
since the coder runs on news; on all examples otherwise).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

import numpy as np

from ..coder.features import Vocabulary, text_features
from ..coder.model import HEAD_NAMES, MODEL_DIR, Coder, CoderInput, LinearHead, load_coder_from
from .corpus import CORPUS_DIR, corpus_files, load_taxonomy, read_corpus
from .cv import LabelScore, accuracy, assign_folds, ece, per_label, reliability, weighted_f1
from .examples import GOLD_FILES, Example, from_corpus, gold_examples
from .linear import (
    Blocks,
    FloatArray,
    Head,
    balanced_weights,
    design_matrix,
    fit_head,
    fit_temperature,
    softmax,
)
from .reading import CACHE_DIR, readings

logger = logging.getLogger(__name__)

HEADS = HEAD_NAMES
#: What the model reads besides the text's words and characters: the rules' features of the
#: candidate (``rules``) and the parse's abstraction of the text (``abstract``).
FeatureSet = Literal["rules", "abstract"]
FEATURE_SETS: tuple[FeatureSet, ...] = get_args(FeatureSet)


def head_label(head: str, ex: Example) -> str | None:
    """The label ``ex`` gives ``head`` (None: the example does not teach this head)."""
    if head == "case":
        return ex.label
    if head == "plover":
        return ex.plover
    if head == "mode":
        return f"{ex.plover}/{ex.mode}" if ex.plover and ex.mode else None
    if head == "modality":
        return ex.modality
    raise ValueError(f"unknown head {head!r}")


@dataclass
class TrainConfig:
    corpus_dir: Path = CORPUS_DIR
    extra: list[Path] = field(default_factory=list)
    gold_dir: Path | None = None
    gold_sets: list[str] = field(default_factory=lambda: ["case2021", "plover"])
    heads: list[str] = field(default_factory=lambda: list(HEADS))
    folds: int = 5
    seed: int = 0
    c: float = 10.0
    gold_weight: float = 1.0
    min_df: int = 2
    out: Path = MODEL_DIR
    cv: bool = True
    command: str = ""
    features: list[str] = field(default_factory=lambda: list(FEATURE_SETS))
    cache_dir: Path | None = CACHE_DIR


@dataclass
class HeadReport:
    """Cross-validated figures of one head."""

    head: str
    examples: int
    temperature: float = 1.0
    scores: dict[str, float] = field(default_factory=dict)  # e.g. "case2021.weighted_f1"
    per_label: dict[str, list[LabelScore]] = field(default_factory=dict)  # by source
    reliability: list[tuple[float, float, int]] = field(default_factory=list)


@dataclass
class TrainResult:
    coder: Coder
    examples: list[Example]
    files: list[tuple[str, str, int]]  # (path as given, sha256, examples)
    reports: dict[str, HeadReport]
    corpus_only: dict[str, Any]
    speed: float  # texts per second, one thread
    seconds: float
    seed_check: list[tuple[str, str, str, float]] = field(default_factory=list)
    quantised_changes: int = 0  # top labels that int8 weights change, over the gold texts
    pipeline: Any = None  # the pipeline CV (.pipeline_cv.PipelineCV), when it was run


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def featurize(examples: Sequence[Example]) -> list[Blocks]:
    return [text_features(ex.text, rules=ex.rules, abstract=ex.abstract) for ex in examples]


def with_readings(
    examples: list[Example],
    config: TrainConfig,
    progress: Callable[[str], None] = logger.info,
) -> list[Example]:
    """The examples with the pipeline's reading of their text (rule features, abstraction),
    as ``config.features`` asks."""
    wanted = set(config.features)
    if not wanted & set(FEATURE_SETS):
        return examples

    def tick(done: int, total: int) -> None:
        if done % 250 == 0 or done == total:
            progress(f"parsed {done} of {total} new texts")

    found = readings([e.text for e in examples], cache_dir=config.cache_dir, progress=tick)
    return [
        dataclasses.replace(
            ex,
            rules=r.rules if "rules" in wanted else (),
            abstract=r.abstract if "abstract" in wanted else (),
        )
        for ex, r in zip(examples, found, strict=True)
    ]


class FitFunction(Protocol):
    def __call__(
        self,
        name: str,
        x: Any,
        labels: Sequence[str],
        *,
        c: float = ...,
        weights: FloatArray | None = ...,
        seed: int = ...,
    ) -> Head: ...


class HeadFitter:
    """Fits one head on rows of the examples (vocabulary from those rows only). ``fit`` is
    :func:`~.linear.fit_head` (scikit-learn) unless a test gives another."""

    def __init__(
        self,
        examples: Sequence[Example],
        blocks: Sequence[Blocks],
        config: TrainConfig,
        fit: FitFunction = fit_head,
    ) -> None:
        self.examples = examples
        self.blocks = blocks
        self.config = config
        self.fit_function = fit

    def fit(self, head: str, rows: Sequence[int]) -> tuple[Vocabulary, Head]:
        vocab = Vocabulary.fit([self.blocks[i] for i in rows], min_df=self.config.min_df)
        labels = [str(head_label(head, self.examples[i])) for i in rows]
        own = [
            self.config.gold_weight if self.examples[i].source != "corpus" else 1.0 for i in rows
        ]
        x = design_matrix(vocab, [self.blocks[i] for i in rows])
        model = self.fit_function(
            head, x, labels, c=self.config.c, weights=balanced_weights(labels, own), seed=0
        )
        return vocab, model

    def logits(self, vocab: Vocabulary, model: Head, rows: Sequence[int]) -> FloatArray:
        return model.logits(design_matrix(vocab, [self.blocks[i] for i in rows]))


def fit_coder(
    fitter: HeadFitter, rows: Iterable[int], temperatures: dict[str, float] | None = None
) -> Coder:
    """A coder fitted on ``rows`` of the fitter's examples: one vocabulary over them, each head
    on those of them that teach it."""
    config, examples, blocks = fitter.config, fitter.examples, fitter.blocks
    rows = list(rows)
    vocab = Vocabulary.fit([blocks[i] for i in rows], min_df=config.min_df)
    x_all = design_matrix(vocab, [blocks[i] for i in rows])
    heads: dict[str, LinearHead] = {}
    for head in config.heads:
        sub = [k for k, i in enumerate(rows) if head_label(head, examples[i]) is not None]
        labels = [str(head_label(head, examples[rows[k]])) for k in sub]
        own = [config.gold_weight if examples[rows[k]].source != "corpus" else 1.0 for k in sub]
        if len(set(labels)) < 2:
            continue
        model = fitter.fit_function(
            head, x_all[sub], labels, c=config.c, weights=balanced_weights(labels, own), seed=0
        )
        heads[head] = LinearHead(
            head,
            model.classes,
            model.coef.T.astype(np.float32),
            model.intercept.astype(np.float32),
            (temperatures or {}).get(head, 1.0),
        )
    return Coder(vocab, heads, {})


def cross_validate(
    fitter: HeadFitter, head: str, folds: Sequence[int], k: int
) -> tuple[HeadReport, dict[int, tuple[list[str], FloatArray]]]:
    examples = fitter.examples
    rows = [i for i, ex in enumerate(examples) if head_label(head, ex) is not None]
    oof: dict[int, tuple[list[str], FloatArray]] = {}
    for fold in range(k):
        train = [i for i in rows if folds[i] != fold]
        test = [i for i in rows if folds[i] == fold]
        if not test or len({head_label(head, examples[i]) for i in train}) < 2:
            continue
        vocab, model = fitter.fit(head, train)
        for i, z in zip(test, fitter.logits(vocab, model, test), strict=True):
            oof[i] = (model.classes, z)
    return oof_report(head, examples, oof, folds, k, len(rows)), oof


def oof_report(
    head: str,
    examples: Sequence[Example],
    oof: dict[int, tuple[list[str], FloatArray]],
    folds: Sequence[int],
    k: int,
    size: int,
) -> HeadReport:
    """The scores of one head's out-of-fold logits, and its temperature."""
    report = HeadReport(head, size)
    # calibration: cross-fitted temperature (fold f's from the other folds' predictions)
    news = [i for i in oof if examples[i].source != "corpus"]
    calib_rows = news if len(news) >= 50 else list(oof)
    conf: dict[int, float] = {}
    for fold in range(k):
        fit_rows = [i for i in calib_rows if folds[i] != fold]
        t = _temperature(head, examples, oof, fit_rows)
        for i in oof:
            if folds[i] == fold:
                conf[i] = float(softmax(oof[i][1][None, :] / t).max())
    report.temperature = _temperature(head, examples, oof, calib_rows)
    predicted = {i: oof[i][0][int(oof[i][1].argmax())] for i in oof}
    for source in sorted({examples[i].source for i in oof}):
        idx = [i for i in sorted(oof) if examples[i].source == source]
        gold = [str(head_label(head, examples[i])) for i in idx]
        pred = [predicted[i] for i in idx]
        report.scores[f"{source}.accuracy"] = round(accuracy(gold, pred), 4)
        report.scores[f"{source}.weighted_f1"] = round(weighted_f1(gold, pred), 4)
        report.per_label[source] = per_label(gold, pred)
        c = np.array([conf[i] for i in idx])
        ok = np.array([predicted[i] == head_label(head, examples[i]) for i in idx])
        report.scores[f"{source}.ece"] = round(ece(c, ok), 4)
    idx = sorted(i for i in oof if i in calib_rows)
    c = np.array([conf[i] for i in idx])
    ok = np.array([predicted[i] == head_label(head, examples[i]) for i in idx])
    report.scores["calibration.ece"] = round(ece(c, ok), 4)
    report.reliability = reliability(c, ok)
    return report


def fold_temperature(
    head: str,
    examples: Sequence[Example],
    oof: dict[int, tuple[list[str], FloatArray]],
    folds: Sequence[int],
    fold: int,
) -> float:
    """The temperature for fold ``fold``'s model, fitted on the other folds' held-out logits
    (of the gold news texts when there are enough)."""
    news = [i for i in oof if examples[i].source != "corpus"]
    calib_rows = news if len(news) >= 50 else list(oof)
    return _temperature(head, examples, oof, [i for i in calib_rows if folds[i] != fold])


def _temperature(
    head: str,
    examples: Sequence[Example],
    oof: dict[int, tuple[list[str], FloatArray]],
    rows: Sequence[int],
) -> float:
    rows = [i for i in rows if head_label(head, examples[i]) in oof[i][0]]
    if not rows:
        return 1.0
    z = np.array([oof[i][1] for i in rows])
    gold = [oof[i][0].index(str(head_label(head, examples[i]))) for i in rows]
    return fit_temperature(z, gold)


def load_examples(config: TrainConfig) -> tuple[list[Example], list[tuple[str, str, int]]]:
    tax = load_taxonomy()
    files: list[tuple[str, str, int]] = []
    corpus: list[Example] = []
    for path in [*corpus_files(config.corpus_dir), *config.extra]:
        part = from_corpus(read_corpus([path], tax))
        corpus += part
        files.append((str(path), sha256(path), len(part)))
    gold: list[Example] = []
    if config.gold_dir is not None:
        for name in config.gold_sets:
            part = gold_examples(config.gold_dir, [name], tax)
            gold += part
            path = config.gold_dir / GOLD_FILES[name]
            files.append((str(path), sha256(path), len(part)))
    return corpus + gold, files


def as_inputs(examples: Sequence[Example]) -> list[CoderInput]:
    return [CoderInput(e.text, rules=e.rules, abstract=e.abstract) for e in examples]


def measure_speed(coder: Coder, texts: Sequence[CoderInput | str], limit: int = 400) -> float:
    """Texts coded per second of CPU time (features and every head), one thread."""
    sample = list(texts[:limit])
    if not sample:
        return 0.0
    coder.predict(sample[0])
    start = time.process_time()
    for text in sample:
        coder.predict(text)
    took = time.process_time() - start
    return round(len(sample) / took, 1) if took > 0 else 0.0


def train(
    config: TrainConfig,
    progress: Callable[[str], None] = logger.info,
    fit: FitFunction = fit_head,
    held_out: tuple[dict[str, HeadReport], dict[str, float]] | None = None,
) -> TrainResult:
    """Cross-validate (unless ``held_out`` gives the heads' held-out reports and temperatures,
    as :func:`~.pipeline_cv.pipeline_cv` computes them) and fit the model on all examples."""
    started = time.process_time()
    examples, files = load_examples(config)
    examples = with_readings(examples, config, progress)
    progress(
        f"{len(examples)} examples: "
        + ", ".join(f"{k} {n}" for k, n in sorted(Counter(e.source for e in examples).items()))
    )
    blocks = featurize(examples)
    fitter = HeadFitter(examples, blocks, config, fit)
    folds = assign_folds(examples, config.folds, config.seed)
    reports: dict[str, HeadReport] = dict(held_out[0]) if held_out else {}
    temperatures: dict[str, float] = dict(held_out[1]) if held_out else {}
    if config.cv and not held_out:
        for head in config.heads:
            report, _ = cross_validate(fitter, head, folds, config.folds)
            reports[head] = report
            temperatures[head] = report.temperature
            progress(f"cv {head}: {report.scores}")
    corpus_only: dict[str, Any] = {}
    corpus_rows = [i for i, e in enumerate(examples) if e.source == "corpus" and e.label]
    case_rows = [i for i, e in enumerate(examples) if e.source == "case2021"]
    if config.cv and not held_out and "case" in config.heads and corpus_rows and case_rows:
        vocab, model = fitter.fit("case", corpus_rows)
        z = fitter.logits(vocab, model, case_rows)
        gold = [str(examples[i].label) for i in case_rows]
        pred = [model.classes[int(r.argmax())] for r in z]
        corpus_only = {
            "case2021.weighted_f1": round(weighted_f1(gold, pred), 4),
            "case2021.accuracy": round(accuracy(gold, pred), 4),
            "per_label": per_label(gold, pred),
        }
        progress(f"corpus only -> case2021: {corpus_only['case2021.weighted_f1']}")
    # the shipped model: one vocabulary over every example, each head on its examples
    shipped = fit_coder(fitter, range(len(examples)), temperatures)
    meta = {
        "training": {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": config.command,
            "gold_sets": [GOLD_FILES[s] for s in config.gold_sets] if config.gold_dir else [],
            "files": [{"path": Path(p).name, "sha256": h, "examples": n} for p, h, n in files],
            "examples": len(examples),
            "folds": config.folds,
            "seed": config.seed,
            "c": config.c,
            "gold_weight": config.gold_weight,
            "min_df": config.min_df,
            "features": list(config.features),
        },
        "cv": {h: r.scores for h, r in reports.items()},
        "corpus_only": {k: v for k, v in corpus_only.items() if k != "per_label"},
    }
    coder = Coder(shipped.vocabulary, shipped.heads, meta)
    news = as_inputs([e for e in examples if e.source != "corpus"])
    speed = measure_speed(coder, news or as_inputs(examples))
    meta["speed_texts_per_s"] = speed
    result = TrainResult(
        coder, examples, files, reports, corpus_only, speed, 0.0, seed_check(coder, config)
    )
    result.quantised_changes = quantisation_changes(coder, news[:1000])
    result.seconds = round(time.process_time() - started, 1)
    return result


def seed_check(coder: Coder, config: TrainConfig) -> list[tuple[str, str, str, float]]:
    """When the seed article is not in the training data: (expected, predicted, sentence,
    probability) of each of its gold events with a CASE label and of each negative."""
    if config.gold_dir is None or "seed" in config.gold_sets:
        return []
    path = config.gold_dir / GOLD_FILES["seed"]
    if not path.exists():
        return []
    out = []
    for ex in gold_examples(config.gold_dir, ["seed"]):
        if ex.label is None or "case" not in coder.heads:
            continue
        pred = coder.predict(ex.text, ["case"])["case"]
        out.append((ex.label, pred.label, ex.text, round(pred.probability, 3)))
    return out


def quantisation_changes(coder: Coder, texts: Sequence[CoderInput | str]) -> int:
    """How many top labels (texts x heads) the saved model's int8 weights change."""
    with tempfile.TemporaryDirectory() as tmp:
        coder.save(Path(tmp))
        saved = load_coder_from(Path(tmp))
    changed = 0
    for text in texts:
        a, b = coder.predict(text), saved.predict(text)
        changed += sum(a[h].label != b[h].label for h in a)
    return changed
