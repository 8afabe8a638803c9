"""Training the learned event coder (issue 12): ``python -m frontwatch.training``.

Reads the written corpus (:mod:`.corpus`) and, when asked, the dev gold sets at run time
(:mod:`.examples`), cross-validates by document (:mod:`.cv`), fits the linear heads
(:mod:`.linear`, needs scikit-learn) and writes the model with its card (:mod:`.card`).
"""

from __future__ import annotations

from .corpus import read_corpus
from .examples import Example, gold_examples
from .train import TrainConfig, TrainResult, train

__all__ = ["Example", "TrainConfig", "TrainResult", "gold_examples", "read_corpus", "train"]
