"""Background, not news: aggregates over a period and the places and dates they may keep.

A statement that sums up many events ("a war that took the lives of over a million people in
the 2003-2011 Iraq war", "fighting has killed 450 people since January") is coded like an event
but is not one: ACLED codes the single events, never a war's toll. :func:`is_aggregate` tells it
by general marks, none of them tied to a sentence:

* the event's own time expression covers a period longer than :data:`AGGREGATE_DAYS` ("between
  2011 and 2020", "since January", "over the past year"; a calendar unit such as "last month"
  or "in 2014" is a vague date of one event, not a period);
* a war, campaign or occupation (``background.json`` ``period_nouns``) is the event itself, its
  subject ("the war killed ..."), the noun it qualifies ("a war that took ...") or its frame
  ("killed in the civil war"), and no date pins the event to a day or a week. Begun by an
  onset verb (``onset_verbs``: "laid siege to the village", "launched a campaign"), the noun
  is one event, its beginning.

Background events (aggregates, and historical events: dated well before publication) keep only
the place and date their own sentence states: a place or an inferred date borrowed from the
context would fabricate one event out of many (:func:`own_location`, :func:`own_date`).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from ..lexicon import table, words
from ..records import EventDate, Location

#: A stated period longer than this (in days), a year, is not the date of one event: a count
#: over it is a toll ("since 2019", "over the past year"). A shorter one is still a situation's
#: figure ("900,000 have fled since December").
AGGREGATE_DAYS = 366

PERIOD_NOUNS = words("background", "period_nouns")
PERIOD_PREPS = words("background", "period_preps")
ONSET_VERBS = words("background", "onset_verbs")
DURATION_PREPS = words("background", "duration_preps")
TIME_UNITS = frozenset(table("time_words", "units"))

#: Date precisions that pin an event down: with one, a war noun is the event's setting only
#: ("a soldier was killed in the war on Tuesday").
PINNED = frozenset({"day", "week"})


def spans_a_period(date: EventDate | None) -> bool:
    """The event's own time expression is a period longer than :data:`AGGREGATE_DAYS`."""
    if date is None or date.inferred or date.start is None or date.end is None:
        return False
    return date.precision == "range" and (date.end - date.start).days + 1 > AGGREGATE_DAYS


def _is_period(token: Token) -> bool:
    return token.lemma_.lower() in PERIOD_NOUNS or token.lower_ in PERIOD_NOUNS


def period_frame(trigger: Token) -> Token | None:
    """The war or campaign noun that is the event of ``trigger`` or frames it, if any."""
    if _is_period(trigger) and trigger.pos_ in ("NOUN", "PROPN"):
        if trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in ONSET_VERBS:
            return None  # "laid siege to the village", "launched a campaign": its beginning
        return trigger
    if trigger.dep_ in ("relcl", "acl") and _is_period(trigger.head):
        return trigger.head  # "a war that took the lives of ..."
    for child in trigger.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj") and _is_period(child):
            return child  # "the war killed ..."
        if child.dep_ == "prep" and child.lower_ in PERIOD_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj" and _is_period(obj):
                    return obj  # "killed in the civil war"
    return None


def over_a_duration(trigger: Token) -> bool:
    """The event is told as an activity over a span of time, not one act: "have pounded the
    province for weeks", "clashes over the past days" (a plural unit after a period
    preposition)."""
    for child in trigger.children:
        if child.dep_ == "prep" and child.lower_ in DURATION_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.lower_ in TIME_UNITS and obj.tag_ == "NNS":
                    return True
    return False


def is_aggregate(trigger: Span, date: EventDate | None) -> bool:
    """Whether the event of ``trigger`` is an aggregate over a period, not one event."""
    if spans_a_period(date):
        return True
    pinned = date is not None and not date.inferred and date.precision in PINNED
    if pinned:
        return False
    root = trigger.root
    if period_frame(root) is not None:
        return True
    # a noun trigger whose verb carries the frame: "the fighting in the war has killed ..."
    head = root.head
    return root.dep_ in ("nsubj", "nsubjpass", "dobj") and period_frame(head) is not None


def own_location(location: Location | None, sentence: Span) -> Location | None:
    """The location when its sentence names it, else None (nothing borrowed)."""
    if location is None:
        return None
    start, end = location.span
    return location if sentence.start_char <= start and end <= sentence.end_char else None


def own_date(date: EventDate | None) -> EventDate | None:
    """The date when the text states it, else None (no inferred date)."""
    return None if date is None or date.inferred else date
