"""Actors for event assembly: :func:`actor_at` maps an argument token to its actor, with a
small, documented coreference for pronouns and definite descriptions."""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Span, Token

from frontwatch.lexicon import table, words
from frontwatch.nlp.extensions import doc_text, entity_root
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
       returned with its own ``text``/``span`` (the words that name the actor, not "its" or
       "the group"); an unresolved pronoun is no actor (None).
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
    if best is None and not _is_pronoun(token):
        return None
    antecedent = resolve_antecedent(doc, token, best)
    if antecedent is None:
        return best.actor if best else None
    return antecedent.actor  # the words that name it, not "its" or "the group"


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
    doc: Doc,
    token: Token,
    anaphor: ActorMention | None = None,
    *,
    depth: int = 0,
) -> ActorMention | None:
    """The antecedent of a pronoun or definite description (simple, documented heuristic).

    Candidates are the top-level actor mentions that end before the anaphor, in its paragraph
    (in its sentence or up to :data:`COREF_SENTENCES` sentences before; from a paragraph's first
    sentence, the last sentence of the paragraph before too), and the antecedents of the
    pronouns there that agree with it ("ISIS ... They captured ... allows them to ... they
    shell": one chain). A candidate is never a place (a mention the geoparser reads as a
    place, in no agent's position: "including Baghdad"); it
    agrees in number ("it" singular or a group name; "they" plural or a group name; "the
    militants" the same guessed type or a named armed group). The nearest sentence wins; in an
    earlier sentence a subject is preferred, in the same sentence the nearest mention.
    """
    mentions: list[ActorMention] = doc._.fw_actors or []
    start = anaphor.start if anaphor is not None else token.i
    scope = _Scope.of(doc)
    here = scope.sentence(token.i)
    lower = token.lower_
    wanted_type: ActorType | None = anaphor.actor.type if anaphor is not None else None
    places = scope.places
    candidates: list[tuple[int, int, int, int, ActorMention]] = []

    def consider(m: ActorMention, at: Token) -> None:
        distance = here - scope.sentence(at.i)
        if distance < 0 or distance > COREF_SENTENCES or not scope.reachable(at.i, token.i):
            return
        plural = _plural(doc, m)
        if lower in SINGULAR_PRONOUNS and plural is True:
            return
        if lower in PLURAL_PRONOUNS and plural is False:
            return
        if anaphor is not None:
            head = doc[anaphor.root].lower_
            if head in ARMED_GROUP_HEADS:
                if m.entry is None or m.entry.kind != "armed_group":
                    return
            elif wanted_type is not None and m.actor.type != wanted_type:
                return
        subject = at.dep_ in ("nsubj", "nsubjpass")
        # in earlier sentences, and for a possessive in its own ("Libya offered to hand over
        # to Britain two of its nationals"), the subject first; else the nearest
        by_subject = distance > 0 or token.tag_ == "PRP$"
        order = -at.i if not by_subject else (0 if subject else 1) * 10_000 - at.i
        rank = (distance, 0 if not by_subject else (0 if subject else 1), order)
        candidates.append((_head_match(doc, anaphor, m), *rank, m))

    for m in mentions:
        if m.nested or m.end > start or m.is_place_like or m is anaphor:
            continue
        if m.actor.name is None and m.actor.type is None:
            continue
        if place_usage(doc[m.root], places):
            continue  # "including potentially Baghdad": a place, not a party
        if _apposition_of_name(doc, m, mentions):
            continue  # "the NUT, the umbrella union": the name stands for both
        consider(m, doc[m.root])
    if depth < 2 and (lower in SINGULAR_PRONOUNS or lower in PLURAL_PRONOUNS):
        same = SINGULAR_PRONOUNS if lower in SINGULAR_PRONOUNS else PLURAL_PRONOUNS
        first = max(0, scope.sentence_start(max(0, here - COREF_SENTENCES)))
        for i in range(first, start):
            pron = doc[i]
            if pron.lower_ not in same or any(m.start <= i < m.end for m in mentions):
                continue
            found = resolve_antecedent(doc, pron, depth=depth + 1)
            if found is not None:
                consider(found, pron)  # a pronoun of the chain stands for its antecedent
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
    return candidates[0][4]


def _apposition_of_name(doc: Doc, m: ActorMention, mentions: list[ActorMention]) -> bool:
    """``m`` is an unnamed apposition of a named mention ("the Union of Teachers, the umbrella
    union")."""
    root = doc[m.root]
    if m.actor.name is not None or root.dep_ != "appos":
        return False
    head = root.head.i
    return any(
        o is not m and o.start <= head < o.end and (o.actor.name or doc[o.root].pos_ == "PROPN")
        for o in mentions
    )


PLACE_ARGUMENT_PREPS = words("actor_words", "place_argument_preps")
PLACE_NOUNS = words("event_words", "place_nouns")
PARTY_NOUNS = (
    words("event_words", "actor_nouns")
    | words("event_words", "people_nouns")
    | words("event_words", "civilian_nouns")
)


def place_usage(token: Token, places: frozenset[int], *, unknown: bool = False) -> bool:
    """``token`` names a place as where something is, not a party: a mention the geoparser reads
    as a place, the object of a locative preposition ("a base in Hawadley", "marched through
    central Nairobi", "including Baghdad") or of "of" after a place noun ("residential areas of
    El Fasher"). A country or capital as subject, object or possessor stands for its
    government ("Kenya withdrew", "attacked Kuwait") and is no place usage. With ``unknown``
    (the name is no actor the dictionary knows), a proper name the geoparser did not find is
    a place too when a locative preposition other than "of" introduces it (a village the
    gazetteer lacks)."""
    root = entity_root(token)
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    if root.dep_ != "pobj":
        return False
    prep = root.head
    if token.i not in places:
        return unknown and token.pos_ == "PROPN" and prep.lower_ in PLACE_ARGUMENT_PREPS
    if prep.lower_ == "of":  # "the outskirts of Tamar", not "the people of Tamar"
        owner = prep.head
        lemma = owner.lemma_.lower()
        return lemma in PLACE_NOUNS or not (
            owner.ent_type_ or lemma in NOUN_TYPES or lemma in PARTY_NOUNS or owner.pos_ != "NOUN"
        )
    return prep.lower_ in PLACE_ARGUMENT_PREPS


def literal_places(doc: Doc) -> frozenset[int]:
    """Tokens of the place mentions that the geoparser reads literally (as places)."""
    return _Scope.of(doc).places


PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
AGENT_DEPS = frozenset({"nsubj", "poss", "csubj"})


class _Scope:
    """Sentences, paragraphs and literal place tokens of a Doc, for coreference (the last
    Doc's are kept)."""

    _last: tuple[Doc, object, _Scope] | None = None

    def __init__(self, doc: Doc) -> None:
        self.starts = [s.start for s in doc.sents]  # Token.sent scans: bisect instead
        text = doc_text(doc)
        breaks = [m.start() for m in PARAGRAPH_BREAK.finditer(text)]
        # the paragraph of each sentence: blank lines part paragraphs
        self.paragraph = [bisect.bisect_right(breaks, doc[s].idx) for s in self.starts]
        toponyms = doc._.get("fw_toponyms") if Doc.has_extension("fw_toponyms") else None
        self.places = frozenset(
            i
            for m in (toponyms or [])
            if getattr(m, "role", None) == "literal"
            for i in range(m.start, m.end)
        )

    @classmethod
    def of(cls, doc: Doc) -> _Scope:
        last = cls._last
        places = doc._.get("fw_toponyms") if Doc.has_extension("fw_toponyms") else None
        if last is not None and last[0] is doc and last[1] is places:
            return last[2]
        scope = cls(doc)
        cls._last = (doc, places, scope)
        return scope

    def sentence(self, i: int) -> int:
        return bisect.bisect_right(self.starts, i) - 1

    def sentence_start(self, index: int) -> int:
        return self.starts[index] if self.starts else 0

    def reachable(self, antecedent: int, anaphor: int) -> bool:
        """The antecedent is in the anaphor's paragraph, or ends the paragraph before one whose
        first sentence holds the anaphor."""
        a, b = self.sentence(antecedent), self.sentence(anaphor)
        pa, pb = self.paragraph[a], self.paragraph[b]
        if pa == pb:
            return True
        first_of_b = b == 0 or self.paragraph[b - 1] != pb
        last_of_a = a + 1 < len(self.paragraph) and self.paragraph[a + 1] != pa
        return pb == pa + 1 and first_of_b and last_of_a


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
