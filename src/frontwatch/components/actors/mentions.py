"""Actor mentions (:class:`ActorMention`), the word lists of ``actor_words.json`` that the
noun-phrase rules read, and the helpers that classify a noun phrase."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from frontwatch.lexicon import table, words
from frontwatch.records import Actor, ActorType

from .dictionary import ActorEntry, Relation, normalize

logger = logging.getLogger(__name__)


if not Doc.has_extension("fw_actors"):
    Doc.set_extension("fw_actors", default=None)


def _by_word(groups: dict[str, list[str]]) -> dict[str, Any]:
    """``{"rebel_group": ["rebels", ...]}`` -> ``{"rebels": "rebel_group", ...}`` (a word
    listed twice takes its last label)."""
    return {word: label for label, listed in groups.items() for word in listed}


#: actor types of people who are not organised forces
CROWD_TYPES: tuple[ActorType, ...] = ("civilians", "protesters", "rioters")


NAMING_PARTICIPLES = words("actor_words", "naming_participles")


PLACE_MODIFIED_NOUNS = words("actor_words", "place_modified_nouns")


MILITARY_COLLECTIVES = words("actor_words", "military_collectives")


ARTICLES = words("actor_words", "articles")


ORGANISATION_NOUNS = words("actor_words", "organisation_nouns")


ARMED_GROUP_HEADS = words("actor_words", "armed_group_heads")


MILITARY_NOUNS = words("actor_words", "military_nouns")


POLICE_NOUNS = words("actor_words", "police_nouns")


GOVERNMENT_NOUNS = words("actor_words", "government_nouns")


NOUN_TYPES: dict[str, ActorType] = {
    **dict.fromkeys(MILITARY_NOUNS | POLICE_NOUNS | GOVERNMENT_NOUNS, "state_forces"),
    **_by_word(table("actor_words", "noun_types")),
}


MODIFIER_TYPES: dict[str, ActorType] = _by_word(table("actor_words", "modifier_types"))


#: proper-noun heads that make an unknown name a group ("the Red Hand Brigade")
GROUP_HEADS = words("actor_words", "group_heads")


QUALIFIER_WORDS: dict[str, Relation] = _by_word(table("actor_words", "qualifier_words"))


QUALIFIER_PREPS = words("actor_words", "qualifier_preps")


LEFT_DEPS = frozenset(["amod", "compound", "nmod", "poss", "npadvmod", "advmod", "punct", "case"])


NAMED_LABELS = frozenset(["ORG", "NORP", "GPE", "PERSON", "LOC", "FAC"])


TITLE_WORDS = words("actor_words", "title_words")


LOCATIVE_PREPS = words("actor_words", "locative_preps")


SINGULAR_PRONOUNS = words("actor_words", "singular_pronouns")


PLURAL_PRONOUNS = words("actor_words", "plural_pronouns")


DEFINITE_DETS = words("actor_words", "definite_determiners")


COREF_SENTENCES = 3


@dataclass
class ActorMention:
    """One actor mention: token offsets, character span and the coded record.

    ``nested`` mentions sit inside another one (a coordination member, the object of a
    qualifier); ``is_place_like`` marks a country or capital used as a place ("in Iraq").
    """

    start: int
    end: int
    start_char: int
    end_char: int
    actor: Actor
    root: int
    is_place_like: bool = False
    nested: bool = False
    entry: ActorEntry | None = None

    @property
    def text(self) -> str:
        return self.actor.text

    def span(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


@lru_cache(maxsize=4096)
def _toponym_keys(toponyms: tuple[str, ...]) -> frozenset[str]:
    """The lookup keys of an entry's place-name aliases."""
    return frozenset(normalize(t) for t in toponyms)


def _modifies_thing(span: Span) -> bool:
    """An unknown name used as an adjective of a non-actor noun ("Iraqi cities")."""
    root = span.root
    return (
        root.dep_ in ("amod", "compound", "nmod")
        and root.head.i >= span.end
        and root.head.lower_ not in NOUN_TYPES
        and root.ent_type_ in ("NORP", "")
    )


def _conjuncts(token: Token) -> list[Token]:
    """Conjuncts of a head in order: "troops and militia and forces" (chained or flat)."""
    result: list[Token] = []
    stack = [c for c in token.rights if c.dep_ == "conj"]
    while stack:
        conj = stack.pop(0)
        result.append(conj)
        stack = [c for c in conj.rights if c.dep_ == "conj"] + stack
    return sorted(result, key=lambda t: t.i)


def _noun_class(head: Token) -> str | None:
    lower = head.lower_
    if lower in MILITARY_NOUNS:
        return "military"
    if lower in POLICE_NOUNS:
        return "police"
    if lower in GOVERNMENT_NOUNS:
        return "government"
    kind = NOUN_TYPES.get(lower)
    return kind if kind in CROWD_TYPES else None


def guess_type(span: Span, head: Token) -> ActorType | None:
    """Type of an unknown actor: a telling modifier ("terrorist forces") wins over the head."""
    for token in span:
        if token.i != head.i and token.lower_ in MODIFIER_TYPES:
            return MODIFIER_TYPES[token.lower_]
    if head.pos_ == "PROPN" and head.lower_ in GROUP_HEADS and head.text[:1].isupper():
        return "rebel_group"  # an unknown proper name: "the Red Hand Brigade"
    if head.lower_ in NOUN_TYPES:
        return NOUN_TYPES[head.lower_]
    if head.pos_ == "PROPN" and head.lower_ in GROUP_HEADS:
        return "rebel_group"
    return None


def _strip_article(span: Span) -> Span:
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (doc[start].lower_ in ARTICLES or doc[start].lower_ in ("'s", "’s")):
        start += 1
    while end > start and doc[end - 1].lower_ in ("'s", "’s", "'", "’"):
        end -= 1
    return doc[start:end]


def _sub_spans(span: Span) -> Iterator[Span]:
    """Sub-spans, longest first (to find a known name inside a longer phrase)."""
    n = len(span)
    for size in range(n - 1, 0, -1):
        for i in range(0, n - size + 1):
            yield span[i : i + size]


def _chars(span: Span) -> tuple[int, int]:
    return (span.start_char, span.end_char)
