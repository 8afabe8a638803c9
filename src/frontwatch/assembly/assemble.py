"""From an annotated Doc to event records: arguments, coding, confidence, one record per event.

Each candidate of ``fw_events`` gets its actors (``actors.actor_at``), place
(``places.event_location``), date (``time.event_date`` or the inferred ``time.default_date``),
quantities and attribution, then its ACLED/PLOVER coding (:mod:`.coding`) and a confidence.
Mentions of one event within the document (a headline, the lead, a later recap) are merged
into one record that lists every mention.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from frontwatch.nlp.extensions import doc_text, entity_of, entity_root

from ..about import EXTRACTOR_VERSION
from ..coder import Coder
from ..components import actors, attribution, places, quantities, time
from ..components.events import ACTOR_NOUNS, PEOPLE_NOUNS, EventCandidate
from ..lexicon import words
from ..lexicon.events import Lexicon, load_lexicon
from ..records import (
    FACTUAL_MODALITIES,
    Acled,
    Actor,
    Attribution,
    DocumentResult,
    Event,
    EventDate,
    Location,
    Mention,
    Plover,
    Quantity,
    TextSpan,
)
from . import background
from .coding import Coding, code_event
from .learned import (
    DEFAULT_GATE,
    Candidate,
    CoderRow,
    Decision,
    Gate,
    coder_row,
    decide_all,
    propose,
    snippet_row,
)

logger = logging.getLogger(__name__)

MODALITY_FACTOR = {
    "asserted": 1.0,
    "reported": 0.95,
    "future": 0.55,
    "hypothetical": 0.5,
    "negated": 0.4,
}
PEOPLE_LEMMAS = ACTOR_NOUNS | PEOPLE_NOUNS
COMPLEMENT_PREPS = words("actor_words", "complement_preps")  # "the governor of Kirkuk"
STATUS_RANK = {"failed": 3, "attempted": 2, "ongoing": 1, "completed": 0}


@dataclass
class _Draft:
    """An event record in the making, with what merging needs to know."""

    event: Event
    sent_index: int
    mentions: list[Mention] = field(default_factory=list)
    anaphoric: bool = False  # "the massacre", "the attack": a recap of an event told before
    headline: bool = False  # a title line: it names an event, the body tells it
    forces: str | None = None  # the people moved or offered ("troops" sent, "teams" rushed)
    extended: bool = False  # an activity over a span ("pounded the province for weeks")
    holding: bool = False  # a holding told in the present ("gangs that control the capital")


def _span_text(text: str, start: int, end: int) -> TextSpan:
    return TextSpan(text=text[start:end], span=(start, end))


def _actor(doc: Doc, index: int | None) -> Actor | None:
    """The actor of an argument head; a named or actor-like phrase that the dictionary does not
    know still comes out, with its text, a guessed type and ``name: null``."""
    if index is None:
        return None
    leader = _leader_of(doc[index])
    if leader is not None:
        return _leader_actor(doc, leader)
    actor = _actor_phrase(doc, index)
    return _proper_name(doc, actor) if actor is not None else None


def _leader_actor(doc: Doc, leader: Token) -> Actor:
    """The leader's name with the titles before it ("President Suharto"); the dictionary's
    reading of the whole phrase ("Government of Indonesia") is kept when it has one."""
    ent = entity_of(leader)
    start, end = (ent.start, ent.end) if ent is not None else (leader.i, leader.i + 1)
    while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].is_title:
        start -= 1
    begin, finish = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    known = actors.actor_at(doc, leader)
    return _with_reading(doc, begin, finish, known, guessed=known is None)


def _with_reading(doc: Doc, begin: int, end: int, known: Actor | None, **fields: object) -> Actor:
    """An actor for the text ``[begin, end)`` that keeps the dictionary's reading of it
    (name, type, country, Wikidata id) when there is one."""
    reading = (
        {
            "name": known.name,
            "type": known.type,
            "country": known.country,
            "wikidata": known.wikidata,
        }
        if known is not None
        else {}
    )
    return Actor.model_validate(
        {"text": doc_text(doc)[begin:end], "span": (begin, end), **reading, **fields}
    )


LED_NOUNS = words("actor_words", "led_nouns")  # "Assad's regime": the regime of a leader


def _leader_of(token: Token) -> Token | None:
    """A government known by its leader is named by the leader, as PLOVER and CAMEO code it:
    "President Suharto's government", "the government of President Laurent Gbagbo"."""
    if token.lemma_.lower() not in LED_NOUNS:
        return None
    owners = [c for c in token.children if c.dep_ == "poss"] + [
        o
        for p in token.children
        if p.dep_ == "prep" and p.lower_ == "of"
        for o in p.children
        if o.dep_ == "pobj"
    ]
    for owner in owners:
        if owner.ent_type_ == "PERSON":
            return entity_root(owner)
    return None


def _place_actor(doc: Doc, index: int, actor1: Actor | None) -> Actor | None:
    """A place named as the target, by its name only ("northern Israel" -> "Israel"); the
    dictionary's reading of the name ("Government of Israel") is kept when it has one."""
    token = doc[index]
    ent = entity_of(token)
    span = ent if ent is not None else doc[index : index + 1]
    start = span.start
    while start < span.end - 1 and (doc[start].is_lower or doc[start].dep_ == "det"):
        start += 1
    begin, end = doc[start].idx, span.end_char
    if actor1 is not None and actor1.span[0] <= begin < actor1.span[1]:
        return None
    known = actors.actor_at(doc, token)
    if known is not None and known.span == (begin, end):
        return known.model_copy(update={"role": "place"})
    return _with_reading(doc, begin, end, known, role="place")


def _proper_name(doc: Doc, actor: Actor) -> Actor:
    """A person named after a common-noun description starts at the name and its titles:
    "former president Carlos Menem" -> "Carlos Menem", "the party's leader Mahmoud Abbas" ->
    "Mahmoud Abbas"; a phrase that opens with a name keeps its words ("Lebanon's new
    President Elias Hrawi")."""
    if actor.members:
        return actor
    span = doc.char_span(*actor.span, alignment_mode="contract")
    if span is None or len(span) < 2 or span.root.ent_type_ != "PERSON":
        return actor  # not "forces loyal to President Assad"
    first = next((t for t in span if t.dep_ != "det"), None)
    if first is None or not first.is_alpha or not first.is_lower:
        return actor
    start = span.end - 1
    while start > span.start and (doc[start - 1].is_title or doc[start - 1].is_upper):
        start -= 1
    if start == span.start or doc[start].is_lower:
        return actor
    begin = doc[start].idx
    return actor.model_copy(
        update={"text": doc_text(doc)[begin : actor.span[1]], "span": (begin, actor.span[1])}
    )


def _actor_phrase(doc: Doc, index: int) -> Actor | None:
    token = doc[index]
    found = actors.actor_at(doc, token)
    if found is not None:
        return _with_modifiers(doc, token, found)
    if token.pos_ == "ADJ" and token.ent_type_ == "NORP":  # "Palestinian riots"
        return Actor(text=token.text, span=(token.idx, token.idx + len(token.text)), guessed=True)
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    left = [
        t for t in token.lefts if t.dep_ in ("compound", "amod", "nmod", "poss", "det", "nummod")
    ]
    start = min([token.i, *(t.left_edge.i for t in left)])
    if not token.ent_type_ and not any(t.ent_type_ for t in doc[start : token.i + 1]):
        named = _named_in_complement(token)
        return _actor_phrase(doc, named.i) if named is not None else None
    while start < token.i and (
        doc[start].dep_ in ("det", "nummod", "quantmod") or doc[start].like_num
    ):
        start += 1  # "five Chinese engineers": the count is a quantity, not the name
    phrase = doc[start : token.i + 1]
    return Actor(
        text=phrase.text,
        span=(phrase.start_char, phrase.end_char),
        type=actors.guess_type(phrase, token),  # the dictionary's own rule for unknowns
        guessed=True,
    )


MODIFIER_DEPS = ("amod", "compound", "nmod")
NAMED_LABELS = {"ORG", "GPE", "NORP", "PERSON"}


def _named_in_complement(token: Token) -> Token | None:
    """A common noun that names no one is told by the name in its complement: "a mission of
    observers from the OSCE" -> the OSCE, "parties to the conflict in Iraq" -> Iraq."""
    queue = [c for c in token.children if c.dep_ == "prep" and c.lower_ in COMPLEMENT_PREPS]
    while queue:
        tok = queue.pop(0)
        if tok.ent_type_ in NAMED_LABELS:
            return entity_root(tok)
        queue.extend(c for c in tok.children if c.dep_ in ("pobj", "prep", "compound", "poss"))
    return None


def _with_modifiers(doc: Doc, head: Token, actor: Actor) -> Actor:
    """Widen a dictionary match to the modifiers before it ("ethnic Turks", "Iraqi Kurds"):
    the text an analyst reads names the group as the article does; the canonical name stays."""
    if not actor.span[0] <= head.idx < actor.span[1]:
        return actor  # a pronoun's antecedent, or a mention elsewhere
    left = [t for t in head.lefts if t.dep_ in MODIFIER_DEPS and t.pos_ in ("ADJ", "NOUN", "PROPN")]
    if not left or actor.members:
        return actor
    start = min(t.left_edge.idx for t in left)
    if start >= actor.span[0]:
        return actor
    end = actor.span[1]
    return actor.model_copy(update={"text": doc_text(doc)[start:end], "span": (start, end)})


def event_id(doc_id: str, trigger: tuple[int, int], plover: str) -> str:
    """Stable across runs: the same document, trigger and type give the same id."""
    key = f"{doc_id}\x1f{trigger[0]}:{trigger[1]}\x1f{plover}".encode()
    return hashlib.sha1(key).hexdigest()[:16]


@dataclass
class _Coding:
    """What codes the candidates: the learned coder (None: the rules alone) and its gate;
    ``rows`` collects what the coder read of each candidate (for training)."""

    coder: Coder | None = None
    gate: Gate = DEFAULT_GATE
    rows: list[tuple[CoderRow, Event]] | None = None
    scope: str = "all"


def assemble(
    doc: Doc,
    lexicon: Lexicon | None = None,
    coder: Coder | None = None,
    gate: Gate = DEFAULT_GATE,
    scope: str = "all",
) -> DocumentResult:
    """The document's event records; with a ``coder``, the learned coder decides each
    candidate's codes (``scope``: all of them, or the ACLED ones only), whether it is an event
    and its confidence (:mod:`.learned`)."""
    return _assemble(doc, lexicon, _Coding(coder, gate, scope=scope))


def coder_rows(doc: Doc, lexicon: Lexicon | None = None) -> list[tuple[CoderRow, Event]]:
    """What the learned coder reads of each candidate of ``doc``, with the rules' record of
    it (before mentions are merged): the trainer's features of a text."""
    how = _Coding(rows=[])
    _assemble(doc, lexicon, how)
    return how.rows or []


def _assemble(doc: Doc, lexicon: Lexicon | None, how: _Coding) -> DocumentResult:
    lex = lexicon or load_lexicon()
    doc_id = doc._.fw_doc_id or "doc"
    sents = list(doc.sents)
    sent_of = [0] * len(doc)  # token -> index of its sentence
    for index, sent in enumerate(sents):
        sent_of[sent.start : sent.end] = [index] * (sent.end - sent.start)
    text = doc_text(doc)
    drafts: list[_Draft] = []
    place_tokens = actors.literal_places(doc)
    readings: list[Candidate] = []
    for cand in doc._.fw_events or []:
        draft, reading = _draft(doc, text, doc_id, cand, lex, sents, sent_of, how, place_tokens)
        drafts.append(draft)
        if reading is not None:
            readings.append(reading)
    decided: dict[str, Decision] = {}
    if how.coder is not None:
        decisions = decide_all(how.coder, readings, lex, how.gate, how.scope)
        pairs = [(d, x) for d, x in zip(drafts, decisions, strict=True) if not x.drop]
        if how.scope == "acled":
            # the rules' codes decide which mentions are one event; the model's, its ACLED codes
            decided = {d.event.id: x for d, x in pairs}
            drafts = [d for d, _ in pairs]
        else:
            drafts = [_recode(d, x, lex) for d, x in pairs]
    if how.coder is not None and not readings:  # the rules found nothing (not: all dropped)
        proposed = _proposed(doc, text, doc_id, sents, lex, how)
        drafts = [proposed] if proposed is not None else []
    groups = _merge(drafts)
    events = [_combine(group) for group in groups]
    if decided:
        events = [
            _recode_acled(e, _lead(g, decided), lex) for e, g in zip(events, groups, strict=True)
        ]
    holdings = {d.mentions[0].trigger.span for d in drafts if d.holding}
    events = [_settle_control(e, lex, holdings) for e in events]
    events.sort(key=lambda e: e.trigger.span[0])
    return DocumentResult(
        doc_id=doc_id,
        events=events,
        flags=list(doc._.fw_flags or []),
        sources=list(doc._.fw_sources or []),
        toponyms=places.toponyms(doc),
    )


def _draft(
    doc: Doc,
    text: str,
    doc_id: str,
    cand: EventCandidate,
    lex: Lexicon,
    sents: list[Span],
    sent_of: list[int],
    how: _Coding,
    place_tokens: frozenset[int] = frozenset(),
) -> tuple[_Draft, Candidate | None]:
    """The rules' record of a candidate, and what the learned coder reads of it (None when
    no coder is asked)."""
    trigger = cand.trigger(doc)
    sent_index = sent_of[cand.anchor]
    sent = sents[sent_index]
    actor1 = _actor(doc, cand.arg1)
    actor2 = _actor(doc, cand.arg2)
    if actor1 is not None and actor2 is not None and actor1.span == actor2.span:
        actor2 = None
    # the coding and the confidence read the arguments as the sentence gives them
    coded = (actor1, actor2)
    coding = code_event(cand, actor1, actor2, lex)
    # a place is where it happened, never who did it or to whom ("a base in Hawadley"): kept
    # as a place target, after coding and confidence
    if cand.arg1 is not None and actors.place_usage(doc[cand.arg1], place_tokens):
        actor1 = None
    as_place = None
    unknown = actor2 is not None and actor2.name is None
    if cand.arg2 is not None and actors.place_usage(doc[cand.arg2], place_tokens, unknown=unknown):
        as_place = actor2.model_copy(update={"role": "place"}) if actor2 is not None else None
        actor2 = None
    location = places.event_location(doc, trigger)
    date = _event_date(doc, trigger)
    counts = quantities.event_quantities(doc, trigger)
    for absorbed in cand.absorbed:  # "an airstrike hit the market, killing 12": the verb's counts
        for extra in quantities.event_quantities(doc, doc[absorbed : absorbed + 1]):
            if all(extra.span != q.span for q in counts):
                counts.append(extra)
    modality, attr = _sourced(doc, trigger, cand.modality)
    historical = bool(date is not None and time.is_historical(date, doc._.fw_published))
    aggregate = background.is_aggregate(trigger, date)
    extended = background.over_a_duration(trigger.root)
    if historical or aggregate:
        # one event out of many, or long past: only what its own sentence states
        location = background.own_location(location, sent)
        date = background.own_date(date)
    elif extended:
        date = background.own_date(date)  # weeks of strikes: not on the day told before
    trig = _span_text(text, trigger.start_char, trigger.end_char)
    evidence = _evidence(text, sent)
    confidence = _confidence(
        cand,
        coding,
        modality,
        *coded,
        location,
        sent_index,
        historical or aggregate,
        position=cand.anchor - sent.start,
    )
    row = None
    if how.coder is not None or how.rows is not None:
        row = coder_row(doc, sents, sent_index, cand, coding, *coded)
    if actor2 is None and as_place is not None:
        actor2 = as_place  # after coding and confidence, as a place target below
    if actor2 is None and cand.place_target is not None:
        # after coding and confidence: a place as target changes neither
        actor2 = _place_actor(doc, cand.place_target, actor1)
    event = _coded_event(
        doc_id,
        trig,
        coding,
        lex,
        actor1=actor1,
        actor2=actor2,
        location=location,
        date=date,
        quantities=counts,
        status=cand.status if modality in ("asserted", "reported") else None,
        modality=modality,
        attribution=attr,
        evidence=evidence,
        historical=historical,
        aggregate=aggregate,
        confidence=confidence,
    )
    anchor = doc[cand.anchor]
    anaphoric = (
        anchor.pos_ == "NOUN"
        and any(c.dep_ == "det" and c.lower_ in DEFINITE for c in anchor.children)
        and cand.arg1 is None
        and cand.arg2 is None
        and (date is None or date.inferred)
    )
    headline = sent_index == 0 and not evidence.text.rstrip("\"'”’)").endswith((".", "!", "?"))
    forces = cand.theme_lemma if cand.theme_lemma in PEOPLE_LEMMAS else None
    if how.rows is not None and row is not None:
        how.rows.append((row, event))
    reading = None
    if row is not None:
        lead = (cand.prominence, confidence)
        reading = Candidate(row, coding, modality, cand.frame.family, lead)
    draft = _Draft(
        event,
        sent_index,
        [Mention(trigger=trig, evidence=evidence)],
        anaphoric,
        headline,
        forces,
        extended,
        holding=cand.holding,
    )
    return draft, reading


def _event_date(doc: Doc, trigger: Span) -> EventDate | None:
    """The date the text gives the event, else the document's default for it."""
    date = time.event_date(doc, trigger)
    return date if date is not None else time.default_date(doc, trigger)


def _sourced(doc: Doc, trigger: Span, modality: str) -> tuple[str, Attribution | None]:
    """The modality with a source ("reported" when one is named or implied) and the
    attribution (the document's default when the sentence names none)."""
    attr = attribution.attribution_for(doc, trigger)
    if modality == "asserted" and (attr is not None or attribution.is_reported(doc, trigger)):
        modality = "reported"
    return modality, attr if attr is not None else attribution.default_attribution(doc)


def _evidence(text: str, sent: Span) -> TextSpan:
    """The sentence as evidence, without its trailing whitespace."""
    end = sent.start_char + len(sent.text.rstrip())
    return _span_text(text, sent.start_char, end)


def _coded_event(doc_id: str, trig: TextSpan, coding: Coding, lex: Lexicon, **fields: Any) -> Event:
    """An event record of ``coding``'s codes, told by ``trig``."""
    return Event(
        id=event_id(doc_id, trig.span, coding.plover),
        doc_id=doc_id,
        plover=Plover(type=coding.plover, mode=coding.mode),
        acled=_acled(coding, lex),
        category=coding.category,
        trigger=trig,
        mentions=[],
        extractor_version=EXTRACTOR_VERSION,
        **fields,
    )


def _proposed(
    doc: Doc, text: str, doc_id: str, sents: list[Span], lex: Lexicon, how: _Coding
) -> _Draft | None:
    """The learned coder's event for a short text in which the rules found no candidate
    (:func:`~frontwatch.assembly.learned.propose`): told by the first sentence, its main verb
    the trigger; who did it and to whom are the main verb's subject and object when they are
    actors; place, date, counts and source read as for any event."""
    row = snippet_row(doc, sents)
    if how.coder is None or row is None:
        return None
    decision = propose(how.coder, row, lex, how.gate)
    if decision is None:
        return None
    sent = sents[0]
    root = sent.root
    trigger = doc[root.i : root.i + 1]
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    agents = [g for c in root.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    objects = [c for c in root.children if c.dep_ == "dobj"]
    passive = any(c.dep_ == "nsubjpass" for c in subjects)
    doer = agents if passive else subjects
    done_to = subjects if passive else objects
    actor1 = _actor(doc, doer[0].i) if doer else None
    actor2 = _actor(doc, done_to[0].i) if done_to else None
    if actor1 is not None and actor2 is not None and actor1.span == actor2.span:
        actor2 = None
    date = _event_date(doc, trigger)
    if date is not None and time.is_historical(date, doc._.fw_published):
        return None  # long past: background, not the text's news
    modality, attr = _sourced(doc, trigger, "asserted")
    trig = _span_text(text, trigger.start_char, trigger.end_char)
    evidence = _evidence(text, sent)
    event = _coded_event(
        doc_id,
        trig,
        decision.coding,
        lex,
        actor1=actor1,
        actor2=actor2,
        location=places.event_location(doc, trigger),
        date=date,
        quantities=quantities.event_quantities(doc, trigger),
        status="completed",
        modality=modality,
        attribution=attr,
        evidence=evidence,
        historical=False,
        aggregate=False,
        confidence=decision.confidence,
    )
    return _Draft(event, 0, [Mention(trigger=trig, evidence=evidence)])


def _recode(draft: _Draft, decision: Decision, lex: Lexicon) -> _Draft:
    """The draft with the learned coder's codes, modality and confidence."""
    draft.event = _recode_event(draft.event, decision, lex)
    return draft


def _recode_event(event: Event, decision: Decision, lex: Lexicon) -> Event:
    coding = decision.coding
    factual = decision.modality in FACTUAL_MODALITIES
    return event.model_copy(
        update={
            "id": event_id(event.doc_id, event.trigger.span, coding.plover),
            "plover": Plover(type=coding.plover, mode=coding.mode),
            "acled": _acled(coding, lex),
            "category": coding.category,
            "modality": decision.modality,
            "status": event.status if factual else None,
            "confidence": decision.confidence,
        }
    )


def _lead(group: list[_Draft], decided: dict[str, Decision]) -> Decision | None:
    """The decision of an event merged from ``group`` (scope ``"acled"``): its mentions' of
    highest confidence, so that the mention that took its text's label answers for the event
    (an earthquake that killed and injured: the earthquake's disaster, not the rules' attack
    of "killed")."""
    found = [decided[d.event.id] for d in group if d.event.id in decided]
    return max(found, key=lambda x: x.confidence, default=None)


def _recode_acled(event: Event, decision: Decision | None, lex: Lexicon) -> Event:
    """A merged event with the model's ACLED codes and confidence (scope ``"acled"``), and
    its PLOVER type when the model's category contradicts the rules' (:func:`acled_only`)."""
    if decision is None:
        return event
    coding = decision.coding
    update: dict[str, object] = {"acled": _acled(coding, lex), "category": coding.category}
    if event.plover is None or coding.plover != event.plover.type:
        update["plover"] = Plover(type=coding.plover, mode=coding.mode)
        update["id"] = event_id(event.doc_id, event.trigger.span, coding.plover)
    return event.model_copy(update={**update, "confidence": decision.confidence})


def _settle_control(event: Event, lex: Lexicon, holdings: Collection[tuple[int, int]]) -> Event:
    """A change of control that failed or is only attempted is an armed clash (ACLED codes a
    battle as a change of control only when the place changed hands); a holding told in the
    present, by all its mentions (``holdings``: their trigger spans), is no change at all: no
    ACLED code."""
    labels, statuses, unchanged = lex.control_changes
    if event.acled is None:
        return event
    if f"{event.acled.event_type}/{event.acled.sub_event_type}" not in labels:
        return event
    if event.mentions and all(m.trigger.span in holdings for m in event.mentions):
        category = lex.category_of(None, event.plover.type if event.plover else "")
        return event.model_copy(update={"acled": None, "category": category})
    if unchanged is None or event.status not in statuses:
        return event
    event_type, sub = lex.split_acled(unchanged)
    return event.model_copy(update={"acled": Acled(event_type=event_type, sub_event_type=sub)})


def _acled(coding: Coding, lex: Lexicon) -> Acled | None:
    if coding.acled is None:
        return None
    event_type, sub = lex.split_acled(coding.acled)
    return Acled(event_type=event_type, sub_event_type=sub)


def _confidence(
    cand: EventCandidate,
    coding: Coding,
    modality: str,
    actor1: Actor | None,
    actor2: Actor | None,
    location: Location | None,
    sent_index: int,
    historical: bool,
    position: int = 0,
) -> float:
    # the frame's specificity and the clause's centrality weigh most: the primary event of a
    # document is what its main clauses state
    score = 0.3 + 0.35 * cand.frame.strength + 0.2 * cand.prominence
    score += 0.05 if actor1 is not None and actor1.name else (0.02 if actor1 is not None else 0.0)
    score += 0.03 if actor2 is not None else 0.0
    score += 0.03 if location is not None else 0.0
    score += min(0.08, max(coding.margin, 0.0) * 0.02)
    score -= min(0.1, 0.015 * sent_index)
    score -= min(0.02, 0.0005 * position)  # of two equal events, the one stated first
    score -= 0.05 if historical else 0.0
    if (
        coding.category == "verbal"
        and actor1 is not None
        and actor1.type in ("protesters", "rioters")
    ):
        score -= 0.1  # what protesters demand is the content of their protest, not the event
    score *= MODALITY_FACTOR.get(modality, 0.5)
    return round(min(0.99, max(0.01, score)), 3)


# -- one record per event ------------------------------------------------------------------

DEFINITE = words("actor_words", "definite_determiners")
# an unidentified perpetrator may be any named one: it never keeps two mentions apart
WILDCARD_ACTORS = {"Unidentified Armed Group"}


def _same_actor(a: Actor | None, b: Actor | None) -> bool | None:
    """True/False when both are known, None when either is missing."""
    if a is None or b is None or a.name in WILDCARD_ACTORS or b.name in WILDCARD_ACTORS:
        return None
    if a.role == "place" or b.role == "place":
        return None  # a place named as the target says nothing about who was targeted
    if a.name and b.name:
        if a.name == b.name:
            return True
        return bool(a.country and a.country == b.country and a.type == b.type == "state_forces")
    return a.text.lower() == b.text.lower() or None


def _dates_compatible(a: EventDate | None, b: EventDate | None) -> bool:
    if a is None or b is None or a.inferred or b.inferred:
        return True
    if a.start is None or b.start is None or a.end is None or b.end is None:
        return True
    return a.start <= b.end and b.start <= a.end


def _types_compatible(a: Event, b: Event) -> bool:
    if a.category != b.category:
        return False
    if a.acled and b.acled:
        violent = {"Battles", "Explosions/Remote violence"}
        return (
            a.acled.event_type == b.acled.event_type
            or {a.acled.event_type, b.acled.event_type} <= violent
        )
    return a.plover == b.plover


def _plover_type(event: Event) -> str | None:
    return event.plover.type if event.plover is not None else None


def _dated(d: EventDate | None) -> bool:
    return d is not None and not d.inferred and d.start is not None


def _compatible(a: _Draft, b: _Draft) -> bool:
    """Two mentions of one event: nothing conflicts, and something ties them together."""
    x, y = a.event, b.event
    factual = (x.modality in FACTUAL_MODALITIES, y.modality in FACTUAL_MODALITIES)
    if factual[0] != factual[1] or not _types_compatible(x, y):
        return False
    if x.aggregate != y.aggregate or a.extended != b.extended:
        return False  # a war's toll, weeks of strikes: not one of their events
    later = a if a.sent_index > b.sent_index else b
    if later.anaphoric and a.sent_index != b.sent_index:
        return True  # "the government condemned the massacre": the one told before
    if a.forces and b.forces and a.forces != b.forces:
        return False  # "200 troops were sent", then "six teams were rushed": two deployments
    same1 = _same_actor(x.actor1, y.actor1)
    same2 = _same_actor(x.actor2, y.actor2)
    if same1 is False or same2 is False:
        return False
    if x.location and y.location and x.location.geonameid != y.location.geonameid:
        return False
    if not _dates_compatible(x.date, y.date):
        return False
    # the same codes; a mode one trigger names and the other does not ("attacked" and "kill",
    # FIGHT with and without small arms) keeps nothing apart
    same_label = x.acled == y.acled and _plover_type(x) == _plover_type(y)
    same_place = bool(x.location and y.location and x.location.geonameid is not None)
    both_dated = _dated(x.date) and _dated(y.date)
    if same_place and (same1 or same2) and (same_label or both_dated):
        return True
    if same_place and same_label and same1 is None:
        return True  # "the capture of Tikrit" recaps "Tikrit fell to ISIS"
    if min(a.sent_index, b.sent_index) == 0 and same1 and (same_place or same2):
        return True  # the headline
    bare = not _dated(later.event.date)  # an elaboration adds no date of its own
    # (same1 is not False here: a conflict of actors returned above)
    return abs(a.sent_index - b.sent_index) == 1 and bare


def _merge(drafts: list[_Draft]) -> list[list[_Draft]]:
    """The drafts grouped by event: mentions of one event are compatible with each other."""
    groups: list[list[_Draft]] = []
    for draft in sorted(drafts, key=lambda d: -d.event.confidence):
        for group in groups:
            if all(_compatible(draft, other) for other in group):
                group.append(draft)
                break
        else:
            groups.append([draft])
    return groups


def _own_side(actor1: Actor | None, other: Actor) -> bool:
    """An unnamed actor of the agent's own type ("Al-Shabaab fighters attacked ... killed
    dozens of militants"): no target taken from another mention."""
    return actor1 is not None and other.name is None and other.type == actor1.type


def _combine(group: list[_Draft]) -> Event:
    # the record is told by its best mention in the body; a headline only names the event
    group = sorted(group, key=lambda d: (d.headline, -d.event.confidence))
    primary = group[0].event
    if len(group) == 1:
        return primary.model_copy(update={"mentions": group[0].mentions})
    update: dict[str, object] = {}
    for name in ("actor1", "actor2", "location", "attribution"):
        current = getattr(primary, name)
        if (
            current is None
            or (name.startswith("actor") and current.name in WILDCARD_ACTORS)
            or (name == "actor2" and current.role == "place")
            or (
                name == "attribution"
                and primary.attribution is not None
                and primary.attribution.default
            )
        ):
            for other in group[1:]:
                value = getattr(other.event, name)
                if (
                    value is not None
                    and not (name == "attribution" and value.default)
                    and not (name.startswith("actor") and value.name in WILDCARD_ACTORS)
                    and not (name == "actor2" and value.role == "place")
                    and not (name == "actor2" and _own_side(primary.actor1, value))
                ):
                    update[name] = value
                    break
    if primary.date is None or primary.date.inferred:
        for other in group[1:]:
            if other.event.date is not None and not other.event.date.inferred:
                update["date"] = other.event.date
                break
    # a holding told in the present does not make a change told by another mention ongoing
    statuses = [d.event.status for d in group if d.event.status and not d.holding]
    statuses = statuses or [d.event.status for d in group if d.event.status]
    if statuses:
        update["status"] = max(statuses, key=lambda s: STATUS_RANK[s])
    seen: set[tuple[int, int]] = set()
    merged_quantities: list[Quantity] = []
    for draft in group:
        for q in draft.event.quantities:
            if q.span not in seen:
                seen.add(q.span)
                merged_quantities.append(q)
    update["quantities"] = merged_quantities
    mentions = sorted((m for d in group for m in d.mentions), key=lambda m: m.trigger.span[0])
    update["mentions"] = mentions
    if any(d.event.modality == "reported" for d in group) and primary.modality == "asserted":
        attributed = [d.event for d in group if d.event.modality == "reported"]
        update["attribution"] = update.get("attribution") or attributed[0].attribution
    return primary.model_copy(update=update)
