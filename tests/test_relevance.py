"""Relevance screening: vocabulary from the lexicon, document decisions, recall on the gold sets."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from frontwatch.pipeline import Extractor, as_document
from frontwatch.records import DocumentResult
from frontwatch.relevance import RelevanceScreen, ScreenVocabulary, inflections, load_vocabulary
from frontwatch.settings import load_settings

GOLD_DIR = Path(os.environ.get("FRONTWATCH_GOLD_DIR") or "/work/shared/gold")

TRIGGERS = {
    "frames": {
        "attack": {"family": "explosion"},
        "capture": {"family": "territory"},
        "fight": {"family": "violence"},
        "agree": {"family": "agreement"},
    },
    "verbs": {
        "shell": "attack",
        "seize": "capture",
        "fight": "fight",
        "approve": "agree",
        "fire": "attack",
    },
    "nouns": {"clash": "fight", "air strike": "attack"},
    "phrases": [{"lemmas": "take control", "frame": "capture", "anchor": 0}],
    "verbs_need_context": ["fire"],
    "event_nouns_need_context": [],
}
CONTEXT = {"militia", "gunmen", "Kenya"}


@pytest.fixture(scope="module")
def small_screen() -> RelevanceScreen:
    irregular = {"fight": ["fought"], "take": ["took", "taken"]}
    return RelevanceScreen(ScreenVocabulary.from_lexicon(TRIGGERS, CONTEXT, irregular))


@pytest.mark.parametrize(
    ("lemma", "expected"),
    [
        ("seize", {"seized", "seizes", "seizing"}),
        ("shell", {"shelled", "shelling", "shells"}),
        ("stab", {"stabbed", "stabbing"}),
        ("bury", {"buried", "buries"}),
    ],
)
def test_relevance_inflections(lemma: str, expected: set[str]) -> None:
    assert expected <= inflections(lemma)


def test_relevance_vocabulary_from_lexicon() -> None:
    vocab = ScreenVocabulary.from_lexicon(TRIGGERS, CONTEXT, {"fight": ["fought"]})
    assert {"shelled", "seizing", "fought", "clashes"} <= vocab.strong
    assert {"approved", "fired"} <= vocab.weak
    assert not {"approved", "fired"} & vocab.strong
    assert vocab.context == {"militia", "gunmen"}
    assert vocab.names == {"Kenya"}
    assert len(vocab.phrases) == 2  # "air strike" and "take control"


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        ("Artillery units shelled the river port at dawn.", True),
        ("The two sides fought for the ridge.", True),
        ("Gunmen took control of the crossing.", True),
        ("Investors took control of the firm.", False),
        ("An air strike by the militia hit the depot.", True),
        ("The board approved the merger on Monday.", False),
        ("A militia approved the truce.", True),
        ("Kenya approved the truce.", True),
        ("The kenya approved the truce.", False),
        ("The staff fired the kiln.", False),
        ("The striker scored twice as the home side won 3-1.", False),
        ("Rain is expected over the coast through Friday.", False),
        ("", False),
    ],
)
def test_relevance_is_relevant(small_screen: RelevanceScreen, text: str, relevant: bool) -> None:
    assert small_screen.is_relevant(text) is relevant


def test_relevance_bundled_vocabulary_has_lexicon_forms() -> None:
    vocab = load_vocabulary()
    assert {"clashed", "shelling", "ambushed", "kidnapped"} <= vocab.strong
    assert {"government", "troops", "militia", "grenades"} <= vocab.context
    assert {"Serbian", "Kenya"} <= vocab.names


# -- the stage in the Extractor ----------------------------------------------------------------


@pytest.fixture(scope="module")
def extractors() -> tuple[Extractor, Extractor]:
    on = Extractor(load_settings(relevance=True))
    off = Extractor(load_settings(relevance=False), nlp=on.nlp)
    return on, off


TEXTS = [
    "Rebels seized the town of Kidal on Tuesday, residents said. Two soldiers were killed.",
    "The home side beat the visitors 2-0 in front of a record crowd on Saturday.",
    "Shares of the carmaker rose 4% after it reported higher quarterly profit.",
    "Police fired tear gas at hundreds of protesters in the capital, witnesses told reporters.",
]


def test_relevance_extractor_skips_unrelated(extractors: tuple[Extractor, Extractor]) -> None:
    on, _ = extractors
    result = on.extract(TEXTS[2], published="2024-03-14", doc_id="business")
    assert result == DocumentResult(doc_id="business")


def test_relevance_extractor_same_results_for_relevant(
    extractors: tuple[Extractor, Extractor],
) -> None:
    on, off = extractors
    docs = [as_document(t, published="2024-03-14") for t in TEXTS]
    with_screen = list(on.extract_many(docs))
    without = list(off.extract_many(docs))
    assert [r.doc_id for r in with_screen] == [d.id for d in docs]
    for doc, a, b in zip(docs, with_screen, without, strict=True):
        if on.screen.is_relevant(doc.text):
            assert a == b
        else:
            assert a == DocumentResult(doc_id=doc.id)
    assert with_screen[0].events and with_screen[3].events


def _spans(value: object) -> Iterator[tuple[tuple[int, int], str]]:
    if isinstance(value, BaseModel):
        fields = dict(value)
        span, text = fields.get("span"), fields.get("text")
        if isinstance(span, tuple) and isinstance(text, str):
            yield span, text
        for child in fields.values():
            yield from _spans(child)
    elif isinstance(value, (list, tuple)):
        for child in value:
            yield from _spans(child)


def test_relevance_spans_index_the_original_text(extractors: tuple[Extractor, Extractor]) -> None:
    on, _ = extractors
    text = "\n\n".join(TEXTS)
    result = on.extract(text, published="2024-03-14")
    spans = list(_spans(result))
    assert len(spans) > 5
    for (start, end), value in spans:
        assert text[start:end] == value


# -- recall on the gold sets ------------------------------------------------------------------


def _gold_documents() -> Iterator[tuple[str, str]]:
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                text = row.get("text")
                if text is None:
                    text = (path.parent / row["text_file"]).read_text(encoding="utf-8")
                yield path.name, text


@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason=f"gold sets not found at {GOLD_DIR}")
def test_relevance_recall_on_gold_sets(extractors: tuple[Extractor, Extractor]) -> None:
    """Events found without screening that screening loses: at most 2% in every gold set."""
    on, off = extractors
    by_set: dict[str, list[str]] = {}
    for name, text in _gold_documents():
        by_set.setdefault(name, []).append(text)
    assert by_set
    for name, texts in by_set.items():
        docs = [as_document(text) for text in texts]
        found = lost = 0
        for doc, result in zip(docs, off.extract_many(docs), strict=True):
            assert isinstance(result, DocumentResult)
            found += len(result.events)
            if not on.screen.is_relevant(doc.text):
                lost += len(result.events)
        assert found == 0 or lost / found <= 0.02, (name, lost, found)
