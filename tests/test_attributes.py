"""Tests for frontwatch.nlp.attributes: the model's attribute-ruler patterns, applied fast.

The sentences are written for these tests; they exercise the pattern forms of the English
model's ruler (tag maps, word-and-tag exceptions, dependency conditions, two-token patterns,
spaces).
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from frontwatch.nlp.attributes import FastAttributeRuler, compile_rules, replace_attribute_ruler
from frontwatch.settings import load_settings

SENTENCES = [
    "Rebels ain't leaving the town, a commander said on Tuesday.",
    "We're gonna hold the bridge, and y'all should go home.",
    "Let's see whether the army gets the convoy through.",
    "There is no ceasefire, and there were no talks.",
    "I told it to them, and they gave it to me.",
    "Did the militia do it?  They did, police said.\n\nThe curfew   starts at 9 p.m.",
    "But the government got what it wanted, but slowly.",
    "That is what they said, and those who fled were counted.",
]


@pytest.fixture(scope="module")
def stock() -> Language:
    return spacy.load(load_settings().model)


@pytest.fixture(scope="module")
def fast() -> Language:
    nlp = spacy.load(load_settings().model)
    assert replace_attribute_ruler(nlp)
    return nlp


def _attributes(nlp: Language, text: str) -> list[tuple[str, str, str, str, str]]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in nlp(text)]


@pytest.mark.parametrize("text", SENTENCES)
def test_attributes_same_as_the_model_ruler(stock: Language, fast: Language, text: str) -> None:
    assert _attributes(fast, text) == _attributes(stock, text)


def test_attributes_replaces_the_ruler_in_place(fast: Language) -> None:
    assert "attribute_ruler" in fast.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), FastAttributeRuler)


def test_attributes_compile_rules() -> None:
    rules = compile_rules(
        [
            {"patterns": [[{"TAG": "NNS"}]], "attrs": {"POS": "NOUN"}, "index": 0},
            {
                "patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]],
                "attrs": {"LEMMA": "to"},
                "index": 1,
            },
            {
                "patterns": [[{"LOWER": "it", "DEP": {"IN": ["dobj", "pobj"]}}]],
                "attrs": {"MORPH": "Case=Acc"},
            },
        ]
    )
    assert rules is not None
    assert [(r.order, len(r.patterns[0]), r.index) for r in rules] == [
        (0, 1, 0),
        (1, 2, 1),
        (2, 1, 0),
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        {"patterns": [[{"LOWER": "a"}, {"LOWER": "b"}, {"LOWER": "c"}]], "attrs": {"POS": "X"}},
        {"patterns": [[{"SHAPE": "dd"}]], "attrs": {"POS": "NUM"}},
        {"patterns": [[{"LOWER": {"FUZZY": "gonna"}}]], "attrs": {"LEMMA": "go"}},
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"ENT_TYPE": "ORG"}},
    ],
)
def test_attributes_unsupported_patterns_keep_the_model_ruler(pattern: dict[str, object]) -> None:
    assert compile_rules([pattern]) is None
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns([pattern])  # type: ignore[list-item]
    assert replace_attribute_ruler(nlp) is False
    assert not isinstance(nlp.get_pipe("attribute_ruler"), FastAttributeRuler)
