"""Actors for event assembly: :func:`actor_at` maps an argument token to its actor, with a
small, documented coreference for pronouns and definite descriptions."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span, Token

from frontwatch.lexicon import table, words
from frontwatch.nlp.extensions import doc_text
from frontwatch.records import Actor, ActorType

from .mentions import (
    ARMED_GROUP_HEADS,
    COREF_SENTENCES,
    DEFINITE_DETS,
    NOUN_TYPES,
    ORGANISATION_NOUNS,
    PLURAL_PRONOUNS,
    SINGULAR_PRONOUNS,
    ActorMention,
)


def actor_at(doc: Doc, token: Token) -> Actor | None:
    """The actor for an argument token: covering mention, governed mention, or antecedent.

    1. a mention whose root is ``token`` (the largest: a coordination over its first member);
    2. else the smallest mention containing ``token``;
    3. else a mention whose root is a syntactic child of ``token`` ("fell to forces of ISIS");
    4. else for a pronoun (it, its, they, them, their, ...) or a definite description without
       a name ("the group", "the militants"), the antecedent (see :func:`resolve_antecedent`),
       returned with the ``text``/``span`` of the pronoun or description itself.
    """
    mentions: list[ActorMention] = doc._.fw_actors or []
    best: ActorMention | None
    rooted = [m for m in mentions if m.root == token.i]
    covering = [m for m in mentions if m.start <= token.i < m.end]
    if rooted:
        best = max(rooted, key=lambda m: m.end - m.start)
    elif covering:
        best = min(covering, key=lambda m: m.end - m.start)
    else:
        children = {c.i for c in token.children}
        # a generic word used as an adjective beside a name describes the head: "Russian
        # civilian advisers" are Russian advisers ("civilian contractors" stay civilians, and
        # "Israeli military policies" are the Israeli military's)
        named = any(c.ent_type_ in ("NORP", "GPE", "ORG") for c in token.lefts)
        governed = [
            m
            for m in mentions
            if m.root in children
            and not m.nested
            and not (
                named
                and doc[m.root].dep_ == "amod"
                and m.entry is not None
                and m.entry.kind == "generic"
            )
        ]
        best = governed[0] if governed else None
    if best is not None and not (best.actor.name is None and _is_definite_description(doc, best)):
        entry = best.entry
        if (
            entry is None
            or entry.kind == "generic"
            or (entry.kind == "police" and not entry.country)
        ):
            return with_place_complement(doc, doc[best.root], best.actor)
        return best.actor
    target_span = (best.start_char, best.end_char) if best else (token.idx, token.idx + len(token))
    if best is None and not _is_pronoun(token):
        return None
    antecedent = resolve_antecedent(doc, token, best)
    if antecedent is None:
        return best.actor if best else None
    return antecedent.actor.model_copy(
        update={"text": doc_text(doc)[target_span[0] : target_span[1]], "span": target_span}
    )


PLACE_COMPLEMENT_PREPS = words("actor_words", "place_complement_preps")


def with_place_complement(doc: Doc, head: Token, actor: Actor) -> Actor:
    """An actor named by a common noun is told apart by where it is: "rebels in the Ivory
    Coast", "security forces in Guinea", "Palestinians of the West Bank". The place phrase
    joins the text (and span) when it follows the actor's head directly; named actors keep
    their text."""
    if actor.members or not actor.span[0] <= head.idx < actor.span[1]:
        return actor
    for prep in head.rights:
        if prep.dep_ != "prep" or prep.lower_ not in PLACE_COMPLEMENT_PREPS:
            continue
        if prep.idx < actor.span[1] or doc_text(doc)[actor.span[1] : prep.idx].strip():
            return actor  # not right after the actor's text
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        if not objs or objs[0].ent_type_ not in ("GPE", "LOC"):
            return actor
        end = max(t.idx + len(t) for t in objs[0].subtree)
        return actor.model_copy(
            update={"text": doc_text(doc)[actor.span[0] : end], "span": (actor.span[0], end)}
        )
    return actor


def _is_pronoun(token: Token) -> bool:
    return token.lower_ in SINGULAR_PRONOUNS or token.lower_ in PLURAL_PRONOUNS


def _is_definite_description(doc: Doc, mention: ActorMention) -> bool:
    """ "the group", "the militants": a determiner and a bare actor noun."""
    head = doc[mention.root]
    det = [c for c in head.lefts if c.dep_ == "det"]
    return (
        mention.end - mention.start == 1
        and bool(det)
        and det[0].lower_ in DEFINITE_DETS
        and (head.lower_ in NOUN_TYPES or head.lower_ in ORGANISATION_NOUNS)
    )


def _plural(doc: Doc, mention: ActorMention) -> bool | None:
    """True/False for plural/singular; None for names that take both ("ISIS ... they")."""
    if mention.actor.members:
        return True
    entry = mention.entry
    if (
        entry is not None
        and entry.kind in ("armed_group", "government")
        and doc[mention.root].pos_ == "PROPN"
    ):
        return None
    return doc[mention.root].tag_ in ("NNS", "NNPS")


def resolve_antecedent(
    doc: Doc, token: Token, anaphor: ActorMention | None = None
) -> ActorMention | None:
    """The antecedent of a pronoun or definite description (simple, documented heuristic).

    Candidates are the top-level actor mentions that end before the anaphor, in its sentence
    or up to :data:`COREF_SENTENCES` sentences before, that are not places ("in Iraq") and
    agree in number ("it" singular or a group name; "they" plural or a group name; "the
    militants" the same guessed type or a named armed group). The nearest sentence wins; in an
    earlier sentence a subject is preferred, in the same sentence the nearest mention.
    """
    mentions: list[ActorMention] = doc._.fw_actors or []
    start = anaphor.start if anaphor is not None else token.i
    starts = [s.start for s in doc.sents]  # Token.sent scans for its sentence: bisect instead
    here = bisect.bisect_right(starts, token.i) - 1
    lower = token.lower_
    wanted_type: ActorType | None = anaphor.actor.type if anaphor is not None else None
    candidates: list[tuple[int, int, int, int, ActorMention]] = []
    for m in mentions:
        if m.nested or m.end > start or m.is_place_like or m is anaphor:
            continue
        if m.actor.name is None and m.actor.type is None:
            continue
        distance = here - (bisect.bisect_right(starts, m.start) - 1)
        if distance < 0 or distance > COREF_SENTENCES:
            continue
        plural = _plural(doc, m)
        if lower in SINGULAR_PRONOUNS and plural is True:
            continue
        if lower in PLURAL_PRONOUNS and plural is False:
            continue
        if anaphor is not None:
            head = doc[anaphor.root].lower_
            if head in ARMED_GROUP_HEADS:
                if m.entry is None or m.entry.kind != "armed_group":
                    continue
            elif wanted_type is not None and m.actor.type != wanted_type:
                continue
        subject = doc[m.root].dep_ in ("nsubj", "nsubjpass")
        order = -m.start if distance == 0 else (0 if subject else 1) * 10_000 - m.start
        rank = (distance, 0 if distance == 0 else (0 if subject else 1), order)
        candidates.append((_head_match(doc, anaphor, m), *rank, m))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
    return candidates[0][4]


# what a definite description's head noun says about its antecedent's kind
HEAD_KINDS: dict[str, str] = table("actor_words", "head_kinds")


def _head_match(doc: Doc, anaphor: ActorMention | None, mention: ActorMention) -> int:
    """0 when a definite description's head fits the candidate ("this army" and "the Iraqi
    Army", "the regime" and a government), else 1; pronouns fit everything."""
    if anaphor is None:
        return 0
    head = doc[anaphor.root].lower_
    if head in mention.actor.text.lower():
        return 0
    kind = HEAD_KINDS.get(head)
    name = (mention.actor.name or "").lower()
    if kind == "military" and name.startswith("military forces"):
        return 0
    if kind == "police" and name.startswith("police"):
        return 0
    if kind == "government" and name.startswith("government"):
        return 0
    return 1 if kind is not None else 0


def mentions_in(doc: Doc, span: Span) -> list[ActorMention]:
    """Top-level actor mentions inside a span (a sentence, an evidence window)."""
    mentions: list[ActorMention] = doc._.fw_actors or []
    return [m for m in mentions if not m.nested and span.start <= m.start and m.end <= span.end]
