"""What the event stage reads and writes: :class:`EventCandidate`, the word lists of
``event_words.json`` and ``modality.json``, and the syntax helpers that find participants
and places in the parse."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Doc, Span, Token

from frontwatch.nlp.extensions import entity_root

from ...lexicon import speech_verbs, words
from ...lexicon.events import Frame

logger = logging.getLogger(__name__)


if not Doc.has_extension("fw_events"):
    Doc.set_extension("fw_events", default=None)


ENTITY_LABELS = {"ORG", "NORP", "GPE", "PERSON", "FAC", "LOC"}


ACTOR_NOUNS = words("event_words", "actor_nouns")


SPEECH_VERBS = speech_verbs("statement")


TEMPORAL_PREPS = words("event_words", "temporal_preps")


# how a word depends on a governor whose meaning it takes on ("failed to retake", "risk of war")
COMPLEMENT_DEPS = {
    "xcomp",
    "ccomp",
    "dobj",
    "nsubj",
    "nsubjpass",
    "acl",
    "attr",
    "pcomp",
    "csubj",
    "oprd",
}


WEAPON_FRAMES = words("event_words", "weapon_frames")


#: What a trigger's clause says about it (:meth:`EventDetector._modality_flags`)
ModalityFlag = Literal[
    "negated",
    "hypothetical",
    "future",
    "obligation",  # must, should
    "conditional",  # if, unless
    "purpose",  # "efforts to take down ISIS"
    "would",
    "stated",  # the content of a speech or intention verb
    "prepared",  # "prepared to resume shelling"
    "offered",  # "offered to hand over"
]


# (label, weight, the forms matched, (first token, last token))
CueMatch = tuple[str, float, frozenset[str], tuple[int, int]]


NOT_TARGET_DEPS = {
    "nsubj",
    "nsubjpass",
    "aux",
    "auxpass",
    "neg",
    "punct",
    "cc",
    "mark",
    "npadvmod",
    "advmod",
    "relcl",
    "advcl",
    "parataxis",
    "appos",
}


FINDING_VERBS = words("event_words", "finding_verbs")


OBLIGATION_MODALS = words("modality", "obligation_modals")


STATEMENT_VERBS = words("modality", "statement_verbs")


OFFER_GOVERNORS = words("modality", "offer_governors")


PREPARATION_GOVERNORS = words("modality", "preparation_governors")


INTENT_GOVERNORS = words("modality", "intent_governors")


HOSTILE_FAMILIES = words("event_words", "conflict_families")


HOSTILE_PLOVER = {
    "SANCTION",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "COERCE",
    "ASSAULT",
    "FIGHT",
    "DISAPPROVE",
    "ACCUSE",
}


FUTURE_ADJ = words("modality", "future_adjectives")


HYPOTHETICAL_ADJ = words("modality", "hypothetical_adjectives")


CIVILIAN_NOUNS = words("event_words", "civilian_nouns")


PRONOUNS = words("event_words", "pronouns")


OBJECT_CONTROL_VERBS = words("event_words", "object_control_verbs")

# "face execution", "suffered an attack": the subject undergoes the event, it does not do it
UNDERGO_VERBS = words("event_words", "undergo_verbs")


CONTROL_NOUNS = words("event_words", "control_nouns")


CONTROL_PREPS = words("event_words", "control_preps")


NOUN_TARGET_PREPS = words("event_words", "noun_target_preps")


VERBAL_TARGET_PREPS = words("event_words", "verbal_target_preps")


TARGET_PREPS = words("event_words", "target_preps")


FALL_PREPS = words("event_words", "fall_preps")


CONTENT_PREPS = words("event_words", "content_preps")


INSTRUMENT_PREPS = words("event_words", "instrument_preps")


COMPLEMENT_PREPS = words("event_words", "complement_preps")


# "with regard to X", "regarding X": the governor's stance is about X
TOPIC_PREPS = words("event_words", "topic_preps")


def topic_prep(prep: Token) -> bool:
    """``prep`` opens a topic phrase: "regarding", or "with" of "with regard to"."""
    if prep.lower_ in TOPIC_PREPS:
        return True
    for obj in prep.children:
        if obj.dep_ == "pobj":
            for inner in obj.children:
                phrase = f"{prep.lower_} {obj.lower_} {inner.lower_}"
                if inner.dep_ == "prep" and phrase in TOPIC_PREPS:
                    return True
            return f"{prep.lower_} {obj.lower_}" in TOPIC_PREPS  # "as regards"
    return False


SETTING_PREPS = words("event_words", "setting_preps")


OBJECT_PREPS = words("event_words", "object_preps")


#: Frames of a casualty verb: the result of an event that another clause may name ("killed
#: when an airstrike hit a market", "attacked the base, killing two soldiers").
RESULT_FRAMES = words("event_words", "result_frames")


#: Subordinators of a clause that tells what caused a casualty verb's result.
CAUSE_MARKS = words("event_words", "cause_marks")


CONDITIONAL_MARKS = words("modality", "conditional_marks")


CONDITIONAL_OPENERS = words("modality", "conditional_openers")


NEGATION_WORDS = words("modality", "negation_words")


FAILURE_OUTCOMES = words("modality", "failure_outcomes")


# dependency relations along which an argument or a modal/negation governor is inherited
CLIMB_DEPS = {"xcomp", "conj", "advcl", "acl", "relcl", "pcomp", "ccomp"}


VERB_TAGS = {"VERB", "AUX"}


NOUN_TAGS = {"NOUN", "PROPN"}


@dataclass
class EventCandidate:
    """One trigger and what the parse says about it (token indices into the Doc)."""

    start: int
    end: int
    anchor: int
    frame: Frame
    predicate: int  # token whose clause carries the event (light verb or the anchor)
    arg1: int | None = None
    arg2: int | None = None
    theme: int | None = None  # what was taken/hit when it is not an actor (a place, materiel)
    place_target: int | None = None  # no party targeted, but a place is: "blockaded Paris"
    modality: str = "asserted"
    status: str | None = "completed"
    cues: dict[str, float] = field(default_factory=dict)
    doc_cues: dict[str, float] = field(default_factory=dict)
    sent_cues: dict[str, float] = field(default_factory=dict)  # the whole sentence's
    absorbed: list[int] = field(default_factory=list)  # anchors of merged verb triggers
    prominence: float = 0.4  # 1.0: the main predicate of its sentence
    derived_from: str | None = None  # a stated intention: the frame of the intended event
    theme_lemma: str | None = None
    holding: bool = False  # a frame of a state in the present: who holds a place, no change

    def trigger(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _prep_objects(token: Token, preps: Iterable[str]) -> list[Token]:
    wanted = set(preps)
    out: list[Token] = []
    for prep in token.children:
        if prep.dep_ in ("prep", "agent") and prep.lower_ in wanted:
            out.extend(c for c in prep.children if c.dep_ == "pobj")
    return out


# heads that count or group the real participant: "thousands of students", "a group of
# refugees", "members of the association"
GROUP_NOUNS = words("event_words", "group_nouns")


def _group_head(token: Token) -> Token:
    """The participant behind a counting or grouping head ("Tens of thousands of students")."""
    for _ in range(3):
        if not (token.like_num or token.pos_ == "NUM" or token.lemma_.lower() in GROUP_NOUNS):
            break
        of = [
            c
            for p in token.children
            if p.dep_ == "prep" and p.lower_ == "of"
            for c in p.children
            if c.dep_ == "pobj"
        ]
        if not of:
            break
        token = of[0]
    return token


PLACE_NOUNS = words("event_words", "place_nouns")
# the administrative units a name heads: "Mayom county", "Unity state", "Idlib governorate"
UNIT_NOUNS = (
    words("place_words", "admin_words")
    | words("place_words", "county_words")
    | words("place_words", "district_words")
)


def _is_place(token: Token) -> bool:
    return token.ent_type_ in ("GPE", "LOC", "FAC") or token.lemma_.lower() in PLACE_NOUNS


PARTITIVE_NOUNS = words("event_words", "partitive_nouns")
PARTITIVE_PLACES = words("event_words", "partitive_places")


def place_part(token: Token) -> bool:
    """A part of a place: "parts of the country", "much of the province", "swathes of Syria"."""
    if token.lemma_.lower() not in PARTITIVE_NOUNS and token.lower_ not in PARTITIVE_NOUNS:
        return False
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj" and (
                    _is_place(obj) or obj.lemma_.lower() in PARTITIVE_PLACES
                ):
                    return True
    return False


LOCATIVE_PREPS = words("event_words", "locative_preps")


MODIFIER_DEPS = {"amod", "compound", "nmod"}


# people named by what they are, beside ACTOR_NOUNS and CIVILIAN_NOUNS
PEOPLE_NOUNS = words("event_words", "people_nouns")


OWN_POSSESSIVES = words("event_words", "own_possessives")


def _in_place(token: Token) -> bool:
    """A place named as where something is: "in Algiers", "in northern Israel"."""
    if not token.ent_type_:
        return False
    root = entity_root(token)
    head = root.head
    if token.ent_type_ != "NORP" and root.dep_ in MODIFIER_DEPS and _named_unit(head):
        return True  # "Mayom county", "Unity state" (whatever the tagger called the name)
    if token.ent_type_ not in ("GPE", "LOC", "FAC"):
        return False
    if root.dep_ in MODIFIER_DEPS and head.lemma_.lower() in PLACE_NOUNS:
        return True  # "the Shaar gas field"
    if root.dep_ != "pobj":
        return False
    prep = root.head
    # "in Algiers"; "large areas of Syria"
    return prep.lower_ in LOCATIVE_PREPS or (
        prep.lower_ == "of" and prep.head.lemma_.lower() in PLACE_NOUNS
    )


def frame_moves(cand: EventCandidate) -> bool:
    return cand.frame.name == "mobilize"


def _breadth_first(
    anchor: Token,
    skip: set[int],
    blocked: set[str],
    visit: Callable[[Token], Token | bool | None],
) -> Token | None:
    """Breadth first below ``anchor`` along dependencies not in ``blocked``, leaving out the
    tokens in ``skip``: the first token that ``visit`` returns; ``visit`` returns ``False``
    to leave a token's subtree out, ``None`` to go on below it."""
    queue = [c for c in anchor.children if c.dep_ not in blocked]
    seen: set[int] = set()
    while queue:
        tok = queue.pop(0)
        if tok.i in seen or tok.i in skip:
            continue
        seen.add(tok.i)
        found = visit(tok)
        if found is False:
            continue
        if isinstance(found, Token):
            return found
        queue.extend(c for c in tok.children if c.dep_ not in blocked)
    return None


def _own_forces(token: Token, moved: frozenset[str]) -> bool:
    """The agent's own people, moved or offered: "its troops", "deploy peacekeepers"."""
    if any(c.dep_ == "poss" and c.lower_ in OWN_POSSESSIVES for c in token.children):
        return token.lemma_.lower() in ACTOR_NOUNS or token.lemma_.lower() in PEOPLE_NOUNS
    return token.dep_ in ("dobj", "nsubjpass") and token.head.lemma_.lower() in moved


def _named_unit(token: Token) -> bool:
    """An administrative unit named by a proper-noun compound: "Unity state", "Mayom county"
    (a place, where "the state" or "the Syrian state" may be an actor)."""
    return (
        token.is_lower
        and token.lemma_ in UNIT_NOUNS
        and any(
            c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ != "NORP"
            for c in token.lefts
        )
    )


def _is_actorish(token: Token) -> bool:
    if token.ent_type_ in ENTITY_LABELS:
        return True
    if _named_unit(token):
        return False
    if token.pos_ in NOUN_TAGS and any(
        t.ent_type_ in {"ORG", "NORP", "GPE", "PERSON"} for c in token.lefts for t in c.subtree
    ):
        return True  # "Al Qaeda's North Africa branch", "the Syrian ministry"
    if token.pos_ == "PRON" and token.lower_ in PRONOUNS:
        return True
    return token.lemma_.lower() in ACTOR_NOUNS


def _under_control(verb: Token) -> Token | None:
    """The control noun of "under (X's) control" that ``verb`` governs, if any."""
    for noun in _prep_objects(verb, ["under"]):
        if noun.lemma_.lower() in CONTROL_NOUNS:
            return noun
    return None


def _holder(control: Token) -> Token | None:
    """Who holds what is under ``control``: its possessor ("under their control", "under the
    army's control"), its "of" object ("under the control of Houthi fighters") or the
    modifier that names an actor ("under rebel control", "under Taliban control")."""
    found = _children(control, "poss") or _prep_objects(control, ["of"])
    if found:
        return found[0]
    named = [c for c in _children(control, "compound", "amod", "nmod") if _is_actorish(c)]
    return named[-1] if named else None
