"""The learned event coder at run time (issue 12).

>>> from frontwatch.coder import load_coder, CoderInput
>>> coder = load_coder()                                  # doctest: +SKIP
>>> coder.predict(CoderInput("Gunmen shot dead nine villagers near Boulkessi."))["case"].label
'ATTACK'

It reads a text (the sentence of a candidate event, with the headline or the sentence before as
weaker context, or a whole snippet), turns it into word and character n-gram features
(:mod:`.features`) and gives each head's calibrated label probabilities (:mod:`.model`). It
imports only numpy and frontwatch's low layers; the trainer is :mod:`frontwatch.training`.
"""

from __future__ import annotations

from .features import Vocabulary, text_features
from .model import MODEL_DIR, NONE, Coder, CoderInput, LinearHead, Prediction, load_coder

__all__ = [
    "MODEL_DIR",
    "NONE",
    "Coder",
    "CoderInput",
    "LinearHead",
    "Prediction",
    "Vocabulary",
    "load_coder",
    "text_features",
]
