"""Dates for event assembly: :func:`event_date` (the expression that dates a trigger),
:func:`default_date` (an inferred date) and :func:`is_historical`."""

from __future__ import annotations

import datetime as dt
import functools

from spacy.tokens import Doc, Span, Token

from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers doc._.fw_published)
from frontwatch.records import EventDate

from .context import _Context
from .words import (
    _RESOLUTION,
    HISTORICAL_DAYS,
    MAX_DEFAULT_DAYS,
    TimeLexicon,
    TimeMention,
    _is_verb,
    load_lexicon,
)

_CHAIN_DEPS = ("conj", "advcl", "xcomp")
_TEMPORAL_MARKS = frozenset(_RESOLUTION["temporal_marks"])
_FREE_TIER = 20


def _times(doc: Doc) -> list[TimeMention]:
    return list(doc._.fw_times or [])


def _clause_chain(trigger: Token, report_verbs: frozenset[str]) -> dict[int, int]:
    """Token index -> tier: the trigger (0), the words whose time it shares (1, 2, ...)."""
    chain = {trigger.i: 0}
    token = trigger
    tier = 0
    for _ in range(8):
        head = token.head
        if head.i == token.i:
            break
        if _is_verb(token):
            if token.dep_ in _CHAIN_DEPS:
                tier += 1
            elif token.dep_ in ("acl", "relcl") and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in token.children
            ):
                tier += 2  # "the attempt to retake the city ended last week"
            elif token.dep_ in ("ccomp", "parataxis") and head.lemma_.lower() in report_verbs:
                tier += 5  # "said on Tuesday that ...": the report's date, a weaker cue
            else:
                break
        else:
            if token.dep_ in ("relcl", "appos"):
                break
            tier += 0 if head.pos_ in ("ADP",) else 1
        token = head
        chain.setdefault(token.i, tier)
    for child in trigger.children:  # "launched an attack and captured it last week"
        if child.dep_ == "conj" and _is_verb(child):
            chain.setdefault(child.i, 6)
    for i, tier_i in list(chain.items()):
        # a temporal clause sets the time of its main clause: "as troops advanced in June, ..."
        for child in trigger.doc[i].children:
            if (
                child.dep_ == "advcl"
                and _is_verb(child)
                and any(c.dep_ == "mark" and c.lower_ in _TEMPORAL_MARKS for c in child.children)
            ):
                chain.setdefault(child.i, tier_i + 3)
    return chain


def _attachment_tier(
    doc: Doc, mention: TimeMention, chain: dict[int, int], report_verbs: frozenset[str]
) -> int | None:
    span = doc[mention.tokens[0] : mention.tokens[1]]
    if any(i in chain for i in range(span.start, span.end)):
        return 0
    token = span.root
    for _ in range(12):
        head = token.head
        if head.i == token.i:
            break
        token = head
        if span.start <= token.i < span.end:
            continue
        if token.i in chain:
            return chain[token.i]
        if _is_verb(token):
            if token.dep_ == "ROOT" and (
                token.lemma_.lower() in report_verbs or token.lemma_ == "be"
            ):
                return _FREE_TIER
            noun = token.head
            if token.dep_ in ("relcl", "acl") and noun.dep_ == "pobj" and noun.head.head.i in chain:
                # "captured in an offensive that started last month": the frame event's date
                return chain[noun.head.head.i] + 8
            return None  # dates another verb
    return _FREE_TIER


def event_date(doc: Doc, trigger: Span, *, lexicon: TimeLexicon | None = None) -> EventDate | None:
    """The time expression that dates the event of ``trigger``, or None.

    Prefers expressions attached to the trigger in the parse (or to the verb whose time it
    shares: conjoined verbs, participial adjuncts, the verb of a nominal trigger), then other
    expressions of the sentence that are not attached to another verb.
    """
    report = lexicon.report_verbs if lexicon is not None else _default_report_verbs()
    sent = trigger.sent
    chain = _clause_chain(trigger.root, report)
    best: tuple[int, bool, int, TimeMention] | None = None
    for mention in _times(doc):
        if not sent.start <= mention.tokens[0] < sent.end:
            continue
        if mention.kind == "duration" and not mention.resolved:
            continue  # "fought for three years": how long, not when
        tier = _attachment_tier(doc, mention, chain, report)
        if tier is None:
            continue
        distance = min(abs(mention.tokens[0] - trigger.start), abs(mention.tokens[1] - trigger.end))
        key = (tier, not mention.resolved, distance)
        if best is None or key < best[:3]:
            best = (*key, mention)
    return best[3].to_event_date() if best is not None else None


def default_date(doc: Doc, trigger: Span) -> EventDate | None:
    """An inferred date for an event with no date expression (``inferred=True``).

    The closest preceding resolved, not historical and not vague (at most 62 days) time
    expression of the paragraph (or of the last sentence of the previous paragraph, when the
    trigger is in a paragraph's first sentence); else the 7 days ending at the publication date.
    """
    published: dt.date | None = doc._.fw_published
    mentions = _times(doc)
    ctx = _Context.of(doc, mentions)
    t_char = trigger.start_char
    t_sent = ctx.sentence(trigger.start)
    t_para = ctx.paragraph(t_char)
    para_first_sent = min(
        (i for i, char in enumerate(ctx.sent_chars) if ctx.paragraph(char) == t_para),
        default=t_sent,
    )
    best: TimeMention | None = None
    for mention in mentions:
        if mention.span[1] > t_char or mention.start is None or mention.end is None:
            continue
        if (mention.end - mention.start).days > MAX_DEFAULT_DAYS:
            continue
        if is_historical(mention.to_event_date(), published):
            continue
        para = ctx.paragraph(mention.span[0])
        sent = ctx.sentence(mention.tokens[0])
        same = para == t_para
        carried = t_sent == para_first_sent and para == t_para - 1 and sent == t_sent - 1
        if (same or carried) and (best is None or mention.span[0] > best.span[0]):
            best = mention
    if best is not None:
        return EventDate(start=best.start, end=best.end, precision=best.precision, inferred=True)
    if published is None:
        return None
    return EventDate(
        start=published - dt.timedelta(days=6), end=published, precision="week", inferred=True
    )


def is_historical(date: EventDate, published: dt.date | None) -> bool:
    """True when the date ends more than a year (365 days) before publication."""
    last = date.end or date.start
    if published is None or last is None:
        return False
    return (published - last).days > HISTORICAL_DAYS


@functools.lru_cache(maxsize=1)
def _default_report_verbs() -> frozenset[str]:
    """Reporting verbs of the shipped lexicon (read once, on first use)."""
    return load_lexicon().report_verbs
