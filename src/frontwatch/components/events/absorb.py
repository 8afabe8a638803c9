"""The triggers of one event merged into one candidate: a verb and the noun that is its cause,
its setting or its object ("an airstrike killed", "killed in an airstrike", "launched an
attack"), and a casualty verb and the clause that tells what caused it ("killed when an
airstrike hit a market", "attacked the base, killing two soldiers")."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .arguments import EventArguments
from .words import (
    CAUSE_MARKS,
    NOUN_TAGS,
    OBJECT_PREPS,
    RESULT_FRAMES,
    SETTING_PREPS,
    VERB_TAGS,
    EventCandidate,
    _children,
)


class EventAbsorption(EventArguments):
    """Merges the candidates of one event (a mixin of the event detector)."""

    def _absorb(self, doc: Doc, cands: list[EventCandidate]) -> list[EventCandidate]:
        """Merge a verb trigger into the noun trigger that is its cause or its object.

        "An airstrike killed 12 villagers" and "12 villagers were killed in an airstrike" state
        one event, the airstrike; the verb gives it its victims. "launched an attack" likewise.
        """
        by_anchor = {c.anchor: c for c in cands}
        dropped: set[int] = set()
        for cand in cands:
            self._absorb_cause(doc, cand, by_anchor, dropped)
        # "agreed to a truce", "sent reinforcements": a noun trigger that is the object of a
        # verb trigger of the same PLOVER type states the same event; the more specific
        # frame names it, the verb's arguments stay
        for cand in cands:
            _absorb_object(doc, cand, by_anchor, dropped)
        # a noun trigger that is the object of a light verb already uses it as predicate;
        # a light verb that is itself a trigger ("launched") gives way to the noun.
        for cand in cands:
            if cand.predicate != cand.anchor and cand.predicate in by_anchor:
                dropped.add(cand.predicate)
                by_anchor[cand.predicate].absorbed.append(cand.anchor)
        return [c for c in cands if c.anchor not in dropped]

    def _absorb_cause(
        self,
        doc: Doc,
        cand: EventCandidate,
        by_anchor: dict[int, EventCandidate],
        dropped: set[int],
    ) -> None:
        """A verb trigger and the trigger that is its subject, its setting or, for a casualty
        verb, the clause of its cause ("killed when an airstrike hit"): one event, named by the
        more specific trigger."""
        verb = doc[cand.anchor]
        if verb.pos_ not in VERB_TAGS or verbal(cand):
            return
        other: EventCandidate | None = None
        subject = self._subject(verb)  # "earthquake struck ..., killing 4,000" too
        if subject is not None and subject.i in by_anchor:
            other = by_anchor[subject.i]
        for child in verb.children:
            if child.dep_ == "nsubj" and child.i in by_anchor:
                other = by_anchor[child.i]
            elif child.dep_ == "prep" and child.lower_ in SETTING_PREPS:
                for pobj in _children(child, "pobj"):
                    if pobj.i in by_anchor:
                        other = by_anchor[pobj.i]
        cause = None
        if other is None and cand.frame.name in RESULT_FRAMES:
            other = cause = _cause_clause(verb, by_anchor)
        if other is None or other is cand or verbal(other) or {other.anchor, cand.anchor} & dropped:
            return
        # one event: the cause or the more specific trigger names it, the other gives its
        # arguments
        if other is cause or other.frame.strength > cand.frame.strength or other.frame.out_of_scope:
            keep, lose = other, cand
        else:
            keep, lose = cand, other
        if lose is cand:
            if keep.arg2 is None and cand.arg2 is not None:
                keep.arg2 = cand.arg2
            if keep.arg1 is None and cand.arg1 is not None and cand.arg1 != keep.anchor:
                keep.arg1 = cand.arg1
        _merge_into(keep, lose, dropped)


def _cause_clause(verb: Token, by_anchor: dict[int, EventCandidate]) -> EventCandidate | None:
    """The trigger of the clause that caused a casualty verb's result: the subordinate clause
    "when an airstrike hit a market" (its subject's trigger, else its verb's), or the clause
    whose participle the casualty verb is ("attacked the base, killing two soldiers")."""
    for clause in _children(verb, "advcl"):
        marks = (m for m in clause.children if m.dep_ in ("mark", "advmod"))  # "when": WRB
        if not any(m.lower_ in CAUSE_MARKS for m in marks):
            continue
        for sub in clause.children:
            if sub.dep_ in ("nsubj", "nsubjpass") and sub.i in by_anchor:
                return by_anchor[sub.i]
        if clause.i in by_anchor:
            return by_anchor[clause.i]
    participle = verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp")
    if participle and not any(c.dep_ == "mark" for c in verb.children):
        return by_anchor.get(verb.head.i)
    return None


def _absorb_object(
    doc: Doc,
    cand: EventCandidate,
    by_anchor: dict[int, EventCandidate],
    dropped: set[int],
) -> None:
    """A noun trigger that is the object of a verb trigger of the same PLOVER type."""
    noun = doc[cand.anchor]
    if noun.pos_ not in NOUN_TAGS or cand.anchor in dropped:
        return
    gov = noun.head if noun.dep_ in ("dobj", "attr") else None
    if noun.dep_ == "pobj" and noun.head.lower_ in OBJECT_PREPS:
        gov = noun.head.head
    verb_cand = by_anchor.get(gov.i) if gov is not None else None
    if verb_cand is None or verb_cand.anchor in dropped or verb_cand is cand:
        return
    if verb_cand.frame.plover != cand.frame.plover:
        return
    if cand.frame.strength > verb_cand.frame.strength:
        keep, lose = cand, verb_cand
        if cand.arg1 is None:
            cand.arg1 = verb_cand.arg1
        if cand.arg2 is None:
            cand.arg2 = verb_cand.arg2
        cand.predicate, cand.prominence = verb_cand.predicate, verb_cand.prominence
        cand.modality, cand.status = verb_cand.modality, verb_cand.status
    else:
        keep, lose = verb_cand, cand
    _merge_into(keep, lose, dropped)


def _merge_into(keep: EventCandidate, lose: EventCandidate, dropped: set[int]) -> None:
    """``lose`` is a trigger of ``keep``'s event, and so is every trigger it had taken in."""
    keep.absorbed.append(lose.anchor)
    keep.absorbed.extend(lose.absorbed)
    dropped.add(lose.anchor)


def verbal(cand: EventCandidate) -> bool:
    """A verbal event (a statement, a meeting): never merged with another trigger."""
    return cand.frame.family == "none" and not cand.frame.out_of_scope
