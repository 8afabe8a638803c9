"""Quantities for event assembly: :func:`event_quantities`, the counts of a trigger's event."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from frontwatch.records import Quantity

from .mentions import _lemma
from .words import CLAUSE_DEPS, PEOPLE_KINDS, SIDE_KINDS, default_lexicon


def event_quantities(doc: Doc, trigger: Span) -> list[Quantity]:
    """The quantities that belong to the event of ``trigger``.

    Kept: quantities in the trigger's syntactic subtree (its objects and subjects, passive
    subjects, their conjuncts), unless they sit under another clause (a conjoined or
    subordinate verb), except casualty clauses (killed/injured/displaced/detained counts
    attached to the trigger: "an attack that killed 12", "stormed ..., killing 12"); and
    casualty counts of a verb that governs a nominal trigger ("12 were killed in an attack").
    Distances and percentages only when nothing else is found.
    """
    quantities: list[Quantity] = doc._.fw_quantities or []
    if not quantities or not len(trigger):
        return []
    trig = trigger.root
    sent = trig.sent
    chosen: list[Quantity] = []
    for quantity in quantities:
        start, end = quantity.span
        if start < sent.start_char or end > sent.end_char:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        anchor = _anchor(span)
        if _belongs(anchor, trig, trigger, quantity.kind):
            chosen.append(quantity)
    main = [q for q in chosen if q.kind not in SIDE_KINDS]
    return main if main else chosen


def _anchor(span: Span) -> Token:
    """The quantity's syntactic head: the counted noun, or the number itself."""
    root = span.root
    return root


def _belongs(anchor: Token, trig: Token, trigger: Span, kind: str) -> bool:
    if trigger.start <= anchor.i < trigger.end:
        return True
    path = [anchor, *anchor.ancestors]
    if trig in path:
        between = path[1 : path.index(trig)]
        return all(_same_event(token, kind) for token in [anchor, *between] if token != trig)
    # a nominal trigger under the quantity's own predicate, or a coordinated casualty
    # predicate: "12 were killed and 30 wounded in the blast"
    if kind in PEOPLE_KINDS and trig.pos_ in {"NOUN", "PROPN"}:
        quantity_verb = _governing_verb(anchor)
        trigger_verb = _governing_verb(trig)
        if quantity_verb is None or trigger_verb is None:
            return False
        trig_path = [trig, *trig.ancestors]
        between = trig_path[1 : trig_path.index(trigger_verb)]
        if any(t.pos_ in {"VERB", "AUX"} and t.dep_ in CLAUSE_DEPS for t in between):
            return False
        return quantity_verb == trigger_verb or quantity_verb in trigger_verb.conjuncts
    return False


def _governing_verb(token: Token) -> Token | None:
    for ancestor in token.ancestors:
        if ancestor.pos_ in {"VERB", "AUX"}:
            return ancestor
    return None


def _same_event(token: Token, kind: str) -> bool:
    """False for a token heading another clause (another event), unless a casualty clause."""
    if token.dep_ not in CLAUSE_DEPS or token.pos_ not in {"VERB", "AUX"}:
        return True
    lexicon = default_lexicon()
    lemma = _lemma(token)
    cue = lexicon.verbs_object.get(lemma) or lexicon.verbs_subject.get(lemma)
    return kind in PEOPLE_KINDS and cue is not None
