"""Generic state nouns read in context: "the government", "the army", "security forces" are
the government, military or police of the country the text is about at that point.

A mention whose head is a state noun (military, police, government) and that names no country
("The Malian army said it had sent reinforcements. The government condemned the massacre.")
takes the state actor of the one country that the state actors before it name: in its
sentence, else in the sentences just before (:data:`CONTEXT_SENTENCES`). When they name
several countries, or none, it is left as it is (no guess): "Iraqi and US troops ... the army"
stays unnamed.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc

from .dictionary import STATE_KINDS, ActorDictionary
from .mentions import ActorMention, _noun_class

#: How many sentences before a generic state noun its country may be named.
CONTEXT_SENTENCES = 2


def in_context(
    doc: Doc, mentions: Sequence[ActorMention], dictionary: ActorDictionary
) -> list[ActorMention]:
    """``mentions`` with each generic state noun named after its context's country."""
    starts = [s.start for s in doc.sents]
    out: list[ActorMention] = []
    for index, mention in enumerate(mentions):
        kind = _generic_state_kind(doc, mention)
        code = (
            _context_country(doc, mentions[:index], mention, starts, dictionary) if kind else None
        )
        entry = dictionary.state_actor(code, kind) if code and kind else None
        if entry is None:
            out.append(mention)
            continue
        actor = mention.actor.model_copy(
            update={"name": entry.name, "type": entry.type, "country": entry.country}
        )
        mention.actor = actor
        mention.entry = entry
        out.append(mention)
    return out


def _generic_state_kind(doc: Doc, mention: ActorMention) -> str | None:
    """The state kind of a mention that names no country: its head is a state noun, with no
    possessor, and it has no entry, or the generic police entry ("security forces")."""
    if mention.actor.country is not None or mention.is_place_like or mention.actor.members:
        return None
    entry = mention.entry
    if entry is not None and (entry.country is not None or entry.kind != "police"):
        return None  # a named actor; "police" of no country is the generic one
    head = doc[mention.root]
    if any(child.dep_ == "poss" for child in head.children):
        return None  # "their forces", "Iraq's army": the possessor says whose
    kind = _noun_class(head)
    if kind not in STATE_KINDS:
        return None
    return entry.kind if entry is not None else kind


def _context_country(
    doc: Doc,
    before: Sequence[ActorMention],
    mention: ActorMention,
    starts: list[int],
    dictionary: ActorDictionary,
) -> str | None:
    """The one country named by the state actors just before ``mention`` (their countries and
    the countries of their demonyms: "Chadian and Nigerien troops" name two), else None."""
    here = bisect.bisect_right(starts, mention.start) - 1
    countries: set[str] = set()
    for other in before:
        if other.end > mention.start or other.is_place_like:
            continue
        if here - (bisect.bisect_right(starts, other.start) - 1) > CONTEXT_SENTENCES:
            continue
        for actor in other.actor.members or [other.actor]:  # "Iraqi and US troops": both
            if actor.type == "state_forces" and actor.country is not None:
                countries.add(actor.country)
        if other.actor.type == "state_forces":
            words = doc[other.start : other.end]
            countries.update(filter(None, (dictionary.country_of_demonym(t.text) for t in words)))
    return next(iter(countries)) if len(countries) == 1 else None
