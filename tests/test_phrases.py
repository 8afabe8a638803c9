from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher

from frontwatch.nlp.phrases import TokenPhrases, tokenized

PHRASES = ["Islamic State", "IS", "U.S.-led coalition", "al-Shabaab", "Hay'at Tahrir al-Sham", "US"]
TEXT = (
    "The U.S.-led coalition said Islamic State fighters and al-Shabaab were not linked; "
    "IS denied it, and is said to regroup. ISLAMIC STATE banners flew. The US and us."
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("en")


def test_phrases_match_what_the_phrase_matcher_matches(nlp: Language) -> None:
    tokens = tokenized(nlp, PHRASES, None)
    doc = nlp(TEXT)
    for attr, lower in (("LOWER", True), ("ORTH", False)):
        matcher = PhraseMatcher(nlp.vocab, attr=attr)
        matcher.add("X", list(nlp.tokenizer.pipe(PHRASES)))
        expected = sorted((s, e) for _, s, e in matcher(doc))
        assert list(TokenPhrases(tokens, lower=lower).spans(doc)) == expected


def test_phrases_exact_spans(nlp: Language) -> None:
    doc = nlp(TEXT)
    found = TokenPhrases(tokenized(nlp, PHRASES, None), lower=False).spans(doc)
    assert [doc[s:e].text for s, e in found] == [
        "U.S.-led coalition",
        "Islamic State",
        "al-Shabaab",
        "IS",
        "US",
    ]
    assert len(TokenPhrases([["a", "b"], [], ["a", "b"]], lower=True)) == 1


def test_phrases_tokens_cached_by_texts_and_model(nlp: Language, tmp_path: Path) -> None:
    first = tokenized(nlp, PHRASES, tmp_path)
    (cache,) = tmp_path.glob("phrases-*.json")
    assert json.loads(cache.read_text(encoding="utf-8")) == first
    assert first[2] == ["U.S.-led", "coalition"]
    # a second run reads the file: a changed file shows it was read, not re-tokenized
    cache.write_text(json.dumps([["x"]] * len(PHRASES)), encoding="utf-8")
    assert tokenized(nlp, PHRASES, tmp_path) == [["x"]] * len(PHRASES)
    # other texts, another file; a damaged file is re-tokenized and replaced
    tokenized(nlp, PHRASES[:2], tmp_path)
    assert len(list(tmp_path.glob("phrases-*.json"))) == 2
    cache.write_text("{not json", encoding="utf-8")
    assert tokenized(nlp, PHRASES, tmp_path) == first
    assert json.loads(cache.read_text(encoding="utf-8")) == first
    assert not list(tmp_path.glob(".phrases-*"))


def test_phrases_cache_dir_not_writable(nlp: Language, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")  # a file where the directory should be
    assert tokenized(nlp, PHRASES, blocked / "cache") == tokenized(nlp, PHRASES, None)


def test_phrases_cache_keeps_the_newest_files(nlp: Language, tmp_path: Path) -> None:
    for n in range(1, 12):
        tokenized(nlp, [*PHRASES[:1], f"name {n}"], tmp_path)
    assert len(list(tmp_path.glob("phrases-*.json"))) == 8
    assert tokenized(nlp, [*PHRASES[:1], "name 11"], tmp_path) == [
        ["Islamic", "State"],
        ["name", "11"],
    ]
